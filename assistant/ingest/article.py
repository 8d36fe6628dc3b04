"""Article: one file's extracted text and metadata into the body a reader quotes from and
the record that describes it.

The body is cleaned (characters, wrapped lines, page furniture), its printed front matter
(headline, standfirst, byline, dateline) is taken off, and the metadata is merged field by
field, strongest first: ``sources.toml``, then what the file states (``<head>``, document
information, XMP, core properties, front matter), then what it prints (headline, byline,
dateline), then the file's own creation date.

>>> from .extracted import Extracted
>>> a = read_article(Extracted(raw="A Headline\\n\\nBy Jo Roe, Reporter\\n\\nIt began. It ended."))
>>> a.heading, a.paragraphs, a.meta.author, a.byline
('A Headline', ['It began. It ended.'], 'Jo Roe', 'By Jo Roe, Reporter')
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace

from .byline import read_front, take_front
from .cleaning import (
    DEFAULT_FURNITURE,
    clean_text,
    collapse_spaces,
    compile_patterns,
    drop_furniture,
    normalize_characters,
)
from .extracted import Extracted, FileMeta


@dataclass(frozen=True)
class Article:
    """A file read as a person reads it: headline, body paragraphs, metadata, byline."""

    heading: str
    paragraphs: list[str]
    meta: FileMeta
    byline: str = ""


def _fold(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def _clean_meta(meta: FileMeta) -> FileMeta:
    return replace(meta, **{f.name: collapse_spaces(normalize_characters(getattr(meta, f.name)))
                            for f in fields(meta)})


def _body(extracted: Extracted, patterns: Sequence[str]) -> tuple[str, list[str]]:
    if not extracted.paragraphs:
        return clean_text(extracted.raw, patterns)
    paragraphs = [collapse_spaces(normalize_characters(p)) for p in extracted.paragraphs]
    return extracted.heading, drop_furniture([p for p in paragraphs if p],
                                             compile_patterns(patterns))


def _drop_repeats(paragraphs: list[str], *front: str) -> list[str]:
    """Leading paragraphs that repeat the headline or the standfirst are front matter."""
    known = {_fold(f) for f in front if f and len(f.split()) >= 3}
    while paragraphs and _fold(paragraphs[0]) in known:
        paragraphs = paragraphs[1:]
    return paragraphs


NO_META = FileMeta()


def _leading_fragments(paragraphs: list[str], most: int = 6) -> tuple[list[str], list[str]]:
    """Short lines with no sentence punctuation before the story's first sentence (a kicker,
    a subheadline, "FOR IMMEDIATE RELEASE", a byline, a sidebar's labels) are not body.

    >>> _leading_fragments(["Weather", "Fog, 9C", "The fleet landed 2,860 tonnes."])
    (['Weather', 'Fog, 9C'], ['The fleet landed 2,860 tonnes.'])
    """
    n = 0
    while (n < min(most, len(paragraphs) - 1) and len(paragraphs[n].split()) <= 16
           and not _SENTENCE_END.search(paragraphs[n])):
        n += 1
    return paragraphs[:n], paragraphs[n:]


_SENTENCE_END = re.compile(r"[.!?:;\"')\]]$")


def read_article(extracted: Extracted, given: FileMeta = NO_META,
                 patterns: Sequence[str] = DEFAULT_FURNITURE) -> Article:
    """The article in ``extracted``; ``given`` (from ``sources.toml``) wins field by field."""
    heading, paragraphs = _body(extracted, patterns)
    stated = _clean_meta(extracted.meta)
    heading = collapse_spaces(normalize_characters(heading))
    paragraphs = _drop_repeats(paragraphs, heading, stated.title, stated.description)
    fragments, paragraphs = _leading_fragments(paragraphs)
    printed_front = read_front([normalize_characters(line)
                                for line in (*extracted.front, *fragments)])
    in_text, paragraphs = take_front(paragraphs)
    byline = in_text.byline or printed_front.byline
    printed = FileMeta(title=heading, author=in_text.author or printed_front.author,
                       date=in_text.date or printed_front.date)
    meta = given.merged(stated).merged(printed).merged(_clean_meta(extracted.weak))
    return Article(heading, paragraphs, meta, byline)
