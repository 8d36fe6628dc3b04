"""Every example question the chat offers, asked in a real browser and checked against its
accepted answers (tests/web/examples.jsonl, written from the articles), as `assistant eval`
checks a question set: the reply must contain one of them, and cite what it quotes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_browser import ChatPage, browser, server  # noqa: F401 - fixtures

from assistant.evaluation.metrics import contains_any
from assistant.web.render import EXAMPLES

pytestmark = [pytest.mark.slow, pytest.mark.browser]
ACCEPTED = {row["question"]: row["answers"] for row in map(
    json.loads, (Path(__file__).with_name("examples.jsonl")).read_text("utf-8").splitlines())}


def test_every_example_has_accepted_answers() -> None:
    assert set(EXAMPLES) == set(ACCEPTED)


def test_every_example_is_answered_correctly(browser: Any, server: Any) -> None:  # noqa: F811
    chat = ChatPage(browser, server.url)
    try:
        for question in EXAMPLES:
            reply = chat.ask(question)
            assert contains_any(reply, ACCEPTED[question]), (question, reply)
            assert "[1]" in reply, (question, reply)  # cited, not refused
        assert chat.dialogs == []
    finally:
        chat.context.close()
