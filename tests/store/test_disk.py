"""Store: manifest contents, round trip, atomic writes and corruption checks (staleness is
in test_staleness.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import time
from pathlib import Path

import numpy as np
import pytest
from support import FakeEmbedder, resign, rewrite_manifest, write_corpus

from assistant.config import Settings
from assistant.errors import IndexCorruptError
from assistant.ingest.chunking import chunk_documents
from assistant.ingest.sources import load_documents, sha256_file
from assistant.store import build_index, ensure_index
from assistant.store import disk as store
from assistant.store.arrays import file_names
from assistant.store.bm25 import build_bm25
from assistant.store.disk import FORMAT_VERSION, MANIFEST, load_index, read_manifest
from assistant.text.annotate import Note

DATA_FILES = ("chunks.faiss", "sentences.faiss", "sentences.npy", *file_names("chunks.bm25"),
              "documents.jsonl", "chunks.jsonl", "sentences.jsonl", *file_names("windows.bm25"),
              "sentences.nlp.jsonl", "events.jsonl")
PACKAGE = Path(__file__).parents[2] / "assistant"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def leftovers(index: Path) -> list[str]:
    return sorted(p.name for p in index.parent.glob(f".{index.name}.*"))


@pytest.fixture
def built_between() -> list[dt.datetime]:
    """When ``built`` started and finished its build (filled in by it)."""
    return []


@pytest.fixture
def built(fast_settings: Settings, fake_embedder: FakeEmbedder,
          built_between: list[dt.datetime]) -> tuple[Settings, dict]:
    built_between.append(dt.datetime.now(dt.UTC))
    manifest = build_index(fast_settings, fake_embedder)
    built_between.append(dt.datetime.now(dt.UTC))
    return fast_settings, manifest


# --- what a build writes ----------------------------------------------------------------

def test_manifest_contents(built: tuple[Settings, dict], fake_embedder: FakeEmbedder,
                            built_between: list[dt.datetime]) -> None:
    settings, manifest = built
    assert sorted(p.name for p in settings.index.iterdir()) == sorted([*DATA_FILES, MANIFEST])
    assert leftovers(settings.index) == []
    on_disk = json.loads((settings.index / MANIFEST).read_text(encoding="utf-8"))
    assert on_disk == manifest
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["model_id"] == fake_embedder.model_id
    assert manifest["dimension"] == fake_embedder.dimension
    assert manifest["chunking"] == {"target_words": 12, "overlap_sentences": 1}
    assert manifest["sources"] == {p.name: sha256_file(p) for p in settings.sources.iterdir()}
    assert set(manifest["files"]) == set(DATA_FILES)
    for name, entry in manifest["files"].items():
        data = (settings.index / name).read_bytes()
        assert entry == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    docs = load_documents(settings.sources)
    sentences, chunks = chunk_documents(docs, 12, 1)
    assert manifest["counts"] == {"documents": len(docs), "chunks": len(chunks),
                                  "sentences": len(sentences), "events": 3}
    created = dt.datetime.fromisoformat(manifest["created_at"])
    started, finished = built_between
    assert created.tzinfo and started.replace(microsecond=0) <= created <= finished


def test_load_round_trips(built: tuple[Settings, dict], fake_embedder: FakeEmbedder) -> None:
    settings, manifest = built
    data = load_index(settings.index)
    docs = load_documents(settings.sources)
    sentences, chunks = chunk_documents(docs, 12, 1)
    assert data.manifest == manifest
    assert data.documents == docs and data.chunks == chunks and data.sentences == sentences
    assert data.chunk_index.ntotal == len(chunks) and data.chunk_index.d == fake_embedder.dimension
    assert data.sentence_vectors.dtype == np.float32
    assert data.sentence_vectors.shape == (len(sentences), fake_embedder.dimension)
    chunk_vectors = data.chunk_index.reconstruct_n(0, len(chunks))
    for vectors in (chunk_vectors, data.sentence_vectors):
        np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert load_index(settings.index, manifest).chunks == data.chunks


def test_store_round_trips_vectors_exactly(fixture_corpus: Path, tmp_path: Path,
                                          fake_embedder: FakeEmbedder) -> None:
    docs = load_documents(fixture_corpus)
    sentences, chunks = chunk_documents(docs, 12, 1)
    chunk_vectors = fake_embedder.encode([c.text for c in chunks])
    sentence_vectors = fake_embedder.encode([s.text for s in sentences])
    bm25 = build_bm25(docs, chunks, sentences)
    notes = [Note((), (f"w{i}",), "", ()) for i, _ in enumerate(sentences)]
    files = store.serialize(docs, chunks, sentences, chunk_vectors, sentence_vectors, bm25,
                            notes)
    counts = {"documents": len(docs), "chunks": len(chunks), "sentences": len(sentences)}
    manifest = store.make_manifest(files, {"model_id": "m"}, counts)
    store.write_index(tmp_path / "deep" / "index", files, manifest)
    data = load_index(tmp_path / "deep" / "index")
    assert (data.documents, data.chunks, data.sentences) == (docs, chunks, sentences)
    assert data.notes == notes
    np.testing.assert_array_equal(data.sentence_vectors, sentence_vectors)
    np.testing.assert_array_equal(data.chunk_index.reconstruct_n(0, len(chunks)), chunk_vectors)
    scores, ids = data.chunk_index.search(chunk_vectors[2:3], 1)
    assert ids[0][0] == 2 and scores[0][0] == pytest.approx(1.0, abs=1e-5)


def test_rebuild_replaces_the_index(built: tuple[Settings, dict]) -> None:
    settings, _ = built
    (settings.sources / "gamma.txt").write_text("A brand new sentence about Seoul.", "utf-8")
    build_index(settings, FakeEmbedder())
    data = load_index(settings.index)
    assert any("brand new sentence" in c.text for c in data.chunks)
    assert leftovers(settings.index) == []


# --- atomic writes ----------------------------------------------------------------------

def test_failed_write_leaves_previous_index(built: tuple[Settings, dict],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    settings, _ = built
    before = snapshot(settings.index)
    real_write, written = store._write_synced, []

    def write_one_then_fail(path: Path, data: bytes) -> None:
        if written:
            raise OSError(28, "No space left on device")
        real_write(path, data)
        written.append(path)

    monkeypatch.setattr(store, "_write_synced", write_one_then_fail)
    (settings.sources / "alpha.txt").write_text("Changed before a failing build.", "utf-8")
    with pytest.raises(OSError, match="No space left"):
        build_index(settings, FakeEmbedder())
    assert len(written) == 1 and written[0].parent.name.startswith(".index.tmp-")
    assert snapshot(settings.index) == before
    assert leftovers(settings.index) == []
    assert load_index(settings.index).documents[0].text.startswith("The General Security")


class BrokenEmbedder(FakeEmbedder):
    def encode(self, texts, show_progress=False):  # type: ignore[no-untyped-def]
        raise MemoryError("model crashed")


@pytest.mark.parametrize("stage", ["embed", "serialize"])
def test_failed_build_stage_leaves_previous_index(built: tuple[Settings, dict], stage: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    settings, _ = built
    before = snapshot(settings.index)

    def boom(*args: object, **kwargs: object) -> dict:
        raise MemoryError("serialize failed")

    if stage == "serialize":
        monkeypatch.setattr("assistant.store.build.serialize", boom)
    (settings.sources / "alpha.txt").write_text("Changed again.", "utf-8")
    with pytest.raises(MemoryError):
        build_index(settings, BrokenEmbedder() if stage == "embed" else FakeEmbedder())
    assert snapshot(settings.index) == before and leftovers(settings.index) == []


def test_crash_between_renames_is_recovered(built: tuple[Settings, dict],
                                            monkeypatch: pytest.MonkeyPatch,
                                            caplog: pytest.LogCaptureFixture) -> None:
    """Without renameat2 the swap is two renames; a crash between them is repaired on load."""
    settings, _ = built
    before = snapshot(settings.index)
    real_rename = os.rename

    def rename(src: os.PathLike, dst: os.PathLike) -> None:
        if Path(src).name.startswith(".index.tmp-"):
            raise OSError(5, "Input/output error")
        real_rename(src, dst)

    monkeypatch.setattr(store, "_exchange", lambda a, b: False)
    monkeypatch.setattr(store.os, "rename", rename)
    (settings.sources / "alpha.txt").write_text("Changed before the crash.", "utf-8")
    with pytest.raises(OSError, match="Input/output"):
        build_index(settings, FakeEmbedder())
    monkeypatch.setattr(store.os, "rename", real_rename)
    assert not settings.index.exists()
    assert [n.split("-")[0] for n in leftovers(settings.index)] == [".index.old"]
    with caplog.at_level(logging.WARNING, logger="assistant.store"):
        data = load_index(settings.index)
    assert any("Restoring" in r.getMessage() for r in caplog.records)
    assert snapshot(settings.index) == before and leftovers(settings.index) == []
    assert data.documents[0].text.startswith("The General Security")


def test_two_rename_fallback_swap(built: tuple[Settings, dict],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    settings, _ = built
    monkeypatch.setattr(store, "_exchange", lambda a, b: False)
    (settings.sources / "alpha.txt").write_text("Swapped in by two renames.", "utf-8")
    build_index(settings, FakeEmbedder())
    assert load_index(settings.index).documents[0].text == "Swapped in by two renames."
    assert leftovers(settings.index) == []


def test_dead_temp_folders_are_cleaned_fresh_ones_kept(built: tuple[Settings, dict]) -> None:
    settings, _ = built
    dead = settings.index.parent / ".index.tmp-dead"
    live = settings.index.parent / ".index.tmp-live"
    for folder in (dead, live):
        folder.mkdir()
        (folder / "chunks.jsonl").write_text("partial")
    old = time.time() - 3600
    os.utime(dead, (old, old))
    build_index(settings, FakeEmbedder())
    assert not dead.exists()
    assert live.exists()  # may belong to a build still running


# --- corruption -------------------------------------------------------------------------

@pytest.mark.parametrize("name", DATA_FILES)
@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_damaged_file_is_named(built: tuple[Settings, dict], name: str, damage: str) -> None:
    settings, _ = built
    path = settings.index / name
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2]
    else:
        data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(IndexCorruptError) as info:
        load_index(settings.index)
    message = str(info.value)
    assert name in message and "damaged" in message and "assistant index" in message


@pytest.mark.parametrize("name", DATA_FILES)
def test_missing_file_is_named(built: tuple[Settings, dict], name: str) -> None:
    settings, _ = built
    (settings.index / name).unlink()
    with pytest.raises(IndexCorruptError, match="missing") as info:
        load_index(settings.index)
    assert name in str(info.value) and "assistant index" in str(info.value)


@pytest.mark.parametrize("content", [None, b'{"format_version": 1, "fi', b"\xff\xfe", b"[1, 2]",
                                     b'{"format_version": 1}'])
def test_broken_or_missing_manifest(built: tuple[Settings, dict], content: bytes | None) -> None:
    settings, _ = built
    if content is None:
        (settings.index / MANIFEST).unlink()
    else:
        (settings.index / MANIFEST).write_bytes(content)
    with pytest.raises(IndexCorruptError) as info:
        read_manifest(settings.index)
    assert MANIFEST in str(info.value) and "assistant index" in str(info.value)


@pytest.mark.parametrize("version", [FORMAT_VERSION + 1, FORMAT_VERSION - 1, 0, "2", None])
def test_unknown_format_version(built: tuple[Settings, dict], version: object) -> None:
    settings, _ = built
    rewrite_manifest(settings.index, lambda m: m.__setitem__("format_version", version))
    with pytest.raises(IndexCorruptError, match="format version") as info:
        load_index(settings.index)
    assert MANIFEST in str(info.value) and "assistant index" in str(info.value)


def test_newer_format_version_stops_ensure_index(built: tuple[Settings, dict]) -> None:
    settings, _ = built
    for version in (FORMAT_VERSION + 1, "2", None):
        rewrite_manifest(settings.index, lambda m, v=version: m.__setitem__("format_version", v))
        with pytest.raises(IndexCorruptError, match="format version"):
            ensure_index(settings, FakeEmbedder())


def test_older_format_version_is_rebuilt(built: tuple[Settings, dict],
                                         caplog: pytest.LogCaptureFixture) -> None:
    settings, _ = built
    rewrite_manifest(settings.index, lambda m: m.__setitem__("format_version", 1))
    manifest = ensure_index(settings, FakeEmbedder())
    assert manifest["format_version"] == FORMAT_VERSION
    assert read_manifest(settings.index)["format_version"] == FORMAT_VERSION
    assert "format version 1, older than" in caplog.text


def test_missing_chunk_row(built: tuple[Settings, dict]) -> None:
    settings, _ = built
    path = settings.index / "chunks.jsonl"
    path.write_text("".join(path.read_text(encoding="utf-8").splitlines(True)[:-1]), "utf-8")
    resign(settings.index, "chunks.jsonl")  # even with a matching checksum
    with pytest.raises(IndexCorruptError, match="chunks") as info:
        load_index(settings.index)
    assert "manifest says" in str(info.value) and "assistant index" in str(info.value)


def test_malformed_row_is_named(built: tuple[Settings, dict]) -> None:
    settings, _ = built
    path = settings.index / "sentences.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(True)
    lines[1] = '{"id": "x"}\n'
    path.write_text("".join(lines), "utf-8")
    resign(settings.index, "sentences.jsonl")
    with pytest.raises(IndexCorruptError, match=r"sentences\.jsonl, line 2, is malformed"):
        load_index(settings.index)


def test_file_not_listed_in_manifest(built: tuple[Settings, dict]) -> None:
    settings, _ = built
    rewrite_manifest(settings.index, lambda m: m["files"].pop("sentences.npy"))
    with pytest.raises(IndexCorruptError, match=r"does not list sentences\.npy"):
        load_index(settings.index)


@pytest.mark.parametrize("sep", ["\u2028", "\u2029", "\x85"])
def test_unicode_line_separator_in_source_round_trips(tmp_path: Path, sep: str) -> None:
    folder = write_corpus(tmp_path / "s", {"a.txt": f"First sentence here.{sep}Second one.\n"})
    settings = Settings(sources=folder, index=tmp_path / "index")
    build_index(settings, FakeEmbedder())
    assert load_index(settings.index).documents[0].id == "a"


# --- no pickle --------------------------------------------------------------------------

def test_no_pickle_anywhere() -> None:
    forbidden = re.compile(r"\b(import|from)\s+(c?pickle|dill|joblib|shelve|marshal)\b"
                           r"|allow_pickle\s*=\s*True|\bpickle\.|torch\.load\(")
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert not forbidden.search(text), f"{path.name} uses pickle"
        for match in re.finditer(r"np\.load\(", text):
            assert "allow_pickle=False" in text[match.end(): match.end() + 200], path.name
