"""Candidates: every sentence of the retrieved passages, scored for one question.

A sentence's score adds what it shares with the question (meaning: cosine with the same
model; words: the share of the question's rare terms it holds; the question's names)
to what the question's intent asks of it: an entity of the expected type for a factoid,
a cause for "why", a condition or outcome for "what if", the named person's words for a
stance, an expansion or a role for a definition, and the document the question names.

>>> weights = focus_weights({"end": 2.0}, {"end": 2.0, "tisa": 4.5, "said": 1.0})
>>> weights["tisa"], weights["said"]
(4.5, 0.25)
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from functools import lru_cache

import numpy as np

from ..text.nlp import Entity
from .answer_types import MAGNITUDE, is_amount, is_point_in_time, offers_type
from .documents import echoes
from .evidence import RARE_WORD, Evidence
from .fitted import section
from .question import Question
from .retrieval import Passage

CONTEXT_WEIGHT = 0.25  # other words of an earlier turn, in a follow-up


@dataclass(frozen=True)
class Weights:
    """How much each signal adds to a sentence's score (fitted on the tuning set)."""

    cosine: float = 0.4
    coverage: float = 0.6
    rank: float = 0.05
    typed: float = 0.15
    names: float = 0.1
    speaker: float = 0.25
    cause: float = 0.08  # a cause, for "why"
    condition: float = 0.08  # a condition or outcome, for "what if"
    purpose: float = 0.08  # a purpose, for "what is it for"
    speech: float = 0.08  # someone's words, for a stance
    defines: float = 0.2
    document: float = 0.15
    question_penalty: float = 0.15
    predicate: float = 0.05
    central: float = 0.05
    echo: float = 0.1
    near: float = 0.05
    repeat: float = 0.0

    @classmethod
    def fitted(cls) -> Weights:
        """The weights ``benchmarks/calibrate.py --write`` fitted (defaults before a fit)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in section("weights").items() if k in names})


@dataclass(frozen=True)
class Scored:
    """A candidate sentence, its signals and score, and the best passage that holds it."""

    row: int
    passage: Passage
    cosine: float
    coverage: float
    typed: bool
    names: float  # share of the question's names the sentence gives
    speaker: bool
    cue: str  # the cue the question's intent asks for and the sentence gives ("" if none)
    defines: bool
    document: int  # +1 in the document the question names, -1 in another, 0 if none named
    asks: bool  # the sentence is itself a question
    aside: bool  # a byline or author bio, for a question not about the author
    predicate: bool = False  # holds the question's main verb
    central: float = 0.0  # how central the sentence is to its document (0..1)
    echo: bool = False  # the question echoes the title of the sentence's document
    near: bool = False  # a follow-up, and the sentence is close to one cited before
    repeat: bool = False  # a follow-up, and the sentence was cited before
    score: float = 0.0

    def rescored(self, w: Weights) -> Scored:
        """The same candidate scored with other weights (used when fitting them)."""
        return replace(self, score=combine(self, w))


def combine(s: Scored, w: Weights) -> float:
    """A candidate's score: its signals, weighted."""
    return (w.cosine * s.cosine + w.coverage * s.coverage + w.rank / s.passage.rank
            + w.typed * s.typed + w.names * s.names + w.speaker * s.speaker
            + (getattr(w, s.cue) if s.cue else 0.0)
            + w.defines * s.defines + w.document * s.document - w.question_penalty * s.asks
            + w.predicate * s.predicate + w.central * s.central
            + w.echo * s.echo * s.central + w.near * s.near + w.repeat * s.repeat)


def focus_weights(question: Mapping[str, float], query: Mapping[str, float],
                  common: frozenset[str] = frozenset(), elliptic: bool = False) -> dict[str, float]:
    """Term weights of the question, plus what its context brings.

    In a follow-up the earlier turn says what "it" is, but the new question says what
    is asked. The referent is usually a rare word (a name such as "TISA") that few
    passages use, which keeps its full weight; other words of the earlier turn count a
    quarter, so they do not pick the answer to "Why did Seoul end it?". An elliptic
    follow-up ("Why did they do that?") has no words of its own: the earlier turn's count
    in full.
    """
    weights = dict(question)
    for term, weight in query.items():
        referent = elliptic or (weight >= RARE_WORD and term not in common)
        weights.setdefault(term, weight if referent else CONTEXT_WEIGHT * weight)
    return weights


class Scorer:
    """Scores the sentences of retrieved passages for analysed questions."""

    def __init__(self, evidence: Evidence, common: frozenset[str],
                 weights: Weights | None = None) -> None:
        self.evidence = evidence
        self.common = common
        self.w = weights or Weights.fitted()

    def rank(self, question: Question, qvec: np.ndarray,
             passages: Sequence[Passage]) -> list[Scored]:
        """Every sentence of the passages, best score first."""
        terms = focus_weights(question.weights, question.query_weights, self.common,
                              elliptic=len(question.weights) <= 1)
        total = sum(terms.values()) or 1.0
        echo = {d: echoes(question.weights, doc.title) for d, doc in
                  self.evidence.documents.items()}
        seen: dict[int, Scored] = {}
        for passage in passages:
            for sid in self.evidence.chunks[passage.index].sentence_ids:
                row = self.evidence.rows[sid]
                if self.evidence.roles[row] != "body" and not _about_author(question):
                    continue  # a byline or bio is never evidence about the subject
                if row not in seen:
                    seen[row] = self.score(row, passage, question, qvec, terms, total,
                                           echo[self.evidence.sentences[row].doc_id])
        return sorted(seen.values(), key=lambda s: (-s.score, s.row))

    def score(self, row: int, passage: Passage, question: Question, qvec: np.ndarray,
              terms: Mapping[str, float], total: float, echo: bool = False) -> Scored:
        ev = self.evidence
        sentence, note = ev.sentences[row], ev.notes[row]
        words = ev.tokens(row)
        document = 0
        if question.document:
            document = 1 if sentence.doc_id == question.document else -1
        scored = Scored(
            row, passage, cosine=float(np.dot(ev.vectors[row], qvec)),
            coverage=coverage(terms, words, sentence.text.lower(), question) / total,
            typed=has_type(sentence.text, note.entities, question),
            names=name_share(sentence.text.lower(), question),
            speaker=speaks(note.speaker, question, ev.documents[sentence.doc_id].author),
            cue=_cue(note.cues, question),
            defines=question.intent == "definition" and question.kind != "purpose"
            and defines_term(sentence.text, question),
            document=document, asks=sentence.text.rstrip().endswith("?"),
            aside=ev.roles[row] != "body" and not _about_author(question),
            predicate=bool(question.predicate) and bool(set(question.predicate) & words),
            central=ev.centrality[row], echo=echo,
            near=any(0 < abs(row - r) <= 2 and ev.sentences[r].doc_id == sentence.doc_id
                     for r in question.context_rows),
            repeat=row in question.context_rows)
        return scored.rescored(self.w)


def coverage(terms: Mapping[str, float], words: frozenset[str], low: str,
             question: Question) -> float:
    """The weight of the question's terms the sentence holds. A name counts as held when
    the sentence gives it in another form ("TISA" spelled out, "Tokyo" as "Japan")."""
    held = {t for t in terms if t in words}
    for mention in question.mentions:
        if mention.forms and _any_of(mention.forms).search(low):
            held.update(t for t in _terms(mention.text) if t in terms)
    return sum(terms[t] for t in held)


@lru_cache(maxsize=4096)
def _any_of(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for any of ``phrases`` as whole words (one search per sentence)."""
    alternatives = "|".join(re.escape(p.lower()) for p in sorted(set(phrases), key=len,
                                                                  reverse=True) if p)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)" if alternatives else r"(?!)")


def _terms(text: str) -> list[str]:
    from ..text import tokenize

    return tokenize(text)


def _cue(cues: Sequence[str], question: Question) -> str:
    return question.cue if question.cue and question.cue in cues else ""


def _about_author(question: Question) -> bool:
    return question.aspect == "author" or (question.intent == "definition" and bool(
        question.mentions))


def has_type(sentence: str, entities: Sequence[Entity], question: Question) -> bool:
    """Does the sentence hold an answer of the expected type that the question lacks?"""
    asked = question.text.lower()
    if question.kind == "year":  # "what year": a day or a month without one will not do
        return any(e.label in ("DATE", "TIME") and YEAR.search(e.text)
                   and e.text.lower() not in asked for e in entities)
    if question.answer_type == "number" and question.answer_types and entities:
        # A count or a sum the tagger found; a bare figure elsewhere is often a measure
        # or a date ("a 400-metre ship" does not say how many containers were lost).
        if _typed_entity(sentence, entities, question, fit=False):
            return True
        return question.kind == "magnitude" and bool(MAGNITUDE.search(sentence))
    if question.kind in ("duration", "magnitude") or question.answer_type in (
            "number", "duration", "time"):
        if offers_type(sentence, question.answer_type, question.text):
            return True
        if question.kind == "magnitude" and MAGNITUDE.search(sentence):
            return True
    if question.intent not in ("factoid", "comparison"):
        return False
    if not question.answer_types:
        return question.answer_type == "" and question.intent == "factoid"
    return _typed_entity(sentence, entities, question)


def _typed_entity(sentence: str, entities: Sequence[Entity], question: Question,
                  fit: bool = True) -> bool:
    """An entity of an answering type the question does not give; with ``fit``, also in
    the place the question wants it (see ``_fits_question``)."""
    asked = question.text.lower()
    return any(e.label in question.answer_types and e.text.lower() not in asked
               and not list_marker(sentence, e) and answers_kind(e, question)
               and (not fit or _fits_question(sentence, e, question)) for e in entities)


def answers_kind(entity: Entity, question: Question) -> bool:
    """"How many" wants an amount ("three years", not "November 2016"); "when" wants a
    point in time ("22 August", not "three-month")."""
    if counts(question):
        return is_amount(entity.text)
    if question.answer_type == "time" and entity.label == "DATE":
        return is_point_in_time(entity.text)
    return True


def counts(question: Question) -> bool:
    """Does the question ask "how many" (so its answer holds a numeral)? "How much" may
    be answered by a degree ("little", "hardly any") as well as by a sum."""
    return question.wh == "how" and question.answer_type == "number" and (
        question.kind != "magnitude")


YEAR = re.compile(r"\b(1\d{3}|20\d\d)s?\b")
_LOCATIVE = re.compile(r"\b(in|at|from|near|to|into|based in|outside|inside|across|around|"
                       r"throughout|within)\s+(the\s+)?$", re.I)


def _fits_question(sentence: str, entity: Entity, question: Question) -> bool:
    """A place answers "where" after a locative preposition ("in Bangkok"), not as the
    subject of the sentence; a count answers "how many <things>" when it counts them."""
    if question.wh == "where" and entity.label in ("GPE", "LOC", "FAC", "ORG"):
        # "Where does he teach?" of an author: the institution of the bio answers it
        return bool(_LOCATIVE.search(sentence[:entity.start])) or (
            question.aspect == "author" and entity.label == "ORG")
    if question.wh == "how" and question.focus and entity.label in ("CARDINAL", "QUANTITY"):
        after = _terms(sentence[entity.end:entity.end + 40])[:3]
        return bool(set(after) & set(_terms(question.focus)))
    return True


def list_marker(sentence: str, entity: Entity) -> bool:
    """A number word that numbers a list ("one, more flexibility; two, ...") counts nothing."""
    return entity.label == "CARDINAL" and entity.text.isalpha() and sentence[
        entity.end:entity.end + 1] in (",", ":", ")")


def name_share(sentence_low: str, question: Question) -> float:
    """The share of the question's (known) names the sentence gives, in any of their forms."""
    known = [m for m in question.mentions if m.known]
    if not known:
        return 0.0
    found = sum(bool(_any_of((m.text, *m.forms, *(p for p in m.text.split() if len(p) > 3)))
                     .search(sentence_low)) for m in known)
    return found / len(known)


def _contains(haystack: str, needle: str) -> bool:
    return bool(needle) and _word_pattern(needle.lower()).search(haystack) is not None


@lru_cache(maxsize=4096)
def _word_pattern(needle: str) -> re.Pattern[str]:
    """``needle`` as a whole word or phrase (compiled once: scoring asks it per sentence)."""
    return re.compile(rf"(?<!\w){re.escape(needle)}(?!\w)")


def speaks(speaker: str, question: Question, author: str) -> bool:
    """Is the sentence the view of the one the question asks about?"""
    if not question.speaker:
        return False
    if question.speaker == "author":
        return not speaker
    wanted = {p.lower() for p in question.speaker.split() if len(p) > 2}
    if not speaker:
        return bool(wanted & set(author.lower().replace("(", " ").split()))
    return bool(wanted & {p.lower().strip(".,") for p in speaker.split()})


# "Outside Egypt, the cost ..." is a fronted phrase, not an apposition to Egypt.
_PREPOSITIONS = frozenset({"in", "at", "on", "outside", "inside", "from", "to", "for", "with",
                           "by", "of", "near", "across", "after", "before"})


def _titled(sentence: str, form: str) -> bool:
    """A capitalised title before the name ("Lieutenant General Osama Rabie"), not a
    sentence's first word ("Outside Egypt, ...")."""
    for match in re.finditer(rf"\b([A-Z][\w-]+) (?:[A-Z][\w-]+ )*{re.escape(form)}\b", sentence):
        if match.group(1).lower() not in _PREPOSITIONS:
            return True
    return False


def _apposition(low: str, escaped: str) -> bool:
    """"X, a ..." or "X, who ..." after X, unless a preposition leads X."""
    for match in re.finditer(rf"{escaped}, (a|an|the|who|which)\b", low):
        before = low[:match.start()].split()
        if not before or before[-1] not in _PREPOSITIONS:
            return True
    return False


def _whole_mentions(question: Question) -> list:
    """The question's names, unless it asks about a larger phrase holding one ("the
    capital of Egypt" is not defined by a sentence that defines Egypt)."""
    focus = question.focus.lower().removeprefix("the ").strip()
    return [m for m in question.mentions
            if not focus or m.text.lower() in (focus, *(f.lower() for f in m.forms))
            or m.text.lower() not in focus]


def defines_term(sentence: str, question: Question) -> bool:
    """Does the sentence introduce the term the question asks about (an expansion in
    brackets, an apposition, "called", "is a", or a title before a name)?"""
    if question.kind == "expansion":  # "what does X stand for": only a spelled-out X will do
        expansions = [f for m in question.mentions for f in m.forms
                      if f.lower() != m.text.lower()]
        return any(_contains(sentence.lower(), f) for f in expansions)
    forms = [question.focus, *(f for m in _whole_mentions(question)
                               for f in (m.text, *m.forms))]
    forms = [f for f in dict.fromkeys(forms) if f and len(f) > 1]
    low = sentence.lower()
    for form in forms:
        f = re.escape(form.lower())
        if re.search(rf"{f}\s*\(|\(\s*{f}\s*\)|called (the )?{f}|{f},? (is|was|are) (a|an|the)"
                     rf"\b|([a-z]+ ){{0,2}}{f} (is|was) (a|an)", low) or _apposition(low, f):
            return True
        if (form[:1].isupper() or form.istitle()) and _titled(sentence, form):
            return True
    return False
