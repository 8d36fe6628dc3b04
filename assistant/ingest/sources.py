"""Sources: read every document in the sources folder and clean it into a ``Document``.

Supported files are ``.txt``, ``.md``, ``.html``/``.htm``, ``.pdf`` and ``.docx``; anything
else is skipped with a warning. A file's metadata comes from the file itself (``<head>``,
document information and XMP, core properties, YAML front matter, a printed byline and
dateline; see :mod:`.article`); ``sources.toml`` in the same folder overrides it field by
field, and adds extra furniture patterns::

    drop_patterns = ["^Advertisement$"]          # applies to every file

    ["why-did-south-korea-walk-out-of-the-gsomia.txt"]
    title = "Why Did South Korea Walk Out Of The GSOMIA? - Analysis"
    date = "2019-11"
    drop_patterns = ["^IPCS \\\\(Institute for Peace"]
    added = "2026-05-01T09:30:00+00:00"   # set when added with `assistant add` or the web

A file that names no title, in itself or in ``sources.toml``, is titled by its file name.
"""

from __future__ import annotations

import hashlib
import logging
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError, SourceError
from .article import read_article
from .cleaning import DEFAULT_FURNITURE
from .extracted import Extracted, FileMeta

log = logging.getLogger(__name__)

METADATA_FILE = "sources.toml"
SUPPORTED = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx")
FORMATS = {".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html",
           ".pdf": "pdf", ".docx": "docx"}
MAX_FILE_BYTES = 20 * 2**20
# How files are read: bumped whenever a change to the readers or to cleaning can change a
# document's text or metadata, so that an index built by the older reading is rebuilt.
INGEST_VERSION = 2  # the default size limit of one source file
PARAGRAPH_BREAK = "\n\n"
_MONTHS = (
    "January February March April May June July August September October November December"
)
_MONTHS_LIST = _MONTHS.split()


@dataclass(frozen=True)
class Document:
    """One cleaned source document; ``text`` is paragraphs joined by blank lines."""

    id: str
    path: str
    title: str
    text: str
    author: str = ""
    publisher: str = ""
    date: str = ""
    url: str = ""
    heading: str = ""
    sha256: str = ""
    byline: str = ""  # the printed byline, kept out of ``text`` ("By Jo Roe, Reporter")
    format: str = ""  # the file's type: txt, md, html, pdf or docx

    @property
    def paragraph_starts(self) -> list[int]:
        """Character offset of each paragraph's first character."""
        starts, pos = [0], 0
        while (pos := self.text.find(PARAGRAPH_BREAK, pos)) != -1:
            pos += len(PARAGRAPH_BREAK)
            starts.append(pos)
        return starts

    def paragraph_of(self, offset: int) -> int:
        """1-based paragraph number holding ``offset``."""
        return self.text.count(PARAGRAPH_BREAK, 0, offset) + 1

    @property
    def date_label(self) -> str:
        return date_label(self.date)

    def metadata(self) -> dict[str, str]:
        keys = ("id", "path", "title", "author", "publisher", "date", "url", "byline", "format")
        return {k: getattr(self, k) for k in keys}


@dataclass(frozen=True)
class SourceMeta:
    """What ``sources.toml`` says about one file."""

    title: str = ""
    author: str = ""
    publisher: str = ""
    date: str = ""
    url: str = ""
    drop_patterns: tuple[str, ...] = field(default_factory=tuple)
    added: str = ""  # when the file was added through the library (ISO time); not indexed


def date_label(date: str) -> str:
    """Human form of an ISO-ish date.

    >>> date_label("2019-11"), date_label("2020-08-24"), date_label("spring 2020")
    ('November 2019', '24 August 2020', 'spring 2020')
    """
    m = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", date.strip())
    if not m or not 1 <= int(m[2]) <= 12:
        return date
    month = f"{_MONTHS_LIST[int(m[2]) - 1]} {m[1]}"
    return f"{int(m[3])} {month}" if m[3] else month


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def source_files(folder: Path) -> list[Path]:
    """The supported document files in ``folder``, sorted; warns about the rest."""
    if not folder.is_dir():
        raise SourceError(
            f"Sources folder {folder} does not exist.",
            fix="Create it and put .txt, .md, .html, .pdf or .docx files in it, or pass "
                "--sources.",
        )
    files = []
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        if path.name == METADATA_FILE or path.name.startswith("."):
            continue
        if path.suffix.lower() in SUPPORTED:
            files.append(path)
        else:
            log.warning("Skipping %s: unsupported file type (use %s).", path, ", ".join(SUPPORTED))
    if not files:
        raise SourceError(
            f"Sources folder {folder} has no documents.",
            fix="Add .txt, .md, .html, .pdf or .docx files to it, or pass --sources.",
        )
    return files


def read_metadata(folder: Path) -> tuple[tuple[str, ...], dict[str, SourceMeta]]:
    """Parse ``sources.toml``: (patterns for every file, per-file metadata)."""
    path = folder / METADATA_FILE
    if not path.exists():
        return (), {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"{path} is not valid TOML: {exc}.", fix="Fix the file's syntax."
        ) from None
    shared = data.pop("drop_patterns", [])
    if not isinstance(shared, list) or not all(isinstance(p, str) for p in shared):
        raise ConfigError(
            f"{path}: drop_patterns is not a list of strings.",
            fix="Write it as drop_patterns = ['^pattern one', '^pattern two'].",
        )
    metas = {name: _meta(path, name, entry) for name, entry in data.items()}
    for pattern in [*shared, *(p for m in metas.values() for p in m.drop_patterns)]:
        _check_pattern(path, pattern)
    return tuple(shared), metas


def _meta(path: Path, name: str, entry: Any) -> SourceMeta:
    if not isinstance(entry, Mapping):
        raise ConfigError(
            f"{path}: entry {name!r} must be a table of title/author/publisher/date/url.",
            fix=f'Write it as ["{name}"] followed by key = "value" lines.',
        )
    known = {"title", "author", "publisher", "date", "url", "drop_patterns", "added"}
    unknown = set(entry) - known
    if unknown:
        raise ConfigError(
            f"{path}: entry {name!r} has unknown keys {sorted(unknown)}.",
            fix=f"Use only {sorted(known)}.",
        )
    patterns = entry.get("drop_patterns", [])
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise ConfigError(
            f"{path}: entry {name!r} has drop_patterns that is not a list of strings.",
            fix="Write it as drop_patterns = ['^pattern one', '^pattern two'].",
        )
    values = {k: str(v) for k, v in entry.items() if k != "drop_patterns"}
    return SourceMeta(**values, drop_patterns=tuple(entry.get("drop_patterns", ())))


def _check_pattern(path: Path, pattern: str) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ConfigError(
            f"{path}: drop pattern {pattern!r} is not a valid regular expression ({exc}).",
            fix="Fix or remove the pattern.",
        ) from None


def read_extracted(path: Path, max_bytes: int = MAX_FILE_BYTES) -> Extracted:
    """What the reader for ``path``'s type takes from it (see ``readers``)."""
    from .readers import read_file

    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SourceError(
                f"Source file {path} is {size / 2**20:.1f} MB, over the "
                f"{max_bytes / 2**20:.0f} MB limit.",
                fix="Split it or remove it, or raise ASSISTANT_MAX_FILE_MB.")
        if size == 0:
            raise SourceError(f"Source file {path} is empty.", fix="Add its text or remove it.")
        extracted = read_file(path)
    except SourceError:
        raise
    except UnicodeDecodeError:
        raise SourceError(
            f"Source file {path} is not UTF-8 text.", fix="Re-save it as UTF-8 or remove it."
        ) from None
    except OSError as exc:
        raise SourceError(
            f"Source file {path} cannot be read ({exc.strerror or exc}).",
            fix="Check its permissions or remove it.",
        ) from None
    if not (extracted.raw.strip() or extracted.paragraphs):
        raise SourceError(f"Source file {path} is empty.", fix="Add its text or remove it.")
    return extracted


def load_document(path: Path, meta: SourceMeta, shared: tuple[str, ...] = (),
                  max_bytes: int = MAX_FILE_BYTES) -> Document:
    """Read, clean and label one file."""
    given = FileMeta(meta.title, meta.author, meta.publisher, meta.date, meta.url)
    article = read_article(read_extracted(path, max_bytes), given,
                           DEFAULT_FURNITURE + shared + meta.drop_patterns)
    if not article.paragraphs:
        raise SourceError(
            f"Source file {path} has no text left after cleaning.",
            fix="Check its drop_patterns in sources.toml, or remove the file.",
        )
    found = article.meta
    return Document(
        id=path.stem,
        path=path.name,
        title=found.title or path.name,
        text=PARAGRAPH_BREAK.join(article.paragraphs),
        author=found.author,
        publisher=found.publisher,
        date=found.date,
        url=found.url,
        heading=article.heading,
        sha256=sha256_file(path),
        byline=article.byline,
        format=FORMATS[path.suffix.lower()],
    )


def load_documents(folder: Path, max_bytes: int = MAX_FILE_BYTES) -> list[Document]:
    """Every supported document in ``folder``, cleaned, in file-name order."""
    shared, metas = read_metadata(folder)
    docs = [load_document(p, metas.get(p.name, SourceMeta()), shared, max_bytes)
            for p in source_files(folder)]
    ids = [d.id for d in docs]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise SourceError(
            f"Several source files share the name {dupes[0]!r} with different extensions.",
            fix="Rename one of them: a document's id is its file name without the extension.",
        )
    return docs


def fingerprint(folder: Path) -> dict[str, str]:
    """sha256 of every document and of ``sources.toml``: what makes an index stale."""
    prints = {p.name: sha256_file(p) for p in source_files(folder)}
    meta = folder / METADATA_FILE
    if meta.exists():
        prints[METADATA_FILE] = sha256_file(meta)
    return prints
