"""Timeline: the dated events of the index, filtered, merged across sources, in date order.

The events were extracted when the index was built (``ingest.events``); this module
only selects and orders them. One event told by two sources becomes one ``Entry`` with
both citations. Two events are the same when they come from different sources, their
dates agree (one contains the other, at most one step apart in precision: a year and a
month in it, a month and a day in it) and their sentences say the same thing (cosine of
the stored sentence vectors at least ``SAME_EVENT``). Each event joins at most one
event of each other source, the most similar first. A year is too coarse to pick out
one of several days in it ("last year" is not "on 22 August").

``events_for_citations`` is the chat's hook: given an answer's citations, the entries
whose sentences the answer quotes, so the chat can offer to show them on the timeline.

>>> from assistant.text.dates import parse_iso
>>> parse_bound("2019-08", "--from") == parse_iso("2019-08")
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import UsageError
from ..ingest.events import Event
from ..store import IndexData
from ..text.dates import DateSpan, label, parse_iso

SAME_EVENT = 0.5  # sentence cosine above which two agreeing dates are one event
_LEVEL = {"day": 0, "month": 1, "year": 2}
_ISO_LEVEL = {10: 0, 7: 1, 4: 2}


@dataclass(frozen=True)
class Entry:
    """One event on the timeline: the sources telling it, the most precise first."""

    events: tuple[Event, ...]

    @property
    def first(self) -> Event:
        return self.events[0]

    @property
    def span(self) -> DateSpan:
        return self.first.span

    @property
    def label(self) -> str:
        return label(self.span)

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(e.source_id for e in self.events)


def parse_bound(text: str, option: str) -> DateSpan:
    """A --from/--to date, or a UsageError naming the option and the forms it takes."""
    found = parse_iso(text or "")
    if found is None:
        raise UsageError(f"{option} {text!r} is not a date.",
                         fix="Write it as YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2019-08.")
    return found


class Timeline:
    """The events of one loaded index, ready to filter and merge."""

    def __init__(self, data: IndexData) -> None:
        # getattr: a stand-in for an index (as tests make) may hold no events or vectors.
        self.events = list(getattr(data, "events", []))
        self.documents = {d.id: d for d in data.documents}
        rows = {s.id: i for i, s in enumerate(getattr(data, "sentences", []))}
        self._rows = {e.id: rows.get(e.sentence_id, -1) for e in self.events}
        self._vectors = np.asarray(getattr(data, "sentence_vectors", np.zeros((0, 1))),
                                   dtype=np.float32)

    def check_sources(self, sources: Iterable[str]) -> list[str]:
        """The source ids, each checked against the index (a UsageError names the known ones)."""
        wanted = list(dict.fromkeys(sources))
        unknown = [s for s in wanted if s not in self.documents]
        if unknown:
            known = ", ".join(sorted(self.documents)) or "none"
            raise UsageError(f"Unknown source id {unknown[0]!r}.", fix=f"Use one of: {known}.")
        return wanted

    def entries(self, sources: Sequence[str] = (), start: DateSpan | None = None,
                end: DateSpan | None = None) -> list[Entry]:
        """The entries in date order, from the chosen sources (all when empty), whose dates
        reach into ``start``..``end`` (either may be None: open-ended)."""
        if start and end and start.first_day > end.last_day:
            raise UsageError(f"--from {start.start} is after --to {end.end}.",
                             fix="Give a --from date before the --to date.")
        wanted = set(self.check_sources(sources))
        chosen = [e for e in self.events if (not wanted or e.source_id in wanted)
                  and (start is None or e.span.last_day >= start.first_day)
                  and (end is None or e.span.first_day <= end.last_day)]
        return sorted(self._merge(chosen), key=self._order)

    def _order(self, entry: Entry) -> tuple[Any, ...]:
        first = entry.first
        return (first.span.first_day, first.span.last_day, first.source_date,
                self._rows[first.id], first.id)

    def similarity(self, a: Event, b: Event) -> float:
        """Cosine of the two events' sentence vectors (0 when one is missing)."""
        i, j = self._rows.get(a.id, -1), self._rows.get(b.id, -1)
        if i < 0 or j < 0:
            return 0.0
        u, v = self._vectors[i], self._vectors[j]
        norm = float(np.linalg.norm(u) * np.linalg.norm(v)) or 1.0
        return float(u @ v) / norm

    def _candidates(self, events: Sequence[Event]) -> list[tuple[float, int, int]]:
        """Pairs whose dates agree, most similar first (compared within a start year)."""
        years: dict[int, list[int]] = {}
        for k, event in enumerate(events):
            years.setdefault(event.span.first_day.year, []).append(k)
        pairs = [(self.similarity(events[i], events[j]), i, j) for ks in years.values()
                 for n, i in enumerate(ks) for j in ks[n + 1:] if dates_agree(events[i], events[j])]
        return sorted(pairs, reverse=True)

    def _merge(self, events: Sequence[Event]) -> list[Entry]:
        pairs = self._candidates(events)
        group = list(range(len(events)))
        for score, i, j in pairs:
            gi, gj = _root(group, i), _root(group, j)
            if score < SAME_EVENT:
                break
            members = [k for k in range(len(events)) if _root(group, k) in (gi, gj)]
            if gi != gj and len({events[k].source_id for k in members}) == len(members):
                group[gj] = gi
        merged: dict[int, list[Event]] = {}
        for k, event in enumerate(events):
            merged.setdefault(_root(group, k), []).append(event)
        return [Entry(tuple(sorted(m, key=_precise_first))) for m in merged.values()]

    def for_citations(self, entries: Sequence[Entry],
                      citations: Iterable[Any]) -> list[Entry]:
        """The entries that hold a sentence one of ``citations`` quotes (objects or mappings
        with ``source_id`` and ``quote``), in timeline order."""
        quoted = {(_field(c, "source_id"), _field(c, "quote")) for c in citations}
        return [entry for entry in entries
                if any((e.source_id, e.quote) in quoted for e in entry.events)]


def _root(group: list[int], k: int) -> int:
    while group[k] != k:
        k = group[k]
    return k


def _precise_first(event: Event) -> tuple[int, str]:
    return _level(event), event.source_date


def _level(event: Event) -> int:
    return _LEVEL.get(event.precision, _ISO_LEVEL.get(len(event.date), 2))


def _field(item: Any, name: str) -> Any:
    return item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)


def dates_agree(a: Event, b: Event) -> bool:
    """Whether two events from different sources may be one: one's date contains the
    other's, and their precisions are at most one step apart."""
    if a.source_id == b.source_id or abs(_level(a) - _level(b)) > 1:
        return False
    return a.span.contains(b.span) or b.span.contains(a.span)


def events_for_citations(timeline: Timeline, citations: Iterable[Any]) -> list[Entry]:
    """The chat's hook: the timeline entries an answer's citations quote (none when the
    cited sentences date nothing). A "when" or "what happened next" answer cites them."""
    return timeline.for_citations(timeline.entries(), citations)


def entry_json(entry: Entry, markers: Sequence[int]) -> dict[str, Any]:
    """One entry for ``--json``: its first event's fields, and every citation."""
    citations = [{"marker": m, **e.to_json()} for m, e in zip(markers, entry.events, strict=True)]
    return {**citations[0], "label": entry.label, "citations": citations}


def timeline_json(entries: Sequence[Entry]) -> dict[str, Any]:
    """``{"events": [...]}``: the entries in order, citations numbered 1..n."""
    out, marker = [], 1
    for entry in entries:
        markers = list(range(marker, marker + len(entry.events)))
        marker += len(entry.events)
        out.append(entry_json(entry, markers))
    return {"events": out}
