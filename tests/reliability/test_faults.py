"""Faults: index builds killed with SIGKILL, and sources edited, added and removed under a
running assistant (damaged index files met through the CLI are in test_damaged_index.py).

Build processes and incremental adds are killed at each named step (the
``ASSISTANT_TEST_KILL_AT`` test hook, see assistant/store/crashpoints.py: no timers, no
races), and sources change while questions are being answered.
"""

from __future__ import annotations

import os
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
from servers import copy_index
from support import ARTICLE_2019, ARTICLE_2020, REAL_SOURCES, FakeEmbedder

from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.evaluation.metrics import contains_any
from assistant.ingest.sources import fingerprint
from assistant.qa import Assistant
from assistant.store import build_index, ensure_index, index_info
from assistant.store.crashpoints import ENV as KILL_AT
from assistant.store.disk import MANIFEST, load_index, read_manifest

TESTS = Path(__file__).parents[1]  # where support.py (the fake embedder) lives
NEW_PARAGRAPH = ("\n\nIn a later note, the archivist Pemberton Quillfeather catalogued the "
                 "GSOMIA papers in a single blue folder.\n")
NEW_MARKER = "Pemberton Quillfeather"
DOC_2019, DOC_2020 = Path(ARTICLE_2019).stem, Path(ARTICLE_2020).stem  # document ids
SIGNED = ("November 2016", "2016")  # accepted answers of q043, "When was GSOMIA signed?"


def changed_sources(root: Path) -> Path:
    """A copy of the real sources with one document changed."""
    folder = root / "sources-new"
    shutil.copytree(REAL_SOURCES, folder)
    with (folder / ARTICLE_2019).open("a", encoding="utf-8") as fh:
        fh.write(NEW_PARAGRAPH)
    return folder


def check_loaded(index: Path, old_fp: dict, new_fp: dict, embedder: Any) -> str:
    """Load ``index`` and answer from it; 'old' or 'new' (a mix or a crash fails the test).

    Every file's checksum must match the manifest, the documents must be the manifest's
    sources, and every citation must point at its quote. With the real embedder (an index
    built by the real model) the answers are checked too, in dense mode, where they rest
    on the stored vectors alone: the signing date, and the new paragraph's archivist
    exactly when the new sources are in.
    """
    manifest = read_manifest(index)
    data = load_index(index, manifest)
    texts = {d.id: d.text for d in data.documents}
    version = "new" if manifest["sources"] == new_fp else "old"
    assert manifest["sources"] == (new_fp if version == "new" else old_fp), "neither build"
    assert (NEW_MARKER in texts[DOC_2019]) == (version == "new")
    bot = Assistant(Settings(sources=REAL_SOURCES, index=index), embedder, data)
    mode = "hybrid" if isinstance(embedder, FakeEmbedder) else "dense"
    signed = bot.ask("When was GSOMIA signed?", mode=mode)
    archivist = bot.ask("Who catalogued the GSOMIA papers in a single blue folder?", mode=mode)
    for c in signed.citations + archivist.citations:
        assert texts[c.source_id][c.start:c.end] == c.quote
    if not isinstance(embedder, FakeEmbedder):  # hashed vectors answer nothing sensible
        assert not signed.abstained and contains_any(signed.text, SIGNED), signed.text
        assert (NEW_MARKER in archivist.text) == (version == "new"), archivist.text
    return version


def reset_index(index: Path, pristine: Path) -> None:
    for stale in [index, *index.parent.glob(f".{index.name}.*")]:
        shutil.rmtree(stale, ignore_errors=True)
    shutil.copytree(pristine, index)


def killed_at(point: str, command: list[str], cwd: Path, timeout: float = 300) -> None:
    """Run a build command with the kill hook at ``point``; it must die there by SIGKILL."""
    env = {**os.environ, KILL_AT: point}
    run = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                         timeout=timeout)
    assert run.returncode == -signal.SIGKILL, (point, run.returncode, run.stderr[-2000:])


# --- SIGKILL at every step of a build ---------------------------------------------------------

DRIVER = r"""
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from support import FakeEmbedder
from assistant.config import Settings
from assistant.store import build_index
build_index(Settings(sources=Path(sys.argv[1]), index=Path(sys.argv[2])), FakeEmbedder(32))
"""

# Where a build is killed, and which index must load afterwards: the old one until the
# new one is swapped in. Every file write is a point; these are the first, a middle and
# the last (the manifest).
KILLS = [("sources read", "old"), ("cache half-written", "old"), ("embedded", "old"),
         ("wrote chunks.faiss", "old"), ("wrote documents.jsonl", "old"),
         (f"wrote {MANIFEST}", "old"), ("files synced", "old"), ("swapped", "new")]


@pytest.mark.slow  # spawns a build process per kill point
def test_sigkill_at_each_step_of_a_build_leaves_old_or_new_index(tmp_path: Path) -> None:
    """A build process (real build code, fake embedder) killed at each named step."""
    new_sources = changed_sources(tmp_path)
    index = tmp_path / "index"
    build_index(Settings(sources=REAL_SOURCES, index=index), FakeEmbedder(32))
    pristine = tmp_path / "pristine"
    shutil.copytree(index, pristine)
    old_fp, new_fp = fingerprint(REAL_SOURCES), fingerprint(new_sources)
    command = [sys.executable, "-c", DRIVER, str(new_sources), str(index), str(TESTS)]
    for point, expected in KILLS:
        reset_index(index, pristine)
        killed_at(point, command, tmp_path)
        assert check_loaded(index, old_fp, new_fp, FakeEmbedder(32)) == expected, point
    # The next real start picks the build up again and ends on the new index.
    manifest = ensure_index(Settings(sources=new_sources, index=index), FakeEmbedder(32))
    assert manifest["sources"] == new_fp


@pytest.mark.slow
def test_sigkill_of_the_index_command(built_index: tuple[Settings, dict],
                                      tmp_path: Path) -> None:
    """`python -m assistant index` (the real model) killed at the steps that matter."""
    from assistant.store import make_embedder

    settings, _ = built_index
    new_sources = changed_sources(tmp_path)
    index = copy_index(settings.index, tmp_path)  # with its ONNX export and vector cache
    cache = tmp_path / ".assistant-cache"
    old_fp, new_fp = fingerprint(REAL_SOURCES), fingerprint(new_sources)
    embedder = make_embedder(Settings(sources=REAL_SOURCES, index=index))
    command = [sys.executable, "-m", "assistant", "index", "--sources", str(new_sources),
               "--index", str(index)]
    for point, expected in [("sources read", "old"), ("cache half-written", "old"),
                            ("embedded", "old"), (f"wrote {MANIFEST}", "old"),
                            ("swapped", "new")]:
        reset_index(index, settings.index)
        for cached in cache.glob("embeddings-*"):  # cold: the new vectors are computed
            cached.unlink()
        killed_at(point, command, tmp_path)
        assert check_loaded(index, old_fp, new_fp, embedder) == expected, point
    reset_index(index, settings.index)
    run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]  # and after all that, a clean build
    assert check_loaded(index, old_fp, new_fp, embedder) == "new"


# --- SIGKILL during an incremental add ---------------------------------------------------------

ADD_DRIVER = r"""
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from support import FakeEmbedder
from assistant.config import Settings
from assistant.library import Library, Upload
settings = Settings(sources=Path(sys.argv[1]), index=Path(sys.argv[2]))
upload = Path(sys.argv[4])
Library(settings, FakeEmbedder(32)).add(Upload(upload.name, upload.read_bytes()))
"""

ADDED = ("Ferry note\n\nThe archivist Pemberton Quillfeather said the island ferry will sail "
         "twice a day from May, after the harbour board approved the timetable.\n")
# Where the add is killed; the folder holds the new file from "library files written" on,
# the index is the old one until the new one is swapped in.
ADD_KILLS = [("library staged", "old", False), ("library files written", "old", True),
             ("sources read", "old", True), ("embedded", "old", True),
             ("wrote chunks.faiss", "old", True), (f"wrote {MANIFEST}", "old", True),
             ("files synced", "old", True), ("swapped", "new", True)]


def index_version(index: Path, old_fp: dict, new_fp: dict) -> str:
    """'old' or 'new': every file checked against the manifest, the documents those of
    its sources, every citation at its quote; a mix of the two fails."""
    manifest = read_manifest(index)
    data = load_index(index, manifest)
    ids = {d.id for d in data.documents}
    assert manifest["sources"] in (old_fp, new_fp), "neither the old nor the new index"
    version = "old" if manifest["sources"] == old_fp else "new"
    assert ("ferry-note" in ids) == (version == "new")
    assert {c.doc_id for c in data.chunks} == ids == {s.doc_id for s in data.sentences}
    bot = Assistant(Settings(sources=REAL_SOURCES, index=index), FakeEmbedder(32), data)
    for c in bot.ask("Who said the island ferry will sail twice a day?").citations:
        assert next(d for d in data.documents if d.id == c.source_id).text[c.start:c.end] \
            == c.quote
    return version


@pytest.mark.slow  # spawns a process per kill point
def test_sigkill_during_an_incremental_add_leaves_old_or_new(tmp_path: Path) -> None:
    """`Library.add` (real library and index code, fake embedder) killed at each step: the
    index is the old one or the new one, never a mix, and the next start (a load) brings
    it in step with the folder, which holds the new file from the moment it was written."""
    sources, index = tmp_path / "sources", tmp_path / "index"
    shutil.copytree(REAL_SOURCES, sources)
    build_index(Settings(sources=sources, index=index), FakeEmbedder(32))
    pristine_index, pristine_sources = tmp_path / "pristine", tmp_path / "pristine-sources"
    shutil.copytree(index, pristine_index)
    shutil.copytree(sources, pristine_sources)
    upload = tmp_path / "ferry note.txt"
    upload.write_text(ADDED, encoding="utf-8")
    old_fp = fingerprint(sources)
    command = [sys.executable, "-c", ADD_DRIVER, str(sources), str(index), str(TESTS),
               str(upload)]
    for point, expected, in_folder in ADD_KILLS:
        reset_index(index, pristine_index)
        shutil.rmtree(sources)
        shutil.copytree(pristine_sources, sources)
        killed_at(point, command, tmp_path)
        assert (sources / "ferry-note.txt").exists() == in_folder, point
        new_fp = fingerprint(sources)
        assert index_version(index, old_fp, new_fp) == expected, point
        settings = Settings(sources=sources, index=index)
        manifest = ensure_index(settings, FakeEmbedder(32))  # what the next start does
        assert manifest["sources"] == fingerprint(sources), point
        assert index_version(index, old_fp, fingerprint(sources)) == (
            "new" if in_folder else "old"), point
    # A staged upload left by a kill is never indexed, and the next change clears it.
    reset_index(index, pristine_index)
    shutil.rmtree(sources)
    shutil.copytree(pristine_sources, sources)
    killed_at("library staged", command, tmp_path)
    assert any((sources / ".staging").glob("*/ferry-note.txt"))
    run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert not (sources / ".staging").exists() or not any((sources / ".staging").iterdir())
    assert index_version(index, old_fp, fingerprint(sources)) == "new"


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
            assert bot.refresh() is True
            before = asked[0]  # counted after the swap: answers from the new index follow
            versions.append(bot.data)
            assert bot.status().state == "fresh"
            assert bot.refresh() is False
            deadline = time.monotonic() + 60  # a bounded wait, not a speed floor
            while asked[0] <= before and not errors and time.monotonic() < deadline:
                time.sleep(0.05)
            assert asked[0] > before or errors, "no question was answered around the swap"
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "an asking thread hung"
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
