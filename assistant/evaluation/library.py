"""Library: a split of the test library, evaluated as one library beside the base sources.

A library folder (``evals/library``) holds ``splits.toml`` (each article's split, subject,
format and layout variant), ``articles/`` (the files, their ``.truth.json`` and a
``sources.toml`` for the plain-text ones) and ``questions/`` (``SLUG.jsonl`` and
``SLUG.conversations.jsonl``, every question labelled with its ``article``).

:func:`assemble` copies a split's articles beside the base sources (the two GSOMIA articles)
into one sources folder, as a user's library looks: the right article has to win over
others that share its words.

>>> own_article([{"article": "a", "abstained": False, "citations": [{"source_id": "a"}]},
...              {"article": "a", "abstained": False, "citations": [{"source_id": "b"}]}])
0.5
"""

from __future__ import annotations

import shutil
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UsageError

SPLITS = ("train", "dev", "test")
METADATA = "sources.toml"


@dataclass(frozen=True)
class Library:
    """The articles of a test library by split, with their formats and subjects."""

    folder: Path
    articles: Mapping[str, Mapping[str, Any]]

    @classmethod
    def load(cls, folder: Path) -> Library:
        path = Path(folder) / "splits.toml"
        try:
            spec = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise UsageError(f"Cannot read the library's {path} ({exc}).",
                             fix="Pass --library with a folder holding splits.toml, such as "
                                 "evals/library.") from None
        return cls(Path(folder), spec.get("articles", {}))

    def slugs(self, split: str) -> list[str]:
        """The split's articles that have a file (``all`` for every split)."""
        if split not in (*SPLITS, "all"):
            raise UsageError(f"Unknown split {split!r}.", fix="Use train, dev, test or all.")
        return [s for s, a in sorted(self.articles.items())
                if (split == "all" or a.get("split") == split) and self.file(s).exists()]

    def file(self, slug: str) -> Path:
        return self.folder / "articles" / f"{slug}.{self.articles[slug]['format']}"

    def format_of(self, slug: str) -> str:
        return str(self.articles.get(slug, {}).get("format", ""))

    def question_files(self, split: str) -> tuple[list[Path], list[Path]]:
        """(question files, conversation files) of the split's articles."""
        folder = self.folder / "questions"
        slugs = self.slugs(split)
        return ([folder / f"{s}.jsonl" for s in slugs if (folder / f"{s}.jsonl").exists()],
                [folder / f"{s}.conversations.jsonl" for s in slugs
                 if (folder / f"{s}.conversations.jsonl").exists()])


def _metadata_entries(path: Path, names: set[str]) -> str:
    """The ``sources.toml`` tables of the files in ``names`` (and any top-level keys)."""
    if not path.exists():
        return ""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    lines = []
    for key, value in data.items():
        if not isinstance(value, dict):
            lines.append(f"{key} = {_toml(value)}")
    for name, table in data.items():
        if isinstance(table, dict) and name in names:
            lines += ["", f"[{_toml(name)}]"] + [f"{k} = {_toml(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    import json

    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def assemble(library: Library, split: str, base: Path | None, dest: Path) -> Path:
    """A sources folder at ``dest`` holding the split's articles and the ``base`` sources,
    with their metadata merged; files already there and unchanged are left alone, so the
    index built from it stays fresh between runs."""
    dest.mkdir(parents=True, exist_ok=True)
    wanted: dict[str, Path] = {}
    if base is not None:
        wanted.update({p.name: p for p in sorted(Path(base).iterdir())
                       if p.is_file() and p.name != METADATA and not p.name.startswith(".")})
    wanted.update({library.file(s).name: library.file(s) for s in library.slugs(split)})
    for stale in dest.iterdir():
        if stale.name not in wanted and stale.name != METADATA:
            stale.unlink()
    for name, src in wanted.items():
        target = dest / name
        if not target.exists() or target.read_bytes() != src.read_bytes():
            shutil.copyfile(src, target)
    names = set(wanted)
    meta = "".join(_metadata_entries(folder / METADATA, names) for folder in
                   ([Path(base)] if base is not None else []) + [library.folder / "articles"])
    if not (dest / METADATA).exists() or (dest / METADATA).read_text(encoding="utf-8") != meta:
        (dest / METADATA).write_text(meta, encoding="utf-8")
    return dest


def own_article(records: Sequence[Mapping[str, Any]]) -> float | None:
    """Of the answers (not refusals) to questions about one article, the share whose
    citations all come from that article."""
    answered = [r for r in records if r.get("article") and not r["abstained"]
                and r.get("citations")]
    if not answered:
        return None
    own = sum(all(c["source_id"] == r["article"] for c in r["citations"]) for r in answered)
    return own / len(answered)
