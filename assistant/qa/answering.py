"""Answering: pick the sentences that answer a question and cite each one, or abstain.

Offline and extractive. Each sentence of the retrieved passages is scored against the
question by meaning (cosine with the same model) and by words (the share of the
question's rare words it contains). The best one to three sentences become the
answer, each followed by its ``[n]`` marker. When the evidence is too weak on several
signals at once the assistant abstains: it cites nothing and the passages are offered
separately as "not an answer".

>>> compose([("Signed in 2016.", "2020-08"), ("It expired.", "2019-11")])
'In November 2019: It expired. [1] By August 2020: Signed in 2016. [2]'
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..ingest import Sentence, date_label
from ..text import WORD, rarity, tokenize
from .answer_types import gives_reason, offers_type
from .question import Question
from .retrieval import Passage, Retriever

ABSTAIN_TEXT = "The sources do not answer this question."
RARE_WORD = 4.0  # rarity (7 - Zipf frequency) of a name or term of art, e.g. "TISA"
CONTEXT_WEIGHT = 0.25  # other words of an earlier turn, in a follow-up
COMMON_SHARE = 0.3  # a term in more than this share of chunks tells passages apart poorly

# A sentence that opens with a pronoun or a quotation mark usually leaves its speaker or
# subject to the sentence before ('"Japan feels ..." / She said that ...').
_LEANS_BACK = re.compile(r"^\s*(?:[\"\u201c\u2018\u201e\u00ab']|\(?(?:He|She|They|It|This|That|"
                         r"These|Those|His|Her|Their|Its)\b)")


@dataclass(frozen=True)
class Policy:
    """Weights of the sentence score and of the abstention test.

    Calibrated on ``evals/gsomia.jsonl`` with ``benchmarks/calibrate.py``, which
    prints the figures for each setting; see the README's "Abstention" section.
    """

    w_cosine: float = 0.4
    w_coverage: float = 0.6
    w_rank: float = 0.05
    w_type: float = 0.1
    w_reason: float = 0.05
    question_penalty: float = 0.15
    extra_margin: float = 0.06
    max_sentences: int = 3
    # Abstention: a logistic score over evidence signals; abstain below ``threshold``.
    bias: float = -1.453
    w_abs_cosine: float = 0.925
    w_abs_coverage: float = -0.087
    w_abs_unknown: float = -3.765
    w_abs_agree: float = -0.803
    w_abs_typed: float = 5.419
    w_abs_unknown_name: float = -5.148
    threshold: float = 0.7


@dataclass(frozen=True)
class Citation:
    """One quoted sentence and where it comes from."""

    marker: int
    source_id: str
    title: str
    author: str
    publisher: str
    date: str
    quote: str
    start: int
    end: int
    passage: str
    passage_start: int
    paragraph: int
    chunk_id: str
    url: str = ""

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Answer:
    """What :meth:`assistant.Assistant.ask` returns."""

    question: str
    text: str
    abstained: bool
    citations: tuple[Citation, ...]
    passages: tuple[Passage, ...]
    timings_ms: Mapping[str, float] = field(default_factory=dict)
    confidence: float = 0.0
    retrieval_query: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "confidence": round(self.confidence, 4),
            "citations": [c.to_json() for c in self.citations],
            "passages": [p.to_json() for p in self.passages],
            "timings_ms": {k: round(v, 3) for k, v in self.timings_ms.items()},
        }


@dataclass(frozen=True)
class Scored:
    """A candidate sentence with its scores and the best passage that holds it."""

    row: int
    sentence: Sentence
    passage: Passage
    cosine: float
    coverage: float
    typed: bool
    score: float


def focus_weights(question: Mapping[str, float], query: Mapping[str, float],
                  common: frozenset[str] = frozenset()) -> dict[str, float]:
    """Term weights of the question, plus what its context brings.

    In a follow-up the earlier turn says what "it" is, but the new question says what
    is asked. The referent is usually a rare word (a name such as "TISA") that few
    passages use, which keeps its full weight; other words of the earlier turn
    ("signed" in "When was GSOMIA signed?", or "GSOMIA" itself, which every passage
    names) count a quarter, so they do not pick the answer to "Why did Seoul end it?".
    """
    weights = dict(question)
    for term, weight in query.items():
        referent = weight >= RARE_WORD and term not in common
        weights.setdefault(term, weight if referent else CONTEXT_WEIGHT * weight)
    return weights


def compose(parts: Sequence[tuple[str, str]]) -> str:
    """Answer text from ``(sentence, date)`` pairs in order of use, with markers.

    Sentences from sources of different dates are ordered by date and introduced by
    it, since the facts changed over time.
    """
    dated = sorted(enumerate(parts), key=lambda ip: (ip[1][1] or "9999", ip[0]))
    dates = {d for _, (_, d) in dated if d}
    out, previous = [], None
    for marker, (_, (sentence, date)) in enumerate(dated, start=1):
        if len(dates) > 1 and date and date != previous:
            lead = "In" if previous is None else "By"
            out.append(f"{lead} {date_label(date)}:")
        previous = date or previous
        out.append(f"{sentence} [{marker}]")
    return " ".join(out)


class Answerer:
    """Chooses and cites sentences from retrieved passages."""

    def __init__(self, retriever: Retriever, policy: Policy | None = None) -> None:
        data = retriever.data
        self.policy = policy or Policy()
        self.sentences = data.sentences
        self.vectors = data.sentence_vectors
        self.rows = {s.id: i for i, s in enumerate(data.sentences)}
        self.documents = {d.id: d for d in data.documents}
        self.chunks = data.chunks
        # Read from the stored BM25 matrix: tokenising a large corpus again at every
        # load would cost minutes per million chunks.
        self.vocabulary = retriever.chunk_vocabulary
        self.common = retriever.common_chunk_terms(COMMON_SHARE)
        self._sentence_tokens: dict[int, frozenset[str]] = {}

    def sentence_tokens(self, row: int) -> frozenset[str]:
        """The terms of one sentence, tokenised when first scored (few are, per question).

        A sentence that leans back on the one before (a pronoun or a bare quotation
        opening it) also holds the names that sentence gives, so "What does Botto
        suggest?" finds "She said that ..." after a sentence naming Ms. Botto.
        """
        tokens = self._sentence_tokens.get(row)
        if tokens is None:
            own = frozenset(tokenize(self.sentences[row].text))
            tokens = self._sentence_tokens[row] = own | self._names_before(row)
        return tokens

    def _names_before(self, row: int) -> frozenset[str]:
        """Rare capitalised words (rarity >= RARE_WORD: "Botto", "Glosserman", not "Abe")
        of the sentence before, when ``row`` leans back on it within one paragraph."""
        sentence = self.sentences[row]
        before = self.sentences[row - 1] if row > 0 else None
        if (before is None or before.doc_id != sentence.doc_id
                or before.paragraph != sentence.paragraph or not _LEANS_BACK.match(sentence.text)):
            return frozenset()
        return frozenset(t for word in WORD.findall(before.text)
                         if word[0].isupper() and rarity(word.lower()) >= RARE_WORD
                         for t in tokenize(word))

    def candidates(self, qvec: np.ndarray, question: Question,
                   passages: Sequence[Passage]) -> list[Scored]:
        """Every sentence of the passages, best score first."""
        weights = focus_weights(question.weights, question.query_weights, self.common)
        total = sum(weights.values()) or 1.0
        seen: dict[str, Scored] = {}
        for passage in passages:
            for sid in self.chunks[passage.index].sentence_ids:
                if sid in seen:
                    continue
                row = self.rows[sid]
                seen[sid] = self._score(row, passage, qvec, weights, total, question)
        return sorted(seen.values(), key=lambda s: (-s.score, s.row))

    def _score(self, row: int, passage: Passage, qvec: np.ndarray,
               weights: Mapping[str, float], total: float, question: Question) -> Scored:
        p = self.policy
        sentence = self.sentences[row]
        cosine = float(np.dot(self.vectors[row], qvec))
        words = self.sentence_tokens(row)
        coverage = sum(w for t, w in weights.items() if t in words) / total
        typed = offers_type(sentence.text, question.answer_type, question.text)
        reason = question.asks_reason and gives_reason(sentence.text, question.text)
        score = (p.w_cosine * cosine + p.w_coverage * coverage + p.w_rank / passage.rank
                 + p.w_type * typed + p.w_reason * reason)
        if sentence.text.rstrip().endswith("?"):
            score -= p.question_penalty
        return Scored(row, sentence, passage, cosine, coverage, typed, score)

    def features(self, best: Scored, question: Question,
                 passages: Sequence[Passage]) -> dict[str, float]:
        """The signals the abstention test weighs."""
        weights = question.query_weights
        total = sum(weights.values()) or 1.0
        unknown = sum(w for t, w in weights.items() if t not in self.vocabulary) / total
        by_dense = sorted(passages, key=lambda q: -q.dense_score)[:3]
        by_bm25 = sorted(passages, key=lambda q: -q.bm25_score)[:3]
        agree = float(bool({q.index for q in by_dense} & {q.index for q in by_bm25[:1]}))
        unknown_name = float(any(t not in self.vocabulary for t in question.named))
        return {"cosine": best.cosine, "coverage": best.coverage, "unknown": unknown,
                "agree": agree, "typed": float(best.typed), "unknown_name": unknown_name}

    def confidence(self, features: Mapping[str, float]) -> float:
        p = self.policy
        z = (p.bias + p.w_abs_cosine * features["cosine"] + p.w_abs_coverage * features["coverage"]
             + p.w_abs_unknown * features["unknown"] + p.w_abs_agree * features["agree"]
             + p.w_abs_typed * features["typed"]
             + p.w_abs_unknown_name * features["unknown_name"])
        return 1.0 / (1.0 + math.exp(-z))

    def select(self, ranked: Sequence[Scored]) -> list[Scored]:
        """The best sentence plus close runners-up that say something new."""
        p = self.policy
        chosen = [ranked[0]]
        for cand in ranked[1:]:
            if len(chosen) >= p.max_sentences or cand.score < ranked[0].score - p.extra_margin:
                break
            if all(float(np.dot(self.vectors[cand.row], self.vectors[c.row])) < 0.9
                   for c in chosen):
                chosen.append(cand)
        return chosen

    def cite(self, chosen: Sequence[Scored]) -> tuple[str, tuple[Citation, ...]]:
        """Answer text and its citations, markers numbered in order of use."""
        ordered = sorted(chosen, key=lambda s: (self.documents[s.sentence.doc_id].date or "9999",
                                                s.sentence.doc_id, s.sentence.start))
        parts = [(s.sentence.text, self.documents[s.sentence.doc_id].date) for s in ordered]
        citations = tuple(self._citation(n, s) for n, s in enumerate(ordered, start=1))
        return compose(parts), citations

    def _citation(self, marker: int, scored: Scored) -> Citation:
        s, doc = scored.sentence, self.documents[scored.sentence.doc_id]
        chunk = self.chunks[scored.passage.index]
        return Citation(marker, doc.id, doc.title, doc.author, doc.publisher, doc.date, s.text,
                        s.start, s.end, chunk.text, chunk.start, s.paragraph, chunk.id, doc.url)


def answer_from(answerer: Answerer, question: Question, qvec: np.ndarray,
                passages: Sequence[Passage]) -> tuple[str, tuple[Citation, ...], bool, float]:
    """(text, citations, abstained, confidence) for an analysed question."""
    ranked = answerer.candidates(qvec, question, passages) if passages else []
    if not ranked or not question.query_weights:  # "???", "the of and": nothing to look for
        return ABSTAIN_TEXT, (), True, 0.0
    confidence = answerer.confidence(answerer.features(ranked[0], question, passages))
    if confidence < answerer.policy.threshold:
        return ABSTAIN_TEXT, (), True, confidence
    text, citations = answerer.cite(answerer.select(ranked))
    return text, citations, False, confidence


__all__ = ["ABSTAIN_TEXT", "Answer", "Answerer", "Citation", "Policy", "compose"]
