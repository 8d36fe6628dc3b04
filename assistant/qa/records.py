"""Records: what an answer is made of, as frozen dataclasses with their JSON form.

A ``Citation`` points at either a sentence (``kind="sentence"``: ``quote`` is exactly
``document.text[start:end]``) or a document as a whole (``kind="document"``: its byline
or its metadata record, for questions about the article itself). An ``Answer`` holds
the answer text with ``[n]`` markers, its citations, an optional short answer, and the
intent it was read as.

>>> Citation(1, "d", "T", "", "", "", "q", 0, 1, "q", 0, 1, "c0").to_json()["kind"]
'sentence'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .retrieval import Passage

SENTENCE = "sentence"
DOCUMENT = "document"


@dataclass(frozen=True)
class Citation:
    """One quoted sentence (or cited document) and where it comes from."""

    marker: int
    source_id: str
    title: str
    author: str
    publisher: str
    date: str
    quote: str
    start: int
    end: int
    passage: str
    passage_start: int
    paragraph: int
    chunk_id: str
    url: str = ""
    kind: str = SENTENCE

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Answer:
    """What :meth:`assistant.Assistant.ask` returns."""

    question: str
    text: str
    abstained: bool
    citations: tuple[Citation, ...]
    passages: tuple[Passage, ...]
    timings_ms: Mapping[str, float] = field(default_factory=dict)
    confidence: float = 0.0
    retrieval_query: str = ""
    short_answer: str | None = None
    intent: str = ""
    read_as: str | None = None  # the question as read, when misspelt words were corrected

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.text,
            "short_answer": self.short_answer,
            "intent": self.intent,
            "read_as": self.read_as,
            "abstained": self.abstained,
            "confidence": round(self.confidence, 4),
            "citations": [c.to_json() for c in self.citations],
            "passages": [p.to_json() for p in self.passages],
            "timings_ms": {k: round(v, 3) for k, v in self.timings_ms.items()},
        }
