"""Stored BM25 matrices: exact round trip, deterministic bytes, forged files refused."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from support import FakeEmbedder, resign

from assistant.config import Settings
from assistant.errors import IndexCorruptError
from assistant.ingest.chunking import chunk_documents
from assistant.ingest.sources import load_documents
from assistant.store import build_index
from assistant.store import disk as store
from assistant.store.arrays import TermMatrix, file_names, matrix_files, parse_matrix
from assistant.store.bm25 import build_bm25
from assistant.store.disk import load_index

BM25_FILES = (*file_names("chunks.bm25"), *file_names("windows.bm25"))


@pytest.fixture
def built(fast_settings: Settings) -> Settings:
    build_index(fast_settings, FakeEmbedder())
    return fast_settings


def assert_same(a: TermMatrix, b: TermMatrix) -> None:
    for part in ("data", "indices", "indptr"):
        assert getattr(a, part).dtype == getattr(b, part).dtype
        np.testing.assert_array_equal(getattr(a, part), getattr(b, part))
    assert (a.vocab, a.rows) == (b.vocab, b.rows)


def test_matrix_files_round_trip() -> None:
    matrix = TermMatrix(np.array([0.5, 1.25, 2.0], np.float32), np.array([1, 0, 1], np.int32),
                        np.array([0, 1, 3], np.int64), ("agreement", "séoul"), rows=2)
    files = matrix_files("m", matrix)
    assert sorted(files) == sorted(file_names("m"))
    assert files["m.vocab.json"] == '["agreement","séoul"]\n'.encode()
    assert_same(parse_matrix("m", files.__getitem__, rows=2), matrix)


def test_index_stores_the_matrices_it_was_built_with(built: Settings) -> None:
    docs = load_documents(built.sources)
    sentences, chunks = chunk_documents(docs, built.chunk_words, built.overlap_sentences)
    chunk_bm25, window_bm25 = build_bm25(docs, chunks, sentences)
    data = load_index(built.index)
    assert_same(data.chunk_bm25, chunk_bm25)
    assert_same(data.window_bm25, window_bm25)
    assert (data.chunk_bm25.rows, data.window_bm25.rows) == (len(chunks), len(sentences))
    assert set(BM25_FILES) <= set(data.manifest["files"])


def test_a_build_writes_the_same_bm25_bytes_every_time(built: Settings, tmp_path: Path) -> None:
    """bm25s numbers terms in set order, which varies by process; the files must not."""
    first = {name: (built.index / name).read_bytes() for name in BM25_FILES}
    again = built.replace(index=tmp_path / "again" / "index")
    build_index(again, FakeEmbedder())
    assert {name: (again.index / name).read_bytes() for name in BM25_FILES} == first
    vocab = json.loads(first["chunks.bm25.vocab.json"])
    assert vocab == sorted(vocab) and "gsomia" in vocab and "" not in vocab


def _npy(array: np.ndarray, allow_pickle: bool = False) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=allow_pickle)
    return buffer.getvalue()


def _npz(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, indices=array)
    return buffer.getvalue()


def _edit(change: Callable[[np.ndarray], np.ndarray]) -> Callable[[Path], bytes]:
    return lambda path: _npy(change(np.load(path, allow_pickle=False)))


FORGED: dict[str, tuple[str, Callable[[Path], bytes], str]] = {
    "row out of range": ("chunks.bm25.indices.npy", _edit(lambda a: a + np.int32(10_000)),
                         "a row outside"),
    "wrong dtype": ("windows.bm25.data.npy", _edit(lambda a: a.astype(np.float64)), "float32"),
    "two-dimensional": ("windows.bm25.indices.npy", _edit(lambda a: a.reshape(1, -1)), "1-d"),
    "indptr too short": ("chunks.bm25.indptr.npy", _edit(lambda a: a[:-1]), "entries for"),
    "indptr out of order": ("windows.bm25.indptr.npy", _edit(lambda a: a[::-1].copy()),
                            "out of order"),
    "not a number": ("chunks.bm25.data.npy", _edit(lambda a: np.full_like(a, np.nan)),
                     "finite"),
    "pickled objects": ("chunks.bm25.data.npy",
                        lambda p: _npy(np.array([{"x": 1}], dtype=object), allow_pickle=True),
                        "unpickling"),
    "not an array": ("windows.bm25.indptr.npy", lambda p: b"not numpy", "malformed"),
    "an archive": ("chunks.bm25.indices.npy", lambda p: _npz(np.load(p, allow_pickle=False)),
                   "not a single array"),
    "duplicate term": ("windows.bm25.vocab.json",
                       lambda p: json.dumps([*json.loads(p.read_text()), "agreement"]).encode(),
                       "listed twice"),
    "vocab not a list": ("chunks.bm25.vocab.json", lambda p: b'{"a": 1}', "not a list"),
    "vocab not JSON": ("chunks.bm25.vocab.json", lambda p: b"\xff[", "malformed"),
    "vocab nested too deep": ("chunks.bm25.vocab.json", lambda p: b"[" * 100_000, "malformed"),
    "header claims a terabyte": ("windows.bm25.data.npy", lambda p: _huge_header(), "promises"),
}


def _huge_header() -> bytes:
    """A valid .npy header for 10**12 floats, followed by eight bytes."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buffer, {"descr": "<f4", "fortran_order": False, "shape": (10**12,)})
    return buffer.getvalue() + bytes(8)


@pytest.mark.parametrize("case", list(FORGED))
def test_forged_bm25_file_is_named(built: Settings, case: str) -> None:
    """Even with a matching checksum, a file that is not a valid matrix is refused."""
    name, forge, reason = FORGED[case]
    (built.index / name).write_bytes(forge(built.index / name))
    resign(built.index, name)
    with pytest.raises(IndexCorruptError, match="malformed") as info:
        load_index(built.index)
    message = str(info.value)
    assert name in message and reason in message and "assistant index" in message


@pytest.mark.parametrize("name", ["chunks.bm25.data.npy", "windows.bm25.vocab.json"])
def test_tampered_bm25_file_fails_its_checksum(built: Settings, name: str) -> None:
    path = built.index / name
    raw = bytearray(path.read_bytes())
    raw[-2] ^= 0x01
    path.write_bytes(bytes(raw))
    with pytest.raises(IndexCorruptError, match="damaged") as info:
        store.load_index(built.index)
    assert str(built.index / name) in str(info.value)
