"""Retrieval on the fixture corpus with the fake embedder: modes, fusion, sentence search."""

from __future__ import annotations

import collections
import dataclasses
import itertools
from pathlib import Path
from typing import Any

import bm25s
import numpy as np
import pytest
from support import FakeEmbedder

from assistant.config import Settings
from assistant.errors import UsageError
from assistant.ingest.chunking import with_header
from assistant.qa import Assistant
from assistant.qa.retrieval import Retriever, keep_leaders, rrf
from assistant.store import build_index
from assistant.store.bm25 import sentence_windows, tokenize_chunks
from assistant.store.disk import load_index
from assistant.text import tokenize


@pytest.fixture
def retriever(fast_settings: Settings, fake_embedder: FakeEmbedder) -> Retriever:
    build_index(fast_settings, fake_embedder)
    return Retriever(load_index(fast_settings.index))


def test_rrf_rewards_agreement() -> None:
    fused = rrf([[1, 2, 3], [2, 1, 3]], rrf_k=60)
    assert {fused[0][0], fused[1][0]} == {1, 2} and fused[2][0] == 3


def test_tokenize_stems_without_a_synonym_table() -> None:
    assert tokenize("Seoul's pacts") == ["seoul", "pact"]  # linked by meaning, not a list
    assert tokenize("the U.S. and US") == ["usa", "usa"]


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_every_mode_returns_at_most_k_ranked_passages(
    retriever: Retriever,
    fake_embedder: FakeEmbedder,
    mode: str,
) -> None:
    question = "When was the agreement signed?"
    passages, timings = retriever.search(fake_embedder.encode_query(question),
                                         tokenize(question), 3, mode)
    assert 0 < len(passages) <= 3
    assert [p.rank for p in passages] == list(range(1, len(passages) + 1))
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)
    assert set(timings) == {"dense_ms", "bm25_ms", "fusion_ms"}


def test_unknown_mode_is_a_usage_error(retriever: Retriever, fake_embedder: FakeEmbedder) -> None:
    with pytest.raises(UsageError, match="Unknown retrieval mode"):
        retriever.search(fake_embedder.encode_query("x"), ["x"], 3, "magic")


def test_sentence_search_by_faiss_matches_a_plain_matrix_product(
    retriever: Retriever,
    fake_embedder: FakeEmbedder,
) -> None:
    qvec = fake_embedder.encode_query("agreement signed notice")
    by_faiss = retriever.sentence_dense(qvec, 5)
    retriever.data = dataclasses.replace(retriever.data, sentence_index=None)
    assert retriever.sentence_dense(qvec, 5) == by_faiss


def test_an_index_without_sentence_faiss_still_loads_and_answers(
    retriever: Retriever,
    fake_embedder: FakeEmbedder,
) -> None:
    retriever.data = dataclasses.replace(retriever.data, sentence_index=None)
    qvec = fake_embedder.encode_query("agreement")
    assert retriever.sentence_dense(qvec, 3)
    assert np.isfinite(retriever.cosine(qvec, 0))


# --- BM25 stored with the index -----------------------------------------------------------

QUERIES = ("When was GSOMIA signed?", "Why did Seoul end the pact?", "US U.S. trilateral sharing",
           "GSOMIA Basics", "export restrictions Tokyo", "a word the corpus never uses: zyxt",
           "agreement agreement renewed November 2019", "zyxt qwvb")


def fresh_bm25(token_lists: list[list[str]]) -> Any:
    """BM25 as the retriever built it at every load before it was stored."""
    model = bm25s.BM25()
    model.index(token_lists, show_progress=False)
    return model


def test_stored_bm25_scores_exactly_as_a_fresh_build(retriever: Retriever) -> None:
    data = retriever.data
    docs = {d.id: d for d in data.documents}
    chunk_tokens = [tokenize(with_header(c.text, docs[c.doc_id])) for c in data.chunks]
    assert tokenize_chunks(data.documents, data.chunks) == chunk_tokens  # what builds use
    fresh_chunks = fresh_bm25(chunk_tokens)
    fresh_windows = fresh_bm25([tokenize(w) for w in sentence_windows(data.sentences)])
    for question in QUERIES:
        tokens = tokenize(question)
        for stored, fresh in ((retriever.bm25, fresh_chunks),
                              (retriever.window_bm25, fresh_windows)):
            np.testing.assert_array_equal(stored.get_scores(tokens), fresh.get_scores(tokens))
            assert stored.get_scores(tokens).dtype == fresh.get_scores(tokens).dtype


@pytest.mark.parametrize("share", [0.0, 0.1, 0.3, 0.5, 1.0])
def test_chunk_term_statistics_from_the_matrix_match_the_tokens(retriever: Retriever,
                                                                share: float) -> None:
    tokens = tokenize_chunks(retriever.data.documents, retriever.data.chunks)
    assert retriever.chunk_vocabulary == {t for chunk in tokens for t in chunk}
    counts = collections.Counter(t for chunk in tokens for t in set(chunk))
    common = {t for t, n in counts.items() if n > share * len(tokens)}
    assert retriever.common_chunk_terms(share) == common


def test_stored_bm25_ranks_exactly_as_a_fresh_build(
    retriever: Retriever,
    fake_embedder: FakeEmbedder,
) -> None:
    data = retriever.data
    docs = {d.id: d for d in data.documents}
    rebuilt = Retriever(data)
    rebuilt.bm25 = fresh_bm25([tokenize(with_header(c.text, docs[c.doc_id]))
                               for c in data.chunks])
    rebuilt.window_bm25 = fresh_bm25([tokenize(w) for w in sentence_windows(data.sentences)])
    for question, mode in itertools.product(QUERIES, ("bm25", "hybrid")):
        qvec, tokens = fake_embedder.encode_query(question), tokenize(question)
        assert retriever.search(qvec, tokens, 5, mode)[0] == rebuilt.search(qvec, tokens, 5,
                                                                            mode)[0]


def test_loading_never_rebuilds_bm25(fast_settings: Settings, fake_embedder: FakeEmbedder,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    build_index(fast_settings, fake_embedder)

    def no_index(*args: object, **kwargs: object) -> None:
        raise AssertionError("BM25.index called while loading")

    monkeypatch.setattr(bm25s.BM25, "index", no_index)
    data = load_index(fast_settings.index)
    bot = Assistant(fast_settings, fake_embedder, data)
    answer = bot.ask("When was the agreement signed?", mode="bm25")
    assert answer.passages and answer.passages[0].bm25_score > 0
    with pytest.raises(AssertionError, match="while loading"):
        build_index(fast_settings.replace(chunk_words=40), fake_embedder)  # the patch holds


def test_loading_does_not_tokenise_the_corpus(fast_settings: Settings, fake_embedder: FakeEmbedder,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The answerer reads term statistics from the stored matrix, not from re-tokenising."""
    from assistant.store import bm25

    build_index(fast_settings, fake_embedder)

    def no_tokenising(*args: object, **kwargs: object) -> None:
        raise AssertionError("the corpus was tokenised while loading")

    monkeypatch.setattr(bm25, "tokenize_chunks", no_tokenising)
    monkeypatch.setattr(bm25, "tokenize_windows", no_tokenising)
    bot = Assistant(fast_settings, fake_embedder, load_index(fast_settings.index))
    answer = bot.ask("When was the agreement signed?")
    assert answer.passages


def test_a_tokenizer_change_makes_the_stored_bm25_stale(
    fast_settings: Settings,
    fake_embedder: FakeEmbedder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Stored terms come from tokenize(); when its rules change, the index is rebuilt."""
    from assistant import text
    from assistant.store import ensure_index, index_info
    from assistant.store.disk import read_manifest, staleness

    build_index(fast_settings, fake_embedder)
    manifest = read_manifest(fast_settings.index)
    assert staleness(manifest, index_info(fast_settings, fake_embedder)) is None
    from assistant.text import tokens

    monkeypatch.setattr(tokens, "TOKENIZER_VERSION", tokens.TOKENIZER_VERSION + 1)
    assert "tokenizer changed" in staleness(manifest, index_info(fast_settings, fake_embedder))
    rebuilt = ensure_index(fast_settings, fake_embedder)
    assert rebuilt["tokenizer"] == text.tokenizer_fingerprint() != manifest["tokenizer"]


def test_sources_with_no_searchable_words_are_a_clear_error(
    tmp_path: Path,
    fake_embedder: FakeEmbedder,
) -> None:
    from assistant.errors import SourceError

    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "empty-words.txt").write_text("The. And of it.\n", encoding="utf-8")
    settings = Settings(sources=sources, index=tmp_path / "index")
    with pytest.raises(SourceError, match="no words to search") as info:
        build_index(settings, fake_embedder)
    assert "Add documents" in info.value.fix
    assert not settings.index.exists()


def test_keep_leaders_gives_each_ranking_s_first_item_a_place() -> None:
    fused = [(0, 0.9), (1, 0.8), (2, 0.7), (3, 0.6), (4, 0.5)]
    assert keep_leaders(fused, [[0, 1], [1, 0]], k=3) == fused[:3]  # both leaders already in
    assert keep_leaders(fused, [[0], [4], [3]], k=3) == [(0, 0.9), (3, 0.6), (4, 0.5)]
    assert keep_leaders(fused, [[4], [3]], k=1) == [(0, 0.9)]  # the fused first always stays
    assert keep_leaders(fused, [[0], [3], [4]], k=2) == [(0, 0.9), (3, 0.6)]  # no room for 4


def test_hybrid_search_shows_every_retriever_s_best_chunk(retriever: Retriever,
                                                           fake_embedder: FakeEmbedder) -> None:
    # With two passages, plain RRF shows only one of the two leaders for these.
    for question in ("signed seoul", "2016 seoul", "november announced"):
        qvec, tokens = fake_embedder.encode_query(question), tokenize(question)
        n = len(retriever.data.chunks)
        rankings = [[i for i, _ in retriever.dense_scores(qvec, n)],
                    retriever.sentence_dense(qvec, n),
                    [i for i, _ in retriever.bm25_scores(tokens, n)],
                    retriever.sentence_bm25(tokens, n)]
        leaders = {r[0] for r in rankings if r}
        passages, _ = retriever.search(qvec, tokens, 2, "hybrid")
        assert leaders == {p.index for p in passages}, question
