"""The library commands: ``add``, ``remove`` and ``list``.

    assistant add FILE... [--title T --author A --publisher P --date D --url U]
    assistant remove ID
    assistant list [--json]

Each writes into the sources folder (and ``sources.toml``) and updates the index for that
document alone, as the Documents tab and the JSON API do; a running ``assistant serve``
picks the new index up. A bad file prints one line naming the problem and the fix and
the command goes on with the next file; it exits with 1 (2 for usage) if any failed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from ..errors import AssistantError, UsageError
from .common import add_common, say, settings_from

FIELDS = ("title", "author", "publisher", "date", "url")


def register(sub: Any) -> None:
    p = sub.add_parser("add", help="add documents to the library (and index them)")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE",
                   help="a .txt, .md, .html, .pdf or .docx file")
    for name in FIELDS:
        p.add_argument(f"--{name}", help=f"the document's {name} (only with one FILE), "
                       "instead of what the file says")
    p.set_defaults(handler=cmd_add)
    add_common(p)
    p = sub.add_parser("remove", help="remove a document from the library")
    p.add_argument("id", metavar="ID", help="the document's id (see `assistant list`)")
    p.set_defaults(handler=cmd_remove)
    add_common(p)
    p = sub.add_parser("list", help="list the documents of the library")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.set_defaults(handler=cmd_list)
    add_common(p)


def _library(args: argparse.Namespace) -> Any:
    from ..library import Library
    from ..store import make_embedder

    settings = settings_from(args)
    return Library(settings, make_embedder(settings))


def _progress(_fraction: float, message: str) -> None:
    say(message)


def describe(entry: Any) -> str:
    """One line about a document: id, title, format, size."""
    return (f"{entry.id}: {entry.title} ({entry.format}, {entry.words:,} words, "
            f"{entry.passages} passages)")


def cmd_add(args: argparse.Namespace) -> int:
    from ..library import Upload

    fields = {name: getattr(args, name) for name in FIELDS if getattr(args, name) is not None}
    if fields and len(args.files) > 1:
        raise UsageError("--title, --author, --publisher, --date and --url describe one file.",
                         fix="Add the files one at a time to give each its metadata.")
    library, status = _library(args), 0
    for path in args.files:
        start = time.perf_counter()
        try:
            data = _read(path)
            entry = library.add(Upload(path.name, data), fields, _progress)
        except AssistantError as exc:
            print(f"error: {path}: {exc}", file=sys.stderr)
            status = max(status, exc.exit_code)
            continue
        print(f"Added {describe(entry)} in {time.perf_counter() - start:.1f} s.")
    return status


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise UsageError(f"{path} is a folder.", fix="Pass the files in it.") from None
    except FileNotFoundError:
        raise UsageError(f"{path} does not exist.", fix="Check the path.") from None
    except OSError as exc:
        raise UsageError(f"{path} cannot be read ({exc.strerror or exc}).",
                         fix="Check its permissions.") from None


def cmd_remove(args: argparse.Namespace) -> int:
    entry = _library(args).remove(args.id, _progress)
    print(f"Removed {describe(entry)}.")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    entries = _library(args).entries()
    if args.json:
        print(json.dumps([e.to_json() for e in entries], ensure_ascii=False, indent=2))
        return 0
    for e in entries:
        meta = " — ".join(x for x in (e.author, e.publisher, e.date) if x)
        print(f"{e.id}\t{e.title}\t{meta or '—'}\t{e.format}\t{e.words:,} words\t"
              f"{e.passages} passages\tadded {e.added or '—'}")
    print(f"{len(entries)} document{'s' if len(entries) != 1 else ''}.", file=sys.stderr)
    return 0
