"""The Documents tab in a real browser (Debian's Chromium), on a real ``assistant serve`` with
a login: an editor uploads an HTML page and a PDF, waits for the progress to finish, and
asks about each; a reader sees no upload control and the API refuses a reader's upload;
an HTML file with script stays inert; a bad file is explained in words.

The server has its own copy of the sources (uploads write into it) and of the index.
"""

from __future__ import annotations

import base64
import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bad_files import HTML_ARTICLE, PDF_ARTICLE, SCRIPT_HTML, XSS_TITLE, image_only_pdf
from chat_page import ChatPage
from servers import Server, start_server
from support import REAL_SOURCES, request

from assistant.accounts.manage import add_user
from assistant.config import Settings

pytestmark = [pytest.mark.slow, pytest.mark.browser]

EDITOR, READER = ("ed", "editor password 1"), ("rita", "reader password 1")
HTML_TITLE = "Competition watchdog opens in-depth probe into Ferrow Air and Lanmark Airways merger"
PDF_TITLE = "Corals that shrugged off three heatwaves could help rebuild battered reef"


@pytest.fixture(scope="module")
def library_server(built_index: tuple[Settings, dict],
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("library-serve")
    sources = root / "sources"
    shutil.copytree(REAL_SOURCES, sources)
    accounts = root / "accounts.txt"
    add_user(accounts, *EDITOR, role="editor")
    add_user(accounts, *READER, role="reader")
    server = start_server(root, sources, built_index[0].index,
                          args=["--auth-file", str(accounts)])
    yield server
    server.stop()


def open_documents(chat: ChatPage) -> Any:
    page = chat.page
    page.get_by_role("tab", name="Documents").click()
    page.locator("#gs-doc-table").wait_for(timeout=30_000)
    return page


def add_files(chat: ChatPage, paths: list[Path], timeout_s: float = 240) -> tuple[str, bool]:
    """Drop ``paths`` on the upload area, press Add, wait (bounded) until every file has
    its outcome; (the outcome text, whether a progress bar was seen meanwhile)."""
    page = open_documents(chat)
    page.locator("#gs-upload input[type=file]").set_input_files([str(p) for p in paths])
    for path in paths:  # uploaded to the server when the preview lists it
        page.locator(f'#gs-upload td.filename[aria-label="{path.name}"]').wait_for(
            timeout=30_000)
    page.click("#gs-add")
    outcome = page.locator("#gs-docs-status .gs-ok, #gs-docs-status .gs-error")
    seen_progress, deadline = False, time.monotonic() + timeout_s
    while outcome.count() < len(paths) and time.monotonic() < deadline:
        seen_progress |= page.locator("#gs-docs-status .progress-level, "
                                      "#gs-docs-status .eta-bar").count() > 0
        page.wait_for_timeout(100)
    assert outcome.count() == len(paths), page.locator("#gs-docs-status").inner_text()
    return page.locator("#gs-docs-status").inner_text(), seen_progress


def wait_status(page: Any, text: str) -> None:
    """Until the tab's outcome line says ``text`` (bounded)."""
    page.wait_for_function("t => document.querySelector('#gs-docs-status').innerText"
                           ".includes(t)", arg=text, timeout=120_000)


def ask_in_chat(chat: ChatPage, question: str) -> tuple[str, str]:
    chat.page.get_by_role("tab", name="Chat").click()
    reply = chat.ask(question)
    return reply, chat.panel()


def no_markup_ran(chat: ChatPage) -> None:
    assert chat.dialogs == []
    counts = chat.page.evaluate("""() => ({
        img: document.querySelectorAll('img[src="x"], img[onerror]').length,
        script: document.querySelectorAll('#gs-doc-library script, #gs-docs-status script, '
                                          + '#gs-chat script, #gs-sources script').length,
        title: document.title })""")
    assert counts["img"] == 0 and counts["script"] == 0 and counts["title"] != "PWNED"


def test_editor_adds_an_html_page_and_a_pdf_and_gets_cited_answers(
        browser: Any, library_server: Server) -> None:
    chat = ChatPage(browser, library_server.url, login=EDITOR)
    try:
        outcome, progressed = add_files(chat, [HTML_ARTICLE, PDF_ARTICLE])
        assert outcome.count("Added “") == 2 and "was not added" not in outcome
        assert progressed, "no progress bar was shown while the files were indexed"
        table = chat.page.locator("#gs-doc-library").inner_text()
        assert HTML_TITLE in table and PDF_TITLE in table and "Meridian Business Post" in table
        reply, panel = ask_in_chat(chat, "How much is Ferrow paying to buy Lanmark?")
        assert "410 million" in reply and "[1]" in reply and HTML_TITLE in panel
        reply, panel = ask_in_chat(chat, "How many coral colonies did the researchers track?")
        assert "4,200" in reply and "[1]" in reply and PDF_TITLE in panel
        assert (library_server.root / "sources" / PDF_ARTICLE.name).read_bytes() == \
            PDF_ARTICLE.read_bytes()
        no_markup_ran(chat)
    finally:
        chat.close()


def test_a_reader_sees_no_upload_control_and_the_api_refuses_a_readers_upload(
        browser: Any, library_server: Server) -> None:
    chat = ChatPage(browser, library_server.url, login=READER)
    try:
        page = open_documents(chat)
        note = page.locator("#gs-docs-note")
        note.wait_for(timeout=30_000)
        assert "reader" in note.inner_text()
        assert not page.locator("#gs-upload").is_visible()
        assert not page.locator("#gs-add").is_visible()
        assert "GSOMIA" in page.locator("#gs-doc-library").inner_text()  # reading is fine
    finally:
        chat.close()
    boundary = "gsboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"note.txt\"\r\nContent-Type: text/plain\r\n\r\nA note about ports.\r\n"
            f"--{boundary}--\r\n").encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    for who, status in ((READER, 403), (None, 401)):
        auth = {"Authorization": "Basic " + base64.b64encode(
            ":".join(who).encode()).decode()} if who else {}
        code, reply, _ = request(library_server.url + "api/v1/documents", data=body,
                                 method="POST", headers={**headers, **auth})
        assert code == status and set(json.loads(reply)) >= {"error", "fix"}, reply
    assert not (library_server.root / "sources" / "note.txt").exists()


def test_script_in_an_html_file_stays_inert_and_a_bad_file_is_explained(
        browser: Any, library_server: Server, tmp_path: Path) -> None:
    page_file = tmp_path / "harbour-pilots.html"
    page_file.write_text(SCRIPT_HTML, encoding="utf-8")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(image_only_pdf())
    chat = ChatPage(browser, library_server.url, login=EDITOR)
    try:
        outcome, _ = add_files(chat, [page_file, scan])
        assert "Added “" + XSS_TITLE in outcome
        assert "“scan.pdf” was not added" in outcome and "no text layer" in outcome
        assert "OCR" in outcome and ".staging" not in outcome
        assert XSS_TITLE in chat.page.locator("#gs-doc-library").inner_text()  # as text
        no_markup_ran(chat)
        reply, panel = ask_in_chat(chat, "Why did the harbour pilots in Velmora stop work?")
        assert "[1]" in reply and XSS_TITLE in panel
        no_markup_ran(chat)
    finally:
        chat.close()


def test_editor_changes_metadata_replaces_and_removes_a_document(
        browser: Any, library_server: Server, tmp_path: Path) -> None:
    note = tmp_path / "ferry-timetable.txt"
    note.write_text("Ferry timetable\n\nThe island ferry will sail twice a day from May, the "
                    "harbour master Ilse Varga said on Friday.\n", encoding="utf-8")
    chat = ChatPage(browser, library_server.url, login=EDITOR)
    try:
        outcome, _ = add_files(chat, [note])
        assert "Added “Ferry timetable”" in outcome
        page = chat.page
        page.locator("#gs-docs-change").click()  # open the accordion
        picker = page.locator("#gs-doc-pick input")
        picker.click()
        page.get_by_role("option", name="Ferry timetable (ferry-timetable)").click()
        title = page.get_by_label("Title", exact=True)
        page.wait_for_function("() => [...document.querySelectorAll('#gs-docs-change input')]"
                               ".some(i => i.value === 'Ferry timetable')", timeout=30_000)
        title.fill("Island ferry timetable")
        page.click("#gs-save")
        wait_status(page, "Saved the metadata of “Island ferry timetable”")
        assert "Island ferry timetable" in page.locator("#gs-doc-library").inner_text()
        revised = tmp_path / "timetable-v2.md"
        revised.write_text("# Ferry timetable\n\nThe island ferry will sail three times a day "
                           "from June, the harbour master Ilse Varga said.\n", encoding="utf-8")
        picker.click()
        page.get_by_role("option", name="Island ferry timetable (ferry-timetable)").click()
        page.locator("#gs-replace-file input[type=file]").set_input_files(str(revised))
        page.locator(f'#gs-replace-file td.filename[aria-label="{revised.name}"]').wait_for(
            timeout=30_000)
        page.click("#gs-replace")
        wait_status(page, "Replaced the file of “Island ferry timetable” (md)")
        assert (library_server.root / "sources" / "ferry-timetable.md").exists()
        assert not (library_server.root / "sources" / note.name).exists()
        picker.click()
        page.get_by_role("option", name="Island ferry timetable (ferry-timetable)").click()
        page.click("#gs-remove")  # not ticked yet: nothing happens but a message
        wait_status(page, "Tick “Yes, remove it”")
        picker.click()
        page.get_by_role("option", name="Island ferry timetable (ferry-timetable)").click()
        page.locator("#gs-sure input").check()
        page.click("#gs-remove")
        wait_status(page, "Removed “Island ferry timetable”")
        assert "Island ferry timetable" not in page.locator("#gs-doc-library").inner_text()
        assert not list((library_server.root / "sources").glob("ferry-timetable.*"))
        no_markup_ran(chat)
    finally:
        chat.close()
