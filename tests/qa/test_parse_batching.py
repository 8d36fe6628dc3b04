"""Questions analysed at once are parsed in one spaCy call: the same parses, the same answers.

``Settings.parse_batch`` (default 16) makes the ``Assistant`` parse concurrent questions
together through a one-lane ``QueryBatcher``; 1 parses each on its caller's thread.
"""

from __future__ import annotations

import dataclasses
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from assistant import Assistant, Settings
from assistant.qa.assistant import question_parser
from assistant.store import QueryBatcher
from assistant.text import nlp

pytestmark = pytest.mark.slow  # loads spaCy (and, below, the real model and index)

QUESTIONS = ["When was GSOMIA signed?", "Why did South Korea walk out of GSOMIA?",
             "What is TISA?", "Who is Shinzo Abe?", "What did Botto say about the pact?",
             "How many countries has Seoul signed such pacts with?",
             "Did Seoul keep the agreement in 2020?", "What happened after the notice?",
             "Where did the two defence ministers meet?", "Qu'est-ce que le GSOMIA ?",
             "What is the best recipe for banana bread?", "Botto?",
             "How did Seoul's position change from 2019 to 2020?",
             "What does the 2020 article argue?", "Who wrote the 2019 article?",
             "What would happen if Japan retaliated?"]


def test_one_question_at_a_time_is_spacys_own_parse() -> None:
    assert question_parser(Settings(parse_batch=1)) is nlp.parse


def test_a_batch_parses_each_question_as_it_parses_alone() -> None:
    parse = question_parser(Settings(parse_batch=8))
    batcher = parse.__self__  # type: ignore[attr-defined]
    assert isinstance(batcher, QueryBatcher) and batcher.lanes == 1
    alone = [nlp.parse(q) for q in QUESTIONS]
    assert nlp.parse_many(QUESTIONS, batch_size=16) == alone
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(parse, QUESTIONS)) == alone
    assert batcher.texts == len(QUESTIONS) and batcher.largest <= 8


def _answers(bot: Assistant, threads: int) -> list[dict[str, Any]]:
    start = threading.Barrier(threads)

    def ask(question: str) -> dict[str, Any]:
        if threads > 1:
            start.wait(timeout=60)  # bounded: all threads begin together, into one batch
        answer = bot.ask(question).to_json()
        answer.pop("timings_ms", None)
        return answer

    batches = [QUESTIONS[i:i + threads] for i in range(0, len(QUESTIONS), threads)]
    out: list[dict[str, Any]] = []
    with ThreadPoolExecutor(threads) as pool:
        for batch in batches:
            out += list(pool.map(ask, batch))
    return out


def test_concurrent_questions_get_the_answers_they_get_alone(
        built_index: tuple[Settings, dict]) -> None:
    settings = dataclasses.replace(built_index[0], parse_batch=8)
    bot = Assistant.load(settings)
    alone = _answers(bot, 1)
    together = _answers(bot, 8)
    assert together == alone
    batcher = bot._parse.__self__  # type: ignore[attr-defined]
    assert batcher.texts >= 2 * len(QUESTIONS)
