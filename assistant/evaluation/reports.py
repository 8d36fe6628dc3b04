"""Reports of an evaluation run: text tables, the JSON report and its schema, Markdown, plot.

The JSON report is ``{"summary": {...}, "settings": {...}, "questions": [record, ...]}``;
:data:`REPORT_SCHEMA` documents it (JSON Schema, draft 2020-12 subset) and
:func:`validate` checks a report against it without third-party packages.

>>> validate({"a": 1}, {"type": "object", "required": ["a", "b"]})
["$: missing required field 'b'"]
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .metrics import METRICS

_NUM = {"type": "number"}
_STR = {"type": "string"}
_CITATION = {"type": "object", "required": ["marker", "quote", "chunk_id", "source_id"],
             "properties": {"marker": {"type": "integer"}, "quote": _STR, "chunk_id": _STR,
                            "source_id": _STR, "passage": _STR, "title": _STR}}
_PASSAGE = {"type": "object", "required": ["rank", "chunk_id", "source_id", "text", "score"],
            "properties": {"rank": {"type": "integer", "minimum": 1}, "chunk_id": _STR,
                           "source_id": _STR, "text": _STR, "score": _NUM}}
_VERDICTS = {"type": "object", "required": ["abstained", "citations_correct"],
             "properties": {"abstained": {"type": "boolean"},
                            "citations_correct": {"type": "array",
                                                  "items": {"type": "boolean"}},
                            **{m: {"type": ["boolean", "number"]}
                               for m in ("hit@1", "hit@3", "hit@5", "mrr", "ndcg",
                                         "answer_correct", "answer_f1", "covered")}}}
_RECORD = {
    "type": "object",
    "required": ["id", "question", "answer", "abstained", "confidence", "citations",
                 "passages", "verdicts", "latency_ms", "answerable", "evidence_split"],
    "properties": {
        "id": _STR, "question": _STR, "answer": _STR, "abstained": {"type": "boolean"},
        "confidence": _NUM, "citations": {"type": "array", "items": _CITATION},
        "passages": {"type": "array", "items": _PASSAGE}, "verdicts": _VERDICTS,
        "latency_ms": {"type": "number", "minimum": 0}, "answerable": {"type": "boolean"},
        "evidence_split": {"type": "boolean"}, "conversation": _STR,
        "history": {"type": "array", "items": _STR},
    },
}
REPORT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "assistant eval --json report",
    "type": "object",
    "required": ["summary", "settings", "questions"],
    "properties": {
        "summary": {"type": "object", "required": list(METRICS),
                    "properties": {m: ({"type": "number", "minimum": 0} if "latency" in m
                                       else {"type": "number", "minimum": 0, "maximum": 1})
                                   for m in METRICS}},
        "settings": {"type": "object", "required": ["file", "mode", "k", "threshold"],
                     "properties": {"file": _STR, "mode": _STR, "k": {"type": "integer"},
                                    "threshold": _NUM, "chunk_words": {"type": "integer"}}},
        "questions": {"type": "array", "items": _RECORD},
    },
}
_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "integer": int,
          "number": (int, float)}


def _type_ok(value: Any, names: str | list[str]) -> bool:
    names = [names] if isinstance(names, str) else names
    for name in names:
        if name in ("integer", "number") and isinstance(value, bool):
            continue
        if isinstance(value, _TYPES[name]):
            return True
    return False


def validate(value: Any, schema: Mapping[str, Any], where: str = "$") -> list[str]:
    """Errors of ``value`` against the schema subset used here (empty when valid)."""
    if "type" in schema and not _type_ok(value, schema["type"]):
        return [f"{where}: expected {schema['type']}, got {type(value).__name__}"]
    errors = []
    if "minimum" in schema and value < schema["minimum"]:
        errors.append(f"{where}: {value} is below {schema['minimum']}")
    if "maximum" in schema and value > schema["maximum"]:
        errors.append(f"{where}: {value} is above {schema['maximum']}")
    if isinstance(value, dict):
        errors += [f"{where}: missing required field '{f}'"
                   for f in schema.get("required", ()) if f not in value]
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                errors += validate(value[name], sub, f"{where}.{name}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            errors += validate(item, schema["items"], f"{where}[{i}]")
    return errors


def _fmt(name: str, value: float) -> str:
    return f"{value:.0f}" if "latency" in name else f"{value:.3f}"


def summary_table(summary: Mapping[str, float]) -> str:
    """A two-column text table of every metric."""
    width = max(len(m) for m in METRICS)
    lines = [f"{'metric':<{width}}  value", f"{'-' * width}  -----"]
    lines += [f"{m:<{width}}  {_fmt(m, summary[m])}" for m in METRICS]
    return "\n".join(lines)


def counts_line(records: Sequence[Mapping[str, Any]]) -> str:
    answerable = sum(r["answerable"] for r in records)
    split = sum(r["evidence_split"] for r in records)
    return (f"{len(records)} questions ({answerable} answerable, "
            f"{len(records) - answerable} unanswerable); {split} with evidence split "
            "across chunk boundaries")


def compare_table(results: Mapping[str, Mapping[str, float]]) -> str:
    """Metrics as rows, one column per mode."""
    width = max(len(m) for m in METRICS)
    modes = list(results)
    lines = [f"{'metric':<{width}}  " + "  ".join(f"{m:>8}" for m in modes),
             f"{'-' * width}  " + "  ".join("-" * 8 for _ in modes)]
    for name in METRICS:
        cells = "  ".join(f"{_fmt(name, results[m][name]):>8}" for m in modes)
        lines.append(f"{name:<{width}}  {cells}")
    return "\n".join(lines)


def markdown_table(results: Mapping[str, Mapping[str, float]]) -> str:
    """The same as :func:`compare_table`, as a Markdown table."""
    modes = list(results)
    lines = ["| metric | " + " | ".join(modes) + " |", "|---" * (len(modes) + 1) + "|"]
    for name in METRICS:
        lines.append(f"| {name} | " + " | ".join(_fmt(name, results[m][name]) for m in modes)
                     + " |")
    return "\n".join(lines)


def failures(record: Mapping[str, Any]) -> list[str]:
    """Why a question failed: wrong answer, missed evidence or wrong abstention."""
    v = record["verdicts"]
    if not record["answerable"]:
        return [] if record["abstained"] else ["answered an unanswerable question"]
    reasons = []
    if record["abstained"]:
        reasons.append("wrongly abstained")
    elif not v["answer_correct"]:
        reasons.append("wrong answer")
    if v.get("hit@5") is False:  # absent when only the metadata answers the question
        reasons.append("missed evidence (not in the top 5)")
    return reasons


def _failure_md(record: Mapping[str, Any]) -> list[str]:
    lines = [f"### {record['id']}: {record['question']}", "",
             f"- **Why:** {'; '.join(failures(record))}",
             f"- **Answer:** {record['answer']} (confidence {record['confidence']:.3f})"]
    if record.get("history"):
        lines.append(f"- **Asked after:** {' / '.join(record['history'])}")
    lines.append("- **Retrieved:**")
    for p in record["passages"]:
        text = " ".join(p["text"].split())
        lines.append(f"  {p['rank']}. `{p['chunk_id']}` {text[:200]}...")
    return [*lines, ""]


def markdown_report(summary: Mapping[str, float], settings: Mapping[str, Any],
                    records: Sequence[Mapping[str, Any]]) -> str:
    """Summary table and every failing question with what was retrieved."""
    failing = [r for r in records if failures(r)]
    head = [f"# Evaluation of `{settings['file']}`", "",
            f"Mode {settings['mode']}, k={settings['k']}, abstention threshold "
            f"{settings['threshold']}. {counts_line(records)}.", "",
            markdown_table({settings["mode"]: summary}), "",
            f"## Failing questions ({len(failing)})", ""]
    return "\n".join(head + [line for r in failing for line in _failure_md(r)])


def json_report(summary: Mapping[str, float], settings: Mapping[str, Any],
                records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {"summary": dict(summary), "settings": dict(settings), "questions": list(records)}


def write_text(path: Path, text: str) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(text, encoding="utf-8")


def write_json(path: Path, report: Mapping[str, Any]) -> None:
    write_text(path, json.dumps(report, ensure_ascii=False, indent=2) + "\n")


def plot_confidence(records: Sequence[Mapping[str, Any]], threshold: float, out: Path,
                    title: str = "") -> None:
    """Histogram of answer confidence, answerable vs unanswerable, threshold marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yes = [r["confidence"] for r in records if r["answerable"]]
    no = [r["confidence"] for r in records if not r["answerable"]]
    fig, ax = plt.subplots(figsize=(7, 4), dpi=120)
    bins = [i / 20 for i in range(21)]
    ax.hist(yes, bins=bins, alpha=0.6, label=f"answerable ({len(yes)})", color="tab:blue")
    ax.hist(no, bins=bins, alpha=0.6, label=f"unanswerable ({len(no)})", color="tab:red")
    ax.axvline(threshold, color="black", linestyle="--",
               label=f"abstention threshold {threshold:g}")
    ax.set(xlabel="answerability confidence", ylabel="questions",
           title=title or "Confidence of answerable vs unanswerable questions")
    ax.legend()
    fig.tight_layout()
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    plt.close(fig)
