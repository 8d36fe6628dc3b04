"""``assistant bench``: the command, its statistics, and start-up without heavy imports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from servers import copy_index
from support import REPO

from assistant.cli.bench import (
    SERVER_STAGES,
    cold_ask,
    ratio_to_torch,
    serve_figures,
    stats,
    warm_ask,
)


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None,
        python_args: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *python_args, "-m", "assistant", *args], cwd=cwd,
                          env={**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})},
                          capture_output=True, text=True, timeout=300)


def imported_top_level(stderr: str) -> set[str]:
    """Top-level packages -X importtime saw imported. An attempt that took no time at all
    (under 50 us, cumulative) found the module blocked in sys.modules, as spaCy's import
    blocks torch for thinc: an attempt, not an import."""
    out = set()
    for line in stderr.splitlines():
        if line.startswith("import time:"):
            _self, cumulative, name = (part.strip() for part in line[12:].split("|"))
            if cumulative.isdigit() and int(cumulative) >= 50:
                out.add(name.split(".")[0])
    return out


def test_stats_median_and_p95() -> None:
    assert stats([1, 2, 3, 4, 100]) == {"median": 3, "p95": 100, "runs": 5}
    assert stats([float(i) for i in range(1, 101)])["p95"] == 95


class _Timed:
    """A stand-in for the model and the assistant that log which one ran, in order."""

    def __init__(self, log: list[str]) -> None:
        self.log, self.model, self.embedder = log, self, self

    def encode(self, texts: list[str], **_: object) -> None:
        self.log.append("torch")

    def ask(self, question: str) -> None:
        self.log.append("ask")

    def clear_cache(self) -> None:
        pass


def test_the_ratio_is_timed_in_blocks_and_two_other_ways() -> None:
    log: list[str] = []
    result = ratio_to_torch(_Timed(log), [f"q{i}" for i in range(32)])
    blocked = log[:64]  # 16 of one kind, then 16 of the other, twice
    assert blocked == (["torch"] * 16 + ["ask"] * 16) * 2
    assert result["plain_torch_encode_ms"]["runs"] == result["warm_ask_ms"]["runs"] == 30
    assert log[64:64 + 4] == ["torch", "ask", "torch", "ask"]  # after_idle, call by call
    assert len(log) == 64 + 2 * 32 + 2 * 32
    for way in ("after_idle", "interleaved"):
        assert set(result[way]) == {"plain_torch_encode_ms", "warm_ask_ms", "ratio_median"}


def test_bench_help(tmp_path: Path) -> None:
    proc = run(["bench", "--help"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    for flag in ("--json", "--quick", "--scale", "--backends", "--hnsw-m", "--ef-construction"):
        assert flag in proc.stdout
    assert "bench" in run(["--help"], tmp_path).stdout


def test_bench_bad_hnsw_setting_is_a_usage_error(tmp_path: Path) -> None:
    proc = run(["bench", "--scale", "1000", "--hnsw-m", "0"], tmp_path)
    assert proc.returncode == 2 and "--hnsw-m" in proc.stderr and "at least 1" in proc.stderr


def test_bench_bad_scale_is_a_usage_error(tmp_path: Path) -> None:
    proc = run(["bench", "--scale", "ten"], tmp_path)
    assert proc.returncode == 2 and "is not a size" in proc.stderr


@pytest.mark.slow
def test_ask_imports_neither_gradio_nor_torch_nor_mcp(built_index: tuple, tmp_path: Path,
                                                      ) -> None:
    settings, _ = built_index
    env = {"ASSISTANT_INDEX": str(settings.index), "ASSISTANT_SOURCES": str(settings.sources)}
    proc = run(["ask", "When was GSOMIA signed?"], tmp_path, env, ("-X", "importtime"))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "2016" in proc.stdout
    imported = imported_top_level(proc.stderr)
    assert "faiss" in imported  # the measurement works
    assert not imported & {"gradio", "torch", "sentence_transformers", "transformers", "mcp",
                           "mcp_types"}


@pytest.mark.slow
def test_cold_ask_and_warm_ask(built_index: tuple) -> None:
    from assistant.qa import Assistant

    settings, _ = built_index
    cold = cold_ask(settings, settings.index, runs=1)
    assert cold["runs"] == 1 and cold["median"] == cold["p95"] > 0  # one process timed
    bot = Assistant.load(settings)
    questions = ["When was GSOMIA signed?", "Why did Seoul threaten to end the pact?"]
    calls = []
    clear = bot.embedder.clear_cache
    bot.embedder.clear_cache = lambda: (calls.append(1), clear())[-1]
    warm = warm_ask(bot, questions, repeats=2)
    assert len(calls) == 4  # the query cache is emptied before every question
    stages = {"analyse_ms", "embed_wait_ms", "embed_ms", "dense_ms", "bm25_ms", "fusion_ms",
              "retrieval_ms", "answer_ms", "total_ms"}
    assert set(warm) == stages  # every stage of Answer.timings_ms, each over the 4 asks
    assert all(warm[stage]["runs"] == 4 for stage in stages)
    assert warm["total_ms"]["median"] <= warm["total_ms"]["p95"]


@pytest.mark.slow
def test_serve_figures_report_the_first_new_answer_beside_later_ones(
        built_index: tuple, tmp_path: Path) -> None:
    """The first-answer comparison lives in `assistant bench`, which prints it."""
    settings, _ = built_index
    index = copy_index(settings.index, tmp_path)
    questions = ["How much notice is needed to walk out of GSOMIA?", "What is TISA?",
                 "Are South Korea's other similar agreements active?"]
    figures = serve_figures(settings.replace(index=index), index, tmp_path, questions)
    assert figures["http_ask_ms"]["runs"] == 3 and figures["start_to_first_answer_s"] > 0
    assert set(figures["first_new_ask_server_ms"]) == set(SERVER_STAGES)
    assert {s: v["runs"] for s, v in figures["later_ask_server_ms"].items()} == {
        s: 2 for s in SERVER_STAGES}
    assert figures["peak_rss_mib"] > 0


def test_repo_makefile_has_bench() -> None:
    assert "assistant bench" in (REPO / "Makefile").read_text()
