"""App rendering: turn answers, sources and errors into inert HTML (the Evaluate tab's
results are rendered by :mod:`.eval_render`).

Pure functions, no gradio. Every piece of text that comes from a user or a source
goes through :func:`escape_html` (for the sources panel) or :func:`escape_chat`
(for chat bubbles), so a question or a source containing ``<img src=x onerror=...>``
or ``[x](javascript:...)`` shows as text and runs nothing.

The Chatbot runs with ``render_markdown=False`` (its text is set as sanitised HTML,
never parsed as Markdown), so chat text only needs its HTML specials escaped; the
Markdown link forms ``](`` and ``]:`` are broken up as well, in case Markdown is ever
switched on. Other characters are left alone so the bubbles' aria-labels (which
Gradio fills with the raw message string) read naturally.

>>> escape_chat("[x](javascript:alert(1)) <b>")
'[x]&#40;javascript:alert(1)) &lt;b&gt;'
>>> highlight("Seoul left. Tokyo stayed.", 12, 25)
'Seoul left. <mark>Tokyo stayed.</mark>'
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from ..ingest import Document, date_label
from ..qa import Answer, Citation

# One pass of str.translate, so an entity is never escaped twice. For the HTML panels,
# besides the five HTML specials, template syntax ($ { } ` \\) becomes entities too.
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}
_TEMPLATE = {c: f"&#{ord(c)};" for c in "${}`\\"}
_HTML_TABLE = str.maketrans({**_HTML, **_TEMPLATE})
_CHAT_TABLE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_LINK_FORMS = (("](", "]&#40;"), ("]:", "]&#58;"))
_PREVIEW_CHARS = 500

EMPTY_PANEL = ('<div class="gs-panel gs-empty"><p>Ask a question: the passages it cites will '
               "appear here, with the quoted sentence highlighted.</p></div>")


class StatusLike(Protocol):
    """What :meth:`assistant.Assistant.status` returns (``IndexStatus``)."""

    state: str
    reason: str
    created_at: str
    counts: dict[str, int]


def escape_html(text: object) -> str:
    """Text made safe to place inside HTML elements and attribute values."""
    return str(text).translate(_HTML_TABLE)


def escape_chat(text: object) -> str:
    """Text made inert in a chat bubble: HTML escaped, Markdown link forms broken."""
    out = str(text).translate(_CHAT_TABLE)
    for form, broken in _LINK_FORMS:
        out = out.replace(form, broken)
    return out


def safe_url(url: str) -> str:
    """``url`` if it is a plain http(s) link, else ``""`` (no ``javascript:`` hrefs)."""
    url = url.strip()
    return url if url.lower().startswith(("https://", "http://")) and " " not in url else ""


def highlight(passage: str, start: int, end: int) -> str:
    """The passage, escaped, with ``passage[start:end]`` wrapped in ``<mark>``."""
    if not 0 <= start < end <= len(passage):
        return escape_html(passage)
    before, quote, after = passage[:start], passage[start:end], passage[end:]
    return f"{escape_html(before)}<mark>{escape_html(quote)}</mark>{escape_html(after)}"


def quote_span(citation: Citation) -> tuple[int, int]:
    """Where the quote sits inside its passage; (-1, -1) when it cannot be found."""
    start = citation.start - citation.passage_start
    end = start + len(citation.quote)
    if start >= 0 and citation.passage[start:end] == citation.quote:
        return start, end
    found = citation.passage.find(citation.quote)
    return (found, found + len(citation.quote)) if found >= 0 else (-1, -1)


def _meta_line(parts: Sequence[str]) -> str:
    return " · ".join(escape_html(p) for p in parts if p)


def _link(url: str) -> str:
    href = safe_url(url)
    if not href:
        return ""
    return (f'<a class="gs-link" href="{escape_html(href)}" target="_blank" '
            'rel="noopener noreferrer nofollow">Open the original</a>')


def citation_card(citation: Citation) -> str:
    """One card: marker, title, author, publisher, date, paragraph, highlighted passage.

    A citation of a whole document (a question about the article itself) shows its
    metadata record, or its byline, marked as such.
    """
    if citation.kind == "document":
        return _document_card(citation)
    start, end = quote_span(citation)
    passage = highlight(citation.passage, start, end)
    if start < 0:  # never hide the quote, even if the offsets disagree
        passage = f"<mark>{escape_html(citation.quote)}</mark><br>{passage}"
    meta = _meta_line([citation.author, citation.publisher, date_label(citation.date),
                       f"paragraph {citation.paragraph}"])
    return (f'<article class="gs-card" data-marker="{citation.marker}">'
            f'<div class="gs-card-head"><span class="gs-marker">[{citation.marker}]</span> '
            f'<span class="gs-title">{escape_html(citation.title)}</span></div>'
            f'<div class="gs-meta">{meta}</div>'
            f'<blockquote class="gs-passage">{passage}</blockquote>{_link(citation.url)}'
            "</article>")


def _document_card(citation: Citation) -> str:
    meta = _meta_line([citation.author, citation.publisher, date_label(citation.date)])
    where = "the article's byline" if citation.start >= 0 else "the article's metadata"
    return (f'<article class="gs-card gs-doc" data-marker="{citation.marker}" '
            f'data-kind="document"><div class="gs-card-head"><span class="gs-marker">'
            f'[{citation.marker}]</span> <span class="gs-title">{escape_html(citation.title)}'
            f'</span> <span class="gs-kind">document</span></div>'
            f'<div class="gs-meta">{meta}</div><blockquote class="gs-passage">'
            f"<mark>{escape_html(citation.quote)}</mark></blockquote>"
            f'<div class="gs-meta">Cited from {where}.</div>{_link(citation.url)}</article>')


def passage_item(passage: Any, documents: Mapping[str, Document]) -> str:
    """One uncited retrieved passage, with its document's title and date."""
    doc = documents.get(passage.source_id)
    title = doc.title if doc else passage.source_id
    meta = _meta_line([title, date_label(doc.date) if doc else ""])
    return (f'<li class="gs-other"><div class="gs-meta">{meta}</div>'
            f'<div class="gs-passage-text">{escape_html(passage.text)}</div></li>')


def _passage_list(passages: Sequence[Any], documents: Mapping[str, Document]) -> str:
    return "<ol>" + "".join(passage_item(p, documents) for p in passages) + "</ol>"


def render_sources(answer: Answer, documents: Mapping[str, Document]) -> str:
    """The sources panel for one answer (citation cards, or the abstention)."""
    if answer.abstained:
        closest = _passage_list(answer.passages, documents)
        return ('<div class="gs-panel"><p class="gs-abstain">The sources do not answer this '
                "question, so nothing is cited.</p>"
                f'<details class="gs-closest"><summary>Closest passages ({len(answer.passages)}) '
                f"— not an answer</summary>{closest}</details></div>")
    cited = {c.chunk_id for c in answer.citations}
    others = [p for p in answer.passages if p.chunk_id not in cited]
    cards = "".join(citation_card(c) for c in answer.citations)
    more = ""
    if others:
        more = (f'<details class="gs-others"><summary>Other passages ({len(others)})</summary>'
                f"{_passage_list(others, documents)}</details>")
    return f'<div class="gs-panel"><h3 class="gs-heading">Sources</h3>{cards}{more}</div>'


def timings_line(timings: Mapping[str, float]) -> str:
    """The muted per-stage timings under an answer."""
    retrieval = float(timings.get("retrieval_ms", 0.0))
    answering = float(timings.get("answer_ms", 0.0))
    return (f'<span class="gs-timings">retrieval {retrieval:.1f} ms · '
            f"answering {answering:.1f} ms</span>")


def chat_text(answer: Answer) -> str:
    """The assistant's chat bubble: the answer with its [n] markers, then the timings."""
    if answer.abstained:
        body = escape_chat("The sources do not answer this question. The closest passages "
                           "are listed beside the chat, marked as not an answer.")
    else:
        body = _with_short_answer(answer)
    return f"{body}<br>{timings_line(answer.timings_ms)}"


def _with_short_answer(answer: Answer) -> str:
    """The answer escaped, its leading short answer ("**2016** [1]. ") shown in bold."""
    short = answer.short_answer
    head = f"**{short}** "
    if not short or not answer.text.startswith(head):
        return escape_chat(answer.text)
    rest = answer.text[len(head):]
    return f'<strong class="gs-short">{escape_chat(short)}</strong> {escape_chat(rest)}'


def user_text(question: str) -> str:
    """The user's chat bubble: the question as inert text, long ones shortened."""
    shown = question if len(question) <= _PREVIEW_CHARS else question[:_PREVIEW_CHARS] + " …"
    return escape_chat(shown)


def error_text(message: str) -> str:
    """A friendly chat bubble for a refused or failed question."""
    return f'<span class="gs-error">{escape_chat(message)}</span>'


def answer_markdown(answer: Answer) -> str:
    """The answer and its citations as a Markdown document (for copy and download)."""
    lines = [f"# {answer.question}", "", answer.text, ""]
    if answer.abstained:
        lines += ["## Closest passages (not an answer)", ""]
        lines += [f"- {p.text}" for p in answer.passages]
    else:
        lines += ["## Sources", ""]
        for c in answer.citations:
            meta = ", ".join(x for x in (c.title, c.author, c.publisher, date_label(c.date)) if x)
            url = f" <{c.url}>" if safe_url(c.url) else ""
            lines.append(f'[{c.marker}] "{c.quote}" — {meta}, paragraph {c.paragraph}.{url}')
    t = answer.timings_ms
    lines += ["", f"_Retrieval {t.get('retrieval_ms', 0):.1f} ms, "
                  f"answering {t.get('answer_ms', 0):.1f} ms._", ""]
    return "\n".join(lines)


def answer_json_text(answer: Answer) -> str:
    """The answer as ``assistant ask --json`` prints it."""
    return json.dumps(answer.to_json(), ensure_ascii=False, indent=2) + "\n"


def built_label(created_at: str) -> str:
    """A readable build time from the manifest's ISO timestamp."""
    try:
        when = dt.datetime.fromisoformat(created_at)
    except (TypeError, ValueError):
        return created_at or "unknown"
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC)
    return when.strftime("%d %B %Y, %H:%M UTC").lstrip("0")


def render_status(status: StatusLike) -> str:
    """One line: when the index was built and whether it matches the sources."""
    counts = status.counts
    size = f"{counts.get('documents', 0)} documents, {counts.get('chunks', 0)} passages"
    state = escape_html(status.state)
    line = f"Index built {escape_html(built_label(status.created_at))} ({size}): "
    if status.state == "fresh":
        line += f'<strong class="gs-state gs-{state}">fresh</strong> — it matches the sources.'
    else:
        line += (f'<strong class="gs-state gs-{state}">{state}</strong> — '
                 f"{escape_html(status.reason)}. Press “Refresh index” to rebuild it.")
    return f'<p class="gs-status">{line}</p>'


def render_library(documents: Sequence[Document], chunk_counts: Mapping[str, int],
                   status: StatusLike) -> str:
    """The Sources tab: every document with its metadata and number of passages."""
    rows = []
    for doc in documents:
        href = safe_url(doc.url)
        link = (f'<a href="{escape_html(href)}" target="_blank" rel="noopener noreferrer '
                f'nofollow">{escape_html(href)}</a>') if href else "—"
        cells = [doc.title, doc.author or "—", doc.publisher or "—", date_label(doc.date) or "—"]
        tds = "".join(f"<td>{escape_html(c)}</td>" for c in cells)
        rows.append(f'<tr class="gs-doc">{tds}<td>{chunk_counts.get(doc.id, 0)}</td>'
                    f"<td>{link}</td></tr>")
    head = "".join(f"<th>{h}</th>" for h in
                   ("Title", "Author", "Publisher", "Date", "Passages", "Link"))
    table = f'<table class="gs-docs"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}'
    return f'<div class="gs-library">{render_status(status)}{table}</tbody></table></div>'


CSS = """
.gs-panel { font-size: 0.95rem; }
.gs-heading { margin: 0 0 .5rem 0; }
.gs-card { border: 1px solid var(--border-color-primary); border-radius: 8px;
           padding: .6rem .8rem; margin-bottom: .6rem; }
.gs-card-head { font-weight: 600; }
.gs-marker { color: var(--color-accent); margin-right: .25rem; }
.gs-meta { color: var(--body-text-color-subdued); font-size: .85rem; margin: .2rem 0; }
.gs-passage { margin: .4rem 0 0 0; padding-left: .6rem;
              border-left: 3px solid var(--border-color-primary); }
.gs-passage mark { background: #fde68a; color: inherit; padding: 0 .1rem; }
.gs-abstain { font-weight: 600; }
.gs-others summary, .gs-closest summary { cursor: pointer; font-weight: 600; }
.gs-other { margin-bottom: .5rem; }
.gs-timings { color: var(--body-text-color-subdued); font-size: .75rem; }
.gs-error { color: var(--error-text-color, #b91c1c); }
.gs-docs { width: 100%; border-collapse: collapse; }
.gs-docs th, .gs-docs td { border-bottom: 1px solid var(--border-color-primary);
                           padding: .35rem .5rem; text-align: left; vertical-align: top; }
.gs-metrics .gs-num { font-variant-numeric: tabular-nums; text-align: right; }
.gs-fail { border-bottom: 1px solid var(--border-color-primary); padding: .3rem 0; }
.gs-fail summary { cursor: pointer; } .gs-why { color: #b45309; }
.gs-fresh { color: #15803d; } .gs-stale, .gs-missing { color: #b45309; }
#gs-docs-status { min-height: 4rem; }
.gs-outcome .gs-ok { color: #15803d; } .gs-outcome p { margin: .2rem 0; }
.gs-count { color: var(--body-text-color-subdued); margin: .2rem 0; }
.gs-header h2 { margin: 0 0 .2rem 0; } .gs-header p { margin: 0; }
.gs-kind { font-weight: 400; font-size: .75rem; border: 1px solid var(--border-color-primary);
           border-radius: 4px; padding: 0 .3rem; margin-left: .3rem; }
"""
