"""Rendering for the Documents tab: the library table and the outcome of each change.

Pure functions, no gradio. Every value comes from a user's file or form, so each goes
through :func:`~.render.escape_html`: a title such as ``<img src=x onerror=...>`` shows as
text and runs nothing.

>>> from assistant.library.entries import Entry
>>> e = Entry("d", "<b>Ships</b>", "Ann", "Port News", "2024-05", "", "pdf", "d.pdf", 1200,
...           12, 40, "2026-01-02T03:04:05+00:00", "")
>>> "&lt;b&gt;Ships&lt;/b&gt;" in render_documents([e])
True
>>> render_outcome([(False, "scan.pdf", "It has no text layer.")])[24:]
'<p class="gs-error">“scan.pdf” was not added: It has no text layer.</p></div>'
"""

from __future__ import annotations

from collections.abc import Sequence

from ..ingest import date_label
from ..library import Entry
from .render import escape_html

HEADERS = ("Title", "Author", "Outlet", "Date", "Format", "Words", "Passages", "Added")


def added_label(iso: str) -> str:
    """An ISO time as "2026-01-02 03:04 UTC" ("—" when unknown).

    >>> added_label("2026-01-02T03:04:05+00:00"), added_label("")
    ('2026-01-02 03:04 UTC', '—')
    """
    if len(iso) < 16:
        return iso or "—"
    return f"{iso[:10]} {iso[11:16]} UTC"


def render_documents(entries: Sequence[Entry]) -> str:
    """The library as a table, one row per document."""
    rows = []
    for e in entries:
        cells = [e.title, e.author or "—", e.publisher or "—", date_label(e.date) or "—",
                 e.format, f"{e.words:,}", str(e.passages), added_label(e.added)]
        tds = "".join(f"<td>{escape_html(c)}</td>" for c in cells)
        rows.append(f'<tr class="gs-doc" data-id="{escape_html(e.id)}">{tds}</tr>')
    head = "".join(f"<th>{h}</th>" for h in HEADERS)
    count = f"{len(entries)} document{'s' if len(entries) != 1 else ''}"
    return (f'<div class="gs-library"><p class="gs-count">{count}</p>'
            f'<table class="gs-docs" id="gs-doc-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def render_outcome(results: Sequence[tuple[bool, str, str]], verb: str = "added") -> str:
    """One line per file: (ok, name, what happened)."""
    lines = []
    for ok, name, text in results:
        if ok:
            lines.append(f'<p class="gs-ok">{escape_html(text)}</p>')
        else:
            lines.append(f'<p class="gs-error">“{escape_html(name)}” was not {verb}: '
                         f"{escape_html(text)}</p>")
    return f'<div class="gs-outcome">{"".join(lines)}</div>'
