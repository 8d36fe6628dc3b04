"""The chat's citations, cards, answer buttons, feedback, errors, phone layout and contrast, in
the real Chromium (issue 21), on the session's ``assistant serve``.

Which question shows what (three sentences of one passage, a quote that opens with a
quotation mark) is not fixed here: the questions of the shipped sets are asked of the
server's JSON API and the first whose answer has the property is used, so these tests
follow the answerer as it changes.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from chat_page import ChatPage
from servers import Server
from support import REPO, WALK_OUT

pytestmark = [pytest.mark.slow, pytest.mark.browser]

PHONE = {"width": 390, "height": 700}
TABS = ("Chat", "Timeline", "Documents", "Sources", "Evaluate")
SETS = ("gsomia.jsonl", "heldout.jsonl")
_ASKED: dict[str, dict[str, Any]] = {}


def api_answer(server: Server, question: str) -> dict[str, Any]:
    """The server's answer to ``question`` through its JSON API (remembered)."""
    if question not in _ASKED:
        request = urllib.request.Request(
            f"{server.url}api/v1/ask", data=json.dumps({"question": question}).encode(),
            headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            _ASKED[question] = json.loads(response.read())
    return _ASKED[question]


def find_question(server: Server, wanted: Callable[[dict[str, Any]], bool]) -> tuple[str, dict]:
    """The first question of the shipped sets whose answer is ``wanted`` (bounded: ~170)."""
    for name in SETS:
        for line in (REPO / "evals" / name).read_text(encoding="utf-8").splitlines():
            question = json.loads(line)["question"]
            answer = api_answer(server, question)
            if not answer["abstained"] and wanted(answer):
                return question, answer
    pytest.fail("no question of the shipped sets gives such an answer")


def three_from_one_passage(answer: dict[str, Any]) -> bool:
    counts = Counter(c["chunk_id"] for c in answer["citations"] if c["kind"] == "sentence")
    return bool(counts) and max(counts.values()) >= 3


@pytest.fixture
def phone(browser: Any, server: Server) -> Iterator[ChatPage]:
    page = ChatPage(browser, server.url, viewport=PHONE)
    yield page
    page.close()


@pytest.fixture
def chat_page(browser: Any, server: Server) -> Iterator[ChatPage]:
    page = ChatPage(browser, server.url)
    yield page
    page.close()


def in_viewport(page: Any, selector: str) -> bool:
    return bool(page.evaluate("""(sel) => { const el = document.querySelector(sel);
        if (!el) return false; const r = el.getBoundingClientRect();
        return r.bottom > 0 && r.top < window.innerHeight; }""", selector))


def card_of(marker: int) -> str:
    return f"#gs-sources .gs-card:has(mark[id$='-{marker}'])"


def test_clicking_a_citation_brings_its_card_into_view(phone: ChatPage, server: Server) -> None:
    question, _ = find_question(server, lambda a: len(a["citations"]) >= 2)
    page = phone.page
    phone.ask(question)
    page.evaluate("window.scrollTo(0, 0)")
    assert not in_viewport(page, card_of(2)), "card 2 is in view before the click"
    page.locator("#gs-chat a.gs-cite", has_text="[2]").first.click()
    page.wait_for_function("""(sel) => { const el = document.querySelector(sel);
        const r = el.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; }""",
                           arg=card_of(2), timeout=5_000)
    focused = page.evaluate("document.activeElement.matches('.gs-card') && "
                            "document.activeElement.querySelector(\"mark[id$='-2']\") !== null")
    assert focused  # keyboard users land on the card
    assert page.locator(f"{card_of(2)}.gs-flash").count() == 1  # marked for a moment
    page.wait_for_function(f"!document.querySelector(\"{card_of(2)}.gs-flash\")",
                           timeout=5_000)


def test_hovering_or_focusing_a_citation_shows_its_quote(chat_page: ChatPage,
                                                         server: Server) -> None:
    question, answer = find_question(server, lambda a: len(a["citations"]) >= 1)
    page = chat_page.page
    chat_page.ask(question)
    first = answer["citations"][0]
    link = page.locator("#gs-chat a.gs-cite", has_text="[1]").last
    tip = link.locator(".gs-tip")
    assert not tip.is_visible()
    link.hover()
    tip.wait_for(state="visible", timeout=5_000)
    shown = " ".join(tip.inner_text().split())
    assert " ".join(first["quote"].split())[:80] in shown
    assert first["title"] in shown
    box = tip.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 1400  # inside the window
    page.mouse.move(5, 5)
    tip.wait_for(state="hidden", timeout=5_000)
    link.focus()  # the keyboard shows it too, and Escape hides it
    tip.wait_for(state="visible", timeout=5_000)
    page.keyboard.press("Escape")
    tip.wait_for(state="hidden", timeout=5_000)


def test_three_sentences_of_one_passage_share_one_card(chat_page: ChatPage,
                                                       server: Server) -> None:
    question, answer = find_question(server, three_from_one_passage)
    chat_page.ask(question)
    cards = chat_page.page.locator("#gs-sources .gs-card").evaluate_all("""cards =>
        cards.map(c => ({marks: c.querySelectorAll('mark.gs-mark').length,
                         meta: c.querySelector('.gs-meta').innerText,
                         paragraphs: c.querySelectorAll('.gs-passage p').length}))""")
    passages = Counter(c["chunk_id"] for c in answer["citations"])
    assert len(cards) == len(passages)  # one card per passage
    assert sorted(c["marks"] for c in cards) == sorted(passages.values())
    assert max(c["marks"] for c in cards) >= 3
    for card in cards:  # the locator names the paragraphs shown
        found = re.search(r"paragraphs? (\d+)(?:–(\d+))?", card["meta"])
        assert found, card
        first, last = int(found[1]), int(found[2] or found[1])
        assert card["paragraphs"] == last - first + 1, card


def test_at_phone_width_the_sources_follow_the_answer(phone: ChatPage, server: Server,
                                                      tmp_path: Path) -> None:
    page = phone.page
    phone.ask(WALK_OUT)
    # the examples fold once the page has laid itself out for the width (bounded wait)
    page.wait_for_function("() => { const b = document.querySelector('#gs-examples-box');"
                           " return b && b.getBoundingClientRect().height < 80; }",
                           timeout=15_000)
    boxes = {sel: page.locator(sel).bounding_box() for sel in (
        "#gs-question", "#gs-buttons", "#gs-chat", "#gs-sources", "#gs-examples-box",
        "#gs-settings")}
    assert all(boxes.values()), boxes
    chat, card = boxes["#gs-chat"], page.locator("#gs-sources .gs-card").first.bounding_box()
    assert card and 0 <= card["y"] - (chat["y"] + chat["height"]) < 90  # directly below
    assert boxes["#gs-sources"]["y"] >= chat["y"] + chat["height"]
    ordered = sorted(boxes.items(), key=lambda kv: kv[1]["y"])
    for (a, box_a), (b, box_b) in itertools.pairwise(ordered):  # nothing overlaps
        assert box_a["y"] + box_a["height"] <= box_b["y"] + 1, (a, b)
    assert all(box["x"] >= 0 and box["x"] + box["width"] <= 390 for box in boxes.values())
    assert boxes["#gs-examples-box"]["height"] < 80  # folded away
    assert page.locator("#gs-examples button.gallery-item").first.is_hidden()
    for tab in TABS:  # no tab hides behind a menu
        assert page.get_by_role("tab", name=tab).is_visible()
    shot = tmp_path / "phone.png"  # the question box, the answer and its first source
    page.screenshot(path=str(shot), full_page=True, clip={
        "x": 0, "y": 0, "width": 390, "height": chat["y"] + chat["height"] + 520})
    if os.environ.get("ASSISTANT_UPDATE_SCREENSHOT"):
        shutil.copyfile(shot, REPO / "docs" / "screenshot-phone.png")
    page.get_by_role("tab", name="Timeline").click()
    page.wait_for_selector("#gs-tl-plot img", timeout=30_000)
    plot = page.locator("#gs-tl-plot")
    widths = plot.evaluate("e => [e.scrollWidth, e.clientWidth, "
                           "e.querySelector('img').getBoundingClientRect().width]")
    assert widths[2] >= 700 and widths[0] > widths[1]  # a readable plot that scrolls
    first_event = page.locator("#gs-tl-list .gs-tl-item").first.bounding_box()
    assert first_event and first_event["width"] > 300  # the list is full width


def test_no_serious_contrast_or_accessibility_violation_on_any_tab(
        browser: Any, server: Server) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    for viewport in ({"width": 1400, "height": 1000}, PHONE):
        chat = ChatPage(browser, server.url, viewport=viewport)
        try:
            chat.ask("When was GSOMIA signed?")  # an answer, its cards and buttons
            for tab in TABS:
                chat.page.get_by_role("tab", name=tab).click()
                chat.page.wait_for_timeout(800)
                found = axe.run(chat.page, options={"runOnly": [
                    "wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}).response["violations"]
                bad = [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in found
                       if v["impact"] in ("serious", "critical")]
                assert bad == [], (viewport["width"], tab, bad)
        finally:
            chat.close()


def test_answer_buttons_copy_and_download_with_quotes_kept_once(chat_page: ChatPage,
                                                               server: Server) -> None:
    question, answer = find_question(server, lambda a: any(
        c["quote"][:1] in "\"“" for c in a["citations"]))
    page = chat_page.page
    assert page.locator("#gs-chat .gs-act").count() == 0  # nothing to act on before an answer
    chat_page.ask(question)
    with page.expect_download() as download:
        page.locator("#gs-chat .gs-act-md").last.click()
    name = download.value.suggested_filename
    words = "-".join(re.findall(r"[a-z0-9]+", question.lower())[:3])
    assert re.fullmatch(rf"{words}[a-z0-9-]*-\d{{4}}-\d{{2}}-\d{{2}}\.md", name), name
    md = Path(download.value.path()).read_text(encoding="utf-8")
    quoted = next(c["quote"] for c in answer["citations"] if c["quote"][:1] in "\"“")
    assert f"> {' '.join(quoted.split())}" in md
    assert '""' not in md and "“\"" not in md and "\"“" not in md
    assert "Saved " in page.locator("#gs-chat .gs-act-status").last.inner_text()
    with page.expect_download() as download:
        page.locator("#gs-chat .gs-act-json").last.click()
    assert download.value.suggested_filename == name[:-3] + ".json"
    saved = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert saved["question"] == question and saved["citations"] == answer["citations"]
    chat_page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.locator("#gs-chat .gs-act-copy").last.click()
    page.wait_for_function("document.querySelector('#gs-chat .gs-act-status')"
                           ".textContent === 'Copied'", timeout=5_000)
    assert page.evaluate("navigator.clipboard.readText()") == md


def test_feedback_says_saved_and_errors_get_no_thumbs(chat_page: ChatPage,
                                                       server: Server) -> None:
    page = chat_page.page
    chat_page.ask("When was GSOMIA signed?")
    page.locator("#gs-chat button[aria-label='Like']").last.click()
    saved = page.locator("#gs-chat .message-buttons .gs-saved")
    saved.wait_for(timeout=10_000)
    assert saved.inner_text() == "Saved"
    lines = server.feedback_log.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[-1])["verdict"] == "up"
    chat_page.ask("Why? " * 401)  # refused: an error bubble
    rows = page.locator("#gs-chat .message-row.bot-row")
    assert "limit is 2,000" in rows.last.inner_text()
    thumbs = page.locator("#gs-chat .message-row.bot-row:has(.gs-error) + .message-buttons "
                          "button[aria-label='Like']")
    assert thumbs.count() in (0, 1) and not (thumbs.count() and thumbs.first.is_visible())
    assert page.locator("#gs-chat button[aria-label='Like']").first.is_visible()  # the answer's


def test_an_error_clears_the_sources_and_the_counter_warns(chat_page: ChatPage) -> None:
    page = chat_page.page
    assert page.evaluate("document.activeElement.closest('#gs-question') !== null")  # focus
    ring = page.locator("#gs-question textarea").evaluate(
        "e => [getComputedStyle(e).outlineStyle, parseFloat(getComputedStyle(e).outlineWidth)]")
    assert ring[0] == "solid" and ring[1] >= 2  # a visible ring
    assert page.locator("#gs-count").inner_text() == "2,000 characters left"
    chat_page.ask("When was GSOMIA signed?")
    assert page.locator("#gs-sources .gs-card").count() >= 1
    box = page.locator("#gs-question textarea")
    box.fill("x" * 2003)
    page.wait_for_function("document.querySelector('#gs-count').textContent === "
                           "'3 characters over the limit'", timeout=5_000)
    before = page.locator(ChatPage.BOTS).count()
    box.press("Enter")
    assert "limit is 2,000" in chat_page.wait_for_reply(before)
    assert page.locator("#gs-sources .gs-card").count() == 0
    assert "not answered" in chat_page.panel()
    page.wait_for_function("!document.querySelector('#gs-tl-offer') || "
                           "document.querySelector('#gs-tl-offer').offsetParent === null")


def test_evaluate_runs_a_shipped_set_with_progress(chat_page: ChatPage) -> None:
    page = chat_page.page
    page.get_by_role("tab", name="Evaluate").click()
    assert page.locator("#gs-eval-json button, button#gs-eval-json").first.is_disabled()
    assert "one JSON object per line" in page.locator("#gs-eval-format").inner_text()
    page.locator("#gs-eval-set input").click()
    page.get_by_role("option", name=re.compile(r"^heldout\.jsonl: 40 questions")).click()
    page.click("#gs-eval-run")
    page.wait_for_function("document.body.innerText.includes('Asked ')", timeout=60_000)
    result = page.locator("#gs-eval-result")
    result.locator(".gs-eval-head").wait_for(timeout=180_000)
    assert "heldout.jsonl: 40 questions" in result.locator(".gs-eval-head").inner_text()
    heads = result.locator(".gs-metrics thead th").all_inner_texts()
    assert heads == ["Stage", "Metric", "Value"]
    for cells in result.locator(".gs-metrics tbody tr").evaluate_all(
            "rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()))"):
        assert len(set(cells)) == len(cells), cells  # no column repeats another
    assert page.locator("#gs-eval-json button, button#gs-eval-json").first.is_enabled()
