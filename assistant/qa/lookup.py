"""Library: what a reader looks up besides answers: passages by query or by id, documents,
and the timeline, over one loaded index.

``Assistant.search``, ``.passage``, ``.document`` and ``.timeline`` use a :class:`Lookup`
built when an index is installed; its tables are made on first use, so a process that
only answers questions never pays for them.

>>> validate_query("  export\\n controls ")
'export controls'
>>> validate_query(" ")
Traceback (most recent call last):
...
assistant.errors.QuestionError: The search query is empty. Pass the words to look for, \
e.g. "export controls".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..config import MAX_QUESTION_CHARS
from ..errors import NotFoundError, QuestionError
from ..ingest import Chunk, Document, normalize_characters
from ..store import IndexData
from .timeline import Timeline


def validate_query(query: Any) -> str:
    """The search query with its whitespace folded, or a clear error."""
    if not isinstance(query, str):
        raise QuestionError("The search query must be text.", fix="Pass a string.")
    if len(query) > MAX_QUESTION_CHARS:
        raise QuestionError(f"The search query is {len(query):,} characters long; the limit "
                            f"is {MAX_QUESTION_CHARS:,}.", fix="Shorten it to the key words.")
    cleaned = " ".join(normalize_characters(query).split())
    if not cleaned:
        raise QuestionError("The search query is empty.",
                            fix='Pass the words to look for, e.g. "export controls".')
    return cleaned


@dataclass(frozen=True)
class Located:
    """One passage (chunk) with its document and its neighbours in that document."""

    chunk: Chunk
    document: Document
    previous_id: str | None
    next_id: str | None

    def to_json(self) -> dict[str, Any]:
        d, c = self.document, self.chunk
        return {"chunk_id": c.id, "source_id": d.id, "title": d.title, "author": d.author,
                "publisher": d.publisher, "date": d.date, "url": d.url, "text": c.text,
                "start": c.start, "end": c.end, "paragraph": d.paragraph_of(c.start),
                "previous_chunk_id": self.previous_id, "next_chunk_id": self.next_id}


class Lookup:
    """Passages and documents of one loaded index by id, and its timeline."""

    def __init__(self, data: IndexData) -> None:
        self.data = data
        self._rows: dict[str, int] | None = None
        self._documents: dict[str, Document] | None = None
        self._timeline: Timeline | None = None

    def document(self, doc_id: str) -> Document:
        """The document with this id, or a NotFoundError that names the known ones."""
        if self._documents is None:  # a race here only builds the same table twice
            self._documents = {d.id: d for d in self.data.documents}
        found = self._documents.get(doc_id) if isinstance(doc_id, str) else None
        if found is None:
            known = ", ".join(sorted(self._documents)[:20]) or "none"
            raise NotFoundError(f"Unknown document id {doc_id!r}.",
                                fix=f"Use an id from the list of documents: {known}.")
        return found

    def passage(self, chunk_id: str) -> Located:
        """The passage with this id (as ``ask`` and ``search`` give it), or a NotFoundError."""
        if self._rows is None:
            self._rows = {c.id: i for i, c in enumerate(self.data.chunks)}
        row = self._rows.get(chunk_id) if isinstance(chunk_id, str) else None
        if row is None:
            raise NotFoundError(f"Unknown passage id {chunk_id!r}.",
                                fix="Use a chunk_id that search or ask returned "
                                    "(e.g. citations[].chunk_id).")
        chunks = self.data.chunks
        chunk = chunks[row]
        before = chunks[row - 1].id if row > 0 and chunks[row - 1].doc_id == chunk.doc_id else None
        after = (chunks[row + 1].id if row + 1 < len(chunks)
                 and chunks[row + 1].doc_id == chunk.doc_id else None)
        return Located(chunk, self.document(chunk.doc_id), before, after)

    @property
    def timeline(self) -> Timeline:
        if self._timeline is None:
            self._timeline = Timeline(self.data)
        return self._timeline
