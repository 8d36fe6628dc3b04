"""The Timeline tab's handlers and rendering, over a real index of a hostile source (built
with the fake embedder): everything from the source is escaped, the plot has one mark per
event and source, a click opens the passage, and the chat's offer follows the citations."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import gradio as gr
import pytest
from support import FakeEmbedder, write_corpus

from assistant.config import Settings
from assistant.store import build_index, load_index
from assistant.web.timeline_tab import TimelineTab
from assistant.web.timeline_view import EMPTY_PASSAGE, colours, plot, render_list

HOSTILE = """\
The <b>pineapple</b> accord <img src=x onerror=alert(1)> was signed in 1999 by two cooperatives.

The cooperatives met again on 3 May 2001 <script>alert(2)</script> to renew it.
"""
TOML = """\
["hostile.txt"]
title = "Pine <script>alert(3)</script>"
date = "2001-06"

["plain.txt"]
title = "Plain"
date = "2002"
"""
PLAIN = "The accord lapsed in March 2002 after a dispute.\n"


@pytest.fixture(scope="module")
def tab(tmp_path_factory: pytest.TempPathFactory) -> TimelineTab:
    root = tmp_path_factory.mktemp("timeline")
    sources = write_corpus(root / "sources", {"hostile.txt": HOSTILE, "plain.txt": PLAIN,
                                              "sources.toml": TOML})
    settings = Settings(sources=sources, index=root / "index")
    build_index(settings, FakeEmbedder())
    return TimelineTab(SimpleNamespace(data=load_index(settings.index)))  # type: ignore[arg-type]


def test_list_escapes_everything_from_the_source(tab: TimelineTab) -> None:
    _, html = tab.show(None, "", "")
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html and "&lt;b&gt;pineapple" in html
    assert "Pine &lt;script&gt;" in html
    assert html.count('class="gs-tl-item') == 3
    assert html.index("1999") < html.index("3 May 2001") < html.index("March 2002")


def test_plot_has_one_mark_per_event_and_source(tab: TimelineTab) -> None:
    entries = tab.timeline.entries()
    documents = tab.assistant.data.documents
    figure = plot(entries, documents, colours(documents))
    axes = figure.axes[0]
    marks = sum(len(c.get_offsets()) for c in axes.collections)
    assert marks == sum(len(e.events) for e in entries) == 3
    labels = [t.get_text() for t in axes.get_yticklabels()]
    assert labels == ["Plain", "Pine <script>alert(3)</script>"]  # drawn as text, not HTML
    assert len({tuple(c.get_facecolor()[0]) for c in axes.collections}) == 2  # by source


def test_filters_and_their_errors(tab: TimelineTab) -> None:
    figure, html = tab.show(["plain"], "", "")
    assert figure is not None and html.count('class="gs-tl-item') == 1
    _, html = tab.show(None, "2000", "2001-12")
    assert "3 May 2001" in html and "1999" not in html
    figure, html = tab.show(None, "May 2001", "")
    assert figure is None and "is not a date" in html and "gs-error" in html
    figure, html = tab.show(["nope"], "", "")
    assert figure is None and "Unknown source id" in html
    assert "No dated events match" in tab.show(None, "1800", "1801")[1]


def event_data(event_id: Any) -> gr.EventData:
    return gr.EventData(None, {"event_id": event_id})


def test_a_click_opens_the_passage(tab: TimelineTab) -> None:
    event = next(e for e in tab.timeline.events if e.as_written == "3 May 2001")
    html = tab.open(event_data(event.id))
    assert "<mark>The cooperatives met again on <strong>3 May 2001</strong>" in html
    assert "&lt;script&gt;alert(2)" in html and "<script>" not in html
    assert "paragraph 2" in html and "June 2001" in html
    assert tab.open(event_data("no such event")) == EMPTY_PASSAGE
    assert tab.open(event_data(None)) == EMPTY_PASSAGE


def session_citing(quote: str, source: str) -> dict[str, Any]:
    return {"questions": ["q"], "answers": {"1": {"citations": [
        {"marker": 1, "source_id": source, "quote": quote}]}}}


def test_the_chat_offer_follows_the_cited_events(tab: TimelineTab) -> None:
    event = next(e for e in tab.timeline.events if e.source_id == "plain")
    offer = tab.offer(session_citing(event.quote, "plain"))
    assert offer["visible"] is True and offer["value"] == "Show 1 dated event on the timeline"
    assert tab.offer(session_citing("Not dated.", "plain"))["visible"] is False
    assert tab.offer({"questions": [], "answers": {}})["visible"] is False
    tabs, figure, html, passage, sources, start, end = tab.from_chat(
        session_citing(event.quote, "plain"))
    assert tabs.selected == "timeline" and figure is not None
    assert html.count("gs-tl-hit") == 1 and "Highlighted" in html
    assert "March 2002" in passage and sources == ["hostile", "plain"] and start == end == ""


def test_render_list_marks_only_the_given_events(tab: TimelineTab) -> None:
    entries = tab.timeline.entries()
    html = render_list(entries, {}, [entries[0].first.id])
    assert html.count("gs-tl-hit") == 1
