"""Readers: one file into an :class:`Extracted` by its type (part of the ``sources`` stage).

Plain text is returned as lines for :mod:`.cleaning` to rejoin; the other formats mark their
paragraphs and metadata, and each is read by its own module so that its library loads only
when such a file is read: HTML by trafilatura, PDF by pypdf and pdfplumber, Word by
python-docx, Markdown front matter by PyYAML.

>>> from pathlib import Path; import tempfile
>>> p = Path(tempfile.mkdtemp()) / "a.txt"
>>> _ = p.write_text("Title\\n\\nBody text.")
>>> read_file(p).raw
'Title\\n\\nBody text.'
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .extracted import Extracted


def read_text(path: Path) -> str:
    """A UTF-8 text file (a leading byte-order mark is dropped)."""
    return path.read_bytes().decode("utf-8-sig")


def _text(path: Path) -> Extracted:
    return Extracted(raw=read_text(path))


def _markdown(path: Path) -> Extracted:
    from .markdown_reader import read_markdown_text

    return read_markdown_text(read_text(path), str(path))


def _html(path: Path) -> Extracted:
    from .html_reader import read_html

    return read_html(path, read_text(path))


def _pdf(path: Path) -> Extracted:
    from .pdf_reader import read_pdf

    return read_pdf(path)


def _docx(path: Path) -> Extracted:
    from .docx_reader import read_docx

    return read_docx(path)


READERS: dict[str, Callable[[Path], Extracted]] = {
    ".txt": _text,
    ".md": _markdown,
    ".markdown": _markdown,
    ".html": _html,
    ".htm": _html,
    ".pdf": _pdf,
    ".docx": _docx,
}


def read_file(path: Path) -> Extracted:
    """The reader for ``path``'s type applied to it."""
    return READERS[path.suffix.lower()](path)
