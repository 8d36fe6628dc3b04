"""The sources folder as the library's truth: safe file names, staged uploads, ``sources.toml``.

An uploaded file is first written to ``.staging/`` inside the folder (a dot folder: never
read as a source), read and checked there, and only then renamed into the folder (one
rename on the same file system). ``sources.toml`` is edited with tomlkit, so its comments
and layout stay, and replaced whole (:func:`~assistant.ingest.files.replace_file`).
A name from a client is never trusted as a path: :func:`safe_name` keeps only its last
component, in letters, digits, ``.``, ``_`` and ``-``, so nothing is written outside
the folder.

>>> safe_name("../../etc/Report 2024 (final).PDF")
'Report-2024-final.pdf'
>>> safe_name("C:\\\\Users\\\\me\\\\notes.md"), safe_name("café.txt")
('notes.md', 'caf.txt')
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import UnsupportedTypeError, UsageError
from ..ingest.files import fsync_dir, locked, replace_file
from ..ingest.sources import METADATA_FILE, SUPPORTED, read_metadata

STAGING = ".staging"
LOCK = ".library.lock"
MAX_NAME = 100
FIELDS = ("title", "author", "publisher", "date", "url")
_DATE = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")


def safe_name(name: str) -> str:
    """The name a client's file is stored under (its extension lower-cased); raises
    UsageError when nothing usable is left, UnsupportedTypeError for another type."""
    base = re.split(r"[/\\]", name.strip())[-1]
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    if "." + ext.lower() not in SUPPORTED:
        shown = f".{ext}" if dot and ext else "no extension"
        raise UnsupportedTypeError(
            f"{base or name!r} is not a supported file type ({shown}).",
            fix=f"Add a {', '.join(SUPPORTED)} file.")
    clean = re.sub(r"[^A-Za-z0-9._-]+", "-", stem.encode("ascii", "ignore").decode())
    clean = re.sub(r"-{2,}", "-", clean).strip(".-_")[: MAX_NAME]
    if not clean:
        raise UsageError(f"The file name {name!r} has no usable characters.",
                         fix="Rename the file with letters or digits, then add it again.")
    return f"{clean}.{ext.lower()}"


def unique_name(name: str, taken_ids: set[str]) -> str:
    """``name``, or ``name`` with ``-2``, ``-3``, ... before its extension, so that its
    document id (the name without the extension) is not ``taken_ids``'s.

    >>> unique_name("a.txt", {"a", "a-2"})
    'a-3.txt'
    """
    stem, ext = os.path.splitext(name)
    candidate, n = stem, 1
    while candidate in taken_ids:
        n += 1
        candidate = f"{stem}-{n}"
    return candidate + ext


def check_fields(fields: Mapping[str, str | None]) -> dict[str, str]:
    """The metadata fields given (``None`` = not given), checked; "" clears a field.

    >>> check_fields({"title": " A title ", "date": "2024-05", "author": None})
    {'title': 'A title', 'date': '2024-05'}
    """
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise UsageError(f"Unknown metadata fields {sorted(unknown)}.",
                         fix=f"Use only {', '.join(FIELDS)}.")
    out = {k: " ".join(str(v).split()) for k, v in fields.items() if v is not None}
    if out.get("date") and not _DATE.fullmatch(out["date"]):
        raise UsageError(f"The date {out['date']!r} is not YYYY, YYYY-MM or YYYY-MM-DD.",
                         fix="Write it as 2024, 2024-05 or 2024-05-17.")
    if out.get("url") and not re.match(r"https?://\S+$", out["url"]):
        raise UsageError(f"The url {out['url']!r} is not an http(s) address.",
                         fix="Give a full address such as https://example.org/story.")
    for key, value in out.items():
        if len(value) > 500:
            raise UsageError(f"The {key} is longer than 500 characters.", fix="Shorten it.")
    return out


def library_lock(sources: Path) -> Any:
    """The library's lock (see :func:`~assistant.ingest.files.locked`), for a rebuild that
    must not run in the middle of a change; a no-op when the folder does not exist."""
    if not Path(sources).is_dir():
        return contextlib.nullcontext()
    return locked(Path(sources) / LOCK)


class Folder:
    """File operations on one sources folder (callers hold the library lock)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @property
    def lock(self) -> Path:
        return self.path / LOCK

    @property
    def toml(self) -> Path:
        return self.path / METADATA_FILE

    def clear_staging(self) -> None:
        """Remove what uploads left in ``.staging`` (one that died, or crashed)."""
        shutil.rmtree(self.path / STAGING, ignore_errors=True)

    def stage(self, name: str, data: bytes) -> Path:
        """``data`` written as ``.staging/<random>/<name>``, synced."""
        folder = self.path / STAGING / uuid.uuid4().hex
        folder.mkdir(parents=True)
        staged = folder / name
        with open(staged, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        return staged

    def commit(self, staged: Path, name: str) -> Path:
        """Move a staged file into the folder as ``name`` (one rename); its path."""
        target = self.path / name
        if target.parent != self.path:  # safe_name makes this impossible; never trust it
            raise UsageError(f"Refusing to write outside {self.path}.", fix="Rename the file.")
        os.replace(staged, target)
        fsync_dir(self.path)
        return target

    def delete(self, name: str) -> None:
        target = self.path / name
        if target.parent == self.path and target.exists():
            target.unlink()
            fsync_dir(self.path)

    def toml_bytes(self) -> bytes | None:
        return self.toml.read_bytes() if self.toml.exists() else None

    def restore_toml(self, data: bytes | None) -> None:
        if data is None:
            self.toml.unlink(missing_ok=True)
        else:
            replace_file(self.toml, data)

    def entry(self, name: str) -> dict[str, str]:
        """The string fields of ``name``'s table in ``sources.toml`` (drop_patterns left out)."""
        _, metas = read_metadata(self.path)
        meta = metas.get(name)
        if meta is None:
            return {}
        values = {k: getattr(meta, k) for k in (*FIELDS, "added")}
        return {k: v for k, v in values.items() if v}

    def write_entry(self, name: str, fields: Mapping[str, str], old_name: str = "") -> None:
        """Set ``name``'s fields in ``sources.toml`` ("" removes one), moving the table of
        ``old_name`` to ``name`` first when given; comments and other tables stay."""
        import tomlkit

        document = tomlkit.parse(self.toml.read_text(encoding="utf-8")) if self.toml.exists() \
            else tomlkit.document()
        table = document.get(old_name or name)
        if old_name and old_name in document:
            del document[old_name]
        if table is None or not isinstance(table, dict):
            table = tomlkit.table()
        for key, value in fields.items():
            if value:
                table[key] = value
            elif key in table:
                del table[key]
        if name in document:
            del document[name]
        if len(table):
            document[name] = table
        self._save(tomlkit.dumps(document))

    def drop_entry(self, name: str) -> None:
        import tomlkit

        if not self.toml.exists():
            return
        document = tomlkit.parse(self.toml.read_text(encoding="utf-8"))
        if name in document:
            del document[name]
            self._save(tomlkit.dumps(document))

    def _save(self, text: str) -> None:
        replace_file(self.toml, text.encode("utf-8"))
        read_metadata(self.path)  # what was written must read back (ConfigError if not)
