"""Entries: one document of the library as the Documents tab, the API and ``assistant list``
show it (title, author, outlet, date, format, words, passages, when added).

>>> from assistant.ingest import Document
>>> doc = Document("d", "d.txt", "Ships", "One two three.", publisher="Port News", format="txt")
>>> entry = make_entry(doc, passages=1, sentences=1, added="2026-01-02T03:04:05+00:00")
>>> entry.words, entry.to_json()["publisher"]
(3, 'Port News')
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..ingest import Document
from ..ingest.sources import read_metadata
from ..store import IndexData


@dataclass(frozen=True)
class Entry:
    """One document of the library, as read from its file (and ``sources.toml``)."""

    id: str
    title: str
    author: str
    publisher: str
    date: str
    url: str
    format: str
    path: str
    words: int
    passages: int
    sentences: int
    added: str  # ISO time it was added (or its file's modification time)
    sha256: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def make_entry(doc: Document, passages: int, sentences: int, added: str) -> Entry:
    return Entry(doc.id, doc.title, doc.author, doc.publisher, doc.date, doc.url,
                 doc.format, doc.path, len(doc.text.split()), passages, sentences, added,
                 doc.sha256)


def file_time(path: Path) -> str:
    """A file's modification time as ISO text (UTC), "" when it is gone."""
    try:
        stamp = path.stat().st_mtime
    except OSError:
        return ""
    return dt.datetime.fromtimestamp(stamp, dt.UTC).isoformat(timespec="seconds")


def entries_of(data: IndexData, sources: Path) -> list[Entry]:
    """Every document of a loaded index, with when it was added (from ``sources.toml``, else
    its file's modification time)."""
    passages = Counter(c.doc_id for c in data.chunks)
    sentences = Counter(s.doc_id for s in data.sentences)
    try:
        _, metas = read_metadata(sources)
    except Exception:  # a sources.toml mid-edit by hand: show the list without the times
        metas = {}
    out = []
    for doc in data.documents:
        meta = metas.get(doc.path)
        added = meta.added if meta and meta.added else file_time(sources / doc.path)
        out.append(make_entry(doc, passages[doc.id], sentences[doc.id], added))
    return out


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
