"""CLI: a thin ``assistant`` command over the library.

    assistant index                      build ./index from ./sources
    assistant ask "When was GSOMIA signed?" [--json] [-k 5] [--mode hybrid]
    assistant status                     is the index fresh?
    assistant serve                      the web chat on http://127.0.0.1:7860

Errors print one line naming the problem and the fix; usage errors exit with 2.
Heavy libraries load only inside the command that needs them, so ``--help`` is instant.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import textwrap
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .config import MODES, Settings
from .errors import AssistantError

EXAMPLE = "Why did Seoul threaten to end the pact in 2019?"


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sources", type=Path, help="sources folder (ASSISTANT_SOURCES; ./sources)"
    )
    parser.add_argument("--index", type=Path, help="index folder (ASSISTANT_INDEX; ./index)")
    parser.add_argument(
        "--model-path",
        help="sentence-transformers model folder "
        "(ASSISTANT_MODEL_PATH; the bundled all-MiniLM-L6-v2)",
    )


def _retrieval(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-k",
        "--top-k",
        type=int,
        dest="top_k",
        metavar="N",
        help="passages to retrieve (default 5)",
    )
    parser.add_argument("--mode", choices=MODES, help="retrieval mode (default hybrid)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant",
        description="GSOMIA Assistant: cited answers from source articles.",
        epilog=f'Example: assistant ask "{EXAMPLE}"',
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("index", help="build the index from the sources folder")
    _common(p)
    p = sub.add_parser("ask", help="answer one question with citations")
    p.add_argument("question", help="the question, in quotes")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    _common(p)
    _retrieval(p)
    p = sub.add_parser("status", help="show whether the index matches the sources")
    _common(p)
    from . import commands, eval_command

    commands.register(sub, _common, _retrieval)
    eval_command.register(sub, _common, _retrieval)
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings.from_env().replace(
        sources=getattr(args, "sources", None),
        index=getattr(args, "index", None),
        model_path=getattr(args, "model_path", None),
        top_k=getattr(args, "top_k", None),
        mode=getattr(args, "mode", None),
    )


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cmd_index(args: argparse.Namespace) -> int:
    from .pipeline import build_index, make_embedder

    settings = settings_from(args)
    start = time.perf_counter()
    embedder = make_embedder(settings)
    manifest = build_index(settings, embedder, progress=_say)
    counts = manifest["counts"]
    print(
        f"Indexed {counts['documents']} documents into {counts['chunks']} chunks "
        f"({counts['sentences']} sentences) at {settings.index} "
        f"in {time.perf_counter() - start:.1f} s."
    )
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from .pipeline import Assistant, validate_question

    validate_question(args.question)  # fail fast, before the model loads
    settings = settings_from(args)
    answer = Assistant.load(settings, progress=_say).ask(args.question)
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
    else:
        print(format_answer(answer))
    return 0


def format_answer(answer: Any, width: int = 88) -> str:
    """Readable text: the answer, then each citation (or the closest passages)."""
    lines = [textwrap.fill(answer.text, width), ""]
    if answer.abstained:
        lines.append("Closest passages (not an answer):")
        for p in answer.passages[:3]:
            lines.append(textwrap.fill(f"- {p.text[:240]}...", width, subsequent_indent="  "))
    else:
        lines.append("Sources:")
        for c in answer.citations:
            lines.append(
                textwrap.fill(f'[{c.marker}] "{c.quote}"', width, subsequent_indent="    ")
            )
            meta = ", ".join(x for x in (c.title, c.author, c.publisher, c.date) if x)
            lines.append(
                textwrap.fill(
                    f"— {meta}; paragraph {c.paragraph}",
                    width,
                    initial_indent="    ",
                    subsequent_indent="      ",
                )
            )
    t = answer.timings_ms
    lines.append(
        f"\n({t.get('retrieval_ms', 0):.1f} ms retrieval, {t.get('answer_ms', 0):.1f} ms answering)"
    )
    return "\n".join(lines)


def cmd_status(args: argparse.Namespace) -> int:
    from .pipeline import index_info, make_embedder
    from .store import read_manifest, staleness

    settings = settings_from(args)
    if not (settings.index / "manifest.json").exists():
        print(f"No index at {settings.index}. Run `assistant index` to build it.")
        return 1
    manifest = read_manifest(settings.index)
    reason = staleness(manifest, index_info(settings, make_embedder(settings)))
    counts = manifest["counts"]
    print(
        f"Index {settings.index}: built {manifest['created_at']}, {counts['documents']} "
        f"documents, {counts['chunks']} chunks; {'stale: ' + reason if reason else 'fresh'}."
    )
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "index": cmd_index,
    "ask": cmd_ask,
    "status": cmd_status,
}


def _configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        stream=sys.stderr,
        format="assistant: %(message)s",
    )
    for noisy in (
        "httpx",
        "urllib3",
        "sentence_transformers",
        "transformers",
        "faiss",
        "bm25s",
        "gradio",
        "asyncio",
        "matplotlib",
        "PIL",
    ):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(args.verbose)
    from . import commands, eval_command

    handler = {**commands.HANDLERS, **eval_command.HANDLERS, **COMMANDS}[args.command]
    try:
        return handler(args)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
