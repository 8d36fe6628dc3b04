"""How far can the retrieval and answer signals go? A learned ranker, cross-validated.

    .venv/bin/python benchmarks/ranker_ceiling.py [evals/gsomia.jsonl]

The shipped pipeline fuses its signals by hand (reciprocal rank fusion for passages, a
weighted sum for sentences). This script asks whether a better combination of the same
kind of signals would reach the targets: it scores every sentence of the corpus for each
answerable question with 11 signals (cosine to the sentence, to its window and to its
chunk; rare-word coverage of the sentence, its window and its document's header; BM25 of
its window and its chunk; answer type; question form; length), fits a class-balanced
logistic regression on "sentence holds the evidence", and reports by 5-fold
cross-validation (folds by question) how often the top sentence holds the evidence and how
often a chunk holding it is among the 3 chunks ranked by their best sentence. It prints the
in-sample fit too, as an upper bound.
"""

from __future__ import annotations

import logging
import math
import sys
from pathlib import Path

import numpy as np
from calibrate import fit_logistic  # benchmarks/calibrate.py, beside this script

from assistant import Assistant, Settings
from assistant.evaluation.metrics import fold, load_questions
from assistant.qa.answer_types import expected_type, offers_type
from assistant.text import term_weights, tokenize

SIGNALS = ("cos", "cos_window", "cos_chunk", "coverage", "coverage_window", "header",
           "bm25_window", "bm25_chunk", "typed", "is_question", "log_length")


class Corpus:
    """Per-sentence texts, vectors and token sets the signals need, computed once."""

    def __init__(self, bot: Assistant) -> None:
        data, self.retriever = bot.data, bot.retriever
        self.sentences = data.sentences
        self.vectors = data.sentence_vectors
        n = len(self.sentences)
        near = [[j for j in (i - 1, i, i + 1) if 0 <= j < n
                 and self.sentences[j].doc_id == self.sentences[i].doc_id] for i in range(n)]
        window = np.stack([self.vectors[js].sum(0) for js in near])
        self.window_vectors = window / np.linalg.norm(window, axis=1, keepdims=True)
        self.chunk_vectors = np.stack([data.chunk_index.reconstruct(i)
                                       for i in range(len(data.chunks))])
        self.tokens = [set(tokenize(s.text)) for s in self.sentences]
        self.window_tokens = [set().union(*(self.tokens[j] for j in js)) for js in near]
        docs = {d.id: d for d in data.documents}
        self.header_tokens = {d.id: set(tokenize(f"{d.title} {d.author} {d.publisher} {d.date}"))
                              for d in docs.values()}
        self.chunks_of = self.retriever.sentence_chunks

    def signals(self, question: str, qvec: np.ndarray) -> np.ndarray:
        weights = term_weights(question)
        total = sum(weights.values()) or 1.0
        tokens = tokenize(question)
        kind = expected_type(question)
        cos_chunk = self.chunk_vectors @ qvec
        bm25_chunk = _scaled(self.retriever.bm25.get_scores(tokens), tokens)
        bm25_window = _scaled(self.retriever.window_bm25.get_scores(tokens), tokens)
        cos, cos_window = self.vectors @ qvec, self.window_vectors @ qvec
        rows = []
        for i, s in enumerate(self.sentences):
            def share(terms: set[str]) -> float:
                return sum(w for t, w in weights.items() if t in terms) / total
            chunks = self.chunks_of[i]
            rows.append([cos[i], cos_window[i], max(cos_chunk[c] for c in chunks),
                         share(self.tokens[i]), share(self.window_tokens[i]),
                         share(self.header_tokens[s.doc_id] - self.window_tokens[i]),
                         bm25_window[i], max(bm25_chunk[c] for c in chunks),
                         float(offers_type(s.text, kind, question)),
                         float(s.text.rstrip().endswith("?")), math.log(len(s.text.split()) + 1)])
        return np.array(rows)


def _scaled(scores: object, tokens: list[str]) -> np.ndarray:
    values = np.asarray(scores, dtype=float) if tokens else np.zeros(0)
    return values / (values.max() or 1.0) if values.size else values


def fit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Class-balanced logistic regression (calibrate.py's); weights then bias."""
    weights, bias = fit_logistic(x, y, balanced=True)
    return np.r_[weights, bias]


def judge(items: list[tuple[np.ndarray, set[int]]], w: np.ndarray,
          chunks_of: list[list[int]]) -> tuple[int, int]:
    """(top sentence holds evidence, a chunk holding it is in the top 3), counted."""
    top1 = top3 = 0
    for x, gold in items:
        order = np.argsort(-(x @ w[:-1] + w[-1]))
        ranked = list(dict.fromkeys(c for i in order for c in chunks_of[i]))
        top1 += int(order[0]) in gold
        top3 += bool(set(ranked[:3]) & {c for i in gold for c in chunks_of[i]})
    return top1, top3


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "evals/gsomia.jsonl")
    bot = Assistant.load(Settings.from_env())
    corpus = Corpus(bot)
    items = []
    for q in (q for q in load_questions(path) if q.answerable):
        gold = {i for i, s in enumerate(corpus.sentences)
                if any(fold(e) in fold(s.text) or fold(s.text) in fold(e) for e in q.evidence)}
        items.append((corpus.signals(q.question, bot.embedder.encode_query(q.question)), gold))
    n = len(items)
    print(f"{n} answerable questions from {path}; signals: {', '.join(SIGNALS)}")
    everything = fit(*_stack(items))
    top1, top3 = judge(items, everything, corpus.chunks_of)
    print(f"in-sample:  top sentence holds evidence {top1 / n:.3f}; chunk hit@3 {top3 / n:.3f}")
    order = np.random.default_rng(0).permutation(n)
    top1 = top3 = 0
    for f in range(5):
        test = set(order[f::5].tolist())
        w = fit(*_stack([it for i, it in enumerate(items) if i not in test]))
        a, b = judge([items[i] for i in sorted(test)], w, corpus.chunks_of)
        top1, top3 = top1 + a, top3 + b
    print(f"5-fold CV:  top sentence holds evidence {top1 / n:.3f}; chunk hit@3 {top3 / n:.3f}")
    print("weights: " + " ".join(f"{s}={v:.2f}" for s, v in zip(SIGNALS, everything,
                                                                 strict=False)))


def _stack(items: list[tuple[np.ndarray, set[int]]]) -> tuple[np.ndarray, np.ndarray]:
    x = np.vstack([x for x, _ in items])
    y = np.concatenate([[1.0 if i in gold else 0.0 for i in range(len(x))] for x, gold in items])
    return x, y


if __name__ == "__main__":
    main()
