"""Events: the dated events each document tells, one record per (sentence, date).

Extracted at index time, from the sentences chunking made and their spaCy parses, and
stored with the index (``events.jsonl``). The linguistics (which DATE entity dates an
event, and which date it names) lives in ``text.event_dates`` and ``text.dates``; this
module ties each finding to its document: the article's date that relative dates are read
against, the sentence quoted with its offsets and paragraph, the source's title.

>>> from assistant.ingest import Document, Sentence
>>> from assistant.text.nlp import Entity, Parsed, Token
>>> doc = Document(id="d", path="d.txt", title="T", text="Talks ended in 2019.", date="2020-08")
>>> sentence = Sentence("d:0", "d", 0, 20, "Talks ended in 2019.", 1)
>>> tokens = (Token(0, "Talks", "talk", "NOUN", "NNS", "nsubj", 1, 0, ""),
...           Token(1, "ended", "end", "VERB", "VBD", "ROOT", 1, 6, ""),
...           Token(2, "in", "in", "ADP", "IN", "prep", 1, 12, ""),
...           Token(3, "2019", "2019", "NUM", "CD", "pobj", 2, 15, "DATE"),
...           Token(4, ".", ".", "PUNCT", ".", "punct", 1, 19, ""))
>>> parsed = Parsed(sentence.text, tokens, (Entity("2019", "DATE", 15, 19),))
>>> event = extract_events([doc], [sentence], [parsed])[0]
>>> event.date, event.precision, event.as_written, event.quote
('2019', 'year', '2019', 'Talks ended in 2019.')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..text.dates import DateSpan, parse_iso
from ..text.event_dates import date_mentions
from ..text.nlp import Parsed
from .chunking import Sentence
from .sources import Document

EVENTS_VERSION = 1  # bump when extraction changes: stored events go stale


@dataclass(frozen=True)
class Event:
    """One dated event: the date (ISO start and end, precision), as written, and the
    sentence that tells it, quoted exactly with its offsets in the cleaned document."""

    id: str
    date: str  # ISO start: YYYY, YYYY-MM or YYYY-MM-DD
    date_end: str  # ISO end; equal to ``date`` unless ``precision`` is "range"
    precision: str  # day | month | year | range
    as_written: str  # the date as the sentence writes it
    anchor: str  # lemma of the verb or event noun the date is the time of
    source_id: str
    sentence_id: str
    start: int  # the sentence's offsets in the document
    end: int
    written_start: int  # the date's offsets in the document
    written_end: int
    paragraph: int
    quote: str
    title: str
    source_date: str

    @property
    def span(self) -> DateSpan:
        return DateSpan(self.date, self.date_end, self.precision)

    def to_json(self) -> dict[str, Any]:
        keys = ("date", "date_end", "precision", "as_written", "quote", "source_id", "start",
                "end", "paragraph", "title", "source_date")
        return {key: getattr(self, key) for key in keys}


def extract_events(documents: Sequence[Document], sentences: Sequence[Sentence],
                   parses: Sequence[Parsed]) -> list[Event]:
    """The events of every sentence, in document order; ``parses`` align with
    ``sentences`` (the parse of each sentence's text)."""
    by_id = {d.id: d for d in documents}
    events: list[Event] = []
    for sentence, parsed in zip(sentences, parses, strict=True):
        events.extend(sentence_events(by_id[sentence.doc_id], sentence, parsed))
    return events


def sentence_events(document: Document, sentence: Sentence, parsed: Parsed) -> list[Event]:
    """The events one sentence tells: one per distinct date that dates an event."""
    base = parse_iso(document.date)
    found: dict[DateSpan, Event] = {}
    for mention in date_mentions(parsed, base):
        if not mention.is_event or mention.date is None or mention.date in found:
            continue
        entity = mention.entity
        found[mention.date] = Event(
            id=f"{sentence.id}#{len(found)}", date=mention.date.start,
            date_end=mention.date.end, precision=mention.date.precision,
            as_written=entity.text, anchor=mention.anchor, source_id=document.id,
            sentence_id=sentence.id, start=sentence.start, end=sentence.end,
            written_start=sentence.start + entity.start,
            written_end=sentence.start + entity.end, paragraph=sentence.paragraph,
            quote=sentence.text, title=document.title, source_date=document.date)
    return list(found.values())
