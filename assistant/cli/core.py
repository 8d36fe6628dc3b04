"""The core commands: ``index``, ``ask`` and ``status``.

    assistant index                      build ./index from ./sources
    assistant ask "When was GSOMIA signed?" [--json] [-k 5] [--mode hybrid]
    assistant status                     is the index fresh?
"""

from __future__ import annotations

import argparse
import json
import re
import textwrap
import time
from typing import Any

from ..config import Settings
from .common import add_common, add_retrieval, say, settings_from


def register(sub: Any) -> None:
    """Add ``index``, ``ask`` and ``status`` to the parser, each with its handler."""
    p = sub.add_parser("index", help="build the index from the sources folder")
    p.set_defaults(handler=cmd_index)
    add_common(p)
    p = sub.add_parser("ask", help="answer one question with citations")
    p.add_argument("question", help="the question, in quotes")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=cmd_ask)
    add_common(p)
    add_retrieval(p)
    p = sub.add_parser("status", help="show whether the index matches the sources")
    p.set_defaults(handler=cmd_status)
    add_common(p)


def cmd_index(args: argparse.Namespace) -> int:
    from ..store import build_index, make_embedder

    settings = settings_from(args)
    start = time.perf_counter()
    manifest = build_index(settings, make_embedder(settings), progress=say)
    counts = manifest["counts"]
    print(f"Indexed {counts['documents']} documents into {counts['chunks']} chunks "
          f"({counts['sentences']} sentences) at {where(settings)} "
          f"in {time.perf_counter() - start:.1f} s.")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from ..qa import validate_question

    validate_question(args.question)  # fail fast, before the model loads
    from ..qa import Assistant

    answer = Assistant.load(settings_from(args), progress=say).ask(args.question)
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
    else:
        print(format_answer(answer))
    return 0


def format_answer(answer: Any, width: int = 88) -> str:
    """Readable text: the answer, then each citation (or the closest passages)."""
    text, lines = answer.text, []
    if getattr(answer, "read_as", None):  # misspelt words were read as the sources' words
        lines.append(textwrap.fill(f"(Read as: {answer.read_as})", width))
    lead = re.match(r"\*\*(.+?)\*\* (\[\d+\])\. ", text)
    if lead:  # the short answer, on a line of its own
        lines.append(f"Answer: {lead.group(1)} {lead.group(2)}")
        text = text[lead.end():]
    lines += [textwrap.fill(text, width), ""]
    if answer.abstained:
        lines.append("Closest passages (not an answer):")
        for p in answer.passages[:3]:
            lines.append(textwrap.fill(f"- {p.text[:240]}...", width, subsequent_indent="  "))
    else:
        lines.append("Sources:")
        for c in answer.citations:
            kind = " (the article itself)" if c.kind == "document" else ""
            lines.append(textwrap.fill(f'[{c.marker}]{kind} "{c.quote}"', width,
                                       subsequent_indent="    "))
            meta = ", ".join(x for x in (c.title, c.author, c.publisher, c.date) if x)
            where = f"; paragraph {c.paragraph}" if c.paragraph else ""
            lines.append(textwrap.fill(f"— {meta}{where}", width,
                                       initial_indent="    ", subsequent_indent="      "))
    t = answer.timings_ms
    lines.append(f"\n({t.get('retrieval_ms', 0):.1f} ms retrieval, "
                 f"{t.get('answer_ms', 0):.1f} ms answering)")
    return "\n".join(lines)


def where(settings: Settings) -> str:
    """Where the index lives: its folder, or its Milvus URI and alias."""
    if settings.store == "milvus":
        return f"Milvus {settings.resolved_milvus_uri} (alias {settings.milvus_collection})"
    return str(settings.index)


def cmd_status(args: argparse.Namespace) -> int:
    from ..store import index_info, make_embedder, read_manifest, staleness

    settings = settings_from(args)
    if settings.store == "milvus":
        from ..store.milvus_index import read_milvus_manifest

        manifest = read_milvus_manifest(settings)
    elif (settings.index / "manifest.json").exists():
        manifest = read_manifest(settings.index)
    else:
        manifest = None
    if manifest is None:
        print(f"No index at {where(settings)}. Run `assistant index` to build it.")
        return 1
    reason = staleness(manifest, index_info(settings, make_embedder(settings)))
    counts = manifest["counts"]
    print(f"Index {where(settings)}: built {manifest['created_at']}, {counts['documents']} "
          f"documents, {counts['chunks']} chunks; {'stale: ' + reason if reason else 'fresh'}.")
    return 0
