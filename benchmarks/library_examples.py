"""How often each kind of example question is answered from its own document.

    .venv/bin/python benchmarks/library_examples.py [--index DIR --sources DIR]

Builds (or reuses) the index of the 40 articles of ``evals/library`` in
``.assistant-cache/library-examples/``, then asks every candidate of every document
(:func:`assistant.library.examples.candidates`) and counts, per kind, how many were
answered (not refused) with their first citation in that document, and how many
documents got an example the chat would offer (the first candidate that is).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.config import Settings, stay_offline  # noqa: E402

stay_offline()
KINDS = (("What is “", "what it is about"), ("What is ", "name"),
         ("What did ", "person quoted"))


def kind_of(question: str) -> str:
    return next(label for prefix, label in KINDS if prefix in question)


def main() -> int:
    from assistant.library.examples import document_candidates
    from assistant.qa import Assistant

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = REPO / ".assistant-cache" / "library-examples"
    parser.add_argument("--sources", type=Path, default=root / "sources")
    parser.add_argument("--index", type=Path, default=root / "index")
    args = parser.parse_args()
    if not args.sources.exists():
        args.sources.mkdir(parents=True)
        for path in (REPO / "evals" / "library" / "articles").iterdir():
            if not path.name.endswith(".truth.json"):
                shutil.copy2(path, args.sources / path.name)
    bot = Assistant.load(Settings(sources=args.sources, index=args.index))
    asked, answered, offered = Counter(), Counter(), Counter()
    for doc_id, questions in document_candidates(bot.data, [d.id for d in bot.data.documents]):
        first = None
        for question in questions:
            answer = bot.ask(question)
            ok = not answer.abstained and bool(answer.citations) and \
                answer.citations[0].source_id == doc_id
            asked[kind_of(question)] += 1
            answered[kind_of(question)] += ok
            first = first or (kind_of(question) if ok else None)
        offered[first or "none"] += 1
    for _, label in KINDS:
        print(f"{label:<20} answered from its document {answered[label]:3d} of {asked[label]}")
    print(f"documents: {len(bot.data.documents)}; the example offered is of kind: "
          + ", ".join(f"{k} {n}" for k, n in offered.most_common()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
