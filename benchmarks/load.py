"""Load test of the web chat's ``/ask`` endpoint: throughput, latency, errors and memory.

Starts ``assistant serve`` on a free localhost port (its own temporary index folder via
``ASSISTANT_INDEX``, a copy of ./index when there is one; sources = the repository's
``sources/``), then drives ``/ask`` with ``gradio_client`` from 1, 8 and 32 concurrent
clients. Every client has its own ``Client`` and asks one question at a time. The
questions mix answerable and unanswerable questions from ``evals/gsomia.jsonl``,
follow-up-style turns from ``evals/followups.jsonl`` and long (~1,900 character) questions.

For each phase it reports throughput, median and p95 latency (nearest rank), errors,
queue-full rejections and wrong answers: an answer is wrong when its text or citations
differ from the single-client answer to the same question. The server's RSS (psutil, the
server process and its children) is sampled before and after every phase. ``--soak N``
adds a phase of N requests at 8 clients and reports RSS growth over it (the requirement
is at most 10% after 2,000 requests). ``--overload N`` fires N requests at once to show
that the bounded queue refuses the excess with a clear message.

    .venv/bin/python benchmarks/load.py                       # 1, 8, 32 clients
    .venv/bin/python benchmarks/load.py --requests 400 --soak 2000 --json load.json
    .venv/bin/python benchmarks/load.py --clients 8 --requests 25 --overload 0

Bounded everywhere: each phase stops after --requests requests or --seconds seconds,
each request after --timeout seconds, start-up after --start-timeout seconds; the server
binds 127.0.0.1 only and is stopped at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

# The script's own folder, so its sibling module is found however it is loaded.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_server import (
    http_status,
    rss_bytes,
    start_server,
    thread_count,
)

REPO = Path(__file__).resolve().parents[1]
LONG_CHARS = 1900
QUEUE_FULL_MARKERS = ("queue is full", "queue_full", "queue full")


# --- questions ---------------------------------------------------------------------------

def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def long_question(seed_questions: Sequence[str], tail: str, chars: int = LONG_CHARS) -> str:
    """A question of about ``chars`` characters: earlier questions as context, then ``tail``."""
    parts: list[str] = []
    budget = chars - len(tail) - 1
    for q in seed_questions:
        if sum(len(p) + 1 for p in parts) + len(q) + 1 > budget:
            break
        parts.append(q)
    filler = " ".join(parts)
    pad = budget - len(filler) - 1
    if pad > 0:  # top up with words so the length lands near ``chars``
        filler = (filler + " " + "GSOMIA intelligence sharing context " * 80)[:budget].rstrip()
    return f"{filler} {tail}"[:2000]


def question_mix(evals: Path = REPO / "evals" / "gsomia.jsonl",
                 followups: Path = REPO / "evals" / "followups.jsonl",
                 per_kind: int = 12) -> list[tuple[str, str]]:
    """(kind, question) pairs, interleaved: answerable, unanswerable, follow-up, long."""
    rows = _jsonl(evals)
    answerable = [r["question"] for r in rows if r.get("answerable", True)]
    unanswerable = [r["question"] for r in rows if not r.get("answerable", True)]
    follow = [t["question"] for c in _jsonl(followups) for t in c["turns"][1:]]
    longs = [long_question(answerable[i + 1:] + answerable[:i], answerable[i])
             for i in range(0, min(len(answerable), per_kind * 5), 5)]
    kinds = {"answerable": answerable[:per_kind], "unanswerable": unanswerable[:per_kind],
             "follow-up": follow[:per_kind], "long": longs[:per_kind]}
    mix: list[tuple[str, str]] = []
    for i in range(max(len(v) for v in kinds.values())):
        for kind, questions in kinds.items():
            if i < len(questions):
                mix.append((kind, questions[i]))
    return mix


def signature(result: dict[str, Any]) -> str:
    """What must not change under load: the answer text and its citations."""
    cites = [(c["source_id"], c["start"], c["end"], c["quote"], c["marker"])
             for c in result.get("citations", [])]
    return json.dumps([result.get("answer"), result.get("abstained"), cites], sort_keys=True)


# --- phases ------------------------------------------------------------------------------

def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


@dataclass
class Phase:
    name: str
    clients: int
    requests: int = 0
    seconds: float = 0.0
    throughput_rps: float = 0.0
    p50_ms: float = float("nan")
    p95_ms: float = float("nan")
    errors: int = 0
    queue_full: int = 0
    wrong: int = 0
    rss_before_mb: float = 0.0
    rss_after_mb: float = 0.0
    threads_after: int = 0
    error_samples: list[str] = field(default_factory=list)
    wrong_samples: list[str] = field(default_factory=list)


def is_queue_full(message: str) -> bool:
    low = message.lower()
    return any(marker in low for marker in QUEUE_FULL_MARKERS)


def make_client(url: str) -> Any:
    from gradio_client import Client

    return Client(url, verbose=False, download_files=False, analytics_enabled=False)


def ask_once(client: Any, question: str, timeout: float) -> dict[str, Any]:
    job = client.submit(question, api_name="/ask")
    return job.result(timeout=timeout)


def baseline(url: str, questions: Sequence[str], timeout: float = 60.0) -> dict[str, str]:
    """The single-client answer signature of every distinct question."""
    client = make_client(url)
    return {q: signature(ask_once(client, q, timeout)) for q in dict.fromkeys(questions)}


def run_phase(url: str, mix: Sequence[tuple[str, str]], clients: int, requests: int,
              seconds: float, reference: dict[str, str], pid: int | None = None,
              timeout: float = 60.0, name: str = "") -> Phase:
    """``requests`` requests from ``clients`` threads, stopping early after ``seconds``."""
    phase = Phase(name or f"{clients} clients", clients)
    if pid is not None:
        phase.rss_before_mb = rss_bytes(pid) / 2**20
    lock = threading.Lock()
    counter = iter(range(requests))
    latencies: list[float] = []
    built = [make_client(url) for _ in range(clients)]  # not timed: connection set-up
    start = time.perf_counter()
    deadline = start + seconds

    def take() -> int | None:
        with lock:
            return next(counter, None)

    def worker(client: Any) -> None:
        while time.perf_counter() < deadline:
            n = take()
            if n is None:
                return
            question = mix[n % len(mix)][1]
            t0 = time.perf_counter()
            try:
                result = ask_once(client, question, timeout)
            except Exception as exc:  # everything a client can meet counts as an error
                message = f"{type(exc).__name__}: {exc}"
                with lock:
                    if is_queue_full(message):
                        phase.queue_full += 1
                    else:
                        phase.errors += 1
                        if len(phase.error_samples) < 5:
                            phase.error_samples.append(message[:300])
                continue
            elapsed = (time.perf_counter() - t0) * 1e3
            with lock:
                latencies.append(elapsed)
                phase.requests += 1
                expected = reference.get(question)
                if expected is not None and signature(result) != expected:
                    phase.wrong += 1
                    if len(phase.wrong_samples) < 5:
                        phase.wrong_samples.append(question[:120])

    threads = [threading.Thread(target=worker, args=(c,), daemon=True) for c in built]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.perf_counter()) + timeout + 5)
    phase.seconds = time.perf_counter() - start
    phase.throughput_rps = phase.requests / phase.seconds if phase.seconds else 0.0
    if latencies:
        phase.p50_ms = statistics.median(latencies)
        phase.p95_ms = percentile(latencies, 95)
    if pid is not None:
        phase.rss_after_mb = rss_bytes(pid) / 2**20
        phase.threads_after = thread_count(pid)
    for c in built:
        close = getattr(c, "close", None)
        if callable(close):
            with contextlib.suppress(Exception):  # best effort: closing changes nothing
                close()
    return phase


def overload(url: str, question: str, burst: int, timeout: float = 60.0) -> dict[str, Any]:
    """Fire ``burst`` requests at once (plain HTTP) and count answered and refused ones."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    outcome: dict[str, Any] = {"burst": burst, "answered": 0, "queue_full": 0, "errors": 0,
                               "messages": []}
    lock = threading.Lock()

    def one() -> None:
        body = json.dumps({"data": [question, None, None]}).encode()
        request = urllib.request.Request(url + "gradio_api/call/ask", data=body,
                                         headers={"Content-Type": "application/json"})
        try:
            with opener.open(request, timeout=timeout) as response:
                event_id = json.loads(response.read())["event_id"]
            with opener.open(url + f"gradio_api/call/ask/{event_id}", timeout=timeout) as r:
                stream = r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:  # 503 "Queue is full" arrives here
            stream = f"event: error\ndata: HTTP {exc.code}: " + exc.read(500).decode(
                "utf-8", "replace")
        except Exception as exc:  # a refused connection is an error, not a rejection
            stream = f"event: error\ndata: {type(exc).__name__}: {exc}"
        with lock:
            if "event: complete" in stream:
                outcome["answered"] += 1
            elif is_queue_full(stream):
                outcome["queue_full"] += 1
                if len(outcome["messages"]) < 1:
                    outcome["messages"].append(stream.strip()[-200:])
            else:
                outcome["errors"] += 1
                if len(outcome["messages"]) < 3:
                    outcome["messages"].append(stream.strip()[-200:])

    threads = [threading.Thread(target=one, daemon=True) for _ in range(burst)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout + 5)
    return outcome


# --- report ------------------------------------------------------------------------------

def table(phases: Sequence[Phase]) -> str:
    head = (f"{'phase':<16}{'clients':>8}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}"
            f"{'errors':>7}{'q-full':>7}{'wrong':>6}{'RSS MB before→after':>22}")
    lines = [head, "-" * len(head)]
    for p in phases:
        rss = f"{p.rss_before_mb:.0f} → {p.rss_after_mb:.0f}"
        lines.append(f"{p.name:<16}{p.clients:>8}{p.requests:>9}{p.throughput_rps:>8.1f}"
                     f"{p.p50_ms:>9.0f}{p.p95_ms:>9.0f}{p.errors:>7}{p.queue_full:>7}"
                     f"{p.wrong:>6}{rss:>22}")
    return "\n".join(lines)


def run(url: str, pid: int | None, clients: Sequence[int], requests: int, seconds: float,
        soak: int, burst: int, timeout: float,
        say: Callable[[str], None] = print) -> dict[str, Any]:
    mix = question_mix()
    questions = [q for _, q in mix]
    rss_start = rss_bytes(pid) / 2**20 if pid else None
    say(f"{len(questions)} questions: " + ", ".join(
        f"{k} {sum(1 for kk, _ in mix if kk == k)}" for k in dict.fromkeys(k for k, _ in mix)))
    reference = baseline(url, questions, timeout)
    phases = []
    for n in clients:
        say(f"phase: {n} client(s), up to {requests} requests / {seconds:.0f} s")
        phases.append(run_phase(url, mix, n, requests, seconds, reference, pid, timeout))
    soak_report = None
    if soak:
        say(f"soak: {soak} requests at 8 clients")
        phase = run_phase(url, mix, 8, soak, max(seconds, soak / 2), reference, pid, timeout,
                          name=f"soak {soak}")
        phases.append(phase)
        growth = (phase.rss_after_mb / phase.rss_before_mb - 1) * 100 if pid else None
        soak_report = {"requests": phase.requests, "rss_before_mb": phase.rss_before_mb,
                       "rss_after_mb": phase.rss_after_mb, "growth_pct": growth}
    burst_report = overload(url, questions[0], burst, timeout) if burst else None
    alive = http_status(url) == 200
    return {
        "url": url,
        "questions": len(questions),
        "rss_start_mb": rss_start,
        "rss_end_mb": rss_bytes(pid) / 2**20 if pid else None,
        "phases": [asdict(p) for p in phases],
        "soak": soak_report,
        "overload": burst_report,
        "alive_after": alive,
        "table": table(phases),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="1,8,32", help="comma-separated client counts")
    parser.add_argument("--requests", type=int, default=200, help="requests per phase")
    parser.add_argument("--seconds", type=float, default=120.0, help="time cap per phase")
    parser.add_argument("--soak", type=int, default=0, metavar="N",
                        help="add an RSS-growth phase of N requests at 8 clients (e.g. 2000)")
    parser.add_argument("--overload", type=int, default=96, metavar="N",
                        help="fire N requests at once to exercise the queue bound (0: skip)")
    parser.add_argument("--timeout", type=float, default=60.0, help="per-request timeout")
    parser.add_argument("--start-timeout", type=float, default=180.0)
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the report")
    args = parser.parse_args(argv)
    clients = [int(c) for c in args.clients.split(",") if c.strip()]
    if not clients or min(clients) < 1 or args.requests < 1:
        parser.error("--clients and --requests must be positive")

    server = start_server(start_timeout=args.start_timeout)
    try:
        print(f"server {server.url} (pid {server.proc.pid})", flush=True)
        report = run(server.url, server.proc.pid, clients, args.requests, args.seconds,
                     args.soak, args.overload, args.timeout,
                     say=lambda m: print(m, flush=True))
    finally:
        server.stop()
    print(report["table"])
    if report["soak"]:
        s = report["soak"]
        print(f"soak: RSS {s['rss_before_mb']:.0f} → {s['rss_after_mb']:.0f} MB "
              f"({s['growth_pct']:+.1f}%) over {s['requests']} requests")
    if report["overload"]:
        o = report["overload"]
        print(f"overload: {o['burst']} at once → {o['answered']} answered, "
              f"{o['queue_full']} refused (queue full), {o['errors']} other errors")
        for m in o["messages"]:
            print(f"  {m}")
    for p in report["phases"]:
        for s in p["error_samples"] + p["wrong_samples"]:
            print(f"  {p['name']}: {s}")
    print(f"server still answering afterwards: {report['alive_after']}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    failed = any(p["errors"] or p["wrong"] for p in report["phases"])
    return 1 if failed or not report["alive_after"] else 0


if __name__ == "__main__":
    sys.exit(main())
