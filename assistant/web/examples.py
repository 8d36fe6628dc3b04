"""The chat's example questions: drawn from the library, and checked by asking them.

For the most recently added documents first, each document's candidates
(:func:`assistant.library.examples.candidates`: its most mentioned name asked about in
its title, else what it is about) are asked in turn, and the first answered from that
document itself (not refused, first citation in it) is offered. Recomputed when the
index in use changes; nothing about any one library is fixed here.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from ..errors import AssistantError
from ..library.entries import entries_of
from ..library.examples import document_candidates

log = logging.getLogger(__name__)

LIMIT = 6  # examples offered
TRIES = 12  # documents tried at most, so a library of odd files cannot stall the chat
FALLBACK = "What are the documents about?"


class Examples:
    """Example questions for the index the assistant answers from now."""

    def __init__(self, assistant: Any, limit: int = LIMIT) -> None:
        self.assistant, self.limit = assistant, limit
        self._lock = threading.Lock()
        self._for: Any = None
        self._questions: list[str] = []

    def current(self) -> list[str]:
        data = self.assistant.data
        with self._lock:
            if data is not self._for:
                try:
                    self._questions = self._pick(data) or [FALLBACK]
                except Exception:  # examples are a courtesy: never let them break the page
                    log.exception("Could not draw example questions from the library")
                    self._questions = [FALLBACK]
                self._for = data
            return list(self._questions)

    def _pick(self, data: Any) -> list[str]:
        entries = sorted(entries_of(data, self.assistant.settings.sources),
                         key=lambda e: (e.added, e.id), reverse=True)
        found: list[str] = []
        for doc_id, questions in document_candidates(data, [e.id for e in entries][:TRIES]):
            question = next((q for q in questions if self._answered(q, doc_id)), None)
            if question:
                found.append(question)
            if len(found) == self.limit:
                break
        return found

    def _answered(self, question: str, doc_id: str) -> bool:
        try:
            answer = self.assistant.ask(question)
        except AssistantError as exc:
            log.debug("Example %r not asked: %s", question, exc)
            return False
        return not answer.abstained and bool(answer.citations) and \
            answer.citations[0].source_id == doc_id
