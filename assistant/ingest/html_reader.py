"""HTML pages: the main text and the metadata, read by trafilatura (its one module).

trafilatura finds the article among the page's furniture (navigation, asides, cookie
banners, share buttons, footers, scripts) and reads the title, author, date and site name
from ``<head>``: ``<title>``, ``<meta>``, OpenGraph and JSON-LD. It was chosen over the
earlier BeautifulSoup reader and over htmldate + extruct by ``benchmarks/ingest_eval.py``
(see docs/library.md): it does both jobs, body and metadata, in one maintained package.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import SourceError
from .byline import name_like
from .extracted import Extracted, FileMeta

_TITLE_SEPARATORS = (" | ", " - ", " \u2013 ", " \u2014 ", ": ", " :: ", " \u00b7 ")
_MIN_WORDS = 8  # less than this is a menu or an error page, not an article


def read_html(path: Path, html: str) -> Extracted:
    """The article of an HTML page, with its metadata; an error when none is found."""
    html = _modernise(html)
    doc = _extract(html, precise=True) or _extract(html, precise=False)
    text = (doc.text if doc is not None else "") or ""
    if len(text.split()) < _MIN_WORDS:
        raise SourceError(
            f"HTML page {path}: its main text cannot be found (only "
            f"{len(text.split())} words outside menus, asides and footers).",
            fix="Save the page's article itself (e.g. the browser's reader view, or "
                "'Save as: Web page, HTML only' from the article's own address), or copy "
                "its text into a .txt file.")
    title = _clean(doc.title)
    site = _clean(doc.sitename)
    if site.lower() in title.lower():  # a headline is no site name
        site = ""
    author = _authors(doc.author)
    meta = FileMeta(title=title, author=author if name_like(author) else _marked_author(html),
                    publisher=site or _site_from_title(html, title),
                    date=(doc.date or "")[:10], url=_clean(doc.url),
                    description=_clean(doc.description))
    paragraphs = tuple(p.strip() for p in text.split("\n") if p.strip())
    return Extracted(paragraphs=paragraphs, meta=meta, heading=title)


def _modernise(html: str) -> str:
    """An old page laid out with tables and ``<br><br>`` (no ``<p>``) recast as blocks and
    paragraphs, the way readability tools do, so the extractor can find its story."""
    if len(re.findall(r"<p[\s>]", html, re.IGNORECASE)) >= 3:
        return html
    html = re.sub(r"(?i)<(table|tbody|thead|tfoot|tr|td|th)\b[^>]*>", "<div>", html)
    html = re.sub(r"(?i)</(table|tbody|thead|tfoot|tr|td|th)\s*>", "</div>", html)
    return re.sub(r"(?i)(<br\s*/?>\s*){2,}", "</p><p>", html)


def _marked_author(html: str) -> str:
    """The first name-like text of an element marked as the author (``rel="author"``, a
    class with "author" or "byline"): markup, not words, says it is a byline."""
    from lxml import html as lxml_html

    try:
        tree = lxml_html.fromstring(html)
    except (ValueError, TypeError):
        return ""
    for node in tree.xpath('//*[@rel="author" or contains(@class, "author") or '
                           'contains(@class, "byline")]'):
        text = re.sub(r"^\s*by\s+", "", " ".join(node.text_content().split()), flags=re.I)
        text = re.split(r",|\s+[|\u2014\u2013]\s+", text)[0].strip()
        if name_like(text):
            return text
    return ""


def _extract(html: str, precise: bool):  # type: ignore[no-untyped-def]
    import trafilatura

    return trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False,
        include_images=False, include_links=False, deduplicate=False,
        favor_precision=precise, favor_recall=not precise)


def _clean(value: object) -> str:
    return re.sub(r"\s+", " ", str(value)).strip() if value not in (None, "None") else ""


def _authors(value: object) -> str:
    """trafilatura joins several authors with ';': "A; B" reads "A and B"."""
    names = [n.strip() for n in _clean(value).split(";") if n.strip()]
    return " and ".join(names)


def _site_from_title(html: str, title: str) -> str:
    """The site name a ``<title>`` adds to the headline ("Headline | Site", "Site: Headline").

    >>> _site_from_title("<title>Pact ends | The Herald</title>", "Pact ends")
    'The Herald'
    """
    m = re.search(r"<title[^>]*>(.*?)</title>", html, re.IGNORECASE | re.DOTALL)
    if not m or not title:
        return ""
    import html as html_lib

    full = re.sub(r"\s+", " ", html_lib.unescape(m[1])).strip()
    for sep in _TITLE_SEPARATORS:
        if full.startswith(title + sep):
            return full[len(title + sep):].strip()
        if full.endswith(sep + title):
            return full[:-len(sep + title)].strip()
    return ""
