"""Readers: the raw text of one file by type (part of the ``sources`` stage).

Each reader returns plain text with one line per visual line or block, for
:mod:`assistant.cleaning` to rejoin.

>>> from pathlib import Path; import tempfile
>>> p = Path(tempfile.mkdtemp()) / "a.html"
>>> _ = p.write_text("<nav>Menu</nav><h1>Title</h1><p>Body <b>text</b>.</p><script>x()</script>")
>>> read_html(p)
'Title\\n\\nBody text.'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from ..errors import SourceError

# Elements whose content is never article text.
_HIDDEN = ("script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template",
           "iframe", "svg", "button", "select")
_BLOCKS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "section",
           "article", "tr", "pre", "figcaption", "dd", "dt")


def read_text(path: Path) -> str:
    """A UTF-8 text file (a leading byte-order mark is dropped)."""
    return path.read_bytes().decode("utf-8-sig")


def read_markdown(path: Path) -> str:
    """Markdown reduced to its words: markup, images and link targets dropped.

    >>> _strip_markdown("# Title\\n\\nSee [the pact](http://x) and **this**.\\n![img](a.png)")
    'Title\\n\\nSee the pact and this.\\n'
    """
    return _strip_markdown(read_text(path))


def _strip_markdown(text: str) -> str:
    text = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+", "", text, flags=re.M)
    text = re.sub(r"(\*\*|__|\*|_|`)(\S.*?\S|\S)\1", r"\2", text)
    return re.sub(r"^\s*([-*_]\s*){3,}$", "", text, flags=re.M)


def read_html(path: Path) -> str:
    """Visible text of an HTML page, one block per paragraph."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(read_text(path), "html.parser")
    for tag in soup(_HIDDEN):
        tag.decompose()
    for tag in soup.find_all(style=re.compile(r"display\s*:\s*none", re.I)):
        tag.decompose()
    for tag in soup.find_all(_BLOCKS):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    body = soup.body or soup
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", body.get_text())
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def read_pdf(path: Path) -> str:
    """Text of every page of a PDF, pages separated by blank lines."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise SourceError(f"PDF {path} is encrypted.", fix="Save an unencrypted copy.")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError) as exc:
        raise SourceError(
            f"PDF {path} cannot be read ({exc}).", fix="Check the file or remove it."
        ) from None
    return "\n\n".join(pages)


READERS: dict[str, Callable[[Path], str]] = {
    ".txt": read_text,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".html": read_html,
    ".htm": read_html,
    ".pdf": read_pdf,
}
