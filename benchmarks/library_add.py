"""Adding one article to the 40-article library: incremental update against a full rebuild.

    .venv/bin/python benchmarks/library_add.py [--article FILE] [--store milvus] [--json OUT]

Copies the 40 articles of ``evals/library/articles`` into a temporary sources folder,
builds the index in full (cold: nothing cached; then warm: every embedding cached, as a
rebuild after a small change is), then, in the same process with the model loaded (as a
running server has it), adds ``--article`` (default: the 2020 GSOMIA article, 1,183
words once cleaned) through the library (`Library.add`: read, duplicate check, write into
the folder, embed and parse that document only, swap the index, load it), replaces it and
removes it. Another article is added (and removed) first, since a process's first change
also loads the bulk encoder and datasketch. Each step is timed; the figures are printed
and written as JSON.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.config import Settings, stay_offline  # noqa: E402

stay_offline()


def _library_copy(root: Path) -> Path:
    sources = root / "sources"
    sources.mkdir()
    for path in (REPO / "evals" / "library" / "articles").iterdir():
        if not path.name.endswith(".truth.json"):
            shutil.copy2(path, sources / path.name)
    return sources


def _timed(label: str, figures: dict[str, float], fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    figures[label] = round(time.perf_counter() - start, 3)
    print(f"{label:<40} {figures[label]:8.2f} s", flush=True)
    return result


def run(article: Path, store: str) -> dict[str, object]:
    from assistant.library import Library, Upload
    from assistant.qa import Assistant
    from assistant.store import build_index, make_embedder

    root = Path(tempfile.mkdtemp(prefix="library-bench-"))
    settings = Settings(sources=_library_copy(root), index=root / "index", store=store)
    embedder = make_embedder(settings)
    figures: dict[str, float] = {}
    _timed("full rebuild, cold (nothing cached)", figures,
           lambda: build_index(settings, embedder))
    _timed("full rebuild, warm embedding cache", figures,
           lambda: build_index(settings, embedder))
    bot = Assistant.load(settings)
    library = Library(settings, bot.embedder, lambda: bot.data, bot.install)
    # A server's first change also loads the bulk encoder and datasketch; timed apart.
    warm = REPO / "sources" / "why-did-south-korea-walk-out-of-the-gsomia.txt"
    first = _timed("first add in the process (warm-up article)", figures,
                   lambda: library.add(Upload(warm.name, warm.read_bytes())))
    library.remove(first.id)
    data = article.read_bytes()
    entry = _timed("incremental add (read, embed, parse, swap)", figures,
                   lambda: library.add(Upload(article.name, data)))
    changed = data.replace(b"GSOMIA", b"the GSOMIA pact", 3)
    _timed("incremental replace (same article edited)", figures,
           lambda: library.replace(entry.id, Upload(article.name, changed)))
    _timed("incremental remove", figures, lambda: library.remove(entry.id))
    counts = bot.data.manifest["counts"]
    shutil.rmtree(root, ignore_errors=True)
    return {"store": store, "article": article.name, "article_words": entry.words,
            "article_passages": entry.passages, "library_after_remove": counts,
            "seconds": figures}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--article", type=Path,
                        default=REPO / "sources" / "korea-japan-gsomia-survives.txt")
    parser.add_argument("--store", choices=("faiss", "milvus"), default="faiss")
    parser.add_argument("--json", type=Path, dest="json_out")
    args = parser.parse_args()
    result = run(args.article, args.store)
    print(json.dumps(result, indent=2))
    if args.json_out:
        args.json_out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
