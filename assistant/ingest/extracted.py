"""Extracted: what a reader took from one file, before cleaning.

Every reader returns an ``Extracted``: the text (as paragraphs when the format marks them,
or raw lines for cleaning to rejoin), what the file says about itself (``FileMeta``) and the
parts of its front matter that the format marks (headline, standfirst).

>>> FileMeta(title="A", date="2024").merged(FileMeta(title="B", author="C"))
FileMeta(title='A', author='C', publisher='', date='2024', url='', description='')
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class FileMeta:
    """Metadata a file gives about itself; empty strings where it gives none."""

    title: str = ""
    author: str = ""
    publisher: str = ""
    date: str = ""  # ISO: YYYY, YYYY-MM or YYYY-MM-DD
    url: str = ""
    description: str = ""  # a summary, often the standfirst

    def merged(self, weaker: FileMeta) -> FileMeta:
        """Field by field: this record's value, else ``weaker``'s."""
        return FileMeta(**{f.name: getattr(self, f.name) or getattr(weaker, f.name)
                           for f in fields(self)})


@dataclass(frozen=True)
class Extracted:
    """One file's text and metadata as its reader found them.

    ``paragraphs`` is set when the format marks paragraphs (HTML, PDF layout, DOCX,
    Markdown blocks); otherwise ``raw`` holds lines for :func:`clean_text` to rejoin.
    ``front`` holds lines the format places before the body (headline, standfirst,
    byline, dateline), never quoted as body but read for the byline and the date.
    ``weak`` holds metadata weaker than a printed byline or dateline (a PDF's creation
    date is when the file was made, not always when the article ran).
    """

    raw: str = ""
    paragraphs: tuple[str, ...] = ()
    meta: FileMeta = FileMeta()
    heading: str = ""
    front: tuple[str, ...] = ()
    weak: FileMeta = FileMeta()
