"""Library lookups: search without answering, passages and documents by id, the timeline
(the fixture corpus and the fake embedder: no model)."""

from __future__ import annotations

import pytest
from support import FakeEmbedder

from assistant.config import Settings
from assistant.errors import NotFoundError, QuestionError, UsageError
from assistant.qa import Assistant
from assistant.qa.lookup import validate_query
from assistant.store import build_index, load_index


@pytest.fixture
def bot(fast_settings: Settings, fake_embedder: FakeEmbedder) -> Assistant:
    build_index(fast_settings, fake_embedder)
    return Assistant(fast_settings, fake_embedder, load_index(fast_settings.index))


def test_search_ranks_k_passages_without_answering(bot: Assistant) -> None:
    passages = bot.search("export restrictions", k=3)
    assert [p.rank for p in passages] == [1, 2, 3]
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)
    chunks = {c.id: c for c in bot.data.chunks}
    assert all(chunks[p.chunk_id].text == p.text for p in passages)
    assert len(bot.search("export restrictions")) == bot.settings.top_k


def test_search_in_one_document_keeps_only_its_passages(bot: Assistant) -> None:
    everywhere = bot.search("agreement", k=10)
    assert len({p.source_id for p in everywhere}) > 1  # the filter below has work to do
    inside = bot.search("agreement", k=10, document="beta")
    assert inside and {p.source_id for p in inside} == {"beta"}
    assert [p.rank for p in inside] == list(range(1, len(inside) + 1))
    beta_chunks = sum(c.doc_id == "beta" for c in bot.data.chunks)
    assert len(bot.search("agreement", k=1, document="beta")) == 1 <= beta_chunks


@pytest.mark.parametrize(("call", "error", "words"), [
    (lambda b: b.search(""), QuestionError, "search query is empty"),
    (lambda b: b.search(" \n "), QuestionError, "search query is empty"),
    (lambda b: b.search("x" * 2001), QuestionError, "2,001 characters"),
    (lambda b: b.search(3), QuestionError, "must be text"),
    (lambda b: b.search("pact", k=0), UsageError, "k must be"),
    (lambda b: b.search("pact", mode="fuzzy"), UsageError, "Unknown retrieval mode"),
    (lambda b: b.search("pact", document="nope"), NotFoundError, "Unknown document id 'nope'"),
    (lambda b: b.passage("nope#0"), NotFoundError, "Unknown passage id 'nope#0'"),
    (lambda b: b.document("nope"), NotFoundError, "Unknown document id"),
])
def test_bad_lookups_say_what_is_wrong_and_what_to_do(bot: Assistant, call, error, words) -> None:
    with pytest.raises(error) as caught:
        call(bot)
    assert words in caught.value.message and caught.value.fix


def test_a_passage_stands_where_its_document_says(bot: Assistant) -> None:
    first = next(c for c in bot.data.chunks if c.doc_id == "alpha")
    seen, located = [], bot.passage(first.id)
    assert located.previous_id is None
    while True:  # walking the neighbours reads the whole document, in order
        doc, chunk = located.document, located.chunk
        assert doc.text[chunk.start:chunk.end] == chunk.text
        data = located.to_json()
        assert data["paragraph"] == doc.paragraph_of(chunk.start) >= 1
        assert data["source_id"] == "alpha" and data["title"] == doc.title
        seen.append(chunk.id)
        if located.next_id is None:
            break
        located = bot.passage(located.next_id)
    assert seen == [c.id for c in bot.data.chunks if c.doc_id == "alpha"]
    assert len(seen) > 1


def test_the_timeline_is_built_once_per_index(bot: Assistant) -> None:
    assert bot.timeline is bot.timeline
    assert bot.timeline.entries() == bot.timeline.entries(["alpha", "beta", "gamma"])


def test_validate_query_folds_whitespace() -> None:
    assert validate_query("\u00a0export \t controls\n") == "export controls"
