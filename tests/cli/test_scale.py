"""FAISS index type by corpus size, and ``assistant bench --scale`` on small corpora."""

from __future__ import annotations

import numpy as np
import pytest
from support import FakeEmbedder

from assistant.cli.scale import one_size, parse_sizes, print_scale, recall_at, unit_vectors
from assistant.config import Settings
from assistant.errors import ConfigError, UsageError
from assistant.qa.retrieval import Retriever
from assistant.store import build_index
from assistant.store.disk import load_index
from assistant.store.faiss_index import choose_index_type


def test_parse_sizes() -> None:
    assert parse_sizes("10000, 100k,1M,2.5k") == [10_000, 100_000, 1_000_000, 2_500]
    with pytest.raises(UsageError):
        parse_sizes("10")
    with pytest.raises(UsageError):
        parse_sizes("lots")


def test_unit_vectors_are_unit_and_seeded() -> None:
    v = unit_vectors(1000, seed=3)
    assert v.shape == (1000, 384) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(v, unit_vectors(1000, seed=3))


def test_recall_at() -> None:
    truth = np.array([[1, 2, 3], [4, 5, 6]])
    assert recall_at(np.array([[3, 2, 1], [4, 9, 9]]), truth, k=3) == pytest.approx(4 / 6)


def test_choose_index_type() -> None:
    assert choose_index_type(10, "auto", 100) == "flat-ip"
    assert choose_index_type(100, "auto", 100) == "hnsw-ip"
    assert choose_index_type(10**6, "flat-ip", 100) == "flat-ip"
    with pytest.raises(ValueError):
        choose_index_type(5, "ivf")


def test_settings_validate_index_fields() -> None:
    s = Settings.from_env({"ASSISTANT_INDEX_TYPE": "hnsw-ip", "ASSISTANT_HNSW_THRESHOLD": "9"})
    assert (s.index_type, s.hnsw_threshold) == ("hnsw-ip", 9)
    with pytest.raises(ConfigError):
        Settings(index_type="ivf")
    with pytest.raises(ConfigError):
        Settings(hnsw_ef_search=0)


@pytest.mark.parametrize(("threshold", "expected"), [(10**6, "flat-ip"), (1, "hnsw-ip")])
def test_index_type_recorded_and_searchable(fast_settings: Settings, threshold: int,
                                            expected: str) -> None:
    settings = fast_settings.replace(hnsw_threshold=threshold)
    emb = FakeEmbedder()
    manifest = build_index(settings, emb)
    assert manifest["index_type"] == expected
    data = load_index(settings.index)
    assert data.manifest["index_type"] == expected
    kind = type(data.chunk_index).__name__
    assert ("HNSW" in kind) == (expected == "hnsw-ip")
    if expected == "hnsw-ip":
        assert data.chunk_index.hnsw.efSearch == settings.hnsw_ef_search  # saved with it
    retriever = Retriever(data)
    passages, _ = retriever.search(emb.encode_query("When was GSOMIA signed?"),
                                   ["gsomia", "sign"], 3, "hybrid")
    assert passages and passages[0].score > 0
    assert -1.0 <= retriever.cosine(emb.encode_query("GSOMIA"), 0) <= 1.0  # reconstruct works


def test_scale_small_corpus(capsys: pytest.CaptureFixture[str]) -> None:
    row = one_size(3000, n_queries=40, m=16, ef_construction=32, progress=lambda _m: None)
    assert (row["hnsw"]["m"], row["hnsw"]["ef_construction"]) == (16, 32)
    assert row["flat"]["search_ms_median"] > 0
    ladder = row["hnsw"]["ladder"]
    assert ladder and all(0 <= r["recall@10"] <= 1 for r in ladder)
    assert ladder[-1]["recall@10"] >= ladder[0]["recall@10"]
    # 384 floats (1.5 KB) plus the graph links per vector: at least 1.5 GB per million.
    assert row["hnsw"]["serialized_mib_per_million"] > 1400
    assert row["bm25"]["search_ms_median"] > 0
    # Read back from an index folder without rebuilding (one_size raises if the scores it
    # reads back differ), and every figure reported.
    assert set(row["bm25"]) == {"build_s", "load_s", "files_mib", "rss_mib", "search_ms_median"}
    assert row["bm25"]["files_mib"] > 0
    print_scale([row])
    out = capsys.readouterr().out
    assert "| 3,000 | uniform |" in out and "BM25 build / load / search" in out


def test_lowrank_vectors_are_easier_for_hnsw() -> None:
    v = unit_vectors(500, seed=1, data="lowrank")
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    low = one_size(3000, n_queries=40, bm25=False, data="lowrank", progress=lambda _m: None)
    uni = one_size(3000, n_queries=40, bm25=False, progress=lambda _m: None)
    assert low["hnsw"]["ladder"][0]["recall@10"] > uni["hnsw"]["ladder"][0]["recall@10"]
    with pytest.raises(UsageError):
        unit_vectors(5, seed=1, data="gaussian")
