"""``assistant bench --http``: load on the JSON API, from 1, 16 and 64 concurrent clients.

    assistant bench --http [--clients 1,16,64] [--requests 600] [--seconds 60]
                           [--soak 2000] [--workers 1,2] [--json OUT]

Starts ``assistant serve`` on a free 127.0.0.1 port over a temporary copy of the index
(and of the ONNX export beside it) and drives ``POST /api/v1/ask`` with an async
``httpx`` client: each client asks one question at a time, cycling through every
question of ``evals/gsomia.jsonl`` and ``evals/heldout.jsonl`` and every turn of
``evals/followups.jsonl`` (with the conversation's earlier questions as ``history``).
The server's query cache is off (``ASSISTANT_QUERY_CACHE=0``, unless ``--cache``), so
every request pays for a real encode, as in the in-process figure it is compared with.

First the same questions are asked in this process (``Assistant.ask``, the cache off):
their median is the 1-client baseline and their answers the reference; an HTTP answer
whose text or citations differ is counted. Every phase is bounded in requests and in
seconds, after a warm-up (``--warmup``, 200 requests at 16 clients, not reported); RSS is
the server process and its children (psutil), before and after. With
``--workers 1,2`` the first server runs every phase and the soak, the next ones the
16-client phase, for the throughput of each.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Settings
from ..evaluation.metrics import percentile

Say = Callable[[str], None]
Item = dict[str, Any]
READY = " is running at http"  # serve prints "<title> is running at <url>"
START_TIMEOUT_S = 180.0
REQUEST_TIMEOUT_S = 30.0


def add_arguments(parser: Any) -> None:
    parser.add_argument("--http", action="store_true",
                        help="instead: load on the JSON API (1/16/64 clients, a soak)")
    parser.add_argument("--clients", default="1,16,64", metavar="N,N,...",
                        help="--http: concurrent clients per phase")
    parser.add_argument("--requests", type=int, default=600, help="--http: requests per phase")
    parser.add_argument("--seconds", type=float, default=60.0, help="--http: time cap per phase")
    parser.add_argument("--soak", type=int, default=2000, help="--http: soak requests (0: none)")
    parser.add_argument("--workers", default="1,2", metavar="N,N,...",
                        help="--http: `serve --workers` values to compare at 16 clients")
    parser.add_argument("--warmup", type=int, default=200, metavar="N",
                        help="--http: requests at 16 clients before the phases, not reported")
    parser.add_argument("--cache", action="store_true",
                        help="--http: keep the server's query cache (repeats cost no encode)")


def question_items(root: Path = Path("evals")) -> list[Item]:
    """Every question of the three sets; follow-up turns carry their earlier questions."""
    items: list[Item] = []
    for name in ("gsomia.jsonl", "heldout.jsonl"):
        for line in (root / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                items.append({"question": json.loads(line)["question"], "history": []})
    for line in (root / "followups.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        asked: list[str] = []
        for turn in json.loads(line)["turns"]:
            items.append({"question": turn["question"], "history": list(asked)})
            asked.append(turn["question"])
    return items


def signature(answer: dict[str, Any]) -> str:
    """What must not differ: the answer text, abstention and citations."""
    cites = [(c["source_id"], c["start"], c["end"], c["quote"], c["marker"])
             for c in answer.get("citations", [])]
    return json.dumps([answer.get("answer"), answer.get("abstained"), cites])


def in_process(settings: Settings, items: Sequence[Item]) -> tuple[list[str], dict[str, Any]]:
    """The reference answers and the in-process ``Assistant.ask`` timings (cache off)."""
    from ..qa import Assistant

    bot = Assistant.load(settings.replace(query_cache=0))
    for item in items[:20]:  # warm-up, not counted
        bot.ask(item["question"], history=item["history"])
    times, reference = [], []
    for item in items:
        start = time.perf_counter()
        answer = bot.ask(item["question"], history=item["history"])
        times.append((time.perf_counter() - start) * 1e3)
        reference.append(signature(answer.to_json()))
    return reference, {"median_ms": round(statistics.median(times), 2),
                       "p95_ms": round(percentile(times, 95), 2), "asks": len(times)}


class Server:
    """``assistant serve`` on a free port over ``workdir``'s index copy."""

    def __init__(self, workdir: Path, sources: Path, workers: int, cache: bool,
                 extra_env: dict[str, str] | None = None) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "ASSISTANT_INDEX": str(workdir / "index"),
               "ASSISTANT_SOURCES": str(sources.resolve()), "ASSISTANT_HOST": "127.0.0.1",
               "HF_HUB_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1",
               "GRADIO_ANALYTICS_ENABLED": "False", "NO_PROXY": "127.0.0.1,localhost",
               "ASSISTANT_FEEDBACK_LOG": str(workdir / "feedback.jsonl"),
               "GRADIO_TEMP_DIR": str(workdir / "gradio")}
        if not cache:
            env["ASSISTANT_QUERY_CACHE"] = "0"
        for name in ("ASSISTANT_AUTH", "ASSISTANT_PORT", "ASSISTANT_WORKERS"):
            env.pop(name, None)
        env.update(extra_env or {})
        self.log = workdir / f"serve-{workers}.log"
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "assistant", "serve", "--port", str(self.port),
                 "--workers", str(workers)], cwd=workdir, env=env, stdout=out,
                stderr=subprocess.STDOUT)

    def wait(self) -> None:
        import httpx

        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve exited:\n{self.log.read_text()[-2000:]}")
            # Connect only once serve says it listens: until then the port is only reserved,
            # and a connection to it could reach whatever else took it meanwhile.
            printed = READY in self.log.read_text(encoding="utf-8", errors="replace")
            with contextlib.suppress(httpx.HTTPError):
                if printed and httpx.get(self.url + "/api/v1/health",
                                         timeout=2).status_code == 200:
                    return
            time.sleep(0.5)
        raise RuntimeError(f"serve did not answer within {START_TIMEOUT_S:.0f} s")

    def rss_mb(self) -> float:
        import psutil

        proc = psutil.Process(self.proc.pid)
        total = proc.memory_info().rss
        for child in proc.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += child.memory_info().rss
        return round(total / 2**20, 1)

    def cpu_s(self) -> float:
        """CPU seconds (user + system) used so far by the server and its workers."""
        import psutil

        proc = psutil.Process(self.proc.pid)
        total = sum(proc.cpu_times()[:2])
        for child in proc.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += sum(child.cpu_times()[:2])
        return total

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


@dataclass
class _Tally:
    """What one load phase saw: latencies of answered requests, statuses, differences."""

    latencies: list[float] = field(default_factory=list)
    inside: list[float] = field(default_factory=list)  # the server's share (Server-Timing)
    statuses: Counter[str] = field(default_factory=Counter)
    differing: list[str] = field(default_factory=list)
    retry_after_missing: int = 0

    def record(self, response: Any, elapsed_ms: float, question: str, expected: str) -> None:
        self.statuses[str(response.status_code)] += 1
        if response.status_code == 200:
            self.latencies.append(elapsed_ms)
            self.inside.append(_server_ms(response))
            if signature(response.json()) != expected:
                self.differing.append(question[:80])
        elif response.status_code in (429, 503) and "retry-after" not in response.headers:
            self.retry_after_missing += 1

    def summary(self, clients: int, wall: float, capped: bool) -> dict[str, Any]:
        lat, statuses = self.latencies, self.statuses
        return {"clients": clients, "requests": sum(statuses.values()), "answered": len(lat),
                "seconds": round(wall, 2), "req_per_s": round(len(lat) / wall, 1),
                "p50_ms": _pct(lat, 50), "p95_ms": _pct(lat, 95), "p99_ms": _pct(lat, 99),
                "server_p50_ms": _pct(self.inside, 50), "server_p95_ms": _pct(self.inside, 95),
                "statuses": dict(statuses),
                "errors": sum(v for k, v in statuses.items() if k != "200"),
                "overload_without_retry_after": self.retry_after_missing,
                "differing": len(self.differing), "differing_samples": self.differing[:5],
                "capped_by_time": capped}


async def _phase(url: str, items: Sequence[Item], reference: Sequence[str], clients: int,
                 requests: int, seconds: float) -> dict[str, Any]:
    import httpx

    counter = iter(range(requests))
    tally = _Tally()
    # Each simulated user has its own client and connection, as separate users do (one
    # shared pool of 64 connections costs httpx several ms of CPU per request). Idle
    # connections expire before uvicorn's 5 s keep-alive timeout closes them, so a request
    # is never sent on a connection the server is closing (a ReadError).
    limits = httpx.Limits(max_connections=1, keepalive_expiry=2.0)
    users = [httpx.AsyncClient(base_url=url, limits=limits, timeout=REQUEST_TIMEOUT_S,
                               trust_env=False) for _ in range(clients)]  # not timed

    async def one_client(client: httpx.AsyncClient) -> None:
        async with client:
            for n in counter:
                item = items[n % len(items)]
                start = time.perf_counter()
                try:
                    response = await client.post("/api/v1/ask", json=item)
                except httpx.HTTPError as exc:
                    tally.statuses[type(exc).__name__] += 1
                    continue
                elapsed = (time.perf_counter() - start) * 1e3
                tally.record(response, elapsed, item["question"], reference[n % len(items)])
                if response.status_code in (429, 503) and "retry-after" in response.headers:
                    # as a well-behaved client does (bounded: the phase has a time cap)
                    await asyncio.sleep(min(float(response.headers["retry-after"]), 1.0))

    start = time.perf_counter()
    tasks = [asyncio.ensure_future(one_client(client)) for client in users]
    _done, pending = await asyncio.wait(tasks, timeout=seconds)
    for task in pending:  # the time cap: stop, and count what was answered
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    return tally.summary(clients, time.perf_counter() - start, bool(pending))


def _server_ms(response: Any) -> float:
    """The ``app;dur=`` of the response's ``Server-Timing`` header (0 when absent)."""
    for part in response.headers.get("server-timing", "").split(";"):
        if part.startswith("dur="):
            with contextlib.suppress(ValueError):
                return float(part[4:])
    return 0.0


def _pct(values: Sequence[float], q: float) -> float | None:
    return round(percentile(list(values), q), 1) if values else None


def run_phase(server: Server, items: Sequence[Item], reference: Sequence[str], name: str,
              clients: int, requests: int, seconds: float, say: Say) -> dict[str, Any]:
    say(f"{name}: {clients} client(s), up to {requests} requests or {seconds:.0f} s")
    before, cpu, own = server.rss_mb(), server.cpu_s(), time.process_time()
    result = asyncio.run(_phase(server.url, items, reference, clients, requests, seconds))
    # CPU per answered request, server and load generator: what the figures would be on
    # an otherwise idle machine does not depend on other work sharing the cores.
    answered = max(1, result["answered"])
    return {"phase": name, **result, "rss_before_mb": before, "rss_after_mb": server.rss_mb(),
            "server_cpu_ms_per_answer": round((server.cpu_s() - cpu) * 1e3 / answered, 2),
            "client_cpu_ms_per_answer": round((time.process_time() - own) * 1e3 / answered, 2),
            "load_average_1min": round(os.getloadavg()[0], 2)}


def _workdir(settings: Settings) -> Path:
    """A temporary copy of the index and of the ONNX export beside it."""
    workdir = Path(tempfile.mkdtemp(prefix="gsomia-http-bench-"))
    index = Path(settings.index)
    if not (index / "manifest.json").exists():
        raise SystemExit(f"No index at {index}: run `assistant index` first.")
    shutil.copytree(index, workdir / "index")
    cache = index.parent / ".assistant-cache"
    if cache.is_dir():
        shutil.copytree(cache, workdir / ".assistant-cache",
                        ignore=shutil.ignore_patterns("embeddings-*"))
    return workdir


def _ints(text: str) -> list[int]:
    values = [int(v) for v in text.split(",") if v.strip()]
    if not values or min(values) < 1:
        raise SystemExit(f"expected positive numbers separated by commas, not {text!r}")
    return values


def _server_phases(server: Server, items: Sequence[Item], reference: Sequence[str], first: bool,
                   args: Any, say: Say) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """The phases run against one started server (all client counts and the soak on the
    first server; 16 clients on the others), and the soak's memory figures."""
    rss_start = server.rss_mb()
    if args.warmup:  # lazy first-use costs (a lane's tokenizer, batch shapes)
        run_phase(server, items, reference, "warm-up", 16, args.warmup, args.seconds, say)
    phases = [run_phase(server, items, reference, f"{n} clients", n, args.requests,
                        args.seconds, say) for n in (_ints(args.clients) if first else [16])]
    soak = None
    if first and args.soak:
        phase = run_phase(server, items, reference, f"soak {args.soak}", 16, args.soak,
                          max(args.seconds, args.soak / 20), say)
        phases.append(phase)
        soak = {"rss_start_mb": rss_start, "rss_before_mb": phase["rss_before_mb"],
                "rss_after_mb": phase["rss_after_mb"], "growth_pct": round(
                    (phase["rss_after_mb"] / phase["rss_before_mb"] - 1) * 100, 2)}
    return phases, soak


def run_http(settings: Settings, args: Any, say: Say) -> dict[str, Any]:
    """Every phase against a fresh server per ``--workers`` value; the report."""
    import psutil

    items = question_items()
    workdir = _workdir(settings)
    try:
        say(f"{len(items)} questions; in-process reference answers (query cache off)...")
        local = settings.replace(index=workdir / "index")
        reference, baseline = in_process(local, items)
        say(f"in-process Assistant.ask: median {baseline['median_ms']} ms")
        phases, soak = [], None
        for position, count in enumerate(_ints(args.workers)):
            server = Server(workdir, Path(settings.sources), count, args.cache)
            try:
                server.wait()
                ran, soaked = _server_phases(server, items, reference, position == 0, args, say)
                phases += [{"workers": count, **phase} for phase in ran]
                soak = soak or soaked
            finally:
                server.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    first = next((p for p in phases if p["clients"] == 1), None)
    ratio = (round(first["p50_ms"] / baseline["median_ms"], 2)
             if first and first["p50_ms"] else None)
    report = {"machine": {"cores": os.cpu_count(), "load_average": os.getloadavg(),
                          "memory_gib": round(psutil.virtual_memory().total / 2**30, 1)},
              "questions": len(items), "query_cache": bool(args.cache),
              "in_process": baseline, "one_client_p50_over_in_process": ratio,
              "phases": phases, "soak": soak}
    print_http(report)
    return report


def print_http(report: dict[str, Any]) -> None:
    head = (f"{'workers':>7} {'phase':<11}{'answered':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}"
            f"{'p99 ms':>8}  {'statuses':<22}{'differ':>7}  {'CPU ms/answer':>13}{'load':>6}"
            f"  RSS MB before→after")
    print(head)
    print("-" * len(head))
    for p in report["phases"]:
        statuses = ",".join(f"{k}:{v}" for k, v in sorted(p["statuses"].items()))
        cpu = f"{p['server_cpu_ms_per_answer']:.1f}+{p['client_cpu_ms_per_answer']:.1f}"
        print(f"{p['workers']:>7} {p['phase']:<11}{p['answered']:>9}{p['req_per_s']:>8}"
              f"{_fmt(p['p50_ms']):>8}{_fmt(p['p95_ms']):>8}{_fmt(p['p99_ms']):>8}  "
              f"{statuses:<22}{p['differing']:>7}  {cpu:>13}{p['load_average_1min']:>6.1f}  "
              f"{p['rss_before_mb']:.0f} → "
              f"{p['rss_after_mb']:.0f}" + ("  (time cap)" if p["capped_by_time"] else ""))
    base = report["in_process"]
    print(f"in-process Assistant.ask median {base['median_ms']} ms (p95 {base['p95_ms']}); "
          f"1-client p50 / in-process median = {report['one_client_p50_over_in_process']}")
    if report["soak"]:
        s = report["soak"]
        print(f"soak: RSS {s['rss_before_mb']:.0f} → {s['rss_after_mb']:.0f} MB "
              f"({s['growth_pct']:+.1f}%); since start {s['rss_start_mb']:.0f} MB")
    print("CPU ms/answer: server (all its processes) + load generator, per answered request")
    print("server p50/p95 (its Server-Timing, queue + answer): " + "; ".join(
        f"{p['workers']}w {p['phase']} {_fmt(p['server_p50_ms'])}/{_fmt(p['server_p95_ms'])} ms"
        for p in report["phases"]))
    print(f"machine: {report['machine']['cores']} cores, load average "
          f"{', '.join(f'{x:.2f}' for x in report['machine']['load_average'])}")


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"
