"""HTTP latency of the web chat's ``/ask`` endpoint, measured with gradio_client.

Starts ``assistant serve`` on a free localhost port (over a temporary copy of ./index,
so the repository's index is never touched), then reports:

* the time from starting ``assistant serve`` to the first answered ``/ask`` request;
* median and p95 (nearest rank) of ``/ask`` round trips for every question of the
  question set, asked one at a time.

    .venv/bin/python benchmarks/http_latency.py [--questions evals/gsomia.jsonl]
    .venv/bin/python benchmarks/http_latency.py --url http://127.0.0.1:7860/  # running app

Bounded: start-up waits at most --start-timeout seconds, each request --timeout seconds,
and only loopback addresses are accepted for --url.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[1]
FIRST_QUESTION = "When was GSOMIA signed?"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load_questions(path: Path, limit: int) -> list[str]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    return [str(r["question"]) for r in rows][:limit]


def start_server(workdir: Path) -> tuple[subprocess.Popen[bytes], str, float]:
    """Start `assistant serve` over a copy of ./index; (process, url, start time)."""
    index = workdir / "index"
    if (REPO / "index" / "manifest.json").exists():
        shutil.copytree(REPO / "index", index)
    port = free_port()
    env = {**os.environ, "ASSISTANT_INDEX": str(index),
           "ASSISTANT_SOURCES": str(REPO / "sources"), "HF_HUB_OFFLINE": "1",
           "ASSISTANT_FEEDBACK_LOG": str(workdir / "feedback.jsonl"),
           "GRADIO_TEMP_DIR": str(workdir / "gradio"), "NO_PROXY": "127.0.0.1,localhost"}
    env.pop("ASSISTANT_AUTH", None)
    command = str(Path(sys.executable).parent / "assistant")
    log = (workdir / "serve.log").open("wb")
    started = time.perf_counter()
    proc = subprocess.Popen([command, "serve", "--port", str(port)], cwd=workdir, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    return proc, f"http://127.0.0.1:{port}/", started


def first_answer(url: str, started: float, deadline_s: float,
                 proc: subprocess.Popen[bytes] | None) -> tuple[Any, float]:
    """Retry until one /ask succeeds; (client, seconds since start)."""
    from gradio_client import Client

    while time.perf_counter() - started < deadline_s:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"assistant serve exited with code {proc.returncode}")
        try:
            client = Client(url, verbose=False)
            client.predict(FIRST_QUESTION, api_name="/ask")
            return client, time.perf_counter() - started
        except Exception:  # not up yet: connection refused, 404 while mounting, ...
            time.sleep(0.1)
    raise SystemExit(f"no answer from {url} within {deadline_s:.0f} s")


def measure(client: Any, questions: Sequence[str], timeout: float) -> tuple[list[float],
                                                                             list[float]]:
    """Round-trip and server-side total milliseconds for each question, in order."""
    round_trips, server_side = [], []
    for question in questions:
        t0 = time.perf_counter()
        result = client.submit(question, api_name="/ask").result(timeout=timeout)
        round_trips.append((time.perf_counter() - t0) * 1e3)
        server_side.append(float(result["timings_ms"].get("total_ms", 0.0)))
    return round_trips, server_side


def report(startup_s: float | None, round_trips: list[float], server_side: list[float]) -> None:
    if startup_s is not None:
        print(f"serve start -> first answered /ask: {startup_s:.2f} s")
    print(f"/ask over HTTP, {len(round_trips)} questions, one at a time:")
    print(f"  median {statistics.median(round_trips):.1f} ms, p95 "
          f"{percentile(round_trips, 95):.1f} ms, min {min(round_trips):.1f} ms, "
          f"max {max(round_trips):.1f} ms")
    print(f"  of which in Assistant.ask (server total_ms): median "
          f"{statistics.median(server_side):.1f} ms, p95 {percentile(server_side, 95):.1f} ms")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--questions", type=Path, default=REPO / "evals" / "gsomia.jsonl")
    p.add_argument("--limit", type=int, default=1000, help="ask at most this many questions")
    p.add_argument("--url", help="measure an already running app (loopback only)")
    p.add_argument("--start-timeout", type=float, default=120.0)
    p.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    questions = load_questions(args.questions, args.limit)
    if args.url:
        if urlparse(args.url).hostname not in LOOPBACK:
            raise SystemExit("--url must point at this machine (127.0.0.1, localhost or ::1)")
        client, _ = first_answer(args.url, time.perf_counter(), args.start_timeout, None)
        report(None, *measure(client, questions, args.timeout))
        return 0
    with tempfile.TemporaryDirectory(prefix="gsomia-bench-") as tmp:
        proc, url, started = start_server(Path(tmp))
        try:
            client, startup_s = first_answer(url, started, args.start_timeout, proc)
            report(startup_s, *measure(client, questions, args.timeout))
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
