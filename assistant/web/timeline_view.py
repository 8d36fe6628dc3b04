"""Timeline view: the Timeline tab's picture, event list and passage view, as inert HTML
and a matplotlib figure. Pure functions, no gradio (the tab is :mod:`.timeline_tab`).

Every text from a source (quotes, titles, dates as written) goes through
:func:`render.escape_html`; the only attribute values are escaped event ids and colours
this module picks.

>>> from assistant.ingest.events import Event
>>> e = Event("d:0#0", "2019", "2019", "year", "2019", "end", "d", "d:0", 0, 20, 15, 19, 1,
...           "Talks <b>ended</b> 2019", "T", "2020")
>>> "&lt;b&gt;" in event_item(e, 1, "#1f77b4", False)
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..ingest import Document, date_label
from ..ingest.events import Event
from ..qa.timeline import Entry
from .render import escape_html

# Matplotlib's tab10 palette: one colour per source, in the order sources are listed.
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")
EMPTY_PASSAGE = ('<div class="gs-tl-passage gs-empty"><p>Click "Open the passage" under an '
                 "event to read it in its source, with the quoted sentence highlighted.</p></div>")
CSS = """
.gs-tl-list { list-style: none; padding: 0; margin: 0; }
.gs-tl-item { border-left: 4px solid var(--gs-colour, #888); padding: .35rem .7rem;
              margin: 0 0 .6rem 0; }
.gs-tl-hit { background: rgba(253, 230, 138, .45); }
.gs-tl-date { font-weight: 600; }
.gs-tl-number { color: #4b5563; margin-right: .35rem; }
.gs-tl-quote { margin: .2rem 0; }
.gs-tl-quote strong, .gs-tl-passage strong { text-decoration: underline; }
.gs-tl-meta { font-size: .9rem; color: #4b5563; }
.gs-tl-dot { display: inline-block; width: .7rem; height: .7rem; border-radius: 50%;
             margin-right: .3rem; vertical-align: middle; }
.gs-tl-open { cursor: pointer; }
.gs-tl-passage mark { background: #fde68a; color: inherit; padding: 0 .1rem; }
.gs-tl-note { font-style: italic; }
"""


def colours(documents: Sequence[Document]) -> dict[str, str]:
    """A colour per source id, in the order the documents are listed."""
    return {d.id: PALETTE[i % len(PALETTE)] for i, d in enumerate(documents)}


def marked_quote(event: Event) -> str:
    """The quote, escaped, with the date as written in bold."""
    start, end = event.written_start - event.start, event.written_end - event.start
    quote = event.quote
    if not 0 <= start < end <= len(quote):
        return escape_html(quote)
    return (f"{escape_html(quote[:start])}<strong>{escape_html(quote[start:end])}</strong>"
            f"{escape_html(quote[end:])}")


def event_item(event: Event, marker: int, colour: str, open_link: bool = True) -> str:
    """One citation of an entry: coloured dot, quote with its [n], source and a link."""
    meta = " · ".join(escape_html(p) for p in (
        event.title, date_label(event.source_date), f"paragraph {event.paragraph}") if p)
    link = (f' · <a class="gs-tl-open" href="#gs-tl-passage" data-event="'
            f'{escape_html(event.id)}">Open the passage</a>') if open_link else ""
    return (f'<div class="gs-tl-cite"><p class="gs-tl-quote"><span class="gs-tl-dot" '
            f'style="background:{colour}"></span>{marked_quote(event)} '
            f'<span class="gs-marker">[{marker}]</span></p>'
            f'<div class="gs-tl-meta">{meta}{link}</div></div>')


def render_list(entries: Sequence[Entry], palette: Mapping[str, str],
                highlight: Sequence[str] = (), note: str = "") -> str:
    """The events in order, numbered as on the plot; entries holding an event id in
    ``highlight`` are marked (the events an answer cited)."""
    if not entries:
        return f'<div class="gs-tl">{_note(note)}<p>No dated events match the filters.</p></div>'
    items, marker = [], 0
    for number, entry in enumerate(entries, start=1):
        cites = []
        for event in entry.events:
            marker += 1
            cites.append(event_item(event, marker, palette.get(event.source_id, "#888")))
        hit = " gs-tl-hit" if any(e.id in highlight for e in entry.events) else ""
        colour = palette.get(entry.first.source_id, "#888")
        items.append(f'<li class="gs-tl-item{hit}" style="--gs-colour:{colour}">'
                     f'<div class="gs-tl-date"><span class="gs-tl-number">{number}.</span>'
                     f'{escape_html(entry.label)}</div>{"".join(cites)}</li>')
    return f'<div class="gs-tl">{_note(note)}<ol class="gs-tl-list">{"".join(items)}</ol></div>'


def _note(note: str) -> str:
    return f'<p class="gs-tl-note">{escape_html(note)}</p>' if note else ""


def render_passage(event: Event, document: Document | None) -> str:
    """The paragraph that tells ``event``, its sentence highlighted and the date in bold."""
    if document is None or document.text[event.start:event.end] != event.quote:
        body = f"<mark>{marked_quote(event)}</mark>"
    else:
        text = document.text
        para_start = text.rfind("\n\n", 0, event.start)
        para_start = 0 if para_start < 0 else para_start + 2
        para_end = text.find("\n\n", event.end)
        para_end = len(text) if para_end < 0 else para_end
        body = (f"{escape_html(text[para_start:event.start])}<mark>{marked_quote(event)}"
                f"</mark>{escape_html(text[event.end:para_end])}")
    meta = " · ".join(escape_html(p) for p in (
        document.author if document else "", document.publisher if document else "",
        date_label(event.source_date), f"paragraph {event.paragraph}") if p)
    return (f'<div class="gs-tl-passage" data-event="{escape_html(event.id)}">'
            f'<h3 class="gs-heading">{escape_html(event.title)}</h3>'
            f'<div class="gs-tl-meta">{meta}</div><blockquote class="gs-passage">{body}'
            "</blockquote></div>")


def plot(entries: Sequence[Entry], documents: Sequence[Document],
         palette: Mapping[str, str]) -> Any:
    """A horizontal timeline: one row per source, one mark per event and source in date
    order (evenly spaced, numbered as in the list), a line joining the marks of an event
    several sources tell."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    shown = [d for d in documents if any(d.id in e.sources for e in entries)]
    rows = {d.id: len(shown) - 1 - i for i, d in enumerate(shown)}
    fig = Figure(figsize=(11, 1.4 + 0.7 * max(len(shown), 1)), dpi=100)
    ax = fig.add_subplot()
    for x, entry in enumerate(entries, start=1):
        ys = [rows[s] for s in entry.sources]
        if len(ys) > 1:
            ax.plot([x, x], [min(ys), max(ys)], color="#555555", linewidth=1.5, zorder=1)
        for event in entry.events:
            ax.scatter([x], [rows[event.source_id]], s=70, zorder=2,
                       color=palette.get(event.source_id, "#888"), edgecolors="white")
        ax.annotate(str(x), (x, max(ys)), textcoords="offset points", xytext=(0, 7),
                    ha="center", fontsize=8)
    _axes(ax, entries, shown)
    fig.tight_layout()
    return fig


def _axes(ax: Any, entries: Sequence[Entry], shown: Sequence[Document]) -> None:
    ax.set_yticks(range(len(shown)))
    ax.set_yticklabels([_short(d.title) for d in reversed(shown)], fontsize=8)
    ax.set_xticks(range(1, len(entries) + 1))
    ax.set_xticklabels([_tick(e) for e in entries], rotation=60, ha="right", fontsize=7)
    ax.set_xlim(0.3, len(entries) + 0.7)
    ax.set_ylim(-0.7, max(len(shown) - 0.3, 0.7))
    ax.grid(axis="x", color="#eeeeee")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title("Events in date order (evenly spaced)", fontsize=9, loc="left")


def _short(text: str, limit: int = 38) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _tick(entry: Entry) -> str:
    return entry.label if len(entry.label) <= 22 else entry.first.date
