"""Score the timeline's event extraction (and its merging across sources) against a
hand-made list of dated events.

    .venv/bin/python benchmarks/timeline_eval.py                      # the two GSOMIA articles
    .venv/bin/python benchmarks/timeline_eval.py --sources tests/fixtures/third_article \
        --gold tests/fixtures/timeline/third_article_events.toml

Builds the index of ``--sources`` in a temporary folder (real spaCy, real model), then
matches each extracted event to a listed one: same source, same ISO date, end and
precision, and the listed quote inside the event's sentence. Precision is the share of
extracted events that match a listed one, recall the share of listed events found. The
listed ``[[same]]`` groups (one event told by several sources) are scored as pairs
against the pairs the timeline merges. ``--list`` prints every event found.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import sys
import tempfile
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_GOLD = REPO / "tests" / "fixtures" / "timeline" / "gsomia_events.toml"


def load_gold(path: Path) -> dict[str, Any]:
    """The listed events (``event``) and groups of the same event (``same``)."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    events = [{**e, "date_end": e.get("date_end", e["date"])} for e in data.get("event", [])]
    return {"event": events, "same": [tuple(g["events"]) for g in data.get("same", [])]}


def matches(event: Any, listed: dict[str, Any]) -> bool:
    return (event.source_id == listed["source"] and event.date == listed["date"]
            and event.date_end == listed["date_end"] and event.precision == listed["precision"]
            and listed["quote"] in event.quote)


def match_events(events: Sequence[Any], gold: Sequence[dict[str, Any]]) -> dict[str, str]:
    """Event id -> listed id, each listed event matched at most once."""
    found: dict[str, str] = {}
    for event in events:
        for listed in gold:
            if listed["id"] not in found.values() and matches(event, listed):
                found[event.id] = listed["id"]
                break
    return found


def ratio(hits: int, total: int) -> float:
    return hits / total if total else 1.0


def score(timeline: Any, gold: dict[str, Any]) -> dict[str, Any]:
    """Extraction precision and recall, and merged-pair precision and recall."""
    events = timeline.events
    found = match_events(events, gold["event"])
    merged = {frozenset((found.get(a.id, a.id), found.get(b.id, b.id)))
              for entry in timeline.entries() for a, b in itertools.combinations(entry.events, 2)}
    listed = {frozenset(p) for group in gold["same"] for p in itertools.combinations(group, 2)}
    return {
        "events": len(events), "listed": len(gold["event"]), "matched": len(found),
        "precision": ratio(len(found), len(events)),
        "recall": ratio(len(found), len(gold["event"])),
        "merged_pairs": len(merged), "listed_pairs": len(listed),
        "pair_precision": ratio(len(merged & listed), len(merged)),
        "pair_recall": ratio(len(merged & listed), len(listed)),
        "unmatched_events": [e for e in events if e.id not in found],
        "missed": [g["id"] for g in gold["event"] if g["id"] not in found.values()],
        "extra_pairs": sorted(tuple(sorted(p)) for p in merged - listed),
    }


def timeline_of(index_dir: Path, sources: Path) -> Any:
    """Build (or reuse) the index of ``sources`` at ``index_dir``; its ``Timeline``."""
    from assistant.config import Settings
    from assistant.qa.timeline import Timeline
    from assistant.store import ensure_index, load_index, make_embedder

    settings = Settings.from_env().replace(sources=sources, index=index_dir)
    manifest = ensure_index(settings, make_embedder(settings))
    return Timeline(load_index(settings.index, manifest))


def report(result: dict[str, Any], timeline: Any, show_list: bool) -> str:
    lines = []
    if show_list:
        for n, entry in enumerate(timeline.entries(), start=1):
            for event in entry.events:
                lines.append(f"{n:3d}. {entry.label:24} {event.source_id[:28]:28} "
                             f"{event.as_written!r}: {event.quote[:90]}")
        lines.append("")
    lines.append(f"events extracted {result['events']}, listed {result['listed']}, "
                 f"matched {result['matched']}")
    lines.append(f"precision {result['precision']:.3f}  recall {result['recall']:.3f}")
    lines.append(f"merged pairs {result['merged_pairs']}, listed pairs {result['listed_pairs']}:"
                 f" pair precision {result['pair_precision']:.3f}, "
                 f"pair recall {result['pair_recall']:.3f}")
    for event in result["unmatched_events"]:
        lines.append(f"  not listed: {event.source_id} {event.date} {event.as_written!r}")
    lines.extend(f"  missed: {listed}" for listed in result["missed"])
    lines.extend(f"  merged, not listed as one event: {a} + {b}" for a, b in result["extra_pairs"])
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, default=REPO / "sources")
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--list", action="store_true", help="print every event found")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        timeline = timeline_of(Path(tmp) / "index", args.sources)
        result = score(timeline, load_gold(args.gold))
        print(report(result, timeline, args.list))
    return 0


if __name__ == "__main__":
    sys.exit(main())
