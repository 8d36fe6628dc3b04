"""``assistant bench --http``: its question set and one small end-to-end run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import REPO

from assistant.cli.http_bench import question_items, signature


def test_questions_cover_the_three_sets_and_follow_ups_carry_history() -> None:
    items = question_items(REPO / "evals")
    assert len(items) == 128 + 40 + 60
    follow = [i for i in items if i["history"]]
    assert follow and all(isinstance(q, str) for i in follow for q in i["history"])
    assert items[-1]["history"][-1] != items[-1]["question"]


def test_signature_ignores_timings_but_not_citations() -> None:
    cite = {"source_id": "a", "start": 1, "end": 5, "quote": "abcd", "marker": 1}
    one = {"answer": "x [1]", "abstained": False, "citations": [cite], "timings_ms": {"t": 1}}
    assert signature(one) == signature({**one, "timings_ms": {"t": 9}})
    assert signature(one) != signature({**one, "citations": [{**cite, "end": 6}]})


@pytest.mark.slow
def test_a_small_http_bench_run_reports_every_phase(built_index: tuple, tmp_path: Path) -> None:
    settings, _ = built_index
    out = tmp_path / "load.json"
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "bench", "--http", "--clients", "1,4",
         "--requests", "12", "--seconds", "60", "--soak", "16", "--workers", "1", "--warmup", "8",
         "--json", str(out)], cwd=REPO, capture_output=True, text=True, timeout=600,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "NO_PROXY": "127.0.0.1",
             "ASSISTANT_SOURCES": str(settings.sources), "ASSISTANT_INDEX": str(settings.index)})
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(out.read_text())
    assert [p["phase"] for p in report["phases"]] == ["1 clients", "4 clients", "soak 16"]
    for phase in report["phases"]:
        assert phase["statuses"] == {"200": phase["requests"]}, phase
        assert phase["differing"] == 0 and phase["p50_ms"] > 0
    assert report["soak"]["rss_after_mb"] > 0 and report["in_process"]["median_ms"] > 0
    assert "1-client p50 / in-process median" in proc.stdout
