"""The Evaluate tab's results as inert HTML: the metric table and the failing questions.

Pure functions, no gradio; every string from a question set, a report or a source goes
through :func:`.render.escape_html`.

>>> metric_value("latency_ms_p50", 12.4), metric_value("hit@3", 0.8813)
('12 ms', '0.881')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..evaluation.reports import failures as eval_failures
from .render import escape_html

EVAL_EMPTY = ('<div class="gs-eval gs-empty"><p>Choose a question set (or upload one) and press '
              "“Run evaluation”: the metrics and the failing questions will appear here.</p></div>")
SHOWN_FAILURES = 100  # the rest are in the downloadable report
_EVAL_GROUPS = (
    ("Retrieval", (("hit@1", "hit@1"), ("hit@3", "hit@3"), ("hit@5", "hit@5"),
                   ("mrr", "MRR@k"), ("ndcg", "nDCG@k"))),
    ("Answers", (("answer_accuracy", "accuracy"), ("answer_f1", "token F1"))),
    ("Citations", (("citation_precision", "precision"), ("citation_coverage", "coverage"))),
    ("Refusal", (("refusal_rate", "unanswerable abstained on"),
                 ("refusal_rate_on_topic", "on-topic unanswerable abstained on"),
                 ("false_refusal_rate", "answerable wrongly abstained on"))),
    ("Latency", (("latency_ms_p50", "median"), ("latency_ms_p95", "p95"))),
)


def metric_applies(name: str, records: Sequence[Mapping[str, Any]]) -> bool:
    """Whether the run had any question a metric is measured on (else it shows "n/a")."""
    answerable = [r for r in records if r.get("answerable")]
    if name == "refusal_rate":
        return len(answerable) < len(records)
    if name == "refusal_rate_on_topic":
        return any(not r.get("answerable") and r.get("topic") != "off" for r in records)
    if name == "citation_precision":
        return any(r.get("citations") for r in records)
    if name == "citation_coverage":
        return any(r.get("verdicts", {}).get("answer_correct") for r in answerable)
    if name.startswith("latency"):
        return bool(records)
    return bool(answerable)


def metric_value(name: str, value: float) -> str:
    """A metric as shown: latencies in whole ms, the rest to three decimals."""
    return f"{value:.0f} ms" if name.startswith("latency") else f"{value:.3f}"


def render_eval_summary(summary: Mapping[str, float], settings: Mapping[str, Any],
                        records: Sequence[Mapping[str, Any]]) -> str:
    """The run's settings, counts and every metric in one table (n/a where none applies)."""
    answerable = sum(bool(r.get("answerable")) for r in records)
    split = sum(bool(r.get("evidence_split")) for r in records)
    failing = sum(bool(eval_failures(r)) for r in records)
    n = len(records)
    head = (f'<p class="gs-eval-head"><strong>{escape_html(settings.get("file", ""))}</strong>: '
            f"{n} question{'' if n == 1 else 's'} ({answerable} answerable, {n - answerable} "
            f"unanswerable), {failing} failing; mode {escape_html(settings.get('mode', ''))}, "
            f"k={escape_html(settings.get('k', ''))}. {split} with evidence split across "
            "chunk boundaries.</p>")
    rows = []
    for group, metrics in _EVAL_GROUPS:
        for i, (name, label) in enumerate(metrics):
            value = (metric_value(name, float(summary.get(name, 0.0)))
                     if metric_applies(name, records) else "n/a")
            first = f'<th rowspan="{len(metrics)}">{group}</th>' if i == 0 else ""
            key = "" if label == name else f' <code class="gs-key">{escape_html(name)}</code>'
            rows.append(f'<tr data-metric="{escape_html(name)}">{first}<td>{label}{key}</td>'
                        f'<td class="gs-num">{value}</td></tr>')
    table = ('<table class="gs-docs gs-metrics"><thead><tr><th>Stage</th><th>Metric</th>'
             f'<th>Value</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')
    return head + table


def render_eval_failure(record: Mapping[str, Any], expected: Sequence[str] = ()) -> str:
    """One failing question, collapsed: why, the answer, what was expected and retrieved."""
    reasons = "; ".join(eval_failures(record))
    items = [f"<li><strong>Why:</strong> {escape_html(reasons)}</li>",
             f"<li><strong>Answer:</strong> {escape_html(record.get('answer', ''))} "
             f"(confidence {float(record.get('confidence', 0.0)):.3f})</li>"]
    if expected:
        items.append("<li><strong>Accepted answers:</strong> "
                     f"{escape_html(' | '.join(expected))}</li>")
    if record.get("history"):
        items.append("<li><strong>Asked after:</strong> "
                     f"{escape_html(' / '.join(record['history']))}</li>")
    passages = "".join(
        f'<li class="gs-other"><div class="gs-meta">{escape_html(p.get("chunk_id", ""))} · '
        f'score {float(p.get("score", 0.0)):.3f}</div><div class="gs-passage-text">'
        f'{escape_html(_shorten(p.get("text", ""), 400))}</div></li>'
        for p in record.get("passages", []))
    return (f'<details class="gs-fail"><summary><code>{escape_html(record.get("id", ""))}'
            f"</code> {escape_html(_shorten(record.get('question', ''), 300))} — "
            f'<span class="gs-why">{escape_html(reasons)}</span></summary>'
            f"<ul>{''.join(items)}</ul><p><strong>Retrieved:</strong></p>"
            f"<ol>{passages}</ol></details>")


def _shorten(text: object, limit: int) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[:limit] + " …"


def render_eval_result(summary: Mapping[str, float], settings: Mapping[str, Any],
                       records: Sequence[Mapping[str, Any]],
                       expected: Sequence[Sequence[str]] = ()) -> str:
    """The whole tab: the metrics table, then the failing questions (the first hundred).

    ``expected[i]`` is the accepted answers of ``records[i]``; every string from the
    question set or the sources is escaped.
    """
    failing = [(r, expected[i] if i < len(expected) else ())
               for i, r in enumerate(records) if eval_failures(r)]
    shown = "".join(render_eval_failure(r, e) for r, e in failing[:SHOWN_FAILURES])
    more = (f'<p class="gs-meta">{len(failing) - SHOWN_FAILURES} more are in the JSON report.'
            "</p>" if len(failing) > SHOWN_FAILURES else "")
    body = shown + more if failing else '<p class="gs-pass">Every question passed.</p>'
    return (f'<div class="gs-eval">{render_eval_summary(summary, settings, records)}'
            f'<h3 class="gs-heading">Failing questions ({len(failing)})</h3>{body}</div>')


def render_eval_error(message: str) -> str:
    """Why nothing ran (a bad line of the question set, a limit), as inert text."""
    return (f'<div class="gs-eval gs-eval-error"><p class="gs-error">'
            f"{escape_html(message)}</p><p>Nothing was run.</p></div>")
