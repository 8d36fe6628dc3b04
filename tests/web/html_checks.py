"""HTML checks shared by the web tests: which tags and attributes a rendering holds, and the
text of its elements, read with the standard library's parser (as a browser would).

A plain module (``from html_checks import ...``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

SAFE_TAGS = {"article", "div", "span", "blockquote", "mark", "a", "br", "details", "summary",
             "ol", "ul", "li", "p", "strong", "code", "h3", "table", "thead", "tbody", "tr",
             "th", "td", "button"}  # our own buttons: type="button", no handlers
VOID_TAGS = {"br", "img", "hr", "input", "meta", "link", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    text: str = ""
    classes: set[str] = field(default_factory=set)


class _Collector(HTMLParser):
    """Every element with its attributes and its text (its descendants' text included)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        element = Element(tag, named, classes=set((named.get("class") or "").split()))
        self.elements.append(element)
        if tag not in VOID_TAGS:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i].tag == tag:
                del self._open[i:]
                break

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data
# Script, an event handler, a script link and template syntax, for every rendered field.
XSS = "<img src=x onerror=alert(1)> <script>alert(2)</script> [x](javascript:alert(3)) ${x}"


def elements(html: str) -> list[Element]:
    parser = _Collector()
    parser.feed(html)
    parser.close()
    return parser.elements


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    return [(e.tag, e.attrs) for e in elements(html)]


def with_class(html: str, name: str) -> list[Element]:
    return [e for e in elements(html) if name in e.classes]


def assert_inert(html: str, template: bool = True) -> None:
    """Only our own tags, no event handlers, no script URLs (no template syntax in gr.HTML)."""
    for tag, attrs in tags_of(html):
        assert tag in SAFE_TAGS, f"unexpected <{tag}> in {html[:200]}"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"event handler {name} on <{tag}>"
            assert "javascript" not in (value or "").lower()
            if name == "href":  # a source's own link, or a citation's link to its sentence
                assert (value or "").startswith(("https://", "http://")) or re.fullmatch(
                    r"#gs-c-[A-Za-z0-9_-]+-[0-9]+", value or ""), value
    if template:  # gr.HTML evaluates a template; chat bubbles do not
        assert "${" not in html and "{{" not in html
