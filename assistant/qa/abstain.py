"""Abstain: is the best evidence good enough to answer, or should the assistant refuse?

A logistic score over signals of the question and of its best sentences. Most weight goes
to what the question asks and the sources lack: a name the sources never mention, an
expected answer type (a date for "when") that no candidate holds, a person whose words are
asked for but never quoted, an abbreviation nothing spells out. The weights are fitted by
``benchmarks/calibrate.py`` on the tuning question set, with cross-validation; the
threshold keeps false refusals at or below 3% there.

>>> Model().confidence({name: 0.0 for name in FEATURES}) < 0.5
True
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields

from ..text import term_weights, tokenize
from .candidates import Scored
from .fitted import section
from .question import Question
from .retrieval import Passage

FEATURES = ("cosine", "coverage", "names", "unknown_name", "unknown_terms", "unknown_nouns",
            "typed_missing", "speaker_missing", "cue", "defines", "defines_missing", "topical",
            "agree", "short", "predicate_missing", "beyond", "insists", "definition",
            "name_missing", "remote", "focus_unknown")
# Below this cosine between the question and its best passage, the sources are about
# something else; "remote" grows from 0 there to 1 at no similarity at all.
REMOTE = 0.2
# Words that ask for a detail finer than a text usually gives ("the exact date",
# "what did he personally say"): English intensifiers, not words of any article.
_INSISTS = re.compile(r"\b(exact|exactly|precise|precisely|specifically|specific|personally|"
                      r"himself|herself|themselves|actually|in detail|detailed)\b", re.I)
# Words that ask about a time after the sources were written.
_LATER = re.compile(r"\b(today|tomorrow|currently|nowadays|these days|right now|at present|"
                    r"later on|since then|anymore|any more|next year|in the future|still today)\b",
                    re.I)
_LIGHT_VERBS = frozenset({"be", "do", "have", "say", "make", "get", "go", "happen", "take",
                          "give", "come", "think", "mean", "know", "let", "want", "see"})


@dataclass(frozen=True)
class Model:
    """Logistic weights of the abstention test; abstain below ``threshold``."""

    bias: float = -2.0
    predicate_missing: float = -1.0
    beyond: float = -1.0
    insists: float = -1.0
    definition: float = 0.0
    name_missing: float = -1.0
    remote: float = -2.0
    focus_unknown: float = -2.0
    cosine: float = 3.0
    coverage: float = 2.0
    names: float = 1.0
    unknown_name: float = -4.0
    unknown_terms: float = -3.0
    unknown_nouns: float = -2.0
    typed_missing: float = -2.5
    speaker_missing: float = -2.5
    cue: float = 0.5
    defines: float = 1.0
    defines_missing: float = -2.0
    topical: float = 2.0
    agree: float = 0.3
    short: float = 0.0
    threshold: float = 0.5

    def confidence(self, features: Mapping[str, float]) -> float:
        z = self.bias + sum(getattr(self, name) * features[name] for name in FEATURES)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    @classmethod
    def from_mapping(cls, values: Mapping[str, float]) -> Model:
        names = {f.name for f in fields(cls)}
        return cls(**{k: float(v) for k, v in values.items() if k in names})

    @classmethod
    def fitted(cls) -> Model:
        """The model ``benchmarks/calibrate.py --write`` fitted (defaults before a fit)."""
        return cls.from_mapping(section("model"))


def features(question: Question, ranked: Sequence[Scored], lead: Scored,
             passages: Sequence[Passage], vocabulary: frozenset[str], lead_terms: frozenset[str],
             latest: str, missing_names: Sequence[str] = ()) -> dict[str, float]:
    """The signals the abstention test weighs, each in 0..1; ``lead`` is the sentence
    the answer rests on, ``lead_terms`` its terms, ``latest`` the newest source's date."""
    best = lead
    top = ranked[:5]
    weights = question.query_weights
    total = sum(weights.values()) or 1.0
    unknown_terms = sum(w for t, w in weights.items() if t not in vocabulary) / total
    by_dense = sorted(passages, key=lambda p: -p.dense_score)[:3]
    by_bm25 = sorted(passages, key=lambda p: -p.bm25_score)[:1]
    typed_asked = bool(question.answer_types) and question.intent in ("factoid",)
    return {
        "cosine": best.cosine,
        "coverage": best.coverage,
        "names": best.names,
        "unknown_name": float(bool(question.unknown)),
        "unknown_terms": unknown_terms,
        "typed_missing": float(typed_asked and not lead.typed),
        "speaker_missing": float(bool(question.speaker) and question.speaker != "author"
                                 and not any(s.speaker for s in top)),
        "cue": float(bool(best.cue)),
        "defines": float(lead.defines),
        "defines_missing": float(question.intent == "definition" and not lead.defines),
        "topical": max((p.dense_score for p in passages), default=0.0),
        "agree": float(bool({p.index for p in by_dense} & {p.index for p in by_bm25})),
        "unknown_nouns": unknown_nouns(question, vocabulary),
        "short": float(len(question.weights) <= 2),
        "predicate_missing": predicate_missing(question, lead_terms),
        "beyond": float(beyond_sources(question, latest)),
        "insists": float(bool(_INSISTS.search(question.text))),
        "definition": float(question.intent == "definition"),
        "name_missing": float(bool(missing_names)),
        "remote": remoteness(passages),
        "focus_unknown": focus_unknown(question, vocabulary),
    }


def remoteness(passages: Sequence[Passage]) -> float:
    """How far below ``REMOTE`` the best passage's cosine to the question lies, in 0..1.

    A linear weight on the cosine alone cannot refuse "why do cats purr?" without also
    refusing paraphrases that share few words; a hinge lets the model punish only
    questions the sources are not about.

    >>> remoteness([])
    1.0
    """
    best = max((p.dense_score for p in passages), default=0.0)
    return max(0.0, min(1.0, (REMOTE - best) / REMOTE))


def predicate_missing(question: Question, lead_terms: frozenset[str]) -> float:
    """1 when the question's main verb (not a light one such as "be" or "say") is neither
    in the sentence the answer rests on nor linked to it by a synonym."""
    parsed = question.parsed
    root = parsed.root() if parsed is not None else None
    if root is None or root.pos != "VERB" or root.lemma.lower() in _LIGHT_VERBS:
        return 0.0
    terms = set(tokenize(root.lemma)) | set(tokenize(root.text))
    return float(bool(terms) and not terms & lead_terms)


def beyond_sources(question: Question, latest: str) -> bool:
    """Does the question ask about a time after the newest source ("today", a later year)?"""
    if _LATER.search(question.text):
        return True
    years = [int(y) for y in re.findall(r"\b(19\d\d|20\d\d)\b", question.text)]
    return bool(latest) and any(y > int(latest[:4]) for y in years)


def unknown_nouns(question: Question, vocabulary: frozenset[str]) -> float:
    """The rarity-weighted share of the question's nouns that the sources never use.

    Nouns carry the topic ("population", "weather"); a paraphrase changes verbs far
    more often than the things it asks about.
    """
    if question.parsed is None:
        return 0.0
    nouns = [t.text for t in question.parsed.tokens if t.pos in ("NOUN", "PROPN")]
    weights = {term: weight for noun in nouns for term, weight in term_weights(noun).items()}
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t not in vocabulary) / total if total else 0.0


def focus_head(question: Question) -> str:
    """The common noun a definition question asks for *of* something: "population" in
    "what is the population of Seoul", "lifespan" in "what was the pact's lifespan".

    Only a focus phrase that also names the thing counts (an attribute of a thing, not
    the thing itself, which ``defines_missing`` covers); the head is the phrase's noun
    whose syntactic head lies outside it.
    """
    parsed = question.parsed
    if parsed is None or question.intent != "definition" or " " not in question.focus:
        return ""
    words = set(question.focus.lower().replace("'s", " ").split())
    inside = [t for t in parsed.tokens if t.lower in words]
    ids = {t.i for t in inside}
    heads = [t for t in inside if t.pos == "NOUN" and (t.head not in ids or t.head == t.i)]
    things = [t for t in inside if t.pos in ("NOUN", "PROPN") and t not in heads]
    # "his name" asks for the name of someone met earlier, not an attribute of a thing
    return heads[0].text if len(heads) == 1 and things else ""


def focus_unknown(question: Question, vocabulary: frozenset[str]) -> float:
    """1 when the attribute a question asks for is a word the sources never use.

    "What is the weather in Tokyo?" names a city the sources mention, but no source
    says anything about weather; a paraphrase usually keeps that noun or a synonym of it.
    """
    terms = set(tokenize(focus_head(question)))
    return float(bool(terms) and not terms & vocabulary)
