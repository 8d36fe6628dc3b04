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

Citation markers become links to their sentence in the sources panel (``cards``), the
short answer is bold, and an answer quoting several sources starts each source's
sentences on a new line:

>>> from assistant.qa import Citation
>>> c = Citation(1, "d", "T", "Ann Lee", "P", "2019-11", "It ended.", 0, 9, "It ended.", 0, 1,
...              "d#0")
>>> html = linked_answer(Answer("Q?", "It ended. [1]", False, (c,), ()), "tok")
>>> html.split('<span class="gs-tip"')[0]
'It ended. <a class="gs-cite" href="#gs-c-tok-1">[1]'
>>> html.split('role="tooltip">')[1]
'<span class="gs-tip-q">It ended.</span><span class="gs-tip-s">T · November 2019</span></span></a>'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Protocol

from ..ingest import Document, date_label
from ..qa import Answer, Citation
from ..qa.answering import short_date, source_label

# One pass of str.translate, so an entity is never escaped twice. For the HTML panels,
# besides the five HTML specials, template syntax ($ { } ` \\) becomes entities too.
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}
_TEMPLATE = {c: f"&#{ord(c)};" for c in "${}`\\"}
_HTML_TABLE = str.maketrans({**_HTML, **_TEMPLATE})
_CHAT_TABLE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_LINK_FORMS = (("](", "]&#40;"), ("]:", "]&#58;"))
_PREVIEW_CHARS = 500
_TIP_CHARS = 300  # a preview longer than this is cut


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


def timings_line(timings: Mapping[str, float]) -> str:
    """The muted per-stage timings under an answer."""
    retrieval = float(timings.get("retrieval_ms", 0.0))
    answering = float(timings.get("answer_ms", 0.0))
    return (f'<span class="gs-timings">retrieval {retrieval:.1f} ms · '
            f"answering {answering:.1f} ms</span>")


def chat_text(answer: Answer, token: str = "") -> str:
    """The assistant's chat bubble: the answer with each ``[n]`` a link to its sentence in
    the sources panel (with a preview of the quote, title and date), each source's
    sentences on their own line under "From Name (date):", the timings, and the buttons
    that copy and download it (``token`` names the answer to the page's script)."""
    if answer.abstained:
        body = escape_chat("The sources do not answer this question. The closest passages "
                           "are listed beside the chat, marked as not an answer.")
    else:
        body = linked_answer(answer, token)
    actions = _actions(token) if token else ""
    if answer.read_as:  # misspelt words were read as the sources' words: say how
        body = (f'<span class="gs-read-as">Read as: {escape_chat(answer.read_as)}</span><br>'
                f"{body}")
    return f'<div class="gs-answer">{body}<br>{timings_line(answer.timings_ms)}{actions}</div>'


def linked_answer(answer: Answer, token: str) -> str:
    """The answer text, escaped, with its markers linked and its short answer in bold."""
    text, head = answer.text, ""
    short = answer.short_answer
    if short and text.startswith(f"**{short}** "):
        head = f'<strong class="gs-short">{escape_chat(short)}</strong> '
        text = text[len(short) + 5:]
    by_marker = {c.marker: c for c in answer.citations}
    several = len({c.source_id for c in answer.citations}) > 1
    pieces = _MARKER.split(text)
    out = [head]
    for i, piece in enumerate(pieces):
        if i % 2:  # a marker
            cited = by_marker.get(int(piece))
            out.append(citation_link(cited, token) if cited else escape_chat(f"[{piece}]"))
        else:
            following = by_marker.get(int(pieces[i + 1])) if i + 1 < len(pieces) else None
            out.append(_segment(piece, following if several else None, bool(i)))
    return "".join(out)


_MARKER = re.compile(r"\[(\d{1,3})\]")


def _segment(text: str, cited: Citation | None, later: bool) -> str:
    """Text between markers; an introduction of the next sentence's source ("From Mishra
    (Nov 2019):", as the answerer writes it) starts a new line, in bold."""
    if cited is not None:
        intro = source_intro(cited)
        at = text.find(intro)
        if at >= 0 and text[:at].strip() in ("", "."):  # after a short answer's "[1]."
            lead, rest = text[:at].rstrip(), text[at + len(intro):]
            return (f'{escape_chat(lead)}{"<br>" if later else ""}<strong class="gs-from">'
                    f"{escape_chat(intro)}</strong>{escape_chat(rest)}")
    return escape_chat(text)


def source_intro(citation: Citation) -> str:
    """How the answerer introduces a source's sentences: "From Matsuo (Aug 2020):"."""
    doc = Document(id=citation.source_id, path="", title=citation.title, text="",
                   author=citation.author, publisher=citation.publisher)
    when = short_date(citation.date)
    name = source_label(doc)
    return f"From {name} ({when}):" if when else f"From {name}:"


def citation_link(citation: Citation, token: str) -> str:
    """``[n]`` as a link to its highlighted sentence, with a preview shown on hover and
    focus: the quoted sentence, the title and the date."""
    quote = " ".join(citation.quote.split())
    if len(quote) > _TIP_CHARS:
        quote = quote[:_TIP_CHARS].rstrip() + " …"
    source = " · ".join(x for x in (citation.title, date_label(citation.date)) if x)
    return (f'<a class="gs-cite" href="#gs-c-{token}-{citation.marker}">[{citation.marker}]'
            f'<span class="gs-tip" role="tooltip"><span class="gs-tip-q">{escape_chat(quote)}'
            f'</span><span class="gs-tip-s">{escape_chat(source)}</span></span></a>')


def _actions(token: str) -> str:
    buttons = "".join(f'<button type="button" class="gs-act gs-act-{kind}">{label}</button>'
                      for kind, label in (("copy", "Copy"), ("md", "Markdown"),
                                          ("json", "JSON")))
    return (f'<span class="gs-actions" id="gs-a-{token}">{buttons}'
            '<span class="gs-act-status" role="status"></span></span>')


def user_text(question: str) -> str:
    """The user's chat bubble: the question as inert text, long ones shortened."""
    shown = question if len(question) <= _PREVIEW_CHARS else question[:_PREVIEW_CHARS] + " …"
    return escape_chat(shown)


def error_text(message: str) -> str:
    """A friendly chat bubble for a refused or failed question."""
    return f'<span class="gs-error">{escape_chat(message)}</span>'


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
