"""Web test fixtures: one real ``assistant serve`` shared by the server and browser tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from servers import Server, start_server
from support import REAL_SOURCES

from assistant.config import Settings


@pytest.fixture(scope="session")
def server(built_index: tuple[Settings, dict],
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`assistant serve` over a copy of the index built from sources/ for this session."""
    settings, _ = built_index
    running = start_server(tmp_path_factory.mktemp("serve"), REAL_SOURCES, settings.index)
    yield running
    running.stop()


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium on PATH, driven by playwright (skipped, with the reason, without
    it, unless ASSISTANT_REQUIRE_BROWSER=1 makes that a failure).

    One per test module: playwright's sync API keeps an asyncio loop running on the main
    thread while it is open, so a later module's ``asyncio.run`` (the MCP client tests)
    would fail if the browser outlived the browser modules."""
    chromium_path = shutil.which("chromium")
    if chromium_path is None:
        reason = "chromium is not on PATH (install Debian's chromium: `make browser`)"
        if os.environ.get("ASSISTANT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"ASSISTANT_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
