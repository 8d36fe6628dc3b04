"""The Milvus store (issue 14), against real Milvus Lite databases in tmp_path; no mocks.

Build and load give the same records, vectors, BM25 scores and rankings as the FAISS
folder; a stale index is rebuilt as a new generation behind the alias (a build killed
before the switch leaves readers on the old one); an unreachable server and a collection
that disappeared are one-line errors; and the real model's answers cite the same
sentences from both stores.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import logging
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from support import FakeEmbedder

from assistant.config import Settings
from assistant.errors import ConfigError, StoreError
from assistant.qa.retrieval import Retriever
from assistant.store import build_index, ensure_index, load_index, load_store
from assistant.store.crashpoints import ENV as KILL_AT
from assistant.store.milvus_index import KINDS, connect, read_milvus_manifest
from assistant.store.milvus_store import release_lite
from assistant.text import tokenize

pytest.importorskip("pymilvus", reason="the Milvus store needs the .[milvus] extra")

QUERIES = ("When was GSOMIA signed?", "Why did Seoul end the pact?",
           "US U.S. trilateral sharing agreement agreement", "export restrictions Tokyo",
           "a word the corpus never uses: zyxt", "zyxt qwvb", "")
TESTS = Path(__file__).parents[1]
REPO = TESTS.parent


def milvus(settings: Settings, tmp_path: Path, name: str = "lite.db") -> Settings:
    return dataclasses.replace(settings, store="milvus", milvus_uri=str(tmp_path / name))


def collections(settings: Settings) -> list[str]:
    db = connect(settings)
    try:
        return sorted(db.collections())
    finally:
        db.close()


@pytest.fixture
def both(fast_settings: Settings, fake_embedder: FakeEmbedder,
         tmp_path: Path) -> tuple[Settings, Settings]:
    """The fixture corpus built into a FAISS folder and into Milvus Lite, with a document
    whose only sentence has no terms (Milvus refuses an empty sparse vector)."""
    (fast_settings.sources / "delta.txt").write_text("It is what it is.\n", encoding="utf-8")
    lite = milvus(fast_settings, tmp_path)
    build_index(fast_settings, fake_embedder)
    build_index(lite, fake_embedder)
    return fast_settings, lite


def test_settings_choose_and_check_the_store(tmp_path: Path) -> None:
    env = {"ASSISTANT_STORE": "milvus", "ASSISTANT_MILVUS_URI": "http://db:19530",
           "ASSISTANT_MILVUS_TOKEN": "root:Milvus"}
    s = Settings.from_env(env)
    assert (s.store, s.resolved_milvus_uri, s.milvus_token) == ("milvus", "http://db:19530",
                                                               "root:Milvus")
    assert Settings(index=tmp_path / "ix").resolved_milvus_uri == str(tmp_path / "ix.milvus.db")
    with pytest.raises(ConfigError, match="Unknown store"):
        Settings(store="qdrant")
    with pytest.raises(ConfigError, match="neither a server address nor a Milvus Lite file"):
        Settings(store="milvus", milvus_uri="db.sqlite")
    with pytest.raises(ConfigError, match="Milvus Lite serves one process at a time"):
        Settings(store="milvus", workers=2)
    assert Settings(store="milvus", workers=2, milvus_uri="http://db:19530").workers == 2


def test_build_and_load_hold_what_the_faiss_store_holds(both: tuple[Settings, Settings]) -> None:
    faiss_settings, lite = both
    a, b = load_index(faiss_settings.index), load_store(lite)
    assert b.manifest["store"] == "milvus" and set(b.manifest["collections"]) == set(KINDS)
    for key in ("model_id", "chunking", "sources", "tokenizer", "annotation", "counts"):
        assert b.manifest[key] == a.manifest[key], key
    assert (b.documents, b.chunks, b.sentences) == (a.documents, a.chunks, a.sentences)
    assert [n.to_json() for n in b.notes] == [n.to_json() for n in a.notes]
    assert b.events == a.events and b.events  # `assistant timeline` reads these
    np.testing.assert_array_equal(b.sentence_vectors, a.sentence_vectors)
    assert b.chunk_index is None and b.chunk_bm25 is None  # searches go to Milvus


def test_rankings_and_bm25_scores_equal_the_faiss_store(both: tuple[Settings, Settings],
                                                         fake_embedder: FakeEmbedder) -> None:
    faiss_settings, lite = both
    local, remote = Retriever(load_index(faiss_settings.index)), Retriever(load_store(lite))
    assert remote.chunk_vocabulary == local.chunk_vocabulary
    assert remote.common_chunk_terms(0.3) == local.common_chunk_terms(0.3)
    for question, mode in itertools.product(QUERIES, ("hybrid", "dense", "bm25")):
        qvec, tokens = fake_embedder.encode_query(question), tokenize(question)
        mine, theirs = remote.search(qvec, tokens, 5, mode)[0], local.search(qvec, tokens, 5,
                                                                            mode)[0]
        assert [p.chunk_id for p in mine] == [p.chunk_id for p in theirs], (question, mode)
        for p, q in zip(mine, theirs, strict=True):
            assert p.bm25_score == pytest.approx(q.bm25_score, rel=1e-6)
            assert p.dense_score == pytest.approx(q.dense_score, abs=1e-6)
        n = len(local.data.chunks)  # every chunk: ties in score (0.0) included
        assert [r for r, _ in remote.dense_scores(qvec, n)] == \
            [r for r, _ in local.dense_scores(qvec, n)]
        assert [r for r, _ in remote.bm25_scores(tokens, n)] == \
            [r for r, _ in local.bm25_scores(tokens, n)]
        assert remote.sentence_bm25(tokens, n) == local.sentence_bm25(tokens, n)
        assert remote.sentence_dense(qvec, n) == local.sentence_dense(qvec, n)


def test_a_stale_index_is_rebuilt_as_a_new_generation_behind_the_alias(
        fast_settings: Settings, fake_embedder: FakeEmbedder, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    lite = milvus(fast_settings, tmp_path)
    with caplog.at_level(logging.INFO, logger="assistant.store.build"):
        first = ensure_index(lite, fake_embedder)
    assert [r.getMessage() for r in caplog.records] == [
        f"No index in Milvus at {lite.milvus_uri} (alias assistant); building it."]
    assert ensure_index(lite, fake_embedder) == first  # fresh: nothing rebuilt
    old = sorted(first["collections"].values())
    assert collections(lite) == old
    loaded = load_store(lite)
    (fast_settings.sources / "alpha.txt").write_text("GSOMIA was renewed in 2019. " * 20,
                                                     encoding="utf-8")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="assistant.store.build"):
        second = ensure_index(lite, fake_embedder)
    assert len(caplog.records) == 1
    assert "is stale (source changed: alpha.txt); rebuilding." in caplog.records[0].getMessage()
    assert collections(lite) == sorted(second["collections"].values())  # old ones dropped
    assert not set(old) & set(collections(lite))
    assert read_milvus_manifest(lite) == second
    assert any("renewed" in c.text for c in load_store(lite).chunks)
    with pytest.raises(StoreError, match="has disappeared") as caught:  # an old reader
        Retriever(loaded).search(None, tokenize("GSOMIA"), 3, "bm25")
    assert "assistant index --store milvus" in caught.value.fix


def test_a_build_killed_before_the_switch_leaves_readers_on_the_old_index(
        fast_settings: Settings, fake_embedder: FakeEmbedder, tmp_path: Path) -> None:
    lite = milvus(fast_settings, tmp_path)
    before = build_index(lite, fake_embedder)
    (fast_settings.sources / "alpha.txt").write_text("A new text about the pact. " * 20,
                                                     encoding="utf-8")
    release_lite(lite.milvus_uri)  # Milvus Lite: one process per file
    script = ("import sys; sys.path.insert(0, sys.argv[1]); from support import FakeEmbedder; "
              "from assistant.config import Settings; from assistant.store import build_index;"
              " build_index(Settings(sources=sys.argv[2], index=sys.argv[3], chunk_words=12, "
              "store='milvus', milvus_uri=sys.argv[4]), FakeEmbedder())")
    done = subprocess.run([sys.executable, "-c", script, str(TESTS), str(lite.sources),
                           str(lite.index), lite.milvus_uri],
                          env={**os.environ, KILL_AT: "milvus written"}, timeout=120,
                          capture_output=True, text=True)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert read_milvus_manifest(lite) == before  # the alias still names the old generation
    assert len(collections(lite)) == 2 * len(KINDS)  # the new one is written but unused
    assert len(load_store(lite).chunks) == before["counts"]["chunks"]  # readers: old one
    after = ensure_index(lite, fake_embedder)  # stale: rebuilt, every other one dropped
    assert collections(lite) == sorted(after["collections"].values())


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_server_is_one_line_naming_the_uri_and_the_fix(
        fast_settings: Settings, fake_embedder: FakeEmbedder) -> None:
    uri = f"http://127.0.0.1:{closed_port()}"
    settings = dataclasses.replace(fast_settings, store="milvus", milvus_uri=uri)
    with pytest.raises(StoreError) as caught:
        ensure_index(settings, fake_embedder)
    assert caught.value.message.startswith(f"Cannot reach Milvus at {uri}")
    assert "ASSISTANT_MILVUS_URI" in caught.value.fix
    done = subprocess.run([sys.executable, "-m", "assistant", "status", "--store", "milvus",
                           "--milvus-uri", uri], capture_output=True, text=True, timeout=120,
                          cwd=REPO)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and uri in errors[0] and "--milvus-uri" in errors[0], done.stderr


def test_a_collection_that_disappeared_is_one_line_naming_the_fix(
        both: tuple[Settings, Settings], fake_embedder: FakeEmbedder) -> None:
    _, lite = both
    manifest = read_milvus_manifest(lite)
    assert manifest is not None
    retriever = Retriever(load_store(lite))
    db = connect(lite)
    db.drop(manifest["collections"]["chunks"])
    db.close()
    qvec = fake_embedder.encode_query("GSOMIA")
    with pytest.raises(StoreError, match=r"collection '\w+_chunks' at .*lite.db has "
                                         r"disappeared") as caught:
        retriever.search(qvec, tokenize("GSOMIA"), 3, "hybrid")
    assert "Run `assistant index --store milvus`" in caught.value.fix
    with pytest.raises(StoreError, match="has disappeared"):
        load_store(lite)


@pytest.mark.slow
def test_the_real_model_cites_the_same_sentences_from_both_stores(
        built_index: tuple[Settings, dict], tmp_path: Path) -> None:
    from assistant.qa import Assistant

    settings, _ = built_index
    lite = milvus(settings, tmp_path)
    faiss_bot, milvus_bot = Assistant.load(settings), Assistant.load(lite)
    assert milvus_bot.data.searcher is not None
    questions = [json.loads(line)["question"] for line in
                 (REPO / "evals" / "gsomia.jsonl").read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    for question in questions:
        a, b = faiss_bot.ask(question), milvus_bot.ask(question)
        assert (b.short_answer, b.abstained) == (a.short_answer, a.abstained), question
        assert [(c.source_id, c.start, c.end) for c in b.citations] == \
            [(c.source_id, c.start, c.end) for c in a.citations], question


def test_the_scale_bench_measures_milvus_from_a_new_serving_process(tmp_path: Path) -> None:
    from assistant.cli.milvus_scale import run_milvus_scale

    settings = Settings(hnsw_threshold=1000, milvus_uri=str(tmp_path / "scale.db"))
    [row] = run_milvus_scale([2000], settings, progress=lambda _msg: None, n_queries=20)
    assert row["n"] == 2000 and row["data"] == "lowrank" and row["build_s"] > 0
    assert row["disk_mib"] > 0 and row["serve"]["rss_mib"] > 0
    assert row["chosen"]["recall@10"] >= 0.95  # HNSW (at or above the threshold)
    assert row["chosen"]["search_ms_p95"] >= row["chosen"]["search_ms_p50"] > 0
