"""Markdown files: YAML front matter for the metadata (PyYAML, its one module), and the
body read block by block, with page furniture left out by its markup:

- a list or a line of nothing but links ("Related" lists, share links);
- a block quote that opens with a bold line (a fact box);
- a heading whose section holds only such blocks;
- the leading ``# Headline`` and a fully emphasised standfirst under it (front matter).

>>> text = ("---\\ntitle: Pact ends\\nauthor: Jo Roe\\n---\\n"
...         "# Pact ends\\n\\nIt ended [today](x).\\n")
>>> e = read_markdown_text(text)
>>> e.meta.title, e.meta.author, e.paragraphs, e.front
('Pact ends', 'Jo Roe', ('It ended today.',), ('Pact ends',))
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..errors import SourceError
from .extracted import Extracted, FileMeta

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_KEYS = {
    "title": ("title", "headline"),
    "author": ("author", "authors", "byline", "creator"),
    "publisher": ("publisher", "site_name", "sitename", "site", "source", "publication",
                  "outlet"),
    "date": ("date", "published", "pubdate", "publish_date", "date_published", "created"),
    "url": ("url", "canonical_url", "canonical", "permalink", "link"),
    "description": ("description", "summary", "excerpt", "subtitle", "standfirst", "dek"),
}
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s+")


def front_matter(text: str, name: str = "") -> tuple[FileMeta, str]:
    """(metadata, body) of a Markdown text with optional YAML front matter."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return FileMeta(), text
    import yaml

    try:
        data = yaml.safe_load(m[1])
    except yaml.YAMLError as exc:
        raise SourceError(f"Markdown file {name}: its front matter is not valid YAML "
                          f"({str(exc).splitlines()[0]}).",
                          fix="Fix the block between the two '---' lines, or remove it.") \
            from None
    data = data if isinstance(data, dict) else {}
    lower = {str(k).lower(): v for k, v in data.items()}
    values = {field: _value(next((lower[k] for k in keys if lower.get(k)), ""))
              for field, keys in _KEYS.items()}
    values["date"] = _date(next((lower[k] for k in _KEYS["date"] if lower.get(k)), ""))
    return FileMeta(**values), text[m.end():]


def _value(value: Any) -> str:
    if isinstance(value, list):
        return " and ".join(_value(v) for v in value if _value(v))
    if isinstance(value, dict):
        return _value(value.get("name", ""))
    return re.sub(r"\s+", " ", str(value)).strip()


def _date(value: Any) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    m = re.match(r"(\d{4}-\d{2}(?:-\d{2})?)", str(value).strip())
    return m[1] if m else ""


def _blocks(body: str) -> list[str]:
    body = re.sub(r"^```.*?^```[^\n]*$", "", body, flags=re.S | re.M)
    body = re.sub(r"<!--.*?-->", "", body, flags=re.S)
    return [b.strip("\n") for b in re.split(r"\n[ \t]*\n", body) if b.strip()]


def _kind(block: str) -> str:
    lines = block.splitlines()
    if re.match(r"^\s{0,3}#{1,6}\s", lines[0]):
        return "heading"
    if all(line.lstrip().startswith(">") for line in lines):
        bold = re.sub(r"^\s*>\s*", "", lines[0]).strip()
        return "box" if re.fullmatch(r"(\*\*|__).+\1:?", bold) else "quote"
    if _ITEM.match(lines[0]) and _links_only(block):
        return "links"
    return "links" if _links_only(block) else "text"


def _links_only(block: str) -> bool:
    """Nothing but links (and list marks and separators): a related list, share links."""
    if not _LINK.search(block):
        return False
    rest = _LINK.sub("", block)
    rest = re.sub(r"^\s{0,3}(?:[-*+]|\d+[.)])\s*", "", rest, flags=re.M)
    return not re.sub(r"[\s|\u00b7\u2022,;/\u2013\u2014-]", "", rest)


def _strip(text: str) -> str:
    text = _LINK.sub(lambda m: "" if m[0].startswith("!") else m[1], text)
    text = re.sub(r"^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s*", "", text, flags=re.M)
    text = re.sub(r"(\*\*|__|\*|_|`)(\S.*?\S|\S)\1", r"\2", text)
    return re.sub(r"\s+", " ", text).strip()


def read_markdown_text(text: str, name: str = "") -> Extracted:
    """The article of a Markdown text: its body blocks, front matter and headline."""
    meta, body = front_matter(text, name)
    blocks = [(b, _kind(b)) for b in _blocks(body)]
    keep = _sections_kept(blocks)
    front: list[str] = []
    paragraphs: list[str] = []
    for (block, kind), kept in zip(blocks, keep, strict=True):
        if not kept or kind in ("links", "box"):
            continue
        plain = _strip(block)
        opening = not paragraphs
        if opening and kind == "heading" and not front:
            front.append(plain)
        elif opening and re.fullmatch(r"(\*|_)[^*_].*[^*_]\1", block.strip(), re.S):
            front.append(plain)  # an emphasised standfirst under the headline
        elif plain and not re.fullmatch(r"[-*_\s]{3,}", block):
            paragraphs.append(plain)
    heading = front[0] if front else ""
    return Extracted(paragraphs=tuple(paragraphs), meta=meta, heading=heading, front=tuple(front))


def _sections_kept(blocks: list[tuple[str, str]]) -> list[bool]:
    """False for a heading whose section (up to the next heading) holds only furniture."""
    keep = []
    for i, (_, kind) in enumerate(blocks):
        if kind != "heading":
            keep.append(True)
            continue
        section = []
        for _, k in blocks[i + 1:]:
            if k == "heading":
                break
            section.append(k)
        keep.append(i == 0 or any(k in ("text", "quote") for k in section))
    return keep
