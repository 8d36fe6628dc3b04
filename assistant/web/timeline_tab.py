"""Timeline tab: the dated events of every source, as a plot and a cited list, with
filters by source and date range, and a passage view that a click on an event opens.

Also the chat's hook: after an answer, when the sentences it cites tell dated events, a
"Show on the timeline" button appears under the sources panel; it opens this tab with
those events highlighted and the first one's passage open. (Answers will carry an
``intent`` later; until then the offer depends only on the citations holding events.)

The event list is an ``gr.HTML`` whose one script (``OPEN_JS``, ours, no source text)
turns a click on an "Open the passage" link into a ``click`` event carrying the event id.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import gradio as gr

from ..errors import AssistantError
from ..qa import Assistant
from ..qa.timeline import Entry, Timeline, events_for_citations, parse_bound
from .render import escape_html
from .timeline_view import CSS, EMPTY_PASSAGE, colours, plot, render_list, render_passage

OPEN_JS = """
element.addEventListener('click', (e) => {
  const link = e.target.closest('[data-event]');
  if (!link || !element.contains(link)) return;
  e.preventDefault();
  trigger('click', {event_id: link.getAttribute('data-event')});
  const view = document.getElementById('gs-tl-passage');
  if (view) view.scrollIntoView({behavior: 'smooth', block: 'nearest'});
});
"""
CHAT_NOTE = "Highlighted: the events the last answer cites."


class TimelineTab:
    """The tab's handlers over one assistant (whose index may be rebuilt while serving)."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self._built: tuple[Any, Timeline] | None = None

    @property
    def timeline(self) -> Timeline:
        data = self.assistant.data
        if self._built is None or self._built[0] is not data:
            self._built = (data, Timeline(data))
        return self._built[1]

    def source_choices(self) -> list[tuple[str, str]]:
        return [(d.title, d.id) for d in self.assistant.data.documents]

    def render(self, entries: Sequence[Entry], highlight: Sequence[str] = (),
               note: str = "") -> tuple[Any, str]:
        """(plot, list HTML) for ``entries``."""
        documents = self.assistant.data.documents
        palette = colours(documents)
        return plot(entries, documents, palette), render_list(entries, palette, highlight, note)

    def show(self, sources: Sequence[str] | None, date_from: str, date_to: str) -> tuple[Any, str]:
        """The filtered timeline; a bad filter shows its message instead of the list."""
        try:
            start = parse_bound(date_from, "From") if (date_from or "").strip() else None
            end = parse_bound(date_to, "To") if (date_to or "").strip() else None
            entries = self.timeline.entries(sources or [], start, end)
        except AssistantError as exc:
            return None, f'<p class="gs-error">{escape_html(exc)}</p>'
        return self.render(entries)

    def open(self, evt: gr.EventData) -> str:
        """The passage of the event whose link was clicked."""
        wanted = getattr(evt, "_data", None) or {}
        event_id = wanted.get("event_id") if isinstance(wanted, dict) else None
        found = next((e for e in self.timeline.events if e.id == event_id), None)
        if found is None:
            return EMPTY_PASSAGE
        return render_passage(found, self.timeline.documents.get(found.source_id))

    def cited_entries(self, session: dict[str, Any] | None) -> list[Entry]:
        """The entries the session's last answer cites (none before an answer)."""
        answers = (session or {}).get("answers", {})
        if not answers or (session or {}).get("failed"):  # the last question failed
            return []
        last = answers[max(answers, key=int)]
        return events_for_citations(self.timeline, last.get("citations", []))

    def offer(self, session: dict[str, Any] | None) -> Any:
        """The chat's offer button: shown when the last answer's citations hold events."""
        count = len(self.cited_entries(session))
        label = f"Show {count} dated event{'s' if count != 1 else ''} on the timeline"
        return gr.update(visible=count > 0, value=label)

    def from_chat(self, session: dict[str, Any] | None) -> tuple[Any, ...]:
        """Open the tab on the whole timeline, the cited events highlighted."""
        cited = self.cited_entries(session)
        ids = [e.id for entry in cited for e in entry.events]
        figure, html = self.render(self.timeline.entries(), ids, CHAT_NOTE if ids else "")
        first = cited[0].first if cited else None
        passage = (render_passage(first, self.timeline.documents.get(first.source_id))
                   if first else EMPTY_PASSAGE)
        all_ids = [d.id for d in self.assistant.data.documents]
        return gr.Tabs(selected="timeline"), figure, html, passage, all_ids, "", ""


def build_timeline_tab(view: TimelineTab) -> dict[str, Any]:
    """The Timeline tab (inside a ``gr.Tabs``); returns its components."""
    c: dict[str, Any] = {}
    figure, html = view.render(view.timeline.entries())
    with gr.Tab("Timeline", id="timeline") as c["tab"]:
        with gr.Row():
            c["sources"] = gr.CheckboxGroup(view.source_choices(), label="Sources",
                                            value=[v for _, v in view.source_choices()],
                                            elem_id="gs-tl-sources", scale=3)
            c["from"] = gr.Textbox(label="From", placeholder="YYYY, YYYY-MM or YYYY-MM-DD",
                                   elem_id="gs-tl-from", scale=1)
            c["to"] = gr.Textbox(label="To", placeholder="YYYY, YYYY-MM or YYYY-MM-DD",
                                 elem_id="gs-tl-to", scale=1)
            c["apply"] = gr.Button("Apply", elem_id="gs-tl-apply", scale=0)
        c["plot"] = gr.Plot(figure, elem_id="gs-tl-plot", show_label=False)
        with gr.Row(elem_id="gs-tl-row"):
            c["list"] = gr.HTML(html, elem_id="gs-tl-list", js_on_load=OPEN_JS,
                                css_template=CSS)
            c["passage"] = gr.HTML(EMPTY_PASSAGE, elem_id="gs-tl-passage", js_on_load=None,
                                   css_template=CSS)
    _wire_tab(view, c)
    return c


def _wire_tab(view: TimelineTab, c: dict[str, Any]) -> None:
    filters = {"fn": view.show, "inputs": [c["sources"], c["from"], c["to"]],
               "outputs": [c["plot"], c["list"]], "api_visibility": "private"}
    c["apply"].click(**filters)
    c["from"].submit(**filters)
    c["to"].submit(**filters)
    c["sources"].input(**filters)
    c["list"].click(view.open, outputs=[c["passage"]], api_visibility="private", queue=False)


def offer_button() -> gr.Button:
    """The chat's "Show on the timeline" button, hidden until an answer cites events."""
    return gr.Button("Show on the timeline", visible=False, size="sm", variant="primary",
                     elem_id="gs-tl-offer")


def wire_offer(view: TimelineTab, c: dict[str, Any], offer: gr.Button, session: gr.State,
               tabs: gr.Tabs) -> None:
    """Show the offer after each answer (the session changes with it); open the tab on it."""
    session.change(view.offer, inputs=[session], outputs=[offer], api_visibility="private",
                   queue=False)
    offer.click(view.from_chat, inputs=[session],
                outputs=[tabs, c["plot"], c["list"], c["passage"], c["sources"], c["from"],
                         c["to"]], api_visibility="private")
