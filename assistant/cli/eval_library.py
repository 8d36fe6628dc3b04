"""``assistant eval --library DIR --split NAME``: a split of the test library, evaluated as
one library indexed together with the base sources.

The sources folder and the index live in ``.assistant-cache/library-<split>/`` (or under
``--index``), so a second run reuses the index while nothing changed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..evaluation import breakdown
from ..evaluation.library import Library, assemble, own_article
from .common import say, settings_from

CACHE = Path(".assistant-cache")


def _combined(files: list[Path], dest: Path) -> Path | None:
    """One file holding the lines of ``files`` (None when there are none)."""
    if not files:
        return None
    lines = [line for f in files for line in f.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    dest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dest


def _figures(library: Library) -> Callable[[list[Any], list[Any]], dict[str, Any]]:
    def decorate(records: list[Any], turns: list[Any]) -> dict[str, Any]:
        everything = records + turns
        for r in everything:
            r["format"] = library.format_of(r.get("article", ""))
        groups = breakdown.by_label(everything, "format")
        for name, row in groups.items():
            row["own_article"] = own_article([r for r in everything if r["format"] == name])
        print("\n" + breakdown.table(groups, "format (questions and turns)", breakdown.WIDE))
        docs = breakdown.by_label([r for r in everything if r.get("intent") == "document"],
                                  "intent").get("document", {})
        share = own_article(everything)
        print(f"\nanswers citing the question's own article: "
              f"{'-' if share is None else f'{share:.3f}'}; document questions: "
              f"{breakdown._cell(docs.get('answer_accuracy'))} accuracy")
        return {"by_format": groups, "own_article": share,
                "document_accuracy": docs.get("answer_accuracy")}
    return decorate


def library_eval(args: argparse.Namespace, run_eval: Callable[..., int]) -> int:
    """Assemble the split's library, point the settings at it and run the evaluation."""
    if args.file is not None or args.conversations is not None:
        raise UsageError("--library takes its questions from the library.",
                         fix="Leave out FILE and --conversations with --library.")
    library = Library.load(args.library)
    slugs = library.slugs(args.split)
    if not slugs:
        raise UsageError(f"The library {args.library} has no articles in split "
                         f"{args.split!r}.", fix="Use train, dev, test or all.")
    work = CACHE / f"library-{args.split}"
    base = Path(args.base_sources) if str(args.base_sources) else None
    sources = assemble(library, args.split, base, work / "sources")
    questions, conversations = library.question_files(args.split)
    args.file = _combined(questions, work / "questions.jsonl")
    args.conversations = _combined(conversations, work / "conversations.jsonl")
    if args.file is None:
        raise UsageError(f"Split {args.split!r} of {args.library} has no questions.",
                         fix="Add questions/<article>.jsonl files.")
    say(f"Library {args.library}, split {args.split}: {len(slugs)} articles"
        f"{' + ' + str(base) if base else ''}, "
        f"{sum(1 for _ in args.file.open(encoding='utf-8'))} questions.")
    settings = settings_from(args).replace(sources=sources, index=args.index or work / "index")

    def load() -> Any:
        from ..qa import Assistant

        return Assistant.load(settings, progress=say)

    code = run_eval(args, load, settings.mode, labels=("intent", "form"),
                    decorate=_figures(library))
    sys.stdout.flush()
    return code


__all__ = ["json", "library_eval"]
