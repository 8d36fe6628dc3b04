"""The Timeline tab in a real Chromium: the plot and the list render, a click opens the
passage, the filters work, an answer's offer opens the tab on its events, and a hostile
source's text stays inert. Saves a screenshot (``ASSISTANT_UPDATE_SCREENSHOT=1`` also
refreshes docs/timeline.png)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from test_app_server import BANANA, REPO, Server

# The session fixtures of the chat's browser tests: a real `assistant serve` over the
# sources, one over a hostile source, and Chromium. Test parameters named after them
# redefine the imported names (F811), as pytest intends.
from test_browser import ChatPage, browser, hostile_server, server  # noqa: F401

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ITEMS = "#gs-tl-list .gs-tl-item"


def open_timeline(page: Any) -> None:
    page.get_by_role("tab", name="Timeline").click()
    page.wait_for_selector("#gs-tl-plot img", timeout=30_000)  # the matplotlib picture
    page.wait_for_selector(ITEMS, timeout=30_000)


def test_timeline_tab_plot_list_passage_and_filters(
        browser: Any, server: Server, tmp_path: Path) -> None:  # noqa: F811
    chat = ChatPage(browser, server.url)
    page = chat.page
    try:
        open_timeline(page)
        assert page.locator(ITEMS).count() == 15
        box = page.locator("#gs-tl-plot img").bounding_box()
        assert box and box["width"] > 400 and box["height"] > 100
        item = page.locator(ITEMS).nth(2)  # November 2016, told by both articles
        assert "November 2016" in item.inner_text() and item.locator(".gs-tl-open").count() == 2
        item.locator(".gs-tl-open").nth(1).click()
        page.wait_for_selector("#gs-tl-passage mark", timeout=10_000)
        assert "Signed in 2016" in page.locator("#gs-tl-passage mark").inner_text()
        assert "Korea-Japan GSOMIA Survives" in page.locator("#gs-tl-passage h3").inner_text()
        shot = tmp_path / "timeline.png"
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(shot))  # the first screen: filters, plot, list and passage
        assert shot.stat().st_size > 10_000
        if os.environ.get("ASSISTANT_UPDATE_SCREENSHOT"):
            shutil.copyfile(shot, REPO / "docs" / "timeline.png")
        page.locator("#gs-tl-sources label", has_text="Why Did South Korea").click()
        page.wait_for_function(f"document.querySelectorAll('{ITEMS}').length == 10")
        page.locator("#gs-tl-from input, #gs-tl-from textarea").fill("2020-08-02")
        page.locator("#gs-tl-apply").click()
        page.wait_for_function(f"document.querySelectorAll('{ITEMS}').length == 6")
        page.locator("#gs-tl-to input, #gs-tl-to textarea").fill("August 2020")
        page.locator("#gs-tl-apply").click()
        page.wait_for_selector("#gs-tl-list .gs-error", timeout=10_000)
        assert "is not a date" in page.locator("#gs-tl-list").inner_text()
        assert chat.dialogs == []
    finally:
        chat.close()


def test_an_answer_offers_its_events_on_the_timeline(
        browser: Any, server: Server) -> None:  # noqa: F811
    chat = ChatPage(browser, server.url)
    page = chat.page
    try:
        chat.ask("When was GSOMIA signed?")
        offer = page.locator("#gs-tl-offer")
        offer.wait_for(state="visible", timeout=10_000)
        assert "on the timeline" in offer.inner_text()
        offer.click()
        page.wait_for_selector("#gs-tl-list .gs-tl-hit", timeout=10_000)
        assert page.get_by_role("tab", name="Timeline").get_attribute("aria-selected") == "true"
        hits = page.locator("#gs-tl-list .gs-tl-hit").all_inner_texts()
        assert any("2016" in h for h in hits)
        assert page.locator("#gs-tl-passage mark").count() == 1
        chat.page.get_by_role("tab", name="Chat").click()
        assert "do not answer" in chat.ask(BANANA)  # an abstention cites nothing
        page.wait_for_function("!document.querySelector('#gs-tl-offer') || "
                               "document.querySelector('#gs-tl-offer').offsetParent === null")
    finally:
        chat.close()


def test_hostile_source_text_is_inert_on_the_timeline(
        browser: Any, hostile_server: Server) -> None:  # noqa: F811
    chat = ChatPage(browser, hostile_server.url)
    page = chat.page
    try:
        open_timeline(page)
        text = page.locator("#gs-tl-list").inner_text()
        assert "<img src=x onerror=alert(11)>" in text and "Pineapple <script>" in text
        page.locator("#gs-tl-list .gs-tl-open").first.click()
        page.wait_for_selector("#gs-tl-passage mark", timeout=10_000)
        counts = page.evaluate("""() => ({
            script: document.querySelectorAll('#gs-tl-list script, #gs-tl-passage script').length,
            img: document.querySelectorAll('#gs-tl-list img, #gs-tl-passage img').length,
            iframe: document.querySelectorAll('iframe').length,
            js_links: document.querySelectorAll('a[href^="javascript" i]').length })""")
        assert counts == {"script": 0, "img": 0, "iframe": 0, "js_links": 0}
        assert chat.dialogs == [] and page.evaluate("window.__xss") is None
    finally:
        chat.close()
