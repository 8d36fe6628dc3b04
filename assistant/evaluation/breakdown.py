"""Breakdown: the figures of one run split by a question label (intent, form, topic).

>>> rows = [{"intent": "cause", "answerable": True, "abstained": False,
...          "verdicts": {"answer_correct": True, "hit@3": True}},
...         {"intent": "cause", "answerable": False, "abstained": True, "verdicts": {}}]
>>> by_label(rows, "intent")["cause"]["answer_accuracy"]
1.0
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

Row = Mapping[str, Any]


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def figures(rows: Sequence[Row]) -> dict[str, float | int | None]:
    """Counts, answer accuracy, hit@3, refusal (all unanswerable, and on-topic only), false
    refusal, and the accuracy on document questions, of some records."""
    ans = [r for r in rows if r["answerable"]]
    unans = [r for r in rows if not r["answerable"]]
    return {
        "answerable": len(ans),
        "unanswerable": len(unans),
        "answer_accuracy": _mean([float(r["verdicts"]["answer_correct"]) for r in ans]),
        "hit@3": _mean([float(r["verdicts"]["hit@3"]) for r in ans if "hit@3" in r["verdicts"]]),
        "refusal_rate": _mean([float(r["abstained"]) for r in unans]),
        "refusal_rate_on_topic": _mean([float(r["abstained"]) for r in unans
                                        if r.get("topic", "on") != "off"]),
        "false_refusal_rate": _mean([float(r["abstained"]) for r in ans]),
        "document_accuracy": _mean([float(r["verdicts"]["answer_correct"]) for r in ans
                                    if r.get("intent") == "document"]),
    }


def by_label(records: Sequence[Row], label: str) -> dict[str, dict[str, float | int | None]]:
    """``figures`` for each value of ``label`` (records without it are left out)."""
    groups: dict[str, list[Row]] = {}
    for record in records:
        if record.get(label):
            groups.setdefault(str(record[label]), []).append(record)
    return {name: figures(rows) for name, rows in sorted(groups.items())}


COLUMNS = {"answerable": "answerable", "unanswerable": "unanswerable",
           "answer_accuracy": "accuracy", "hit@3": "hit@3", "refusal_rate": "refusal",
           "false_refusal_rate": "false refusal"}
WIDE = {**COLUMNS, "refusal_rate_on_topic": "on-topic ref.",
        "document_accuracy": "document q.", "own_article": "own article"}


def table(groups: Mapping[str, Mapping[str, float | int | None]], title: str,
          columns: Mapping[str, str] = COLUMNS) -> str:
    """A text table: one row per group, one column per key of ``columns`` (headed by its
    value); a figure a group lacks shows as ``-``."""
    cols, heads = tuple(columns), tuple(columns.values())
    width = max([len(title), *(len(g) for g in groups)])
    lines = [f"{title:<{width}}  " + "  ".join(f"{h:>13}" for h in heads)]
    for name, row in groups.items():
        cells = [_cell(row.get(c)) for c in cols]
        lines.append(f"{name:<{width}}  " + "  ".join(f"{c:>13}" for c in cells))
    return "\n".join(lines)


def _cell(value: float | int | None) -> str:
    if value is None:
        return "-"
    return str(value) if isinstance(value, int) else f"{value:.3f}"
