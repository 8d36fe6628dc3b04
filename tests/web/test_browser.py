"""The web chat in a real browser: Debian's Chromium driven by playwright.

Uses the session's ``assistant serve`` (tests/web/conftest.py) plus one over a source
full of markup. Chromium is found on PATH (``shutil.which("chromium")``, as the Makefile's
``command -v``); without it every test here is skipped with the reason, unless
``ASSISTANT_REQUIRE_BROWSER=1`` (set by .ci/run) makes that a failure. Each page records
every JavaScript dialog and every request to a host other than loopback; neither may occur.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chat_page import ChatPage
from servers import Server, start_server
from support import BANANA, REPO, WALK_OUT, conversation

from assistant.evaluation.metrics import METRICS, contains_any

pytestmark = [pytest.mark.slow, pytest.mark.browser]

IPCS_TITLE = "Why Did South Korea Walk Out Of The GSOMIA? – Analysis"
XSS = (
    "<img src=x onerror=alert(1)>",
    "<script>alert(2)</script>",
    "<iframe srcdoc=\"<script>alert(3)</script>\"></iframe>",
    "[x](javascript:alert(4))",
    "<img src=x onerror=\"window.__xss=1\"> ![y](javascript:window.__xss=2)",
)
HOSTILE_TEXT = """\
The Zanzibar pineapple accord <img src=x onerror=alert(11)> was signed in 1999 by two
fruit cooperatives. [click](javascript:alert(12)) <script>alert(13)</script>

The Zanzibar pineapple accord set a price floor for pineapples
<iframe srcdoc="<script>alert(14)</script>"></iframe> exported by sea.
"""
HOSTILE_TOML = """\
["hostile.txt"]
title = "Pineapple <script>alert(15)</script> <img src=x onerror=alert(16)>"
author = "[me](javascript:alert(17))"
publisher = "<b onmouseover=alert(18)>Press</b>"
date = "1999-05"
url = "javascript:alert(19)"
"""


@pytest.fixture(scope="session")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server over one source whose text and metadata are full of markup."""
    root = tmp_path_factory.mktemp("hostile")
    sources = root / "sources"
    sources.mkdir()
    (sources / "hostile.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    (sources / "sources.toml").write_text(HOSTILE_TOML, encoding="utf-8")
    running = start_server(root, sources, None)  # it builds its own index
    yield running
    running.stop()


@pytest.fixture
def chat_page(browser: Any, server: Server) -> Iterator[ChatPage]:
    page = ChatPage(browser, server.url)
    yield page
    page.close()


def feedback_lines(log: Path) -> list[dict[str, Any]]:
    """The complete entries of the feedback log (none if it does not exist yet)."""
    text = log.read_text(encoding="utf-8") if log.exists() else ""
    return [json.loads(line) for line in text.splitlines(keepends=True) if line.endswith("\n")]


def wait_for_feedback(log: Path, had: int, timeout_s: float = 60.0) -> list[dict[str, Any]]:
    """The log's entries, once it has more complete lines than ``had`` (bounded wait)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        entries = feedback_lines(log)
        if len(entries) > had:
            return entries
        time.sleep(0.2)
    pytest.fail(f"no new feedback was written to {log} within {timeout_s} s")


def _assert_nothing_injected(chat: ChatPage) -> None:
    assert chat.dialogs == []
    assert chat.page.evaluate("window.__xss") is None
    counts = chat.page.evaluate("""() => ({
        img: document.querySelectorAll('img[src="x"], img[onerror]').length,
        script: document.querySelectorAll('#gs-chat script, #gs-sources script, '
                                          + '#gs-eval-result script').length,
        iframe: document.querySelectorAll('iframe').length,
        js_links: document.querySelectorAll('a[href^="javascript" i]').length,
        handlers: document.querySelectorAll('#gs-chat [onmouseover], #gs-sources [onmouseover], '
                  + '#gs-eval-result [onmouseover], #gs-eval-result [onerror]').length })""")
    assert counts == {"img": 0, "script": 0, "iframe": 0, "js_links": 0, "handlers": 0}


def test_conversation_answer_follow_up_and_abstention(chat_page: ChatPage, server: Server,
                                                     tmp_path: Path) -> None:
    reply = chat_page.ask(WALK_OUT)
    assert "[1]" in reply and "retrieval" in reply and " ms" in reply
    assert IPCS_TITLE in chat_page.panel()
    marks = chat_page.page.locator("#gs-sources mark").evaluate_all(  # less their "[n]"
        "marks => marks.map(m => m.textContent.replace(/^\\[\\d+\\]\\s*/, ''))")
    assert marks and all(m.strip() and m.strip() in reply for m in marks)
    chat_page.page.wait_for_function(  # the counter follows the box the server emptied
        "document.querySelector('#gs-count').textContent === '2,000 characters left'",
        timeout=5_000)
    shot = tmp_path / "answer.png"
    chat_page.page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    if os.environ.get("ASSISTANT_UPDATE_SCREENSHOT"):  # refresh the README's picture on demand
        shutil.copyfile(shot, REPO / "docs" / "screenshot.png")
    tisa = conversation("c09").turns  # What is TISA? Which other country is in it...?
    chat_page.ask(tisa[0].question)
    follow_up = chat_page.ask(tisa[1].question)  # "it" = TISA
    assert "[1]" in follow_up and contains_any(follow_up, tisa[1].answers), follow_up
    abstained = chat_page.ask(BANANA)
    assert "do not answer" in abstained and "[1]" not in abstained
    assert chat_page.page.locator("#gs-sources .gs-card").count() == 0
    assert "not an answer" in chat_page.panel()
    _assert_nothing_injected(chat_page)


def test_xss_payloads_in_questions_run_nothing(chat_page: ChatPage) -> None:
    for payload in XSS:
        chat_page.ask(payload)
    users = chat_page.page.locator("#gs-chat [data-testid='user']").all_inner_texts()
    assert [u.strip() for u in users] == [" ".join(p.split()) for p in XSS]
    _assert_nothing_injected(chat_page)


def test_markup_in_a_source_shows_as_text(browser: Any, hostile_server: Server) -> None:
    chat = ChatPage(browser, hostile_server.url)
    try:
        reply = chat.ask("When was the Zanzibar pineapple accord signed?")
        assert "[1]" in reply and "<img src=x onerror=alert(11)>" in reply
        panel = chat.panel()
        assert "Pineapple <script>alert(15)</script>" in panel
        assert "[me](javascript:alert(17))" in panel and "Open the original" not in panel
        _assert_nothing_injected(chat)
    finally:
        chat.close()


def test_long_question_is_refused_with_a_message(chat_page: ChatPage) -> None:
    reply = chat_page.ask("Why? " * 401)
    assert "limit is 2,000" in reply and "Traceback" not in reply


def test_thumbs_down_is_logged(chat_page: ChatPage, server: Server) -> None:
    chat_page.ask("When was GSOMIA signed?")
    had = len(feedback_lines(server.feedback_log))
    chat_page.page.locator("#gs-chat button[aria-label='Dislike']").last.click()
    entries = wait_for_feedback(server.feedback_log, had)
    assert entries[-1]["verdict"] == "down"
    assert entries[-1]["question"] == "When was GSOMIA signed?"
    with chat_page.page.expect_download() as download:  # the answer's own buttons
        chat_page.page.locator("#gs-chat .gs-act-json").last.click()
    saved = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert saved["question"] == "When was GSOMIA signed?" and saved["citations"]


def test_examples_sources_tab_and_clear(chat_page: ChatPage) -> None:
    page = chat_page.page
    before = page.locator(ChatPage.BOTS).count()
    example = shown_examples(page)[0]
    page.locator("#gs-examples button.gallery-item").first.click()  # clicking asks it
    assert "[1]" in chat_page.wait_for_reply(before)
    assert page.locator("#gs-chat [data-testid='user']").last.inner_text().strip() == example
    page.get_by_role("tab", name="Sources").click()
    library = page.locator("#gs-library")
    library.locator(".gs-docs").wait_for(timeout=15_000)
    text = library.inner_text()
    assert IPCS_TITLE in text and "Korea-Japan GSOMIA Survives" in text and "fresh" in text
    page.get_by_role("tab", name="Chat").click()
    page.click("#gs-clear")
    page.wait_for_function("() => !document.querySelector(\"#gs-chat [data-testid='bot']\")",
                           timeout=10_000)
    assert "Ask a question" in chat_page.panel()


def shown_examples(page: Any) -> list[str]:
    """The example questions the chat shows (drawn from the library, not fixed)."""
    items = page.locator("#gs-examples button.gallery-item")
    items.first.wait_for(timeout=30_000)
    return [t.strip() for t in items.all_inner_texts()]


def test_examples_come_from_the_library_and_each_is_answered(chat_page: ChatPage,
                                                             server: Server) -> None:
    """Each example the chat offers names something of one of the library's documents and,
    asked in the browser, is answered (cited, not refused). Nothing about GSOMIA is fixed:
    the examples are drawn from whatever documents the library holds."""
    examples = shown_examples(chat_page.page)
    assert 1 <= len(examples) <= 6
    for question in examples:
        assert len(question) <= 60 and not question.endswith("...")  # shown whole
        reply = chat_page.ask(question)
        assert "[1]" in reply and "not an answer" not in reply, (question, reply)
    assert chat_page.dialogs == []


# --- the Evaluate tab ---------------------------------------------------------------------

EVAL_XSS = "<img src=x onerror=alert(21)> <script>alert(22)</script> [x](javascript:alert(23))"


def _evaluate(chat: ChatPage, path: Path) -> Any:
    """Upload ``path`` in the Evaluate tab, run it, wait for the result; its locator.

    The upload is acknowledged when the file preview shows the file (its name cell is
    labelled with it). The name is not matched by text: the preview splits it into two
    spans, "questions" and ".jsonl", and only Gradio's short-lived "Uploading 1 file..."
    notice shows it whole, so a text match raced the upload (see the commit message).
    """
    page = chat.page
    page.get_by_role("tab", name="Evaluate").click()
    picker = page.locator("#gs-eval-file input[type=file]")
    picker.wait_for(state="attached", timeout=30_000)
    picker.set_input_files(str(path))
    page.locator(f'#gs-eval-file td.filename[aria-label="{path.name}"]').wait_for(
        timeout=30_000)
    page.click("#gs-eval-run")
    result = page.locator("#gs-eval-result")
    result.locator(".gs-eval-head, .gs-eval-error").first.wait_for(timeout=120_000)
    return result


def test_evaluate_tab_scores_an_uploaded_set_and_shows_hostile_text_inert(
        chat_page: ChatPage, tmp_path: Path) -> None:
    lines = (REPO / "evals" / "gsomia.jsonl").read_text(encoding="utf-8").splitlines()[:3]
    xss = {"id": "xss", "question": f"Who signed {EVAL_XSS}?", "answers": [EVAL_XSS],
           "evidence": [EVAL_XSS], "answerable": True}
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join([*lines, json.dumps(xss)]) + "\n", encoding="utf-8")
    result = _evaluate(chat_page, path)
    head = result.locator(".gs-eval-head").inner_text()
    assert "questions.jsonl: 4 questions (4 answerable, 0 unanswerable)" in head
    shown = result.locator(".gs-metrics tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.metric)")
    assert sorted(shown) == sorted(METRICS)  # one row per metric, each once
    assert result.locator("tr[data-metric='hit@5'] .gs-num").inner_text() != "n/a"
    assert result.locator("tr[data-metric='refusal_rate'] .gs-num").inner_text() == "n/a"
    failing = result.locator("details.gs-fail summary").all_inner_texts()
    assert any(f"Who signed {EVAL_XSS}?" in text for text in failing)  # shown as text
    _assert_nothing_injected(chat_page)
    with chat_page.page.expect_download() as download:
        chat_page.page.locator("#gs-eval-json").click()
    report = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert report["settings"]["file"] == "questions.jsonl"
    assert [q["id"] for q in report["questions"]][-1] == "xss"
    assert set(report["summary"]) >= {"hit@1", "answer_accuracy", "latency_ms_p95"}


def test_evaluate_tab_shows_the_bad_line_and_runs_nothing(chat_page: ChatPage,
                                                          tmp_path: Path) -> None:
    first = (REPO / "evals" / "gsomia.jsonl").read_text(encoding="utf-8").splitlines()[0]
    path = tmp_path / "broken.jsonl"
    path.write_text(first + '\n{"id": "b", "question": "<b>Q</b>?", "answers": "x"}\n',
                    encoding="utf-8")
    result = _evaluate(chat_page, path)
    text = result.locator(".gs-eval-error").inner_text()
    assert "broken.jsonl, line 2: field 'evidence' is missing." in text
    assert "Nothing was run." in text and str(tmp_path) not in text
    assert result.locator(".gs-metrics").count() == 0
    _assert_nothing_injected(chat_page)


# --- the Timeline tab -------------------------------------------------------------------

ITEMS = "#gs-tl-list .gs-tl-item"


def open_timeline(page: Any) -> None:
    page.get_by_role("tab", name="Timeline").click()
    page.wait_for_selector("#gs-tl-plot img", timeout=30_000)  # the matplotlib picture
    page.wait_for_selector(ITEMS, timeout=30_000)


def test_timeline_tab_plot_list_passage_and_filters(browser: Any, server: Server,
                                                    tmp_path: Path) -> None:
    """The Timeline tab: plot and list render, a click opens the passage, filters work;
    saves a screenshot (ASSISTANT_UPDATE_SCREENSHOT=1 also refreshes docs/timeline.png)."""
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


def test_an_answer_offers_its_events_on_the_timeline(browser: Any, server: Server) -> None:
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


def test_hostile_source_text_is_inert_on_the_timeline(browser: Any,
                                                      hostile_server: Server) -> None:
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
