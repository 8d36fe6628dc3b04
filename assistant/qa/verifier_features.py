"""Verifier features: what the answer verifier reads about one candidate sentence.

Pure functions over the answerer's own records, shared by training
(``benchmarks/train_verifier.py``) and answering, so both see the same numbers: the
candidate's scoring signals, its place among the candidates and the passages, how it
compares with the best of them, the abstention signals it would carry as the lead
sentence, and the kind of question asked.

>>> len(FEATURES) == len(set(FEATURES))
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .abstain import FEATURES as ABSTAIN
from .candidates import Scored
from .evidence import Evidence
from .question import Question

SIGNALS = ("cosine", "coverage", "typed", "names", "speaker", "defines", "document", "asks",
           "aside", "predicate", "central", "echo", "near", "repeat", "score")
INTENTS = ("factoid", "definition", "cause", "consequence", "stance", "status", "comparison")
WH = ("who", "what", "which", "where", "when", "how", "why")
FEATURES: tuple[str, ...] = (
    *(f"s_{n}" for n in SIGNALS), "s_cue", "position", "passage_rank", "dense", "bm25",
    "score_gap", "cosine_gap", "coverage_gap", "dense_gap", "doc_share", "top_doc",
    *(f"a_{n}" for n in ABSTAIN), *(f"i_{n}" for n in INTENTS), *(f"w_{n}" for n in WH),
    "q_terms", "q_follow_up", "q_types", "d_affinity", "d_affinity_gap", "d_best",
    "d_context", "x_paragraph", "x_lede", "x_neighbour", "x_words", "x_missing",
    "x_number_missing", "x_future", "x_cosine_rank", "x_coverage_rank", "q_outcome",
)
# English cues, not words of any article: a sentence about what is still to come, and a
# question about how something turned out ("what did they decide", "who ended up ...").
_FUTURE = re.compile(r"\b(will|would|shall|is due|are due|was due|is expected|are expected|"
                     r"is set to|are set to|plans? to|planned|is to|are to|scheduled|"
                     r"next (week|month|year|spring|summer|autumn|winter)|later this)\b", re.I)
_OUTCOME = re.compile(r"\b(did .{0,40}\b(decide|rule|vote|find|conclude|agree|choose|pick|sign|"
                      r"approve|reject)|end(ed)? up|what happened|outcome|result of|in the end|"
                      r"eventually|finally|was it (approved|passed|rejected)|did it (pass|go))\b",
                      re.I)
_NUMBER = re.compile(r"\b\d[\d,.]*\b")


@dataclass(frozen=True)
class Documents:
    """What the verifier reads around the candidates of one question: how well each
    candidate's document holds the question's words and which documents the
    conversation's earlier answers quoted (a question about one article names things only
    that article has; a follow-up stays with the article it started in), and per sentence
    its place in its article, its neighbours' likeness to the question, its length and
    how much of the question's weightiest word it leaves out."""

    affinity: Mapping[str, float]
    context: frozenset[str]
    sentence: Mapping[int, tuple[float, ...]] = field(default_factory=dict)


def documents(question: Question, evidence: Evidence, ranked: Sequence[Scored],
              qvec: np.ndarray | None = None) -> Documents:
    """The :class:`Documents` of one question's candidates (``qvec``: its vector)."""
    terms = question.query_weights or question.weights
    total = sum(terms.values()) or 1.0
    ids = {c.passage.source_id for c in ranked}
    affinity = {d: sum(w for t, w in terms.items() if t in evidence.doc_terms(d)) / total
                for d in ids}
    context = frozenset(evidence.sentences[r].doc_id for r in question.context_rows)
    heaviest = max(terms.values(), default=1.0)
    per_row = {}
    for c in ranked[:16]:  # the verifier reads the best dozen
        s = evidence.sentences[c.row]
        near = [r for r in (c.row - 1, c.row + 1) if 0 <= r < len(evidence.sentences)
                and evidence.sentences[r].doc_id == s.doc_id]
        neighbour = max((float(evidence.vectors[r] @ qvec) for r in near), default=0.0) \
            if qvec is not None else 0.0
        words = evidence.tokens(c.row)
        missing = max((w for t, w in terms.items() if t not in words), default=0.0)
        numbers = set(_NUMBER.findall(question.text))
        per_row[c.row] = (float(s.paragraph), float(s.paragraph == 1), neighbour,
                          len(s.text.split()) / 40.0, missing / heaviest,
                          float(bool(numbers - set(_NUMBER.findall(s.text)))),
                          float(bool(_FUTURE.search(s.text))))
    return Documents(affinity, context, per_row)


def candidate_features(question: Question, ranked: Sequence[Scored], i: int,
                       lead: Mapping[str, float], docs: Documents) -> list[float]:
    """The feature vector of ``ranked[i]`` (``lead``: its abstention signals as the lead;
    ``docs``: :func:`documents` of the question)."""
    s = ranked[i]
    top = ranked[:5]
    doc_of = [c.passage.source_id for c in top]
    best_passage = min(ranked, key=lambda c: c.passage.rank).passage.source_id
    values = [float(getattr(s, n)) for n in SIGNALS] + [
        float(bool(s.cue)), float(i), float(s.passage.rank), s.passage.dense_score,
        s.passage.bm25_score,
        s.score - ranked[0].score, s.cosine - max(c.cosine for c in ranked),
        s.coverage - max(c.coverage for c in ranked),
        s.passage.dense_score - max(c.passage.dense_score for c in ranked),
        doc_of.count(s.passage.source_id) / len(top),
        float(s.passage.source_id == best_passage)]
    values += [float(lead[n]) for n in ABSTAIN]
    values += [float(question.intent == n) for n in INTENTS]
    values += [float(question.wh == n) for n in WH]
    values += [float(len(question.weights)), float(question.follow_up),
               float(bool(question.answer_types))]
    mine = docs.affinity.get(s.passage.source_id, 0.0)
    best = max(docs.affinity.values(), default=0.0)
    leaders = [d for d, v in docs.affinity.items() if v >= best - 1e-9]
    values += [mine, mine - best, float(leaders == [s.passage.source_id]),
               float(s.passage.source_id in docs.context)]
    values += list(docs.sentence.get(s.row, (0.0,) * 7))
    values += [_rank_of(s, ranked, "cosine"), _rank_of(s, ranked, "coverage"),
               float(bool(_OUTCOME.search(question.text)))]
    return values


def _rank_of(s: Scored, ranked: Sequence[Scored], signal: str) -> float:
    """The candidate's place by one signal among the candidates (0 best, 1 worst)."""
    better = sum(getattr(c, signal) > getattr(s, signal) for c in ranked[:12])
    return better / max(1, min(len(ranked), 12) - 1)
