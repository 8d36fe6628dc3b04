"""Faults: index builds killed with SIGKILL, damaged index files met through the CLI, and
sources edited, added and removed under a running assistant.

test_store.py already covers truncated, bit-flipped and deleted files, a broken, missing
or foreign-version manifest and a missing chunk row at the ``load_index`` level; this file
adds zero-byte files, the same faults as the command line meets them (one clean line, a
non-zero exit, no traceback), kills at random points of a real build process, and live
source changes while questions are being answered.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ARTICLE_2019, ARTICLE_2020, REAL_SOURCES, FakeEmbedder

from assistant.config import Settings
from assistant.errors import AssistantError, IndexCorruptError
from assistant.ingest.sources import fingerprint
from assistant.qa import Assistant
from assistant.store import build_index, ensure_index, index_info
from assistant.store.disk import MANIFEST, load_index, read_manifest

REPO = Path(__file__).parents[2]
TESTS = Path(__file__).parents[1]  # where conftest.py (the fake embedder) lives
INDEX_FILES = ("chunks.faiss", "sentences.faiss", "sentences.npy", "documents.jsonl",
               "chunks.jsonl", "sentences.jsonl", MANIFEST)
NEW_PARAGRAPH = ("\n\nIn a later note, the archivist Pemberton Quillfeather catalogued the "
                 "GSOMIA papers in a single blue folder.\n")
NEW_MARKER = "Pemberton Quillfeather"
DOC_2019, DOC_2020 = Path(ARTICLE_2019).stem, Path(ARTICLE_2020).stem  # document ids


def changed_sources(root: Path) -> Path:
    """A copy of the real sources with one document changed."""
    folder = root / "sources-new"
    shutil.copytree(REAL_SOURCES, folder)
    with (folder / ARTICLE_2019).open("a", encoding="utf-8") as fh:
        fh.write(NEW_PARAGRAPH)
    return folder


def check_loaded(index: Path, old_fp: dict, new_fp: dict, dimension: int) -> str:
    """Load ``index`` and answer from it; 'old' or 'new' — a mix or a crash fails the test."""
    manifest = read_manifest(index)
    data = load_index(index, manifest)  # every file's checksum must match this manifest
    texts = {d.id: d.text for d in data.documents}
    if manifest["sources"] == new_fp:
        version = "new"
        assert NEW_MARKER in texts[DOC_2019]
    else:
        assert manifest["sources"] == old_fp, "manifest from neither build"
        version = "old"
        assert NEW_MARKER not in texts[DOC_2019]
    settings = Settings(sources=REAL_SOURCES, index=index)
    bot = Assistant(settings, FakeEmbedder(dimension), data)
    answer = bot.ask("When was GSOMIA signed?")
    for c in answer.citations:
        assert texts[c.source_id][c.start:c.end] == c.quote
    return version


def reset_index(index: Path, pristine: Path) -> None:
    for stale in [index, *index.parent.glob(f".{index.name}.*")]:
        shutil.rmtree(stale, ignore_errors=True)
    shutil.copytree(pristine, index)


# --- SIGKILL during a build -----------------------------------------------------------------

DRIVER = r"""
import random, sys, time
sys.path.insert(0, sys.argv[3])
from conftest import FakeEmbedder
from assistant.store import build as pipeline
from assistant.store import disk as store
from assistant.config import Settings

write = store._write_synced
def slow_write(path, data):  # widen the window in which a kill lands mid-write
    write(path, data)
    time.sleep(random.uniform(0, 0.004))
store._write_synced = slow_write
swap = pipeline.write_index
def announced(*args, **kwargs):
    print("WRITING", flush=True)
    swap(*args, **kwargs)
    print("SWAPPED", flush=True)
pipeline.write_index = announced
from pathlib import Path
pipeline.build_index(Settings(sources=Path(sys.argv[1]), index=Path(sys.argv[2])),
                     FakeEmbedder(32))
"""


def test_sigkill_during_build_leaves_old_or_new_index(tmp_path: Path) -> None:
    """A build process killed at random points (mostly while it writes and swaps)."""
    tries = int(os.environ.get("RELIABILITY_KILL_TRIES_FAST", "24"))
    rng = random.Random(int(os.environ.get("RELIABILITY_SEED", "6")))
    new_sources = changed_sources(tmp_path)
    index = tmp_path / "index"
    build_index(Settings(sources=REAL_SOURCES, index=index), FakeEmbedder(32))
    pristine = tmp_path / "pristine"
    shutil.copytree(index, pristine)
    old_fp, new_fp = fingerprint(REAL_SOURCES), fingerprint(new_sources)
    outcomes: dict[str, int] = {"old": 0, "new": 0}
    killed_while_writing = 0
    deadline = time.monotonic() + 240
    for attempt in range(tries):
        assert time.monotonic() < deadline, "kill loop ran out of time"
        reset_index(index, pristine)
        proc = subprocess.Popen([sys.executable, "-c", DRIVER, str(new_sources), str(index),
                                 str(TESTS)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                cwd=tmp_path)
        try:
            if attempt % 4 == 0:  # anywhere in the run, start-up included
                time.sleep(rng.uniform(0, 1.5))
            else:  # somewhere in the write-and-swap stage
                line = proc.stdout.readline() if proc.stdout else b""
                if line.strip() != b"WRITING":
                    proc.wait(timeout=30)
                    err = proc.stderr.read().decode()[-2000:] if proc.stderr else ""
                    pytest.fail(f"build driver failed: {err}")
                time.sleep(rng.uniform(0, 0.03))
                killed_while_writing += proc.poll() is None
            proc.send_signal(signal.SIGKILL)
        finally:
            proc.wait(timeout=30)
            if proc.stdout:
                proc.stdout.close()
            if proc.stderr:
                proc.stderr.close()
        outcomes[check_loaded(index, old_fp, new_fp, 32)] += 1
    # The next real start picks the build up again and ends on the new index.
    settings = Settings(sources=new_sources, index=index)
    manifest = ensure_index(settings, FakeEmbedder(32))
    assert manifest["sources"] == new_fp
    print(f"\nSIGKILL during build, {tries} tries: {outcomes}, "
          f"{killed_while_writing} killed while writing")
    assert killed_while_writing >= tries // 2


@pytest.mark.slow
def test_sigkill_of_the_index_command(built_index: tuple[Settings, dict],
                                      tmp_path: Path) -> None:
    """`python -m assistant index` (the real model) killed after a random delay."""
    tries = int(os.environ.get("RELIABILITY_KILL_TRIES", "10"))
    rng = random.Random(int(os.environ.get("RELIABILITY_SEED", "6")))
    settings, _ = built_index
    new_sources = changed_sources(tmp_path)
    index = tmp_path / "index"
    old_fp, new_fp = fingerprint(REAL_SOURCES), fingerprint(new_sources)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    outcomes: dict[str, int] = {"old": 0, "new": 0}
    cache = tmp_path / ".assistant-cache"  # the embedding cache beside the index
    # Try 0 builds cold and try 1 warm (cached vectors), both to completion, timing them;
    # try 2 is killed during a cold build, the rest during warm ones (which spend their
    # time reading, chunking, writing and swapping: where a kill can do harm).
    timed = {"cold": 300.0, "warm": 300.0}
    delays = []
    for attempt in range(tries):
        reset_index(index, Path(settings.index))
        kind = "cold" if attempt in (0, 2) else "warm"
        if kind == "cold":
            shutil.rmtree(cache, ignore_errors=True)
        if attempt < 2:
            delay = timed[kind]
        elif kind == "cold":
            delay = rng.uniform(0.2, 1.0) * timed["cold"]
        else:
            delay = rng.uniform(0.05, 1.1) * timed["warm"]
        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "assistant", "index", "--sources",
                                 str(new_sources), "--index", str(index)], env=env, cwd=tmp_path,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        elapsed = time.monotonic() - started
        if attempt < 2:
            assert proc.returncode == 0, "the index command failed on its own"
            timed[kind] = elapsed
        delays.append(f"{kind} {'done' if proc.returncode == 0 else 'killed'} {elapsed:.2f}s")
        outcomes[check_loaded(index, old_fp, new_fp, 384)] += 1
    print(f"\nSIGKILL of `assistant index`, {tries} tries: {outcomes}; {delays}")
    assert outcomes["old"] > 0 or tries < 4  # some kills did land before the swap


# --- damaged files, the library and the command line ----------------------------------------

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


def _resign(index: Path, name: str) -> None:
    manifest = json.loads((index / MANIFEST).read_text())
    data = (index / name).read_bytes()
    manifest["files"][name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    (index / MANIFEST).write_text(json.dumps(manifest))


def _zero(name: str) -> Callable[[Path], None]:
    return lambda index: (index / name).write_bytes(b"")


def _drop_chunk_row(index: Path) -> None:
    path = index / "chunks.jsonl"
    path.write_bytes(b"".join(path.read_bytes().splitlines(True)[:-1]))
    _resign(index, "chunks.jsonl")


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


# --- sources changing under a running assistant ---------------------------------------------

@pytest.mark.slow
def test_source_changes_are_seen_and_refresh_swaps_while_answering(
        built_index: tuple[Settings, dict], tmp_path: Path) -> None:
    settings, _ = built_index
    sources = tmp_path / "sources"
    shutil.copytree(REAL_SOURCES, sources)
    index = tmp_path / "index"
    shutil.copytree(settings.index, index)
    bot = Assistant.load(Settings(sources=sources, index=index))
    assert bot.status().state == "fresh"
    versions = [bot.data]
    stop = threading.Event()
    errors: list[str] = []
    cites: list[tuple[str, int, int, str]] = []
    asked = [0]
    questions = ["When was GSOMIA signed?", "Why did South Korea walk out of GSOMIA?",
                 "Who catalogued the GSOMIA papers?", "What is the best banana bread?"]

    def asker(n: int) -> None:
        for i in range(5000):  # bounded; stopped by the event long before
            if stop.is_set():
                return
            try:
                answer = bot.ask(questions[(i + n) % len(questions)])
            except Exception as exc:  # any exception at all is a failure here
                errors.append(f"{type(exc).__name__}: {exc}")
                return
            asked[0] += 1
            cites.extend((c.source_id, c.start, c.end, c.quote) for c in answer.citations)

    threads = [threading.Thread(target=asker, args=(n,), daemon=True) for n in range(3)]
    for t in threads:
        t.start()
    try:
        steps: list[tuple[str, Callable[[], Any]]] = [
            ("source changed", lambda: (sources / ARTICLE_2019).open("a").write(NEW_PARAGRAPH)),
            ("source added", lambda: (sources / "added-note.txt").write_text(
                "Added note\n\nA brief added note says GSOMIA was renewed in November 2019.\n")),
            ("source removed", lambda: (sources / ARTICLE_2020).unlink()),
        ]
        for reason, change in steps:
            change()
            status = bot.status()
            assert status.state == "stale" and reason in status.reason, status
            before = asked[0]
            assert bot.refresh() is True
            versions.append(bot.data)
            assert bot.status().state == "fresh"
            assert bot.refresh() is False
            time.sleep(0.5)
            assert asked[0] > before or errors, "no question was answered around the swap"
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert not errors, errors[:3]
    assert asked[0] > 0
    print(f"\n{asked[0]} questions answered by 3 threads across 3 source changes and "
          f"refreshes, {len(cites)} citations checked, 0 errors")
    ids = {d.id for d in bot.data.documents}
    assert "added-note" in ids and DOC_2020 not in ids
    assert NEW_MARKER in {d.id: d.text for d in bot.data.documents}[DOC_2019]
    texts = [{d.id: d.text for d in data.documents} for data in versions]
    for source_id, start, end, quote in cites:  # every quote is exact in some version
        assert any(t.get(source_id, "")[start:end] == quote for t in texts), quote


def test_refresh_of_a_broken_source_keeps_answering(fast_settings: Settings,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A source that cannot be read stops the rebuild; the loaded index keeps answering."""
    import assistant.store.build as build

    monkeypatch.setattr(build, "Embedder", lambda *a, **k: FakeEmbedder())
    bot = Assistant.load(fast_settings)
    (fast_settings.sources / "broken.txt").write_bytes(b"\xff\xfe\x00bad")
    assert bot.status().state == "stale"
    with pytest.raises(AssistantError, match=r"broken\.txt"):
        bot.refresh()
    assert bot.ask("When was GSOMIA signed?").text
    assert read_manifest(fast_settings.index)["sources"] == bot.data.manifest["sources"]
    assert index_info(fast_settings, bot.embedder)["sources"] != bot.data.manifest["sources"]
