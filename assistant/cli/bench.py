"""``assistant bench``: the performance figures of issue 5, measured on this machine.

    assistant bench [--json OUT] [--quick]        start-up, warm ask, indexing, memory
    assistant bench --backends torch,onnx,onnx-int8   encode time and quality per backend
    assistant bench --scale 10000,100000,1000000  FAISS index types on synthetic corpora

Every figure is a median and p95 (nearest rank) over repeated runs after a warm-up.
New processes run over temporary copies of the index, never the repository's own.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..config import Settings
from ..evaluation.metrics import load_questions, percentile

FIRST_QUESTION = "When was GSOMIA signed?"


def stats(values: Sequence[float]) -> dict[str, float]:
    """Median and p95 (nearest rank) rounded to 0.01, with the run count."""
    return {"median": round(statistics.median(values), 2),
            "p95": round(percentile(list(values), 95), 2), "runs": len(values)}


def machine() -> dict[str, Any]:
    import psutil

    return {"cpu": _cpu_name(), "cores": os.cpu_count(), "python": platform.python_version(),
            "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def _env(settings: Settings, index: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "ASSISTANT_INDEX": str(index),
           "ASSISTANT_SOURCES": str(Path(settings.sources).resolve()), "HF_HUB_OFFLINE": "1",
           "NO_PROXY": "127.0.0.1,localhost", **extra}
    env.pop("ASSISTANT_AUTH", None)
    return env


def _command() -> list[str]:
    return [sys.executable, "-m", "assistant"]


def cold_ask(settings: Settings, index: Path, runs: int) -> dict[str, Any]:
    """A new ``assistant ask`` process: seconds from launch to the printed answer."""
    times = []
    for _ in range(runs + 1):  # the first run warms the page cache; it is not counted
        start = time.perf_counter()
        proc = subprocess.Popen([*_command(), "ask", FIRST_QUESTION], env=_env(settings, index),
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert proc.stdout is not None
        first = proc.stdout.readline()
        elapsed = time.perf_counter() - start
        proc.communicate(timeout=120)
        if proc.returncode != 0 or not first.strip():
            raise RuntimeError(f"assistant ask failed with exit code {proc.returncode}")
        times.append(elapsed)
    return stats(times[1:])


def index_times(settings: Settings, workdir: Path, runs: int) -> dict[str, Any]:
    """``assistant index`` as a new process, with a cold and with a warm embedding cache."""
    index = workdir / "idx" / "index"
    cache = index.parent / ".assistant-cache"
    out: dict[str, list[float]] = {"cold_cache_s": [], "warm_cache_s": []}
    for _ in range(runs):
        for name in out:
            if name == "cold_cache_s":
                for path in cache.glob("embeddings-*"):
                    path.unlink()
            start = time.perf_counter()
            subprocess.run([*_command(), "index"], env=_env(settings, index), check=True,
                           capture_output=True)
            out[name].append(time.perf_counter() - start)
    return {name: stats(values) for name, values in out.items()}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _peak_rss_mib(pid: int) -> float:
    """VmHWM (the peak resident set) of a process, from /proc; psutil's RSS elsewhere."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    import psutil

    return round(psutil.Process(pid).memory_info().rss / 2**20, 1)


SERVER_STAGES = ("retrieval_ms", "answer_ms")  # as the /ask JSON reports them


def serve_figures(settings: Settings, index: Path, workdir: Path,
                  questions: Sequence[str], timeout: float = 180.0) -> dict[str, Any]:
    """``assistant serve``: start to first answered /ask, then /ask round trips and peak RSS.

    Also the server's own stage times (from the answers' ``timings_ms``) of the first
    question it has not seen (its query vector is not cached) beside the later ones':
    the app loads and warms up before it listens, so that first answer is no slower.
    """
    port = _free_port()
    env = _env(settings, index, ASSISTANT_FEEDBACK_LOG=str(workdir / "feedback.jsonl"),
               GRADIO_TEMP_DIR=str(workdir / "gradio"), GRADIO_ANALYTICS_ENABLED="False")
    log = (workdir / "serve.log").open("wb")
    start = time.perf_counter()
    proc = subprocess.Popen([*_command(), "serve", "--port", str(port)], cwd=workdir, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        client, first = _first_answer(proc, port, start, timeout)
        trips, later = [], []
        for q in questions:
            t0 = time.perf_counter()
            later.append(client.predict(q, api_name="/ask")["timings_ms"])
            trips.append((time.perf_counter() - t0) * 1e3)
        return {"start_to_first_answer_s": first, "http_ask_ms": stats(trips),
                "first_new_ask_server_ms": {s: round(later[0][s], 2) for s in SERVER_STAGES},
                "later_ask_server_ms": {s: stats([t[s] for t in later[1:] or later])
                                        for s in SERVER_STAGES},
                "peak_rss_mib": _peak_rss_mib(proc.pid)}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _first_answer(proc: subprocess.Popen[bytes], port: int, start: float,
                  timeout: float) -> tuple[Any, float]:
    """A client, and the seconds from ``start`` to the first answer of a starting server."""
    from gradio_client import Client

    while time.perf_counter() - start < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"assistant serve exited with code {proc.returncode}")
        try:
            client = Client(f"http://127.0.0.1:{port}/", verbose=False, analytics_enabled=False)
            client.predict(FIRST_QUESTION, api_name="/ask")
        except Exception:  # not up yet
            time.sleep(0.1)
            continue
        return client, round(time.perf_counter() - start, 2)
    raise RuntimeError(f"assistant serve did not answer within {timeout:.0f} s")


def warm_ask(bot: Any, questions: Sequence[str], repeats: int) -> dict[str, Any]:
    """Warm ``Assistant.ask`` per stage, the query cache emptied before each question."""
    bot.ask(questions[0])
    stages: dict[str, list[float]] = {}
    for _ in range(repeats):
        for q in questions:
            bot.embedder.clear_cache()
            for name, ms in bot.ask(q).timings_ms.items():
                stages.setdefault(name, []).append(ms)
    return {name: stats(values) for name, values in stages.items()}


def ratio_to_torch(bot: Any, questions: Sequence[str]) -> dict[str, Any]:
    """Warm ask vs one plain sentence-transformers (PyTorch) encode, measured three ways.

    ``ratio_median`` comes from alternating blocks of 16 of each (the first of every block
    re-warms and is dropped): each is timed right after its own kind, as it runs in use.
    ``after_idle`` sleeps 50 ms before every call of both. ``interleaved`` alternates
    them call by call; it penalises the ask, because torch's OpenMP threads go on
    spinning on both cores after each encode while the ask needs those cores for its
    parse and its ONNX encode.
    """
    model = bot.embedder.model  # the plain sentence-transformers model, loaded on demand

    def torch_ms(q: str) -> float:
        t0 = time.perf_counter()
        model.encode([q], normalize_embeddings=True, show_progress_bar=False)
        return (time.perf_counter() - t0) * 1e3

    def ask_ms(q: str) -> float:
        bot.embedder.clear_cache()
        t0 = time.perf_counter()
        bot.ask(q)
        return (time.perf_counter() - t0) * 1e3

    plain, asks = [], []
    for i in range(0, len(questions), 16):
        block = questions[i:i + 16]
        plain += [torch_ms(q) for q in block][1:]
        asks += [ask_ms(q) for q in block][1:]
    return {"plain_torch_encode_ms": stats(plain), "warm_ask_ms": stats(asks),
            "ratio_median": round(statistics.median(asks) / statistics.median(plain), 3),
            "after_idle": _ratio_of(questions[:64], torch_ms, ask_ms, idle_s=0.05),
            "interleaved": _ratio_of(questions, torch_ms, ask_ms, idle_s=0.0)}


def _ratio_of(questions: Sequence[str], torch_ms: Callable[[str], float],
              ask_ms: Callable[[str], float], idle_s: float) -> dict[str, Any]:
    plain, asks = [], []
    for q in questions:
        time.sleep(idle_s)
        plain.append(torch_ms(q))
        time.sleep(idle_s)
        asks.append(ask_ms(q))
    return {"plain_torch_encode_ms": round(statistics.median(plain), 2),
            "warm_ask_ms": round(statistics.median(asks), 2),
            "ratio_median": round(statistics.median(asks) / statistics.median(plain), 3)}


def throughput(bot: Any) -> dict[str, Any]:
    """Chunks embedded per second at the default chunk size (bulk encode, no cache)."""
    from ..ingest import with_header

    docs = {d.id: d for d in bot.data.documents}
    texts = [with_header(c.text, docs[c.doc_id]) for c in bot.data.chunks]
    bot.embedder.encode(texts[:4])
    reps = max(1, 200 // len(texts))
    start = time.perf_counter()
    for _ in range(reps):
        bot.embedder.encode(texts)
    elapsed = time.perf_counter() - start
    return {"chunks_per_s": round(reps * len(texts) / elapsed, 1), "chunks": len(texts),
            "chunk_words": bot.settings.chunk_words}


STEPS = ("index", "load", "warm ask", "ratio", "throughput", "cold ask", "serve")


def _timed_load(local: Settings, result: dict[str, Any]) -> Any:
    """Load the assistant, noting the time it took and the embedding backend."""
    from ..qa import Assistant

    t0 = time.perf_counter()
    bot = Assistant.load(local)
    result["load_in_process_s"] = round(time.perf_counter() - t0, 2)
    result["embed_backend"] = bot.embedder.backend
    return bot


def run(settings: Settings, questions_path: Path, quick: bool,
        progress: Callable[[str], None]) -> dict[str, Any]:
    """Every figure of ``assistant bench``; ``quick`` uses fewer runs and questions."""
    from tqdm import tqdm

    questions = [q.question for q in load_questions(questions_path)]
    runs, repeats = (2, 1) if quick else (5, 3)
    http_questions = questions[:16] if quick else questions
    result: dict[str, Any] = {"machine": machine(), "quick": quick}
    with tempfile.TemporaryDirectory(prefix="assistant-bench-") as tmp, \
            tqdm(total=len(STEPS), desc="bench", unit="step") as bar:
        work = Path(tmp)
        local = settings.replace(index=work / "idx" / "index")
        _seed_model_cache(settings, local)

        def step(name: str, measure: Callable[[], Any]) -> Any:
            bar.set_postfix_str(name)
            value = measure()
            bar.update()
            return value

        result["index"] = step("index", lambda: index_times(local, work, runs))
        bot = step("load", lambda: _timed_load(local, result))
        result["warm_ask_ms"] = step("warm ask", lambda: warm_ask(bot, questions, repeats))
        result["ratio_to_plain_torch_encode"] = step(
            "ratio", lambda: ratio_to_torch(bot, questions))
        result["embedding_throughput"] = step("throughput", lambda: throughput(bot))
        result["cold_ask_s"] = step("cold ask", lambda: cold_ask(local, local.index, runs))
        result["serve"] = step(
            "serve", lambda: serve_figures(local, local.index, work, http_questions))
    return result


def _seed_model_cache(settings: Settings, local: Settings) -> None:
    """Copy an existing ONNX export beside the temporary index (a one-time cost otherwise)."""
    from ..store import embedding_cache_dir
    from ..store.embedding import default_cache_dir

    target = embedding_cache_dir(local)
    target.mkdir(parents=True, exist_ok=True)
    for folder in {embedding_cache_dir(settings), default_cache_dir()}:
        for path in Path(folder).glob("model-*"):
            if not (target / path.name).exists():
                shutil.copy2(path, target / path.name)


def print_report(result: dict[str, Any], out: Callable[[str], None] = print) -> None:
    """The figures as readable lines."""
    m = result["machine"]
    out(f"machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, Python "
        f"{m['python']}, load average {m['load_average']}")
    out(f"embedding backend: {result.get('embed_backend')}")
    for name, value in result.items():
        if name in ("machine", "embed_backend", "quick"):
            continue
        out(f"{name}: {json.dumps(value)}")


def compare_backends(settings: Settings, questions_path: Path, backends: Sequence[str],
                     progress: Callable[[str], None] = print) -> list[dict[str, Any]]:
    """Per backend (``torch:1`` = torch on one thread): query encode time and quality."""
    from ..evaluation.metrics import run_set
    from ..qa import Assistant
    from ..store import Embedder, build_index, embedding_cache_dir, load_index

    questions = load_questions(questions_path)
    rows = []
    with tempfile.TemporaryDirectory(prefix="assistant-backends-") as tmp:
        for spec in backends:
            backend, _, threads = spec.partition(":")
            local = settings.replace(index=Path(tmp) / spec.replace(":", "-") / "index")
            _seed_model_cache(settings, local)
            emb = Embedder(settings.model_path or None, settings.batch_size, backend=backend,
                           cache_dir=embedding_cache_dir(local))
            default_threads = emb.set_torch_threads(int(threads) if threads else None)
            build_index(local, emb)
            bot = Assistant(local, emb, load_index(local.index))
            encode = []
            for q in [*questions[:5], *questions]:
                t0 = time.perf_counter()
                emb.encode([q.question])
                encode.append((time.perf_counter() - t0) * 1e3)
            summary, _ = run_set(bot, questions)
            rows.append({"backend": spec, "encode_ms": stats(encode[5:]),
                         "hit@3": round(summary["hit@3"], 3),
                         "answer_accuracy": round(summary["answer_accuracy"], 3),
                         "refusal_rate": round(summary["refusal_rate"], 3)})
            emb.set_torch_threads(default_threads)
            progress(json.dumps(rows[-1]))
    return rows
