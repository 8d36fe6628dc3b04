"""Event dates: which DATE entities of a parsed sentence date an event, and which only
mention a date.

A date makes an event when it is the time of a verb ("was concluded in November 2016",
"Seoul repeated on Monday", "last year ... let the pact lapse") or of an event noun ("a
demand for compensation ... in October-November 2018", "the 1965 agreement"). It does not
when it names no date (a duration, "a three-month notice"; a frequency, "every year"; an
anaphor, "the same day"), when it is a reference point for something else ("before the
Monday non-announcement", "since 2015", "after 106 days"), when it is part of a name or
a quoted title ("the 2019 Defense White Paper"), when it is not a time at all but what the
sentence is about ("2019 was a hard year"), or when the sentence has no clause of its own
(a dateline, "Published 3 March 2021"). Every rule reads the dependency parse and general
English word lists; none knows the articles.

>>> from assistant.text.nlp import Entity, Parsed, Token
>>> tokens = (Token(0, "Talks", "talk", "NOUN", "NNS", "nsubj", 1, 0, ""),
...           Token(1, "ended", "end", "VERB", "VBD", "ROOT", 1, 6, ""),
...           Token(2, "in", "in", "ADP", "IN", "prep", 1, 12, ""),
...           Token(3, "2019", "2019", "NUM", "CD", "pobj", 2, 15, "DATE"))
>>> parsed = Parsed("Talks ended in 2019", tokens, (Entity("2019", "DATE", 15, 19),))
>>> [(m.date.start, m.anchor, m.verdict) for m in date_mentions(parsed, None)]
[('2019', 'end', 'event')]
"""

from __future__ import annotations

from dataclasses import dataclass

from .dates import DateSpan, resolve
from .nlp import Entity, Parsed, Token


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Nouns that name something that happens (general English, not the articles' words).
EVENT_NOUNS = _words("""
    agreement accord treaty deal pact contract settlement compromise truce ceasefire armistice
    meeting summit talk talks negotiation conference session hearing trial visit trip tour
    election vote referendum poll ballot campaign inauguration appointment resignation
    dismissal war battle attack invasion offensive raid strike bombing shooting assault coup
    revolution uprising protest demonstration rally riot crisis disaster accident crash
    collision collapse explosion fire flood earthquake storm outbreak blockage closure
    shutdown lockdown disruption stoppage ceremony celebration commemoration festival
    announcement statement speech declaration address interview decision ruling verdict
    judgment judgement sentence appeal lawsuit suit charge indictment arrest seizure raid
    demand request proposal offer bid notice warning threat ultimatum launch opening
    signing merger acquisition takeover sale purchase release publication report
    investigation inquiry probe review audit ban embargo sanction sanctions boycott tariff
    deadline expiry expiration termination withdrawal exit departure arrival return
    escape rescue deployment exercise drill test exchange transfer handover reform
    founding establishment creation formation dissolution breakup split reversal renewal
    extension suspension cancellation postponement delay resumption recovery recession
    shock surge rise fall drop increase decline cut hike change move step shift
    occupation annexation liberation independence partition death birth marriage wedding
    funeral retirement accession succession debut premiere match game race final tournament
    discovery invention approval rejection refusal veto ratification adoption amendment
    victory defeat win loss agreement incident emergency evacuation landing flight voyage
""")
# Nouns that only narrow a date ("the morning of 23 March"): the date is still the time
# of whatever the phrase attaches to.
TIME_NOUNS = _words("""
    morning afternoon evening night day week weekend month year end beginning start middle
    eve dawn dusk noon midnight hour hours time period spring summer autumn fall winter
""")
# Prepositions that make a date a reference point, not the time of the event.
REFERENCE_PREPS = _words("before after since until till by prior following ahead unlike")
# Prepositions that make a date a duration or a purpose ("for another year").
DURATION_PREPS = _words("for within over throughout")
# Heads under which a verb is planned or expected, not past ("is expected to reach").
FUTURE_HEADS = _words("expect schedule plan set due go intend hope aim")
_ADJUNCTS = _words("npadvmod tmod advmod obl nmod:tmod")
_MODIFIERS = _words("compound nummod nmod amod poss")
_SUBJECTS = _words("nsubj nsubjpass csubj csubjpass expl")
_QUOTES = ("\"", "\u201c", "\u201d")  # not ' or \u2019, which are also apostrophes


@dataclass(frozen=True)
class DateMention:
    """One DATE entity of a sentence, with the date it names and whether it dates an event.

    ``anchor`` is the lemma of the verb or event noun the date is the time of;
    ``verdict`` is "event", or why not: "no date", "duration", "reference point", "name",
    "title", "not a time", "no clause".
    """

    entity: Entity
    date: DateSpan | None
    anchor: str
    verdict: str

    @property
    def is_event(self) -> bool:
        return self.verdict == "event"


def date_mentions(parsed: Parsed, base: DateSpan | None) -> list[DateMention]:
    """Every DATE entity of ``parsed``, in order, each with its verdict; relative dates
    and dates without a year are read against ``base``, the article's date."""
    out = []
    for entity in parsed.entities:
        if entity.label == "DATE":
            out.append(_judge(parsed, entity, base))
    return out


def _judge(parsed: Parsed, entity: Entity, base: DateSpan | None) -> DateMention:
    head = _entity_head(parsed, entity)
    anchor, verdict = _anchor(parsed, head) if head else (None, "not a time")
    tense = _tense(parsed, anchor) if anchor else "past"
    date = resolve(entity.text, base, tense)
    if date is None:
        verdict = "no date"
    elif _narrows_duration(parsed, entity, base):
        verdict = "duration"
    elif anchor is not None and _in_quoted_title(parsed, entity):
        verdict = "title"
    elif anchor is not None and not _has_clause(parsed, anchor):
        verdict = "no clause"
    return DateMention(entity, date, anchor.lemma.lower() if anchor else "", verdict)


def _has_clause(parsed: Parsed, anchor: Token) -> bool:
    """Whether the sentence says who or what the event is about: it has a subject, or the
    verb describes a noun ("the accord lapsed in 2002", parsed as a participle of
    "accord"). A dateline ("Published 3 March 2021", "Updated on 12 May") has neither."""
    if any(t.dep in _SUBJECTS for t in parsed.tokens):
        return True
    head = parsed.tokens[anchor.head]
    return anchor.dep == "acl" and head.pos in ("NOUN", "PROPN")


def _entity_head(parsed: Parsed, entity: Entity) -> Token | None:
    inside = [t for t in parsed.tokens if entity.start <= t.start < entity.end]
    ids = {t.i for t in inside}
    return next((t for t in inside if t.head not in ids or t.head == t.i), None)


def _anchor(parsed: Parsed, token: Token) -> tuple[Token | None, str]:
    """The verb or event noun ``token`` (the date's head) is the time of, climbing through
    time nouns and prepositional phrases; or None and why not."""
    current = token
    for _ in range(6):
        parent = parsed.tokens[current.head]
        if current.dep == "pobj":
            if parent.lower in REFERENCE_PREPS:
                return None, "reference point"
            if parent.lower in DURATION_PREPS:
                return None, "duration"
            target = parsed.tokens[parent.head]
        elif current.dep in _ADJUNCTS or current.dep in _MODIFIERS:
            target = parent
        else:
            return None, "not a time"
        if target.i == current.i:
            return None, "not a time"
        found = _classify(parsed, target)
        if found != "climb":
            return (target, "event") if found == "event" else (None, found)
        current = target
    return None, "not a time"


def _classify(parsed: Parsed, target: Token) -> str:
    """"event" when ``target`` is a verb or an event noun, "climb" to look further up, or
    why the date does not date an event."""
    lemma = target.lemma.lower()
    if target.pos in ("VERB", "AUX"):
        return "event"
    if target.pos == "PROPN":
        return "name"
    if target.pos == "NOUN" and lemma not in TIME_NOUNS:
        if lemma in EVENT_NOUNS or target.lower in EVENT_NOUNS:
            preposition = parsed.tokens[target.head]
            reference = target.dep == "pobj" and preposition.lower in REFERENCE_PREPS
            return "reference point" if reference else "event"
        return "climb" if target.dep == "pobj" else "not a time"
    return "climb"


def _tense(parsed: Parsed, anchor: Token) -> str:
    """"future" for a verb under "will", or under a head such as "expected to", "due to";
    "past" otherwise (news reports what happened)."""
    token = anchor
    for _ in range(3):
        kids = parsed.children(token.i)
        if any(k.dep == "aux" and k.lower in ("will", "shall", "'ll") for k in kids):
            return "future"
        head = parsed.tokens[token.head]
        if token.dep != "xcomp" or head.i == token.i:
            return "past"
        if head.lemma.lower() in FUTURE_HEADS:
            return "future"
        token = head
    return "past"


def _narrows_duration(parsed: Parsed, entity: Entity, base: DateSpan | None) -> bool:
    """"for the six days in March": the month narrows a duration, it is not an event's time."""
    before = parsed.text[: entity.start].rstrip()
    if not before.lower().endswith((" in", " of")):
        return False
    rest = before[: before.rfind(" ")].rstrip()
    return any(e.label == "DATE" and e.end == len(rest) and resolve(e.text, base) is None
               for e in parsed.entities)


def _in_quoted_title(parsed: Parsed, entity: Entity) -> bool:
    """Whether the date sits inside a quotation that reads as a title (most words capitalised)."""
    text = parsed.text
    opening = max(text.rfind(q, 0, entity.start) for q in _QUOTES)
    closing = [i for q in _QUOTES if (i := text.find(q, entity.end)) != -1]
    if opening == -1 or not closing:
        return False
    words = [w for w in text[opening + 1: min(closing)].split() if w[:1].isalpha()]
    capitalised = [w for w in words if w[:1].isupper() or len(w) <= 3]
    return len(words) >= 2 and len(capitalised) == len(words)
