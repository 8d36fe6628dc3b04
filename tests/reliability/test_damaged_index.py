"""Damaged index files as the library and the command line meet them: zero-byte files, a
broken manifest, a missing chunk row, flipped and truncated files; one clean line naming
the file, a non-zero exit, no traceback (test_disk.py covers the same at the
``load_index`` level)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from support import REAL_SOURCES, FakeEmbedder, resign

from assistant.config import Settings
from assistant.errors import IndexCorruptError
from assistant.store import build_index, ensure_index
from assistant.store.disk import MANIFEST, load_index

INDEX_FILES = ("chunks.faiss", "sentences.faiss", "sentences.npy", "documents.jsonl",
               "chunks.jsonl", "sentences.jsonl", MANIFEST)


@pytest.mark.parametrize("name", INDEX_FILES)
def test_zero_byte_file_is_named(fast_settings: Settings, name: str) -> None:
    build_index(fast_settings, FakeEmbedder())
    (fast_settings.index / name).write_bytes(b"")
    with pytest.raises(IndexCorruptError) as info:
        load_index(fast_settings.index)
    assert name in str(info.value) and "assistant index" in str(info.value)


def test_zero_byte_manifest_stops_ensure_index(fast_settings: Settings) -> None:
    """A damaged manifest is reported, never silently replaced by an empty index."""
    build_index(fast_settings, FakeEmbedder())
    (fast_settings.index / MANIFEST).write_bytes(b"")
    with pytest.raises(IndexCorruptError, match="not valid JSON"):
        ensure_index(fast_settings, FakeEmbedder())


def _zero(name: str) -> Callable[[Path], None]:
    return lambda index: (index / name).write_bytes(b"")


def _drop_chunk_row(index: Path) -> None:
    path = index / "chunks.jsonl"
    path.write_bytes(b"".join(path.read_bytes().splitlines(True)[:-1]))
    resign(index, "chunks.jsonl")


def _flip(name: str) -> Callable[[Path], None]:
    def flip(index: Path) -> None:
        data = bytearray((index / name).read_bytes())
        data[len(data) // 2] ^= 0x40
        (index / name).write_bytes(bytes(data))
    return flip


def _truncate(name: str) -> Callable[[Path], None]:
    def truncate(index: Path) -> None:
        data = (index / name).read_bytes()
        (index / name).write_bytes(data[: len(data) // 3])
    return truncate


def _version(index: Path) -> None:
    manifest = json.loads((index / MANIFEST).read_text())
    manifest["format_version"] = 99
    (index / MANIFEST).write_text(json.dumps(manifest))


CLI_FAULTS: dict[str, tuple[Callable[[Path], None], str]] = {
    **{f"{name} zero bytes": (_zero(name), name) for name in INDEX_FILES},
    "chunks.faiss bit-flipped": (_flip("chunks.faiss"), "chunks.faiss"),
    "sentences.npy truncated": (_truncate("sentences.npy"), "sentences.npy"),
    "chunk BM25 scores zero bytes": (_zero("chunks.bm25.data.npy"), "chunks.bm25.data.npy"),
    "window BM25 terms bit-flipped": (_flip("windows.bm25.vocab.json"),
                                      "windows.bm25.vocab.json"),
    "documents.jsonl deleted": (lambda i: (i / "documents.jsonl").unlink(), "documents.jsonl"),
    "manifest deleted": (lambda i: (i / MANIFEST).unlink(), MANIFEST),
    "manifest malformed": (lambda i: (i / MANIFEST).write_text("{nope"), MANIFEST),
    "manifest of another version": (_version, MANIFEST),
    "chunk row missing": (_drop_chunk_row, "chunks"),
}


@pytest.mark.slow
@pytest.mark.parametrize("fault", list(CLI_FAULTS))
def test_cli_reports_a_damaged_index_in_one_line(built_index: tuple[Settings, dict],
                                                 tmp_path: Path, fault: str) -> None:
    settings, _ = built_index
    damage, named = CLI_FAULTS[fault]
    index = tmp_path / "index"
    shutil.copytree(settings.index, index)
    damage(index)
    before = {p.name: p.read_bytes() for p in index.iterdir()}
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "ASSISTANT_INDEX": str(index), "ASSISTANT_SOURCES": str(REAL_SOURCES)}
    run = subprocess.run([sys.executable, "-m", "assistant", "ask", "--json",
                          "When was GSOMIA signed?"], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=180)
    assert run.returncode == 1, (run.returncode, run.stderr[-2000:])
    assert run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr[-2000:]
    assert named in lines[0] and "assistant index" in lines[0]
    assert "Traceback" not in run.stderr
    assert {p.name: p.read_bytes() for p in index.iterdir()} == before  # nothing overwritten
