"""Feedback: keep the web chat's thumbs up/down in a JSON Lines log, and export the downs.

Each rating is one line of ``feedback.jsonl`` (``Settings.feedback_log``, or
``ASSISTANT_FEEDBACK_LOG``)::

    {"time": "2026-11-25T15:30:00+00:00", "verdict": "down", "question": "...",
     "answer": "...", "abstained": false, "citations": [{"marker": 1, ...}]}

:func:`export_skeleton` turns the thumbs-down lines into a question-set skeleton
for ``assistant eval``: one ``{"id", "question", "answers": [], "evidence": [],
"answerable": true, "note"}`` object per question, to be completed by hand.

>>> entry = make_entry({"question": "Q?", "answer": "A. [1]", "citations": []}, liked=False,
...                    when="2026-01-01T00:00:00+00:00")
>>> skeleton([entry])[0]["id"], skeleton([entry])[0]["answers"]
('feedback-001', [])
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .errors import AssistantError, ConfigError

log = logging.getLogger(__name__)

CITATION_KEYS = ("marker", "source_id", "title", "quote", "chunk_id", "paragraph")
_write_lock = threading.Lock()


def now_iso() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def make_entry(answer: Mapping[str, Any], liked: bool, when: str | None = None) -> dict[str, Any]:
    """One log line from an ``Answer.to_json()`` dict and the user's verdict."""
    citations = [{k: c.get(k) for k in CITATION_KEYS} for c in answer.get("citations", [])]
    return {
        "time": when or now_iso(),
        "verdict": "up" if liked else "down",
        "question": str(answer.get("question", "")),
        "answer": str(answer.get("answer", "")),
        "abstained": bool(answer.get("abstained", False)),
        "citations": citations,
    }


def append_entry(path: Path, entry: Mapping[str, Any]) -> None:
    """Append one entry as a single JSON line (creating the folder and file if needed)."""
    path = Path(path)
    line = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _write_lock, path.open("a", encoding="utf-8") as fh:
            fh.write(line)
    except OSError as exc:
        raise AssistantError(f"Cannot write the feedback log {path} ({exc.strerror or exc}).",
                             fix="Set ASSISTANT_FEEDBACK_LOG to a writable file.") from None


def read_entries(path: Path) -> list[dict[str, Any]]:
    """Every well-formed entry of the log; broken lines are skipped with a warning."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"There is no feedback log at {path}.",
                          fix="Rate some answers in the web chat first, or pass --log PATH.")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Cannot read the feedback log {path} ({exc}).",
                          fix="Pass a UTF-8 JSON Lines file with --log.") from None
    entries = []
    for number, line in enumerate(lines, start=1):
        entry = _parse_line(line)
        if entry is None and line.strip():
            log.warning("%s, line %d: not a feedback entry; skipped.", path, number)
        elif entry is not None:
            entries.append(entry)
    return entries


def _parse_line(line: str) -> dict[str, Any] | None:
    if not line.strip():
        return None
    try:
        entry = json.loads(line)
    except json.JSONDecodeError:
        return None
    if not isinstance(entry, dict) or not isinstance(entry.get("question"), str):
        return None
    return entry


def skeleton(entries: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Question-set records for the thumbs-down entries, one per distinct question."""
    records: list[dict[str, Any]] = []
    seen: set[str] = set()
    for entry in entries:
        question = " ".join(str(entry.get("question", "")).split())
        if entry.get("verdict") != "down" or not question or question.lower() in seen:
            continue
        seen.add(question.lower())
        records.append({
            "id": f"feedback-{len(records) + 1:03d}",
            "question": question,
            "answers": [],
            "evidence": [],
            "answerable": True,
            "note": _note(entry),
        })
    return records


def _note(entry: Mapping[str, Any]) -> str:
    when = entry.get("time", "")
    answer = str(entry.get("answer", ""))
    return (f"Thumbs down on {when}. The assistant answered: {answer} Fill in answers and "
            "evidence (or set answerable to false) before using this in an evaluation.")


def write_jsonl(path: Path, records: Sequence[Mapping[str, Any]]) -> None:
    """Write records as JSON Lines, replacing ``path``."""
    path = Path(path)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise AssistantError(f"Cannot write {path} ({exc.strerror or exc}).",
                             fix="Pass a writable --out path.") from None


def export_skeleton(log_path: Path, out_path: Path) -> int:
    """Write the thumbs-down questions of ``log_path`` to ``out_path``; how many."""
    records = skeleton(read_entries(log_path))
    write_jsonl(out_path, records)
    return len(records)


__all__ = ["append_entry", "export_skeleton", "make_entry", "read_entries", "skeleton"]
