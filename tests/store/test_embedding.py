"""Embedding: the embedding cache (incremental indexing), the ONNX backend, the query cache."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from support import FakeEmbedder, write_corpus

from assistant.config import Settings
from assistant.store import build_index, embedding_cache_dir, vector_cache
from assistant.store.disk import load_index

ONE = "GSOMIA was signed in November 2016. It lets Seoul and Tokyo share secrets.\n"
TWO = "Seoul said in August 2019 it would end the pact. It reversed course in November.\n"


class CountingEmbedder(FakeEmbedder):
    """Records every text it is asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def encode(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        self.texts += list(texts)
        return super().encode(texts, show_progress)


@pytest.fixture
def two_docs(tmp_path: Path) -> Settings:
    sources = write_corpus(tmp_path / "sources", {"one.txt": ONE, "two.txt": TWO})
    return Settings(sources=sources, index=tmp_path / "idx" / "index", chunk_words=12)


def test_editing_one_document_embeds_only_its_texts(two_docs: Settings) -> None:
    first = CountingEmbedder()
    build_index(two_docs, first)
    data = load_index(two_docs.index)
    assert len(first.texts) == len(data.chunks) + len(data.sentences)
    (two_docs.sources / "two.txt").write_text(TWO + "Washington welcomed the decision.\n")
    second = CountingEmbedder()
    messages: list[str] = []
    build_index(two_docs, second, progress=messages.append)
    data = load_index(two_docs.index)
    two_texts = [c.text for c in data.chunks if c.doc_id == "two"]
    two_texts += [s.text for s in data.sentences if s.doc_id == "two"]
    assert second.texts, "the edited document must be embedded again"
    assert all(any(t.endswith(x) or x in t for x in two_texts) for t in second.texts)
    assert not any("November 2016" in t for t in second.texts)  # one.txt untouched
    total = len(data.chunks) + len(data.sentences)
    assert f"{total - len(second.texts)} embeddings reused, {len(second.texts)} new." in messages
    # The cached vectors are the same as freshly computed ones.
    fresh = FakeEmbedder().encode([s.text for s in data.sentences])
    assert np.allclose(data.sentence_vectors, fresh)


def test_unchanged_rebuild_embeds_nothing(two_docs: Settings) -> None:
    build_index(two_docs, CountingEmbedder())
    again = CountingEmbedder()
    build_index(two_docs, again)
    assert again.texts == []


def test_cache_is_per_model(two_docs: Settings) -> None:
    build_index(two_docs, CountingEmbedder())
    other = CountingEmbedder()
    other.model_id = "test/other-model"
    build_index(two_docs, other)
    assert len(other.texts) > 0


@pytest.mark.parametrize("damage", ["npy", "json", "keys"])
def test_corrupt_cache_is_ignored_with_a_warning(two_docs: Settings, damage: str,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    build_index(two_docs, CountingEmbedder())
    folder = embedding_cache_dir(two_docs)
    npy = next(folder.glob("embeddings-*.npy"))
    meta = npy.with_suffix(".json")
    if damage == "npy":
        npy.write_bytes(npy.read_bytes()[:-7] + b"garbage")
    elif damage == "json":
        meta.write_text("{not json")
    else:
        doc = json.loads(meta.read_text())
        doc["keys"] = doc["keys"][:-1]
        meta.write_text(json.dumps(doc))
    again = CountingEmbedder()
    with caplog.at_level(logging.WARNING, logger="assistant"):
        build_index(two_docs, again)
    assert "Ignoring the embedding cache" in caplog.text
    data = load_index(two_docs.index)
    assert len(again.texts) == len(data.chunks) + len(data.sentences)
    # ... and the cache is healthy again afterwards.
    assert len(vector_cache.load(folder, again.model_id)) >= len(again.texts)


def test_cache_never_unpickles() -> None:
    source = Path(vector_cache.__file__).read_text()
    assert "pickle" not in source.replace("allow_pickle=False", "")


def test_clear_cache() -> None:
    from assistant.store.embedding import Embedder

    emb = Embedder(backend="torch")
    emb._cache["q"] = np.zeros(3, np.float32)
    emb.clear_cache()
    assert len(emb._cache) == 0


def test_unknown_backend_is_a_clear_error() -> None:
    from assistant.errors import ModelError
    from assistant.store.embedding import Embedder

    with pytest.raises(ModelError, match="Unknown embedding backend"):
        Embedder(backend="tpu")


# --- the real model (slow) -----------------------------------------------------------------

QUESTIONS = ["When was GSOMIA signed?", "Why did Seoul threaten to end the pact in 2019?",
             "What did Japan restrict in July 2019?", "A much longer text " * 60]


@pytest.mark.slow
def test_onnx_matches_torch_and_is_cached_with_checksum(tmp_path: Path,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    from assistant.store.embedding import Embedder

    torch_vecs = Embedder(backend="torch").encode(QUESTIONS)
    onnx = Embedder(backend="onnx", cache_dir=tmp_path)
    single = np.stack([onnx.encode([q])[0] for q in QUESTIONS])
    batch = onnx.encode(QUESTIONS)
    assert single.shape == batch.shape == torch_vecs.shape == (4, 384)
    assert np.min(np.sum(single * torch_vecs, axis=1)) > 0.9999
    assert np.min(np.sum(batch * torch_vecs, axis=1)) > 0.9999
    exported = list(tmp_path.glob("model-*-onnx.onnx"))
    assert len(exported) == 1
    meta = json.loads(exported[0].with_suffix(".json").read_text())
    from assistant.store.onnx_backend import file_sha256

    assert meta["sha256"] == file_sha256(exported[0])
    # A damaged export is detected and replaced, not used.
    with open(exported[0], "r+b") as fh:
        fh.seek(1000)
        fh.write(b"\0" * 16)
    with caplog.at_level(logging.WARNING, logger="assistant"):
        again = Embedder(backend="onnx", cache_dir=tmp_path).encode(QUESTIONS[:1])
    assert "does not match its checksum" in caplog.text
    assert float(again[0] @ torch_vecs[0]) > 0.9999
    assert meta["sha256"] == file_sha256(exported[0])


def test_failed_export_falls_back_to_torch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           caplog: pytest.LogCaptureFixture) -> None:
    from assistant.store import onnx_backend
    from assistant.store.embedding import Embedder

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("exporter exploded")

    monkeypatch.setattr(onnx_backend, "cached_model", broken)
    emb = Embedder(backend="onnx", cache_dir=tmp_path)
    loaded = []
    monkeypatch.setattr(Embedder, "_load", lambda self: loaded.append(1) or FakeModel())
    with caplog.at_level(logging.WARNING, logger="assistant"):
        vectors = emb.encode(["a", "b"])
    assert "exporter exploded" in caplog.text and emb.backend == "torch"
    assert vectors.shape == (2, 3) and loaded == [1]


class FakeModel:
    def encode(self, texts: list[str], **_kwargs: object) -> np.ndarray:
        return np.ones((len(texts), 3), dtype=np.float32)
