"""Store: when the index is stale (a source, its metadata, the chunking or the model changed,
or no index yet) it is rebuilt, with one log line saying why."""

from __future__ import annotations

import logging

import pytest
from support import SOURCES_TOML, FakeEmbedder

from assistant.config import Settings
from assistant.ingest.sources import sha256_file
from assistant.store import ensure_index
from assistant.store.disk import MANIFEST, load_index, read_manifest, staleness

STALE = {
    "changed": (lambda d: (d / "alpha.txt").write_text("New."), {}, "source changed: alpha.txt"),
    "added": (lambda d: (d / "delta.txt").write_text("Four."), {}, "source added: delta.txt"),
    "removed": (lambda d: (d / "gamma.txt").unlink(), {}, "source removed: gamma.txt"),
    "metadata": (lambda d: (d / "sources.toml").write_text(SOURCES_TOML + '["gamma.txt"]\n'),
                 {}, "source changed: sources.toml"),
    "chunking": (lambda d: None, {"chunk_words": 40}, "chunking changed"),
}


@pytest.mark.parametrize("case", list(STALE))
def test_stale_index_rebuilds_with_one_log_line(
        fast_settings: Settings, caplog: pytest.LogCaptureFixture, case: str) -> None:
    first = ensure_index(fast_settings, FakeEmbedder())
    mutate, changes, reason = STALE[case]
    mutate(fast_settings.sources)
    settings = fast_settings.replace(**changes)
    embedder = FakeEmbedder()
    with caplog.at_level(logging.INFO, logger="assistant"):
        manifest = ensure_index(settings, embedder)
    stale = [r.getMessage() for r in caplog.records if "stale" in r.getMessage()]
    assert len(stale) == 1 and reason in stale[0], caplog.text
    # Only new texts are embedded: the embedding cache holds the rest (issue 5).
    assert embedder.calls == (1 if case in ("changed", "added", "chunking") else 0)
    assert manifest != first and manifest == read_manifest(settings.index)
    data = load_index(settings.index)
    assert data.manifest["sources"] == {p.name: sha256_file(p) for p in settings.sources.iterdir()}
    caplog.clear()
    again = FakeEmbedder()
    assert ensure_index(settings, again) == manifest  # now fresh: no second rebuild
    assert again.calls == 0 and "stale" not in caplog.text


def test_model_change_makes_index_stale(fast_settings: Settings,
                                        caplog: pytest.LogCaptureFixture) -> None:
    ensure_index(fast_settings, FakeEmbedder())
    other = FakeEmbedder()
    other.model_id = "test/another-model"
    with caplog.at_level(logging.WARNING, logger="assistant"):
        manifest = ensure_index(fast_settings, other)
    assert manifest["model_id"] == "test/another-model"
    assert "model_id changed" in caplog.text and "stale" in caplog.text


def test_missing_index_is_built(fast_settings: Settings,
                                caplog: pytest.LogCaptureFixture) -> None:
    embedder = FakeEmbedder()
    with caplog.at_level(logging.INFO, logger="assistant"):
        manifest = ensure_index(fast_settings, embedder)
    assert embedder.calls == 1 and (fast_settings.index / MANIFEST).exists()
    assert manifest["counts"]["documents"] == 3
    assert "stale" not in caplog.text


def test_empty_index_folder_is_built(fast_settings: Settings) -> None:
    fast_settings.index.mkdir(parents=True)
    assert ensure_index(fast_settings, FakeEmbedder())["counts"]["documents"] == 3


def test_staleness_function() -> None:
    old = {"sources": {"a": "1", "b": "2"}, "model_id": "m", "chunking": {"target_words": 1}}
    assert staleness(old, dict(old)) is None
    new = {"sources": {"a": "9", "c": "3"}, "model_id": "m", "chunking": {"target_words": 1}}
    assert staleness(old, new) == "source added: c; source changed: a; source removed: b"
