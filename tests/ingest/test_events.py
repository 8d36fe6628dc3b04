"""Events at index time, on the fixture article (tests/fixtures/third_article, dated
2021-07-15): exact quotes and offsets, relative dates resolved against the article's
date, and the hand-made list of its events found (real spaCy, no embedding model)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from assistant.ingest import Document, chunk_documents, load_documents
from assistant.ingest.events import Event, extract_events
from assistant.text import nlp

REPO = Path(__file__).parents[2]
THIRD = REPO / "tests" / "fixtures" / "third_article"
GOLD = REPO / "tests" / "fixtures" / "timeline" / "third_article_events.toml"


def bench() -> Any:
    spec = importlib.util.spec_from_file_location("timeline_eval",
                                                  REPO / "benchmarks" / "timeline_eval.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def events_of(folder: Path) -> tuple[list[Document], list[Event]]:
    docs = load_documents(folder)
    sentences, _ = chunk_documents(docs, 120, 1)
    return docs, extract_events(docs, sentences, nlp.parse_many(s.text for s in sentences))


@pytest.fixture(scope="module")
def third() -> tuple[list[Document], list[Event]]:
    return events_of(THIRD)


def test_quotes_and_offsets_are_exact(third: tuple[list[Document], list[Event]]) -> None:
    docs, events = third
    texts = {d.id: d.text for d in docs}
    assert events
    for event in events:
        text = texts[event.source_id]
        assert text[event.start:event.end] == event.quote
        assert text[event.written_start:event.written_end] == event.as_written
        assert event.start <= event.written_start < event.written_end <= event.end
        assert event.paragraph == text.count("\n\n", 0, event.start) + 1
        assert (event.title, event.source_date) == (docs[0].title, "2021-07-15")


def test_relative_and_yearless_dates_read_against_the_article(
        third: tuple[list[Document], list[Event]]) -> None:
    _, events = third
    by_written = {e.as_written: (e.date, e.date_end, e.precision) for e in events}
    assert by_written["29 March"] == ("2021-03-29", "2021-03-29", "day")
    assert by_written["last week"] == ("2021-07-05", "2021-07-11", "range")
    assert by_written["Monday"] == ("2021-07-12", "2021-07-12", "day")
    assert by_written["Earlier this month"] == ("2021-07", "2021-07", "month")
    assert by_written["March-April 2021"] == ("2021-03", "2021-04", "range")
    assert by_written["May and June"] == ("2021-05", "2021-06", "range")
    for mention in ("six days", "106 days", "the same day", "the next decade", "weekly"):
        assert mention not in by_written


def test_one_event_per_sentence_and_date(third: tuple[list[Document], list[Event]]) -> None:
    _, events = third
    keys = [(e.sentence_id, e.date, e.date_end) for e in events]
    assert len(keys) == len(set(keys))
    assert len({e.id for e in events}) == len(events)


def test_the_fixture_articles_listed_events_are_found(
        third: tuple[list[Document], list[Event]]) -> None:
    module = bench()
    gold = module.load_gold(GOLD)["event"]
    _, events = third
    found = module.match_events(events, gold)
    precision, recall = len(found) / len(events), len(found) / len(gold)
    # Reached: 16 of 16 listed, nothing else (benchmarks/timeline_eval.py --sources
    # tests/fixtures/third_article --gold ...); one slip is allowed before this fails.
    assert len(gold) == 16
    assert precision >= 0.93 and recall >= 0.93, (precision, recall)


def test_an_undated_document_keeps_only_absolute_dates(tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text(
        "The bridge opened on 3 May 1999. It was repainted last year.\n", encoding="utf-8")
    _, events = events_of(tmp_path)
    assert [(e.as_written, e.date) for e in events] == [("3 May 1999", "1999-05-03")]
