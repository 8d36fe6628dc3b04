"""The ``assistant eval`` command: score a question set, report it, gate CI on it.

    assistant eval FILE [--mode dense|bm25|hybrid] [-k N] [--json OUT] [--markdown OUT]
                   [--plot OUT.png] [--compare MODE,MODE,...] [--fail-under METRIC=VALUE ...]
                   [--conversations FILE]
    assistant eval --library evals/library --split dev [--base-sources sources] [...]

FILE is a question set (.jsonl or .csv) or a conversations file (.jsonl lines with
``turns``), detected from its first line. ``--fail-under`` exits 1 when a metric is
below its floor; for ``false_refusal_rate`` and the latencies (better when lower) the
value is a ceiling instead. Bad files and unknown metrics are usage errors (exit 2)
reported before anything runs.

``--library`` evaluates a split of the test library as one library: the split's articles are
indexed together with the base sources (``./sources``: the GSOMIA articles), every question
and conversation of the split is asked, and the figures are also given by format and as the
share of answers citing the question's own article.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..config import MODES
from ..errors import UsageError
from ..evaluation import breakdown, reports
from ..evaluation import metrics as ev
from ..evaluation.runner import Loaded, clear_query_cache, load_set, run_settings
from .common import add_common, add_retrieval, say, settings_from


def register(sub: Any) -> None:
    """Add the ``eval`` sub-command to the ``assistant`` parser."""
    p = sub.add_parser("eval", help="score a question set: retrieval, answers, citations, "
                       "refusals, latency")
    p.set_defaults(handler=cmd_eval)
    p.add_argument("file", type=Path, nargs="?",
                   help="question set (.jsonl or .csv) or conversations")
    p.add_argument("--json", type=Path, metavar="OUT", help="write the JSON report")
    p.add_argument("--markdown", type=Path, metavar="OUT", help="write a Markdown report")
    p.add_argument("--plot", type=Path, metavar="OUT.png",
                   help="plot answer confidence of answerable vs unanswerable questions")
    p.add_argument("--compare", metavar="MODE,MODE", help="run each mode, print side by side")
    p.add_argument("--fail-under", nargs="+", action="extend", default=[],
                   metavar="METRIC=VALUE", help="exit 1 when a metric misses its floor "
                   "(a ceiling for false_refusal_rate and the latencies)")
    p.add_argument("--conversations", type=Path, metavar="FILE",
                   help="also score a conversations file (each turn with its history)")
    p.add_argument("--library", type=Path, metavar="DIR",
                   help="a test library (evals/library): evaluate one split of it, indexed "
                        "together with --base-sources")
    p.add_argument("--split", default="dev", help="with --library: train, dev, test or all "
                   "(default dev)")
    p.add_argument("--base-sources", type=Path, default=Path("sources"), metavar="DIR",
                   help="with --library: the sources indexed beside the split ('' for none)")
    add_common(p)
    add_retrieval(p)


def _modes(spec: str | None, default: str) -> list[str]:
    if not spec:
        return [default]
    modes = [m.strip() for m in spec.split(",") if m.strip()]
    bad = [m for m in modes if m not in MODES]
    if bad or not modes:
        raise UsageError(f"--compare {spec!r}: unknown mode {bad[0] if bad else ''!r}.",
                         fix=f"Use a comma-separated list of: {', '.join(MODES)}.")
    return list(dict.fromkeys(modes))


def _progress(total: int, label: str) -> tuple[Any, Callable[[int], None]]:
    from tqdm import tqdm

    bar = tqdm(total=total, desc=label, unit="q", file=sys.stderr, leave=False)
    return bar, lambda done: bar.update(done - bar.n)


def score_set(assistant: Any, loaded: Loaded, k: int, mode: str,
              label: str) -> tuple[dict[str, float], list[dict[str, Any]]]:
    """Run one loaded set in one mode with a progress bar on stderr."""
    _kind, questions, history_of, owners = loaded
    clear_query_cache(assistant)
    bar, tick = _progress(len(questions), label)
    try:
        summary, records = ev.run_set(assistant, questions, k, mode, history_of, tick)
    finally:
        bar.close()
    for i, owner in enumerate(owners):
        records[i].update({"conversation": owner, "history": list(history_of(i))})
    return summary, records


def _write(args: argparse.Namespace, report: dict[str, Any]) -> None:
    summary, settings, records = report["summary"], report["settings"], report["questions"]
    if args.json:
        reports.write_json(args.json, report)
        print(f"Wrote {args.json}.", file=sys.stderr)
    if args.markdown:
        reports.write_text(args.markdown, reports.markdown_report(summary, settings, records))
        print(f"Wrote {args.markdown}.", file=sys.stderr)
    if args.plot:
        reports.plot_confidence(records, settings["threshold"], args.plot,
                                f"{Path(settings['file']).name}, {settings['mode']} mode")
        print(f"Wrote {args.plot}.", file=sys.stderr)


def run_eval(args: argparse.Namespace, load: Callable[[], Any],
             default_mode: str = "hybrid", labels: tuple[str, ...] = ("intent", "form"),
             decorate: Callable[[list[Any], list[Any]], dict[str, Any]] | None = None) -> int:
    """Validate everything, load the assistant with ``load()``, score, report, gate.

    ``decorate`` (library runs) adds labels to the records and returns extra figures."""
    floors = ev.parse_floors(args.fail_under)
    default_mode = args.mode or default_mode
    modes = _modes(args.compare, default_mode)
    loaded = load_set(args.file)
    extra = load_set(args.conversations) if args.conversations else None
    assistant = load()
    k = args.top_k or assistant.settings.top_k
    results = {m: score_set(assistant, loaded, k, m, f"eval {m}") for m in modes}
    primary = default_mode if default_mode in results else modes[0]
    summary, records = results[primary]
    report = reports.json_report(summary, run_settings(args.file, primary, k, assistant), records)
    print(f"{args.file} ({loaded[0]}), k={k}")
    if len(modes) > 1:
        print(reports.compare_table({m: s for m, (s, _) in results.items()}))
        report["compare"] = {m: s for m, (s, _) in results.items()}
    else:
        print(reports.summary_table(summary))
    print(reports.counts_line(records))
    report.update(_breakdowns(records, labels))
    if extra is not None:
        conv_summary, conv_records = score_set(assistant, extra, k, primary, "conversations")
        print(f"\n{args.conversations} ({extra[0]}), {primary} mode")
        print(reports.summary_table(conv_summary))
        print(reports.counts_line(conv_records))
        report["conversations"] = {"file": str(args.conversations), "summary": conv_summary,
                                   "questions": conv_records,
                                   **_breakdowns(conv_records, labels)}
    if decorate is not None:
        report["library"] = decorate(records, report.get("conversations", {}).get(
            "questions", []))
    _write(args, report)
    return _gate(summary, floors)


def _breakdowns(records: list[dict[str, Any]],
                labels: tuple[str, ...] = ("intent", "form")) -> dict[str, Any]:
    """Print and return the figures by each label the set carries (intent, form, ...)."""
    out = {}
    for label in labels:
        groups = breakdown.by_label(records, label)
        if groups:
            print("\n" + breakdown.table(groups, label))
            out[f"by_{label}"] = groups
    return out


def _gate(summary: dict[str, float], floors: dict[str, float]) -> int:
    failed = ev.failed_floors(summary, floors)
    for line in failed:
        print(f"FAIL: {line}", file=sys.stderr)
    if floors and not failed:
        print(f"All {len(floors)} floors met.", file=sys.stderr)
    return 1 if failed else 0


def cmd_eval(args: argparse.Namespace) -> int:
    if args.library is not None:
        from .eval_library import library_eval

        return library_eval(args, run_eval)
    if args.file is None:
        raise UsageError("assistant eval needs a question set FILE, or --library DIR.",
                         fix="Pass e.g. evals/gsomia.jsonl, or --library evals/library "
                             "--split dev.")
    settings = settings_from(args)

    def load() -> Any:
        from ..qa import Assistant

        return Assistant.load(settings, progress=say)

    return run_eval(args, load, settings.mode)
