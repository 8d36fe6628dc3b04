"""Web test fixtures: one real ``assistant serve`` shared by the server and browser tests."""

from __future__ import annotations

from collections.abc import Iterator

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
