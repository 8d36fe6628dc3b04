"""Cards: the sources panel beside the chat, one card per cited passage.

Sentences an answer cites from the same passage share one card; each is highlighted with
its own ``[n]`` marker and carries the id its citation link in the chat points at
(``gs-c-<answer>-<n>``), so a click on ``[2]`` scrolls to the sentence and its card. The
card's locator names the paragraphs the passage spans, and the passage is shown
paragraph by paragraph, so the label and the text agree. Pure functions, no gradio;
every text from a source goes through :func:`.render.escape_html`.

>>> paragraph_range("One.\\n\\nTwo. Three.\\n\\nFour.", 6, 8)
(7, 9)
>>> locator(7, 9), locator(3, 3)
('paragraphs 7–9', 'paragraph 3')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..ingest import Document, date_label
from ..qa import Answer, Citation
from .render import escape_html, safe_url

PARAGRAPH_BREAK = "\n\n"
EMPTY_PANEL = ('<div class="gs-panel gs-empty"><p>Ask a question: the passages it cites will '
               "appear here, with each quoted sentence highlighted.</p></div>")
ERROR_PANEL = ('<div class="gs-panel gs-empty gs-panel-error"><p>No sources: the last question '
               "was not answered.</p></div>")
GONE_PANEL = ('<div class="gs-panel gs-empty"><p>The sources of that answer are no longer kept; '
              "ask the question again to see them.</p></div>")


def quote_span(citation: Citation) -> tuple[int, int]:
    """Where the quote sits inside its passage; (-1, -1) when it cannot be found."""
    start = citation.start - citation.passage_start
    end = start + len(citation.quote)
    if start >= 0 and citation.passage[start:end] == citation.quote:
        return start, end
    found = citation.passage.find(citation.quote)
    return (found, found + len(citation.quote)) if found >= 0 else (-1, -1)


def paragraph_range(passage: str, quote_start: int, paragraph: int) -> tuple[int, int]:
    """(first, last) paragraph numbers a passage spans, from one quote's paragraph and
    its offset in the passage (passages keep the document's paragraph breaks)."""
    first = paragraph - passage.count(PARAGRAPH_BREAK, 0, max(quote_start, 0))
    return first, first + passage.count(PARAGRAPH_BREAK)


def locator(first: int, last: int) -> str:
    return f"paragraph {first}" if first == last else f"paragraphs {first}–{last}"


def mark_id(token: str, marker: int) -> str:
    """The id of a cited sentence's highlight (the target of its ``[n]`` link)."""
    return f"gs-c-{token}-{marker}"


def group_by_passage(citations: Sequence[Citation]) -> list[list[Citation]]:
    """Citations grouped by the passage they quote, in order of their first marker; a
    citation of a whole document stays alone."""
    groups: dict[str, list[Citation]] = {}
    for c in citations:
        key = f"{c.chunk_id}\0{c.passage_start}" if c.kind != "document" else f"doc{c.marker}"
        groups.setdefault(key, []).append(c)
    return list(groups.values())


def marked_passage(group: Sequence[Citation], token: str) -> tuple[str, list[Citation]]:
    """The passage's paragraphs as HTML, each quote of ``group`` in its own ``<mark>``;
    also the citations whose quote could not be found in it (shown above it)."""
    passage = group[0].passage
    spans, lost = [], []
    for c in group:
        start, end = quote_span(c)
        if start < 0 or any(start < e and s < end for s, e, _ in spans):
            lost.append(c)
        else:
            spans.append((start, end, c))
    parts, cursor = [], 0
    for start, end, c in sorted(spans, key=lambda s: s[0]):
        parts.append(escape_html(passage[cursor:start]))
        parts.append(_mark(passage[start:end], c.marker, token))
        cursor = end
    parts.append(escape_html(passage[cursor:]))
    paragraphs = "".join(parts).split(PARAGRAPH_BREAK)  # escaping keeps the breaks
    return "".join(f"<p>{p}</p>" for p in paragraphs if p.strip()), lost


def _mark(text: str, marker: int, token: str) -> str:
    return (f'<mark class="gs-mark" id="{mark_id(token, marker)}"><span class="gs-mark-n">'
            f"[{marker}]</span> {escape_html(text)}</mark>")


def _meta_line(parts: Sequence[str]) -> str:
    return " · ".join(escape_html(p) for p in parts if p)


def _link(url: str) -> str:
    href = safe_url(url)
    if not href:
        return ""
    return (f'<a class="gs-link" href="{escape_html(href)}" target="_blank" '
            'rel="noopener noreferrer nofollow">Open the original article</a>')


def _head(group: Sequence[Citation], extra: str = "") -> str:
    markers = " ".join(f"[{c.marker}]" for c in group)
    return (f'<div class="gs-card-head"><span class="gs-marker">{markers}</span> '
            f'<span class="gs-title">{escape_html(group[0].title)}</span>{extra}</div>')


def passage_card(group: Sequence[Citation], token: str) -> str:
    """One card: the markers, title, author, publisher, date, the paragraphs shown, and
    the passage with every quoted sentence highlighted under its own marker."""
    first = group[0]
    if first.kind == "document":
        return _document_card(first, token)
    body, lost = marked_passage(group, token)
    spans = [quote_span(c) for c in group if c not in lost]
    start = spans[0][0] if spans else 0
    low, high = paragraph_range(first.passage, start, next(
        (c.paragraph for c in group if c not in lost), first.paragraph))
    missing = "".join(f"<p>{_mark(c.quote, c.marker, token)}</p>" for c in lost)
    meta = _meta_line([first.author, first.publisher, date_label(first.date),
                       locator(low, high)])
    markers = " ".join(str(c.marker) for c in group)
    return (f'<article class="gs-card" data-markers="{markers}">{_head(group)}'
            f'<div class="gs-meta">{meta}</div><blockquote class="gs-passage">{missing}{body}'
            f"</blockquote>{_link(first.url)}</article>")


def _document_card(citation: Citation, token: str) -> str:
    meta = _meta_line([citation.author, citation.publisher, date_label(citation.date)])
    where = "the article's byline" if citation.start >= 0 else "the article's metadata"
    kind = ' <span class="gs-kind">document</span>'
    return (f'<article class="gs-card gs-doc" data-markers="{citation.marker}" '
            f'data-kind="document">{_head([citation], kind)}<div class="gs-meta">{meta}</div>'
            f'<blockquote class="gs-passage"><p>{_mark(citation.quote, citation.marker, token)}'
            f'</p></blockquote><div class="gs-meta">Cited from {where}.</div>'
            f"{_link(citation.url)}</article>")


def passage_item(passage: Any, documents: Mapping[str, Document]) -> str:
    """One uncited retrieved passage, with its document's title and date."""
    doc = documents.get(passage.source_id)
    title = doc.title if doc else passage.source_id
    meta = _meta_line([title, date_label(doc.date) if doc else ""])
    return (f'<li class="gs-other"><div class="gs-meta">{meta}</div>'
            f'<div class="gs-passage-text">{escape_html(passage.text)}</div></li>')


def _passage_list(passages: Sequence[Any], documents: Mapping[str, Document]) -> str:
    return "<ol>" + "".join(passage_item(p, documents) for p in passages) + "</ol>"


def render_sources(answer: Answer, documents: Mapping[str, Document], token: str = "a",
                   earlier: bool = False) -> str:
    """The sources panel for one answer: one card per cited passage, or the abstention.

    ``earlier`` says the panel shows an earlier answer of the conversation (a click on
    one of its citations brought it back).
    """
    note = (f'<p class="gs-for">Sources of an earlier answer: “{escape_html(answer.question)}”'
            "</p>" if earlier else "")
    if answer.abstained:
        closest = _passage_list(answer.passages, documents)
        return (f'<div class="gs-panel" data-answer="{token}">{note}<p class="gs-abstain">'
                "The sources do not answer this question, so nothing is cited.</p>"
                f'<details class="gs-closest"><summary>Closest passages ({len(answer.passages)}) '
                f"— not an answer</summary>{closest}</details></div>")
    cited = {c.chunk_id for c in answer.citations}
    others = [p for p in answer.passages if p.chunk_id not in cited]
    cards = "".join(passage_card(g, token) for g in group_by_passage(answer.citations))
    more = ""
    if others:
        more = (f'<details class="gs-others"><summary>Other passages ({len(others)})</summary>'
                f"{_passage_list(others, documents)}</details>")
    return (f'<div class="gs-panel" data-answer="{token}"><h3 class="gs-heading">Sources</h3>'
            f"{note}{cards}{more}</div>")
