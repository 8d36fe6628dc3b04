"""PDF layout: words with their positions into the article's paragraphs, in reading order,
with the page furniture left out. Pure functions over plain records, so every rule is tested
without a PDF library (``pdf_reader`` turns pdfplumber's pages into these records).

Furniture is found by structure, never by words:

- text inside a drawn box (a fact box, sidebar or related-articles panel);
- lines repeated near the top or bottom of two or more pages (running headers and
  footers), and page numbers near the top or bottom of any page;
- the front block of page 1 (headline, standfirst, byline, dateline): the lines before the
  first line in the body's font.

Two-column pages are read column by column: a vertical gutter that almost no line crosses
splits each band of the page between full-width lines into a left and a right column.

>>> w = [Word("Body", 56, 80, 100, 110, 10, "Serif"), Word("text.", 82, 104, 100, 110, 10, "Serif")]
>>> [line.text for line in page_lines(Page(595, 842, w, ()), 0)]
['Body text.']
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from .cleaning import join_wrapped

EDGE = 0.1  # the top and bottom tenth of a page hold running heads and page numbers
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?[-\u2013\u2014\s]*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?"
                          r"[-\u2013\u2014\s]*$", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s+[|\u00b7\u2022\u2014\u2013-]\s+")


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    font: str


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    words: Sequence[Word]
    boxes: Sequence[tuple[float, float, float, float]]  # x0, top, x1, bottom


@dataclass(frozen=True)
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    font: str
    page: int
    column: int = 0  # -1 spans the columns, 0 left (or the only one), 1 right
    right: float = 0.0  # the right edge of its column

    @property
    def style(self) -> tuple[str, float]:
        return self.font, round(self.size, 1)


def _inside(word: Word, box: tuple[float, float, float, float]) -> bool:
    cx, cy = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def _segments(words: Sequence[Word], page: int) -> list[Line]:
    """Words on one baseline into lines, split where the gap is far wider than a space."""
    lines: list[Line] = []
    for row in _rows(words):
        row.sort(key=lambda w: w.x0)
        start = 0
        for i in range(1, len(row) + 1):
            if i == len(row) or row[i].x0 - row[i - 1].x1 > max(12.0, 1.6 * row[i].size):
                part = row[start:i]
                size = Counter(w.size for w in part).most_common(1)[0][0]
                font = Counter(w.font for w in part).most_common(1)[0][0]
                lines.append(Line(" ".join(w.text for w in part), part[0].x0, part[-1].x1,
                                  min(w.top for w in part), max(w.bottom for w in part),
                                  size, font, page))
                start = i
    return lines


def _rows(words: Sequence[Word]) -> list[list[Word]]:
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.bottom, w.x0)):
        if rows and abs(rows[-1][0].bottom - word.bottom) <= 0.35 * word.size:
            rows[-1].append(word)
        else:
            rows.append([word])
    return rows


def _gutter(lines: Sequence[Line], width: float) -> float | None:
    """The x of a column gutter: few lines cross it and many lie wholly on each side."""
    if len(lines) < 12:
        return None
    best, best_cover = None, len(lines)
    for x in range(int(width * 0.3), int(width * 0.7)):
        cover = sum(1 for ln in lines if ln.x0 < x < ln.x1)
        if cover < best_cover:
            best, best_cover = float(x), cover
    if best is None or best_cover > 0.15 * len(lines):
        return None
    left = sum(1 for ln in lines if ln.x1 <= best)
    right = sum(1 for ln in lines if ln.x0 >= best)
    return best if min(left, right) >= 6 else None


def page_lines(page: Page, number: int) -> list[Line]:
    """The lines of one page outside drawn boxes, in reading order."""
    words = [w for w in page.words if not any(_inside(w, b) for b in page.boxes)]
    lines = _segments(words, number)
    body = [ln for ln in lines if page.height * EDGE < ln.top < page.height * (1 - EDGE)]
    gutter = _gutter(body, page.width)
    if gutter is None:
        right = max((ln.x1 for ln in body), default=page.width)
        return [replace(ln, right=right) for ln in sorted(lines, key=lambda ln: ln.top)]
    return _by_columns(lines, gutter)


def _by_columns(lines: Sequence[Line], gutter: float) -> list[Line]:
    """Bands between full-width lines, each read left column first, then right."""
    def column(ln: Line) -> int:
        return 0 if ln.x1 <= gutter else 1 if ln.x0 >= gutter else -1

    edges = {c: max((ln.x1 for ln in lines if column(ln) == c), default=gutter)
             for c in (-1, 0, 1)}
    out: list[Line] = []
    band: list[Line] = []
    for ln in sorted(lines, key=lambda ln: ln.top):
        col = column(ln)
        if col == -1:
            out += sorted(band, key=lambda b: (b.column, b.top))
            out.append(replace(ln, column=-1, right=edges[-1]))
            band = []
        else:
            band.append(replace(ln, column=col, right=edges[col]))
    return out + sorted(band, key=lambda b: (b.column, b.top))


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower()).strip()


def _at_edge(line: Line, height: float) -> bool:
    return line.top < height * EDGE or line.bottom > height * (1 - EDGE)


def running_lines(pages: Sequence[list[Line]], heights: Sequence[float]) -> set[str]:
    """Keys of lines repeated at the top or bottom edge of two or more pages."""
    seen: Counter[str] = Counter()
    for lines, height in zip(pages, heights, strict=True):
        seen.update({_key(ln.text) for ln in lines if _at_edge(ln, height)})
    return {k for k, n in seen.items() if n >= 2}


def publisher(pages: Sequence[list[Line]], heights: Sequence[float]) -> str:
    """The outlet a running header names: the first part of the left-most repeated line at
    the top of the pages ("THE HERALD | Science" gives "The Herald")."""
    repeated = running_lines(pages, heights)
    tops = [ln for lines, h in zip(pages, heights, strict=True) for ln in lines
            if ln.top < h * EDGE and _key(ln.text) in repeated and not _PAGE_NUMBER.match(ln.text)]
    if not tops:
        return ""
    first = min(tops, key=lambda ln: (ln.page, ln.x0)).text
    name = _SEPARATORS.split(first)[0].strip()
    if not re.search(r"[A-Za-z]{2}", name):
        return ""
    return name.title().replace("'S ", "'s ") if name.isupper() else name


def strip_furniture(pages: Sequence[list[Line]], heights: Sequence[float]) -> list[Line]:
    """Every line that is not a running head, footer or page number, in reading order."""
    repeated = running_lines(pages, heights)
    return [ln for lines, h in zip(pages, heights, strict=True) for ln in lines
            if not (_at_edge(ln, h) and (_key(ln.text) in repeated
                                          or _PAGE_NUMBER.match(ln.text)))]


def body_style(lines: Sequence[Line]) -> tuple[str, float]:
    """The font and size most of the text is set in."""
    weight: Counter[tuple[str, float]] = Counter()
    for ln in lines:
        weight[ln.style] += len(ln.text)
    return weight.most_common(1)[0][0] if weight else ("", 0.0)


def split_front(lines: Sequence[Line], style: tuple[str, float]) -> tuple[list[Line], list[Line]]:
    """(front block, rest): the first page's lines before its first body-font line; the
    rest without small print (captions, photo credits, notes: text set well below the
    body's size is not the body)."""
    for i, ln in enumerate(lines):
        if ln.style == style or ln.page > 0:
            return list(lines[:i]), [x for x in lines[i:] if x.size >= SMALL * style[1]]
    return [], list(lines)


SMALL = 0.85


def masthead(front: Sequence[Line]) -> str:
    """The name printed above the headline on page 1 (a masthead), if any: the outlet when
    no running head or metadata names it."""
    if not front:
        return ""
    top = max(ln.size for ln in front)
    above = [ln for ln in front if ln.size < top - 0.5 and ln.top < min(
        x.top for x in front if x.size >= top - 0.5)]
    if not above or len(above[0].text.split()) > 6 or re.search(r"\d", above[0].text):
        return ""
    name = _SEPARATORS.split(above[0].text)[0].strip()
    return name.title() if name.isupper() else name


def headline(front: Sequence[Line]) -> str:
    """The front block's largest text (a headline set over several lines is joined)."""
    if not front:
        return ""
    biggest = max(ln.size for ln in front)
    return " ".join(ln.text for ln in front if ln.size >= biggest - 0.5)


def paragraphs(lines: Sequence[Line], style: tuple[str, float]) -> list[str]:
    """Lines into paragraphs. A paragraph ends at a wider gap than the line spacing, at an
    indented line, at a change of style, or after a short line that ends a sentence (at
    the end of a column or page too)."""
    out: list[str] = []
    prev: Line | None = None
    pitch = _pitch(lines, style)
    for ln in lines:
        if prev is not None and not _breaks(prev, ln, pitch):
            out[-1] = join_wrapped(out[-1], ln.text)
        else:
            out.append(ln.text)
        prev = ln
    return [re.sub(r"\s+", " ", p).strip() for p in out if p.strip()]


def _pitch(lines: Sequence[Line], style: tuple[str, float]) -> float:
    steps = [b.top - a.top for a, b in pairwise(lines)
             if a.style == b.style == style and a.page == b.page and a.column == b.column
             and 0 < b.top - a.top < 3 * a.size]
    return sorted(steps)[len(steps) // 2] if steps else 0.0


_BULLET = re.compile(r"^[\u2022\u00b7\u00bb\u25aa\u25e6\u2023\u2043*\u2013-]\s")


def _breaks(prev: Line, ln: Line, pitch: float) -> bool:
    if prev.style != ln.style or _BULLET.match(ln.text):
        return True
    ended = bool(re.search(r"[.!?:\"')\]]$", prev.text))
    short = prev.x1 < prev.right - max(24.0, 3 * prev.size)
    same_column = prev.page == ln.page and prev.column == ln.column
    if same_column and pitch and ln.top - prev.top > pitch * 1.25:
        return True
    if ln.x0 > _left(prev, ln) + 0.8 * ln.size and same_column:
        return True  # an indented first line
    return ended and short


def _left(prev: Line, ln: Line) -> float:
    return min(prev.x0, ln.x0) if prev.column == ln.column else ln.x0
