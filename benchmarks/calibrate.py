"""Fit the answer weights and the abstention model on the tuning question set.

    .venv/bin/python benchmarks/calibrate.py [--write]

1. Every tuning question (single questions and conversation turns, each with its
   history) is analysed, embedded and retrieved once, exactly as ``Assistant.ask`` does,
   and its candidate sentences keep their signals.
2. Sentence weights: coordinate ascent on answer accuracy (answerable questions, no
   abstention), each weight tried at several multiples of its current value.
3. Abstention: logistic regression over the signals of :mod:`assistant.qa.abstain`,
   answerable vs unanswerable; refusal and false refusal by 5-fold cross-validation, and
   the threshold is the highest whose cross-validated false refusal stays <= 3%.
With ``--write`` the fitted values go to assistant/qa/fitted.json, which the package reads.
The never-tuned sets (evals/intents/test*.jsonl, evals/heldout.jsonl) and the third
article's set are not used here.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
from pathlib import Path

import numpy as np

from assistant import Assistant, Settings
from assistant.evaluation.metrics import (
    EvalQuestion,
    contains_any,
    load_conversations,
    load_questions,
)
from assistant.qa.abstain import FEATURES
from assistant.qa.assemble import Limits, choose
from assistant.qa.candidates import Weights
from assistant.qa.question import analyse, validate_question

ROOT = Path(__file__).parents[1]
# The tuning part: the intent set and its conversations, the earlier sets
# (evals/gsomia.jsonl, evals/followups.jsonl), and everyday questions no news article
# answers (evals/offtopic.jsonl), so that the refusal of plainly unrelated questions is
# learnt from more than a handful of examples, and questions about a detail of something
# the articles mention but never give ("what's the population of Tokyo",
# evals/attributes.jsonl). Never used: evals/intents/test*.jsonl,
# evals/heldout.jsonl and the third article's set.
TUNE_QUESTIONS = (ROOT / "evals/intents/tune.jsonl", ROOT / "evals/gsomia.jsonl",
                  ROOT / "evals/offtopic.jsonl", ROOT / "evals/attributes.jsonl")
TUNE_CONVERSATIONS = (ROOT / "evals/intents/tune_conversations.jsonl",
                      ROOT / "evals/followups.jsonl")
FITTED = ROOT / "assistant/qa/fitted.json"
MAX_FALSE_REFUSAL = 0.03


@dataclasses.dataclass
class Case:
    q: EvalQuestion
    question: object
    ranked: list
    passages: list


def tuning_questions() -> list[tuple[EvalQuestion, list[str]]]:
    out = [(q, []) for path in TUNE_QUESTIONS for q in load_questions(path)]
    for path in TUNE_CONVERSATIONS:
        for conv in load_conversations(path):
            out += [(t, [x.question for x in conv.turns[:i]])
                    for i, t in enumerate(conv.turns)]
    return out


def collect(bot: Assistant) -> list[Case]:
    cases = []
    for q, history in tuning_questions():
        text = validate_question(q.question)
        previous = bot._previous(text, history, None, None)  # what the turn before answered
        question = analyse(q.question, history, bot.corpus, previous)
        qvec = bot.embedder.encode_query(question.query)
        passages, _ = bot.retriever.search(qvec, question.tokens, bot.settings.top_k,
                                           bot.settings.mode, question.answer_types,
                                           question.document, question.cue)
        if question.intent == "document" or not passages:
            ranked = []
        else:
            ranked = bot.answerer.scorer.rank(question, bot._answer_vector(question, qvec),
                                              passages)
        cases.append(Case(q, question, ranked, passages))
    return cases


def outcome(bot: Assistant, case: Case, weights: Weights,
            limits: Limits) -> tuple[bool, list, list]:
    """(answer correct if not abstaining, ranked candidates, chosen sentences)."""
    if not case.ranked:
        text = bot.answerer.answer(case.question, None, case.passages).text
        return case.q.answerable and contains_any(text, case.q.answers), [], []
    ranked = sorted((s.rescored(weights) for s in case.ranked), key=lambda s: (-s.score, s.row))
    chosen = choose(ranked, case.question, bot.answerer.evidence, limits)
    text = " ".join(bot.answerer.evidence.sentences[s.row].text for s in chosen)
    return case.q.answerable and contains_any(text, case.q.answers), ranked, chosen


def accuracy(bot: Assistant, cases: list[Case], weights: Weights, limits: Limits) -> float:
    answerable = [c for c in cases if c.q.answerable]
    return float(np.mean([outcome(bot, c, weights, limits)[0] for c in answerable]))


# Signals that may weigh against a sentence; the others only ever count for it.
SIGNED = {"repeat", "question_penalty"}
MIN_GAIN = 2  # questions: a change must win at least this many to be kept (not noise)


def search(bot: Assistant, cases: list[Case], weights: Weights, limits: Limits) -> Weights:
    best = accuracy(bot, cases, weights, limits)
    gain = MIN_GAIN / sum(c.q.answerable for c in cases)
    print(f"   start: {best:.3f}")
    for _ in range(3):
        improved = False
        for f in dataclasses.fields(Weights):
            value = getattr(weights, f.name)
            factors = (-1.0, 0.5, 2.0) if f.name in SIGNED else (0.5, 0.75, 1.5, 2.0)
            for factor in factors:
                trial = dataclasses.replace(weights, **{f.name: value * factor if value else
                                                       0.05 * factor})
                score = accuracy(bot, cases, trial, limits)
                if score >= best + gain - 1e-9:
                    best, weights, improved = score, trial, True
                    print(f"   {f.name} -> {getattr(weights, f.name):.3f}: {best:.3f}")
        if not improved:
            break
    return weights


def matrix(bot: Assistant, cases: list[Case], weights: Weights,
           limits: Limits) -> tuple[np.ndarray, np.ndarray]:
    rows, labels = [], []
    for case in cases:
        if not case.ranked:
            continue
        _, ranked, chosen = outcome(bot, case, weights, limits)
        feats = bot.answerer.features(case.question, ranked, chosen, case.passages)
        rows.append([feats[n] for n in FEATURES])
        labels.append(float(case.q.answerable))
    return np.array(rows), np.array(labels)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 0.01, steps: int = 4000):
    """Logistic regression on standardised features; weights on the raw features."""
    mu, sd = x.mean(0), x.std(0) + 1e-9
    z = (x - mu) / sd
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        w -= 0.1 * (z.T @ (p - y) / len(y) + l2 * w)
        b -= 0.1 * float(np.mean(p - y))
    return w / sd, b - float(np.sum(w * mu / sd))


def cv_scores(x: np.ndarray, y: np.ndarray, folds: int = 5) -> np.ndarray:
    """Each question's confidence from a model fitted without its fold."""
    order = np.random.default_rng(0).permutation(len(y))
    out = np.zeros(len(y))
    for f in range(folds):
        test = order[f::folds]
        train = np.setdiff1d(order, test)
        w, b = fit_logistic(x[train], y[train])
        out[test] = 1 / (1 + np.exp(-(x[test] @ w + b)))
    return out


def pick_threshold(scores: np.ndarray, y: np.ndarray) -> float:
    best = 0.0
    for t in np.arange(0.05, 0.96, 0.01):
        if np.mean(scores[y == 1] < t) <= MAX_FALSE_REFUSAL:
            best = float(t)
    return round(best, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"write {FITTED.name}")
    parser.add_argument("--no-search", action="store_true",
                        help="keep the sentence weights; refit only the abstention model")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    bot = Assistant.load(Settings.from_env())
    cases = collect(bot)
    print(f"{len(cases)} tuning questions ({sum(c.q.answerable for c in cases)} answerable)")
    print("\n1. Sentence weights (answer accuracy without abstention):")
    weights = bot.answerer.scorer.w
    if not args.no_search:
        weights = search(bot, cases, weights, bot.answerer.limits)
    x, y = matrix(bot, cases, weights, bot.answerer.limits)
    w, b = fit_logistic(x, y)
    scores = cv_scores(x, y)
    threshold = pick_threshold(scores, y)
    print("\n2. Abstention model:")
    print(f"   bias={b:.3f} " + " ".join(f"{n}={v:.3f}" for n, v in zip(FEATURES, w,
                                                                      strict=True)))
    for t in sorted({0.3, 0.4, 0.5, 0.6, threshold}):
        print(f"   threshold {t:.2f}: 5-fold CV refusal {np.mean(scores[y == 0] < t):.3f}, "
              f"false refusal {np.mean(scores[y == 1] < t):.3f}")
    print(f"   chosen threshold: {threshold:.2f} (CV false refusal <= {MAX_FALSE_REFUSAL})")
    if args.write:
        model = {"bias": round(b, 4), **{n: round(float(v), 4) for n, v in zip(FEATURES, w,
                                                                              strict=True)},
                 "threshold": threshold}
        fitted = {"weights": {f.name: round(getattr(weights, f.name), 4)
                              for f in dataclasses.fields(Weights)}, "model": model}
        FITTED.write_text(json.dumps(fitted, indent=2) + "\n", encoding="utf-8")
        print(f"\nWrote {FITTED}.")


if __name__ == "__main__":
    main()
