"""Core figures: index build time (new process, model load included) and warm ask latency.

    .venv/bin/python benchmarks/core_bench.py [--repeats 3]

Warm latency is measured with the query-embedding cache emptied before every question,
so each ask pays for a real encode; it prints median and p95 of each stage.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from assistant import Assistant, Settings
from assistant.evaluation import load_questions, percentile, run_set


def index_time(sources: Path) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "ASSISTANT_SOURCES": str(sources), "ASSISTANT_INDEX": f"{tmp}/index"}
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "assistant", "index"], env=env, check=True,
                       capture_output=True)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--questions", default="evals/gsomia.jsonl")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    builds = [index_time(Path("sources")) for _ in range(args.repeats)]
    print(f"assistant index (new process, model load included): median "
          f"{statistics.median(builds):.2f} s over {len(builds)} runs (min {min(builds):.2f})")
    bot = Assistant.load(Settings.from_env())
    questions = load_questions(Path(args.questions))
    bot.ask(questions[0].question)  # warm-up
    stages: dict[str, list[float]] = {}
    for _ in range(args.repeats):
        for q in questions:
            bot.embedder._cache.clear()
            answer = bot.ask(q.question)
            for name, ms in answer.timings_ms.items():
                stages.setdefault(name, []).append(ms)
    print(f"warm Assistant.ask over {len(questions)} questions x {args.repeats} (no query cache):")
    for name, values in stages.items():
        print(f"  {name:13s} median {statistics.median(values):7.2f} ms   "
              f"p95 {percentile(values, 95):7.2f} ms")
    summary, _ = run_set(bot, questions)
    print("quality: " + ", ".join(f"{k}={v:.3f}" for k, v in summary.items()
                                  if not k.startswith("latency")))


if __name__ == "__main__":
    main()
