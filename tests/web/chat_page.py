"""The chat page in a real browser, for the browser tests: every JavaScript dialog and every
request to a host other than loopback is recorded (neither may occur)."""

from __future__ import annotations

import urllib.parse
from typing import Any


class ChatPage:
    """The chat page of one browser context, with every dialog recorded (and dismissed)."""

    BOTS = "#gs-chat [data-testid='bot']"

    def __init__(self, browser: Any, url: str, login: tuple[str, str] | None = None,
                 viewport: dict[str, int] | None = None) -> None:
        self.context = browser.new_context(viewport=viewport or {"width": 1400, "height": 1000},
                                           accept_downloads=True)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.outside: list[str] = []  # requests to hosts other than loopback
        self.page.on("dialog", self._on_dialog)
        self.context.on("request", self._on_request)
        self.page.goto(url)
        if login:  # Gradio's login form: a name, a password, the Login button
            self.page.locator("input[data-testid='textbox']").fill(login[0])
            self.page.locator("input[data-testid='password']").fill(login[1])
            self.page.locator("button.primary").click()
        self.page.wait_for_selector("#gs-question textarea", timeout=30_000)

    def _on_dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _on_request(self, request: Any) -> None:
        url = urllib.parse.urlsplit(request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.hostname not in (
                "127.0.0.1", "localhost", "::1"):
            self.outside.append(request.url)

    def ask(self, question: str) -> str:
        """Type a question, press Enter, wait for the new reply; its text."""
        before = self.page.locator(self.BOTS).count()
        box = self.page.locator("#gs-question textarea")
        box.fill(question)
        box.press("Enter")
        return self.wait_for_reply(before)

    def wait_for_reply(self, before: int) -> str:
        self.page.wait_for_function(
            """([sel, n]) => { const b = document.querySelectorAll(sel); return b.length > n
                 && b[b.length - 1].querySelector('.gs-timings, .gs-error'); }""",
            arg=[self.BOTS, before], timeout=30_000)
        return str(self.page.locator(self.BOTS).last.inner_text())

    def panel(self) -> str:
        return str(self.page.locator("#gs-sources").inner_text())

    def close(self) -> None:
        self.context.close()
        assert self.outside == [], f"the page reached beyond loopback: {self.outside[:5]}"
