"""Retrieval on the fixture corpus with the fake embedder: modes, fusion, sentence search."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from assistant.config import Settings
from assistant.errors import UsageError
from assistant.pipeline import build_index
from assistant.retrieval import Retriever, rrf, tokenize
from assistant.store import load_index


@pytest.fixture
def retriever(fast_settings: Settings, fake_embedder) -> Retriever:
    build_index(fast_settings, fake_embedder)
    return Retriever(load_index(fast_settings.index))


def test_rrf_rewards_agreement() -> None:
    fused = rrf([[1, 2, 3], [2, 1, 3]], rrf_k=60)
    assert {fused[0][0], fused[1][0]} == {1, 2} and fused[2][0] == 3


def test_tokenize_maps_synonyms_on_both_sides() -> None:
    assert set(tokenize("Seoul's pact")) == set(tokenize("South Korea's agreement"))
    assert tokenize("the U.S. and US") == ["usa", "usa"]


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_every_mode_returns_at_most_k_ranked_passages(retriever: Retriever, fake_embedder,
                                                      mode: str) -> None:
    question = "When was the agreement signed?"
    passages, timings = retriever.search(fake_embedder.encode_query(question),
                                         tokenize(question), 3, mode)
    assert 0 < len(passages) <= 3
    assert [p.rank for p in passages] == list(range(1, len(passages) + 1))
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)
    assert set(timings) == {"dense_ms", "bm25_ms", "fusion_ms"}


def test_unknown_mode_is_a_usage_error(retriever: Retriever, fake_embedder) -> None:
    with pytest.raises(UsageError, match="Unknown retrieval mode"):
        retriever.search(fake_embedder.encode_query("x"), ["x"], 3, "magic")


def test_sentence_search_by_faiss_matches_a_plain_matrix_product(retriever: Retriever,
                                                                 fake_embedder) -> None:
    qvec = fake_embedder.encode_query("agreement signed notice")
    by_faiss = retriever.sentence_dense(qvec, 5)
    retriever.data = dataclasses.replace(retriever.data, sentence_index=None)
    assert retriever.sentence_dense(qvec, 5) == by_faiss


def test_an_index_without_sentence_faiss_still_loads_and_answers(retriever: Retriever,
                                                                 fake_embedder) -> None:
    retriever.data = dataclasses.replace(retriever.data, sentence_index=None)
    qvec = fake_embedder.encode_query("agreement")
    assert retriever.sentence_dense(qvec, 3)
    assert np.isfinite(retriever.cosine(qvec, 0))
