"""Assemble: choose the sentences an answer quotes, by intent, and its short answer.

The candidates arrive ranked (by the answer verifier, when it is on).

- A typed factoid, a definition or a yes/no question: the best sentence (and a close
  runner-up that also holds the asked-for type), with the entity, date or number it
  gives as the short answer.
- Why, what-if, stance and comparison questions: two to four sentences that each add a
  cause, an outcome or the named person's words, no near-duplicates, ordered by their
  sources' dates when they come from several.

>>> pick_span("It expired on 23 November 2019 in Seoul.",
...           [("23 November 2019", "DATE", 13, 29), ("Seoul", "GPE", 33, 38)], ("DATE",), "")
'23 November 2019'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from .answer_types import is_amount
from .candidates import YEAR, Scored, answers_kind
from .evidence import Evidence
from .question import Question
from .rules import Rules

ALL = Rules()

MULTI = ("cause", "consequence", "stance", "status", "comparison")
DUPLICATE = 0.88  # cosine above which a second sentence says the same thing again


@dataclass(frozen=True)
class Limits:
    """How far below the best a further sentence may score and still be quoted."""

    single: float = 0.2  # factoids and definitions
    multi: float = 0.3  # why, what-if, stance, yes/no, comparison
    most: int = 3


def choose(ranked: Sequence[Scored], question: Question, evidence: Evidence,
           limits: Limits | None = None, rules: Rules = ALL) -> list[Scored]:
    """The sentences to quote, best first (``cite`` orders them for reading)."""
    limits = limits or Limits()
    best = ranked[0]
    if question.relation == "after" and rules.what_next:
        return [best, *_following(best, evidence)]
    if question.relation == "source" and (row := _naming_speaker(question, evidence)) >= 0:
        return [replace(best, row=row)]
    multi = question.intent in MULTI
    margin = limits.multi if multi else limits.single
    chosen = [best]
    for cand in ranked:
        if len(chosen) >= (limits.most if multi else 2) or cand.score < best.score - margin:
            break
        if cand in chosen or not _adds(cand, question, multi) or _duplicate(cand, chosen,
                                                                             evidence):
            continue
        chosen.append(cand)
    if multi and rules.reason_follows:
        chosen = _with_reason(chosen, question, evidence)
    if multi and rules.continuations:
        chosen = _with_continuations(chosen, evidence)
    return chosen


RESTATES = 0.8  # coverage of the question's terms above which a sentence restates it


def _with_reason(chosen: list[Scored], question: Question, evidence: Evidence) -> list[Scored]:
    """A why or what-if answer led by a sentence that restates the question ("experts
    warn it is still not out of the woods") brings the next sentence of its paragraph,
    where an article usually goes on to say why."""
    lead = chosen[0]
    if question.intent not in ("cause", "consequence") or lead.coverage < RESTATES:
        return chosen
    nxt = lead.row + 1
    if nxt >= len(evidence.sentences) or any(c.row == nxt for c in chosen):
        return chosen
    here, there = evidence.sentences[lead.row], evidence.sentences[nxt]
    if (here.doc_id, here.paragraph) != (there.doc_id, there.paragraph) or (
            evidence.roles[nxt] != "body"):
        return chosen
    return [lead, replace(lead, row=nxt, score=lead.score - 0.01), *chosen[1:]]


def _with_continuations(chosen: list[Scored], evidence: Evidence) -> list[Scored]:
    """A quoted sentence whose next sentence continues it ("She added ...", a bare
    quotation) brings that sentence along: the two say one thing."""
    out = list(chosen)
    rows = {s.row for s in chosen}
    for cand in chosen:
        nxt = cand.row + 1
        if nxt < len(evidence.sentences) and nxt not in rows and evidence.continues(nxt):
            out.append(replace(cand, row=nxt, score=cand.score - 0.01))
            rows.add(nxt)
    return out


def _naming_speaker(question: Question, evidence: Evidence, reach: int = 3) -> int:
    """The sentence naming whoever said what the turn before quoted (-1 if nobody did):
    the quoted sentence itself, or the nearest one of its paragraph that names them."""
    for row in question.context_rows:
        speaker = evidence.notes[row].speaker
        if not speaker:
            continue
        here = evidence.sentences[row]
        near = sorted(range(max(0, row - reach), min(len(evidence.sentences), row + reach + 1)),
                      key=lambda r: abs(r - row))
        for r in near:
            s = evidence.sentences[r]
            if (s.doc_id, s.paragraph) == (here.doc_id, here.paragraph) and speaker in s.text:
                return r
    return -1


def _following(anchor: Scored, evidence: Evidence, count: int = 2) -> list[Scored]:
    """The body sentences the document tells right after the anchor (same document)."""
    doc = evidence.sentences[anchor.row].doc_id
    rows = [r for r in range(anchor.row + 1, min(anchor.row + 6, len(evidence.sentences)))
            if evidence.sentences[r].doc_id == doc and evidence.roles[r] == "body"][:count]
    return [replace(anchor, row=r, score=anchor.score - 0.01 * (i + 1))
            for i, r in enumerate(rows)]


def _adds(cand: Scored, question: Question, multi: bool) -> bool:
    """A further sentence must do what the intent asks: hold the asked-for type for a
    typed question; for the others, score close enough to the best (``choose``)."""
    if cand.aside:
        return False
    if multi:
        return True
    if question.answer_types:
        return cand.typed
    return False


def _duplicate(cand: Scored, chosen: Sequence[Scored], evidence: Evidence) -> bool:
    return any(float(np.dot(evidence.vectors[cand.row], evidence.vectors[c.row])) > DUPLICATE
               for c in chosen)


def short_answer(best: Scored, question: Question, evidence: Evidence) -> str | None:
    """The entity, date or number of the best sentence that answers a typed question,
    or the spelled-out name an abbreviation stands for; always a span of that sentence."""
    sentence = evidence.sentences[best.row].text
    if question.intent == "definition":
        return _expansion_in(sentence, question)
    if not question.answer_types or question.intent not in ("factoid", "comparison"):
        return None
    note = evidence.notes[best.row]
    spans = [(e.text, e.label, e.start, e.end) for e in note.entities
             if (question.kind != "year" or YEAR.search(e.text))
             and (not _amount_asked(question) or is_amount(e.text)) and answers_kind(e, question)]
    return pick_span(evidence.sentences[best.row].text, spans, question.answer_types,
                     question.text) or None


def _amount_asked(question: Question) -> bool:
    """"How many" or "how much": a date in the sentence ("November 2016") is no answer."""
    return question.wh == "how" and question.answer_type == "number"


def _expansion_in(sentence: str, question: Question) -> str | None:
    """The spelled-out form of an abbreviation the question asks about, as the sentence
    writes it ("What does TISA stand for?" -> "Trilateral Information Sharing Agreement")."""
    for mention in question.mentions:
        if not mention.text.isupper():
            continue
        for form in mention.forms:
            at = sentence.lower().find(form.lower())
            if at >= 0 and form.lower() != mention.text.lower():
                return sentence[at:at + len(form)]
    return None


def pick_span(sentence: str, spans: Sequence[tuple[str, str, int, int]],
              labels: Sequence[str], asked: str) -> str:
    """The first entity of the most wanted label that the question did not give."""
    asked_low = asked.lower()
    for label in labels:
        for text, kind, _start, end in spans:
            marker = kind == "CARDINAL" and text.isalpha() and sentence[end:end + 1] in ",:)"
            if kind == label and text.lower() not in asked_low and not marker:
                return text
    return ""
