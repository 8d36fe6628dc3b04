"""Word (.docx) files, read by python-docx (its one module): the core properties (title,
author, created), the page header (the outlet, on a newspaper's copy), and the paragraphs by
style. Title and Subtitle paragraphs are the headline and standfirst; a table of one cell is
a box (a fact box or sidebar) and is left out; other tables are read row by row.

A .docx is a zip archive: it is checked before it is opened, so a damaged file or a zip
bomb (an archive that unpacks to far more than it holds) is refused with a clear message.

>>> _row_text(["Year", "Cases"])
'Year; Cases'
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from ..errors import SourceError
from .extracted import Extracted, FileMeta

MAX_UNPACKED = 200 * 2**20  # no real article unpacks to more than this
MAX_RATIO = 100  # nor compresses better than this
_FRONT_STYLES = ("title", "subtitle")


def _check_archive(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError) as exc:
        raise SourceError(f"Word file {path} is damaged: it is not a valid .docx archive "
                          f"({exc}).", fix="Open and re-save it in Word or LibreOffice, or "
                          "remove it.") from None
    unpacked = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if unpacked > MAX_UNPACKED or unpacked / packed > MAX_RATIO:
        raise SourceError(f"Word file {path} unpacks to {unpacked / 2**20:.0f} MB from "
                          f"{packed / 2**20:.1f} MB: it looks like a zip bomb, not a document.",
                          fix="Remove it; re-save the document from Word if it is genuine.")
    if "word/document.xml" not in names:
        raise SourceError(f"Word file {path} is damaged: it has no word/document.xml.",
                          fix="Open and re-save it in Word or LibreOffice, or remove it.")


def read_docx(path: Path) -> Extracted:
    """The text of a .docx by paragraph, with its core properties."""
    _check_archive(path)
    from docx import Document as open_docx

    try:
        doc = open_docx(str(path))
    except Exception as exc:  # python-docx and lxml raise many kinds for a damaged part
        raise SourceError(f"Word file {path} cannot be read ({type(exc).__name__}: {exc}).",
                          fix="Open and re-save it in Word or LibreOffice, or remove it.") \
            from None
    front, body, heading = _blocks(doc)
    props = doc.core_properties
    created = props.created.strftime("%Y-%m-%d") if props.created else ""
    meta = FileMeta(title=(props.title or heading or "").strip(),
                    author=(props.author or "").strip(), publisher=_header(doc),
                    date=created, description=(props.subject or "").strip()
                    if len((props.subject or "").split()) > 6 else "")
    return Extracted(paragraphs=tuple(body), meta=meta, heading=heading, front=tuple(front))


def _blocks(doc: Any) -> tuple[list[str], list[str], str]:
    """(front lines, body paragraphs, headline) in document order."""
    from docx.table import Table

    front: list[str] = []
    body: list[str] = []
    heading = ""
    for block in doc.iter_inner_content():
        if isinstance(block, Table):
            if len(block.rows) > 1 or len(block.columns) > 1:  # one cell: a box
                body += [_row_text([c.text for c in row.cells]) for row in block.rows]
            continue
        text = re.sub(r"\s+", " ", block.text).strip()
        style = (block.style.name if block.style is not None else "").lower()
        if not text:
            continue
        if style in _FRONT_STYLES and not body:
            heading = heading or (text if style == "title" else "")
            front.append(text)
        else:
            body.append(text)
    return front, body, heading


def _row_text(cells: list[str]) -> str:
    return "; ".join(re.sub(r"\s+", " ", c).strip() for c in cells if c.strip())


def _header(doc: Any) -> str:
    """The outlet a page header names: its first part ("The Courier — Business")."""
    for section in doc.sections:
        text = " ".join(p.text for p in section.header.paragraphs).strip()
        if text:
            return re.split(r"\s+[|\u00b7\u2022\u2014\u2013-]\s+", text)[0].strip()
    return ""
