"""PDF files: pypdf reads the document information and XMP metadata, pdfplumber the words
with their positions for :mod:`.pdf_layout` (their one module).

>>> _iso_date("D:20250312080000Z"), _junk_title("Microsoft Word - draft3.docx")
('2025-03-12', True)
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from ..errors import SourceError
from . import pdf_layout as layout
from .extracted import Extracted, FileMeta

_MIN_BOX = (60.0, 24.0)  # a drawn box at least this wide and tall holds furniture
_JUNK_TITLE = re.compile(r"^(untitled|microsoft (word|powerpoint) - |document\d*$)|"
                         r"\.(docx?|pdf|odt|rtf|indd|tex)$", re.IGNORECASE)


def read_pdf(path: Path) -> Extracted:
    """The article of a PDF, in reading order, without its page furniture."""
    strong, weak = _metadata(path)
    pages = _pages(path)
    if not any(p.words for p in pages):
        raise SourceError(
            f"PDF {path} has no text layer: its pages are images (a scan?), and OCR is not "
            "built in.", fix="Run it through OCR first (for example `ocrmypdf in.pdf "
                             "out.pdf`) and add the result, or add the text as a .txt file.")
    heights = [p.height for p in pages]
    per_page = [layout.page_lines(p, n) for n, p in enumerate(pages)]
    lines = layout.strip_furniture(per_page, heights)
    style = layout.body_style(lines)
    front, rest = layout.split_front(lines, style)
    heading = layout.headline(front)
    printed = FileMeta(title=heading, publisher=layout.publisher(per_page, heights)
                       or layout.masthead(front))
    return Extracted(paragraphs=tuple(layout.paragraphs(rest, style)),
                     meta=strong.merged(printed), heading=heading,
                     front=tuple(ln.text for ln in front), weak=weak)


def _unreadable(path: Path, exc: BaseException) -> SourceError:
    return SourceError(f"PDF {path} cannot be read ({type(exc).__name__}: {exc}).",
                       fix="Check that the file is a whole, valid PDF (re-download or "
                           "re-export it), or remove it.")


def _metadata(path: Path) -> tuple[FileMeta, FileMeta]:
    """(what the file states: title, author, XMP publisher and date; the file's own
    creation date, weaker than a printed date)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise SourceError(f"PDF {path} is encrypted with a password.",
                              fix="Save an unencrypted copy (print to PDF, or `qpdf "
                                  "--decrypt in.pdf out.pdf` with the password) and add that.")
        info = reader.metadata or {}
        xmp = _xmp(reader)
    except SourceError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise _unreadable(path, exc) from None
    title = str(info.get("/Title") or "").strip()
    strong = FileMeta(title="" if _junk_title(title) else title,
                      author=str(info.get("/Author") or "").strip(),
                      description=str(info.get("/Subject") or "").strip()).merged(xmp)
    return strong, FileMeta(date=_iso_date(str(info.get("/CreationDate") or "")))


def _xmp(reader: Any) -> FileMeta:
    """Dublin Core title, creator, publisher and date from the XMP packet, if readable."""
    from pypdf.errors import PdfReadError

    try:
        x = reader.xmp_metadata
    except (PdfReadError, ValueError, KeyError, AttributeError):
        return FileMeta()  # a damaged XMP packet is ignored: the rest still reads
    if x is None:
        return FileMeta()
    title = (x.dc_title or {}).get("x-default", "") if isinstance(x.dc_title, dict) else ""
    date = next((d for d in (x.dc_date or []) if isinstance(d, dt.date | dt.datetime)), None)
    return FileMeta(title=str(title).strip(), author=" and ".join(x.dc_creator or []),
                    publisher=" and ".join(x.dc_publisher or []),
                    date=date.strftime("%Y-%m-%d") if date else "")


def _junk_title(title: str) -> bool:
    return bool(_JUNK_TITLE.search(title.strip()))


def _iso_date(value: str) -> str:
    m = re.match(r"^D:(\d{4})(\d{2})?(\d{2})?", value)
    if not m:
        return ""
    return "-".join(g for g in m.groups() if g)


def _pages(path: Path) -> list[layout.Page]:
    """Each page's words (text, box, size, font) and its drawn boxes."""
    import pdfplumber

    try:
        with pdfplumber.open(path, password="") as pdf:
            return [_page(page) for page in pdf.pages]
    except SourceError:
        raise
    except Exception as exc:  # pdfminer raises many kinds for a damaged file
        raise _unreadable(path, exc) from None


def _page(page: Any) -> layout.Page:
    words = page.extract_words(extra_attrs=["size", "fontname"], x_tolerance=1.5,
                               keep_blank_chars=False, use_text_flow=False)
    area = page.width * page.height
    boxes = [(r["x0"], r["top"], r["x1"], r["bottom"]) for r in page.rects
             if r["width"] >= _MIN_BOX[0] and r["height"] >= _MIN_BOX[1]
             and r["width"] * r["height"] < 0.6 * area]
    return layout.Page(page.width, page.height,
                       [layout.Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"],
                                    float(w["size"]), str(w["fontname"]).split("+")[-1])
                        for w in words], boxes)
