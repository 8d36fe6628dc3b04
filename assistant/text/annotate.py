"""Annotate: what each sentence holds (entities, lemmas, who says it, cause or condition).

Computed once per sentence at index time from its spaCy parse, stored with the index
as JSON, and read by the answerer, which then never parses a document sentence.

The speaker of a sentence is the subject of a verb of saying ("Klingner said",
"said Mr. Klingner", "X was quoted as saying"), the object of "according to", or,
for a sentence that continues with a pronoun ("She added ..."), the speaker of the
sentence before it in the same document.

>>> from assistant.text.nlp import Entity, Parsed, Token
>>> t = [Token(0, "Kim", "Kim", "PROPN", "NNP", "nsubj", 1, 0, "PERSON"),
...      Token(1, "said", "say", "VERB", "VBD", "ROOT", 1, 4, ""),
...      Token(2, "so", "so", "ADV", "RB", "advmod", 1, 9, ""),
...      Token(3, ".", ".", "PUNCT", ".", "punct", 1, 11, "")]
>>> note = annotate([Parsed("Kim said so.", tuple(t), (Entity("Kim", "PERSON", 0, 3),))],
...                 ["doc"])[0]
>>> note.speaker, note.entities[0].label
('Kim', 'PERSON')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .lexicon import (
    CAUSE_MARKERS,
    CONSEQUENCE_MARKERS,
    NEGATIONS,
    PURPOSE_MARKERS,
    REPORTING_VERBS,
    SPEECH_VERBS,
    has_marker,
)
from .nlp import Entity, Parsed, Token

ANNOTATION_VERSION = 4  # bump when annotate() changes: stored notes go stale
CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV"})
_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i"})
_SPEAKER_LABELS = ("PERSON", "ORG", "NORP", "GPE")
_QUOTES = "\"\u201c\u201d"
_TITLES = frozenset({"mr", "mr.", "ms", "ms.", "mrs", "mrs.", "dr", "dr.", "col", "col.",
                     "gen", "gen.", "prof", "prof."})


@dataclass(frozen=True)
class Note:
    """What one sentence holds; entity offsets are relative to the sentence."""

    entities: tuple[Entity, ...]
    lemmas: tuple[str, ...]
    speaker: str
    cues: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {"entities": [[e.text, e.label, e.start, e.end] for e in self.entities],
                "lemmas": list(self.lemmas), "speaker": self.speaker, "cues": list(self.cues)}

    @classmethod
    def from_json(cls, row: dict[str, object]) -> Note:
        ents = tuple(Entity(str(e[0]), str(e[1]), int(e[2]), int(e[3]))
                     for e in row.get("entities", []))  # type: ignore[union-attr]
        return cls(ents, tuple(row.get("lemmas", [])), str(row.get("speaker", "")),  # type: ignore[arg-type]
                   tuple(row.get("cues", [])))  # type: ignore[arg-type]


def annotate(parses: Sequence[Parsed], doc_ids: Sequence[str]) -> list[Note]:
    """One ``Note`` per parsed sentence, in order; ``doc_ids`` group them into documents."""
    notes: list[Note] = []
    previous: tuple[str, str] = ("", "")  # (doc id, speaker) of the last attributed sentence
    for parsed, doc_id in zip(parses, doc_ids, strict=True):
        speaker, pronoun = find_speaker(parsed)
        continues = pronoun or (not speaker and parsed.text[:1] in _QUOTES)
        if continues and previous[0] == doc_id:
            speaker = previous[1]
        if speaker:
            previous = (doc_id, speaker)
        notes.append(Note(parsed.entities, content_lemmas(parsed), speaker, cues(parsed)))
    return notes


def content_lemmas(parsed: Parsed) -> tuple[str, ...]:
    """Lower-cased lemmas of the content words, in order of first use."""
    seen: dict[str, None] = {}
    for token in parsed.tokens:
        if token.pos in CONTENT_POS and token.lemma.strip():
            seen.setdefault(token.lemma.lower())
    return tuple(seen)


def cues(parsed: Parsed) -> tuple[str, ...]:
    """Which of cause, condition, negation, quote and speech the sentence shows."""
    out = []
    if has_marker(parsed.text, CAUSE_MARKERS):
        out.append("cause")
    if has_marker(parsed.text, CONSEQUENCE_MARKERS):
        out.append("condition")
    if has_marker(parsed.text, PURPOSE_MARKERS):
        out.append("purpose")
    if any(t.lower in NEGATIONS for t in parsed.tokens):
        out.append("negation")
    if any(q in parsed.text for q in _QUOTES):
        out.append("quote")
    if any(t.lemma.lower() in SPEECH_VERBS and t.pos == "VERB" for t in parsed.tokens):
        out.append("speech")
    return tuple(out)


def find_speaker(parsed: Parsed) -> tuple[str, bool]:
    """(speaker, spoken by a pronoun) of a sentence; ("", False) when none is named.

    Verbs that report speech ("said", "warned") are tried before verbs of belief
    ("think", "predict"), which also occur in clauses such as "hard to predict".
    """
    verbs = [t for t in parsed.tokens if t.lemma.lower() in SPEECH_VERBS
             and t.pos in ("VERB", "AUX")]
    verbs.sort(key=lambda t: (t.lemma.lower() not in REPORTING_VERBS, t.i))
    for verb in verbs:
        subject = _subject(parsed, verb)
        if subject is None:
            continue
        if subject.lower in _PRONOUNS:
            return "", True
        name = _name_of(parsed, subject)
        if name:
            return name, False
    return _according_to(parsed), False


def _according_to(parsed: Parsed) -> str:
    for token in parsed.tokens:
        if token.lemma.lower() == "accord" and token.i + 1 < len(parsed.tokens):
            obj = [t for t in parsed.children(token.i + 1) if t.dep == "pobj"]
            if obj and (name := _name_of(parsed, obj[0])):
                return name
    return ""


def _subject(parsed: Parsed, verb: Token) -> Token | None:
    """The one who speaks: the subject, or for "X was quoted as saying", X."""
    kids = parsed.children(verb.i)
    if verb.lemma.lower() == "quote":  # "Y quoted X saying": X speaks, Y reports
        obj = [t for t in kids if t.dep == "dobj"]
        if obj:
            return obj[0]
    for dep in ("nsubjpass", "nsubj"):
        found = [t for t in kids if t.dep == dep]
        if found:
            return found[0]
    head = parsed.tokens[verb.head]
    if verb.dep in ("advcl", "xcomp", "pcomp", "conj") and head.i != verb.i:
        return _subject(parsed, head)
    return None


def _name_of(parsed: Parsed, token: Token) -> str:
    """The entity the token belongs to, else its proper-noun compound ("Deputy Director
    Glosserman"), else "" (a common noun such as "experts" names no one in particular)."""
    for entity in parsed.entities:
        if entity.start <= token.start < entity.end and entity.label in _SPEAKER_LABELS:
            return entity.text
    if token.pos != "PROPN":
        return ""
    parts = [t for t in parsed.children(token.i) if t.dep == "compound" and t.pos == "PROPN"
             and t.lower not in _TITLES]
    words = sorted([*parts, token], key=lambda t: t.i)
    return " ".join(t.text for t in words)
