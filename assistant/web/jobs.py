"""Jobs: what one JSON API or MCP request asks of an ``Assistant``, run in a pool thread.

The same functions run in the web server's own thread pool (``--workers 1``) and in
each worker process (``--workers N``, see :mod:`.workers`), so both answer alike.
Neither gradio nor FastAPI is imported here: worker processes load only this, the
``Assistant`` and what it needs.

An :class:`IndexWatcher` makes a process see an index that another process rebuilt:
before each job it compares the manifest file's inode and mtime with the ones it
loaded (a ``stat``, microseconds) and, when they changed, reloads through
``Assistant.refresh()``. The swap on disk is one atomic rename and every file is
checked against the manifest before it is parsed, so a process sees the old index or
the new one, never a half-built one.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import AssistantError, NotFoundError
from ..library.folder import library_lock
from ..qa import Assistant
from ..qa.timeline import parse_bound, timeline_json

log = logging.getLogger(__name__)

RETRY_AFTER_FAILURE_S = 5.0  # a reload that failed (sources broken mid-edit) waits this long
Result = tuple[int, bytes]  # HTTP status and JSON body


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def error_body(message: str, fix: str) -> bytes:
    return dumps({"error": message, "fix": fix})


class IndexWatcher:
    """Reloads the assistant when the index on disk was swapped by another process."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.manifest = Path(assistant.settings.index) / "manifest.json"
        self._key = self._stat()
        self._lock = threading.Lock()
        self._retry_at = 0.0
        self.reloads = 0

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.manifest)
        except OSError:
            return None
        return st.st_ino, st.st_mtime_ns, st.st_size

    def check(self) -> bool:
        """Reload if the manifest changed since the last look; True if it reloaded."""
        key = self._stat()
        if key is None or key == self._key or time.monotonic() < self._retry_at:
            return False
        if not self._lock.acquire(blocking=False):
            return False  # another thread is reloading; keep answering from the old index
        try:
            changed = self.assistant.refresh()
        except AssistantError as exc:  # mid-swap or mid-edit: keep the old index, retry later
            log.warning("The index changed on disk but could not be loaded yet: %s", exc)
            self._retry_at = time.monotonic() + RETRY_AFTER_FAILURE_S
            return False
        finally:
            self._lock.release()
        self._key = key
        self.reloads += changed
        return changed


def index_state(assistant: Assistant) -> dict[str, Any]:
    """The index this process answers from, and whether it matches the sources folder."""
    status = assistant.status()
    return {"pid": os.getpid(), "state": status.state, "reason": status.reason,
            "created_at": status.created_at, "counts": status.counts,
            "model": assistant.embedder.model_id, "version": __version__}


def documents(assistant: Assistant) -> list[dict[str, Any]]:
    """Every document of the loaded index with its metadata and size."""
    data = assistant.data
    chunks: dict[str, int] = {}
    for chunk in data.chunks:
        chunks[chunk.doc_id] = chunks.get(chunk.doc_id, 0) + 1
    return [{"id": d.id, "title": d.title, "author": d.author, "publisher": d.publisher,
             "date": d.date, "url": d.url, "path": Path(d.path).name, "chunks": chunks.get(d.id, 0),
             "characters": len(d.text)} for d in data.documents]


def ask(assistant: Assistant, payload: Mapping[str, Any]) -> Result:
    """One question; 200 with ``answer.to_json()``, or 400 with the error and its fix."""
    try:
        answer = assistant.ask(payload["question"], k=payload.get("k"),
                               mode=payload.get("mode"), history=payload.get("history") or ())
    except AssistantError as exc:
        return 400, error_body(exc.message, exc.fix)
    return 200, dumps(answer.to_json())


def refresh(assistant: Assistant) -> Result:
    try:
        with library_lock(assistant.settings.sources):  # not in the middle of a change
            rebuilt = assistant.refresh()
    except AssistantError as exc:
        return 409, error_body(f"The index could not be rebuilt: {exc.message}", exc.fix)
    return 200, dumps({"rebuilt": rebuilt, "index": index_state(assistant)})


def search(assistant: Assistant, payload: Mapping[str, Any]) -> Result:
    """Ranked passages for a query, each with its document's title, rank and score."""
    passages = assistant.search(payload["query"], k=payload.get("k"), mode=payload.get("mode"),
                                document=payload.get("document") or "")
    titles = {d.id: d.title for d in assistant.data.documents}
    return 200, dumps({"query": payload["query"], "passages": [
        {**p.to_json(), "title": titles.get(p.source_id, ""), "rank": p.rank}
        for p in passages]})


def document(assistant: Assistant, payload: Mapping[str, Any]) -> Result:
    """One document's metadata (as in ``documents``) and its cleaned text."""
    found = assistant.document(payload["id"])
    meta = next(d for d in documents(assistant) if d["id"] == found.id)
    return 200, dumps({**meta, "byline": found.byline, "format": found.format,
                       "text": found.text})


def timeline(assistant: Assistant, payload: Mapping[str, Any]) -> Result:
    """``{"events": [...]}`` as ``assistant timeline --json`` prints them."""
    start = parse_bound(payload["from"], "from") if payload.get("from") else None
    end = parse_bound(payload["to"], "to") if payload.get("to") else None
    entries = assistant.timeline.entries(payload.get("sources") or (), start, end)
    return 200, dumps(timeline_json(entries))


_JOBS = {
    "ask": ask,
    "search": search,
    "document": document,
    "timeline": timeline,
    "passage": lambda a, p: (200, dumps(a.passage(p["chunk_id"]).to_json())),
    "documents": lambda a, _p: (200, dumps({"documents": documents(a)})),
    "status": lambda a, _p: (200, dumps(index_state(a))),
    "sources": lambda a, _p: (200, dumps({"documents": documents(a), "index": index_state(a)})),
    "refresh": lambda a, _p: refresh(a),
}


def run(assistant: Assistant, watcher: IndexWatcher, kind: str,
        payload: Mapping[str, Any]) -> Result:
    """Run one job; never raises: a bad argument is a 400 (an unknown id a 404) with the
    error and its fix, and an unexpected error is logged and becomes a 500."""
    job = _JOBS.get(kind)
    if job is None:
        return 500, error_body(f"Unknown job {kind!r}.", "This is a bug; please report it.")
    try:
        watcher.check()
        return job(assistant, payload)
    except NotFoundError as exc:
        return 404, error_body(exc.message, exc.fix)
    except AssistantError as exc:
        return 400, error_body(exc.message, exc.fix)
    except Exception:
        log.exception("The %s job failed", kind)
        return 500, error_body("Something went wrong while answering; the error was logged.",
                               "Try again; if it keeps failing, check the server log.")
