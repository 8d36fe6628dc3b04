"""The ``timeline`` command: the dated events of every source, in date order, cited.

    assistant timeline [--json] [--source ID ...] [--from DATE] [--to DATE]

Each event prints its date and the sentence that tells it, with a ``[n]`` citation; an
event told by several sources prints once, with one citation per source. Dates are
``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; an event is kept when its date reaches into
the ``--from``..``--to`` range.
"""

from __future__ import annotations

import argparse
import json
import textwrap
from collections.abc import Sequence
from typing import Any

from .common import add_common, say, settings_from

WIDTH = 88


def register(sub: Any) -> None:
    """Add ``timeline`` to the ``assistant`` parser."""
    p = sub.add_parser("timeline", help="the dated events of every source, in date order")
    p.set_defaults(handler=cmd_timeline)
    p.add_argument("--json", action="store_true", help='print {"events": [...]} as JSON')
    p.add_argument("--source", action="append", default=[], metavar="ID",
                   help="only this source (its file name without the extension); repeatable")
    p.add_argument("--from", dest="date_from", metavar="DATE",
                   help="only events on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD)")
    p.add_argument("--to", dest="date_to", metavar="DATE",
                   help="only events on or before DATE (YYYY, YYYY-MM or YYYY-MM-DD)")
    add_common(p)


def cmd_timeline(args: argparse.Namespace) -> int:
    from ..qa.timeline import Timeline, parse_bound, timeline_json

    start = parse_bound(args.date_from, "--from") if args.date_from is not None else None
    end = parse_bound(args.date_to, "--to") if args.date_to is not None else None
    from ..store import ensure_index, load_store, make_embedder

    settings = settings_from(args)
    manifest = ensure_index(settings, make_embedder(settings), progress=say)
    timeline = Timeline(load_store(settings, manifest))
    entries = timeline.entries(args.source, start, end)
    if args.json:
        print(json.dumps(timeline_json(entries), ensure_ascii=False, indent=2))
    else:
        print(format_timeline(entries))
    return 0


def format_timeline(entries: Sequence[Any], width: int = WIDTH) -> str:
    """Readable text: one block per event (date, then each quote with its [n]), then the
    sources the markers point to."""
    if not entries:
        return "No dated events match."
    lines: list[str] = []
    marker = 0
    for entry in entries:
        lines.append(entry.label)
        for event in entry.events:
            marker += 1
            lines.append(textwrap.fill(f'[{marker}] "{event.quote}"', width,
                                       initial_indent="  ", subsequent_indent="      "))
            lines.append(textwrap.fill(
                f"— {event.title}, {event.source_date}, paragraph {event.paragraph} "
                f"(as written: {event.as_written})", width,
                initial_indent="      ", subsequent_indent="        "))
        lines.append("")
    sources = len({s for entry in entries for s in entry.sources})
    lines.append(f"{len(entries)} event{'s' if len(entries) != 1 else ''} from {sources} "
                 f"source{'s' if sources != 1 else ''}.")
    return "\n".join(lines)
