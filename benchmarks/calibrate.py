"""Calibrate the answer policy on a question set and print the figures behind each choice.

    .venv/bin/python benchmarks/calibrate.py [evals/gsomia.jsonl]

1. Sentence scoring: for each weight of word coverage against cosine, the share of
   answerable questions whose chosen sentences contain an accepted answer.
2. Abstention: a logistic regression over the evidence signals (best sentence cosine,
   rare-word coverage, share of question words unknown to the corpus, dense/BM25
   agreement), fitted on answerable vs unanswerable questions. Accuracy is reported by
   5-fold cross-validation so that the figure is not measured on the data it was fit on.
   The fitted weights are what ``assistant.answering.Policy`` holds.
"""

from __future__ import annotations

import dataclasses
import logging
import sys
from pathlib import Path

import numpy as np

from assistant import Assistant, Settings
from assistant.evaluation.metrics import contains_any, load_questions
from assistant.qa.answering import Policy
from assistant.text import tokenize

FEATURES = ("cosine", "coverage", "unknown", "agree", "typed", "unknown_name")


def collect(bot: Assistant, questions: list, policy: Policy) -> tuple[np.ndarray, list[bool]]:
    bot.answerer.policy = policy
    rows, correct = [], []
    for q in questions:
        qvec = bot.embedder.encode_query(q.question)
        passages, _ = bot.retriever.search(
            qvec, tokenize(q.question), bot.settings.top_k, bot.settings.mode
        )
        ranked = bot.answerer.candidates(qvec, q.question, passages)
        feats = bot.answerer.features(ranked[0], q.question, passages)
        rows.append([feats[f] for f in FEATURES])
        text = " ".join(s.sentence.text for s in bot.answerer.select(ranked))
        correct.append(q.answerable and contains_any(text, q.answers))
    return np.array(rows), correct


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 0.01, steps: int = 4000,
                 balanced: bool = False):
    """Logistic regression on standardised features; ``balanced`` weighs the rarer class up."""
    mu, sd = x.mean(0), x.std(0) + 1e-9
    z = (x - mu) / sd
    sample = np.where(y == 1, (1 - y.mean()) / y.mean(), 1.0) if balanced else np.ones(len(y))
    sample /= sample.mean()
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        w -= 0.1 * (z.T @ ((p - y) * sample) / len(y) + l2 * w)
        b -= 0.1 * float(np.mean((p - y) * sample))
    return w / sd, b - float(np.sum(w * mu / sd))  # weights on the raw features


def cross_validate(x: np.ndarray, y: np.ndarray, threshold: float, folds: int = 5):
    order = np.random.default_rng(0).permutation(len(y))
    pred = np.zeros(len(y), dtype=bool)
    for f in range(folds):
        test = order[f::folds]
        train = np.setdiff1d(order, test)
        w, b = fit_logistic(x[train], y[train])
        pred[test] = 1 / (1 + np.exp(-(x[test] @ w + b))) >= threshold
    return pred


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "evals/gsomia.jsonl")
    questions = load_questions(path)
    bot = Assistant.load(Settings.from_env())
    answerable = np.array([q.answerable for q in questions])
    print(f"{len(questions)} questions ({answerable.sum()} answerable) from {path}")
    print("\n1. Sentence scoring: coverage weight -> answer accuracy (no abstention)")
    for w in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
        policy = dataclasses.replace(Policy(), w_coverage=w, w_cosine=1 - w, threshold=0.0)
        _, correct = collect(bot, questions, policy)
        print(f"   w_coverage={w:.1f}: {np.mean(np.array(correct)[answerable]):.3f}")
    x, _ = collect(bot, questions, dataclasses.replace(Policy(), threshold=0.0))
    y = answerable.astype(float)
    w, b = fit_logistic(x, y)
    print("\n2. Abstention model fitted on all questions:")
    print(f"   bias={b:.3f} " + " ".join(f"{n}={v:.3f}" for n, v in zip(FEATURES, w, strict=True)))
    for t in (0.5, 0.6, 0.7, 0.75, 0.8, 0.85):
        pred = cross_validate(x, y, t)
        refusal = np.mean(~pred[~answerable])
        false_refusal = np.mean(~pred[answerable])
        print(
            f"   threshold={t:.2f}: 5-fold CV refusal_rate={refusal:.3f} "
            f"false_refusal_rate={false_refusal:.3f}"
        )


if __name__ == "__main__":
    main()
