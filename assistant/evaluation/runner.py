"""Runner: load a question or conversations file, and describe a run for its report.

Shared by ``assistant eval`` and the web chat's Evaluate tab, which read files the
same way and write the same report.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import metrics as ev

# (kind, questions, history of question i (conversations only), conversation ids)
Loaded = tuple[str, list[ev.EvalQuestion], Callable[[int], Sequence[str]] | None, list[str]]


def load_set(path: Path) -> Loaded:
    """(kind, questions, history_of, conversation ids) of a question or conversations file."""
    if ev.is_conversation_file(path):
        conversations = ev.load_conversations(path)
        questions, histories = ev.flatten(conversations)
        owners = [c.id for c in conversations for _ in c.turns]
        return "conversations", questions, histories.__getitem__, owners
    return "questions", ev.load_questions(path), None, []


def clear_query_cache(assistant: Any) -> None:
    """Forget cached query vectors so each mode's latency includes embedding the query."""
    embedder = getattr(assistant, "embedder", None)
    cache, lock = getattr(embedder, "_cache", None), getattr(embedder, "_cache_lock", None)
    if cache is not None and lock is not None:
        with lock:
            cache.clear()


def run_settings(path: Path, mode: str, k: int, assistant: Any) -> dict[str, Any]:
    """The settings block of a report: file, mode, k, threshold and chunk size."""
    from ..qa import Model

    return {"file": str(path), "mode": mode, "k": k, "threshold": Model.fitted().threshold,
            "chunk_words": int(getattr(assistant.settings, "chunk_words", 0))}
