"""Feedback: keep the web chat's thumbs up/down in a JSON Lines log, and export the downs.

Each rating is one line of ``feedback.jsonl`` (``Settings.feedback_log``, or
``ASSISTANT_FEEDBACK_LOG``)::

    {"time": "2026-11-25T15:30:00+00:00", "verdict": "down", "question": "...",
     "answer": "...", "abstained": false, "citations": [{"marker": 1, ...}]}

:func:`export_skeleton` turns the thumbs-down lines into a question-set skeleton
for ``assistant eval`` (by default ``feedback-questions.jsonl``): one ``{"id",
"question", "answers": [], "evidence": [], "answerable": true, "note"}`` object per
question, to be completed by hand. ``assistant eval`` (and the web app's Evaluate
tab) refuse such a line until it is filled in: ``answers`` needs at least one
accepted answer string (and ``evidence`` should quote the sources), or
``answerable`` is set to false; the ``note`` saying so can stay, as evaluation
ignores extra fields.

Exporting again into an existing file keeps every line already there (with the
answers filled in by hand) and appends only thumbs-down questions it does not hold
yet, numbered after the highest ``feedback-NNN`` id; a malformed existing file is
reported with its line number and left untouched.

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

from ..errors import AssistantError, ConfigError

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
    lines = _read_lines(path, "the feedback log ", "Pass a UTF-8 JSON Lines file with --log.")
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
    answer = " ".join(str(entry.get("answer", "")).split())
    return ("TO FILL IN: `assistant eval` refuses this line until \"answers\" lists at least "
            "one accepted answer (and \"evidence\" a sentence of the sources that holds it), "
            "or \"answerable\" is set to false when the sources do not answer the question. "
            f"This note may stay. Thumbs down on {when}; the assistant answered: {answer}")


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


def read_existing(path: Path) -> list[dict[str, Any]]:
    """The records of an earlier export (maybe filled in by hand); [] when there is none."""
    path = Path(path)
    if not path.exists():
        return []
    lines = _read_lines(path, "", "Pass another --out, or move that file away.")
    records = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            record = None
        if not isinstance(record, dict):
            raise ConfigError(f"{path}, line {number}: not a question-set object, so the "
                              "file was left as it is.",
                              fix="Fix that line, or pass another --out.")
        records.append(record)
    return records


def new_records(existing: Sequence[Mapping[str, Any]],
                exported: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The exported records whose question ``existing`` lacks, with ids that do not clash."""
    held = {" ".join(str(r.get("question", "")).split()).lower() for r in existing}
    ids = {str(r.get("id", "")) for r in existing}
    numbers = [int(i[9:]) for i in ids if i.startswith("feedback-") and i[9:].isdigit()]
    next_number = max(numbers, default=0) + 1
    out = []
    for record in exported:
        if record["question"].lower() in held:
            continue
        while f"feedback-{next_number:03d}" in ids:
            next_number += 1
        out.append({**record, "id": f"feedback-{next_number:03d}"})
        ids.add(out[-1]["id"])
        next_number += 1
    return out


def export_skeleton(log_path: Path, out_path: Path) -> int:
    """Add the thumbs-down questions of ``log_path`` to ``out_path``; how many were new.

    Lines already in ``out_path`` are kept exactly as they are.
    """
    exported = skeleton(read_entries(log_path))
    out_path = Path(out_path)
    existing = read_existing(out_path)
    if not existing:
        write_jsonl(out_path, exported)
        return len(exported)
    added = new_records(existing, exported)
    if added:
        text = out_path.read_text(encoding="utf-8")
        lead = "" if text.endswith("\n") else "\n"
        try:
            with out_path.open("a", encoding="utf-8") as fh:
                fh.write(lead + "".join(json.dumps(r, ensure_ascii=False) + "\n"
                                        for r in added))
        except OSError as exc:
            raise AssistantError(f"Cannot write {out_path} ({exc.strerror or exc}).",
                                 fix="Pass a writable --out path.") from None
    return len(added)


def _read_lines(path: Path, what: str, fix: str) -> list[str]:
    """The lines of a UTF-8 file, or a ConfigError naming ``what`` and the ``fix``."""
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Cannot read {what}{path} ({exc}).", fix=fix) from None


__all__ = ["append_entry", "export_skeleton", "make_entry", "new_records", "read_entries",
           "read_existing", "skeleton"]
