"""``assistant bench --scale N,... --store milvus``: Milvus on the FAISS scale bench's vectors.

For each size, the same synthetic vectors as :mod:`.scale` (seeded; ``--data lowrank``
for vectors spread like sentence embeddings) go into a Milvus collection with the index
the store would build (HNSW, M=32, efConstruction 64, at and above the HNSW threshold;
FLAT below). Reported: build time (insert, flush, index and load), disk size, and, from
a *new* process that only opens the database and searches (the serving process), its
RSS, load time, single-query search p50 and p95 and recall@10 against exact search, for
efSearch values up the ladder until recall@10 reaches 0.995.

With a file URI (the default: a temporary Milvus Lite database, removed afterwards) the
database runs inside the serving process, so its RSS includes the index; with a server
URI it includes only the client.
"""

from __future__ import annotations

import gc
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..config import Settings
from ..evaluation.metrics import percentile
from .scale import DIM, EF_LADDER, recall_at, rss_mib, unit_vectors

NAME = "scale_bench"
BATCH = 5_000


def exact_top10(vectors: np.ndarray, queries: np.ndarray, block: int = 100_000) -> np.ndarray:
    """The true 10 nearest rows (inner product) of each query, by blocks of the corpus."""
    best_ids = np.zeros((len(queries), 0), dtype=np.int64)
    best = np.zeros((len(queries), 0), dtype=np.float32)
    for lo in range(0, len(vectors), block):
        scores = queries @ vectors[lo:lo + block].T
        ids = np.broadcast_to(np.arange(lo, lo + scores.shape[1]), scores.shape)
        best = np.concatenate([best, scores], axis=1)
        best_ids = np.concatenate([best_ids, ids], axis=1)
        keep = np.argsort(-best, axis=1, kind="stable")[:, :10]
        best = np.take_along_axis(best, keep, axis=1)
        best_ids = np.take_along_axis(best_ids, keep, axis=1)
    return best_ids


def build(uri: str, vectors: np.ndarray, settings: Settings) -> float:
    """Seconds to insert, flush, index and load ``vectors`` as the store would."""
    from ..store.milvus_store import Milvus

    hnsw = len(vectors) >= settings.hnsw_threshold
    index = ("HNSW", {"M": settings.hnsw_m, "efConstruction": 64}) if hnsw else ("FLAT", {})
    db = Milvus(uri, settings.milvus_token, timeout=3600)
    start = time.perf_counter()
    if NAME in db.collections():
        db.drop(NAME)
    db.create(NAME, vectors.shape[1], {}, index=index)
    for lo in range(0, len(vectors), BATCH):
        block = vectors[lo:lo + BATCH]
        db.insert(NAME, [{"row": lo + i, "vector": v} for i, v in enumerate(block.tolist())])
    db.seal(NAME)
    seconds = time.perf_counter() - start
    db.settle()
    db.close()
    return seconds


def serve(uri: str, token: str, queries: np.ndarray, truth: np.ndarray,
          hnsw: bool) -> dict[str, Any]:
    """In a fresh process: open, load, then search one query at a time up the ladder."""
    from ..store.milvus_store import Milvus

    before, start = rss_mib(), time.perf_counter()
    db = Milvus(uri, token, timeout=3600)
    db.load(NAME)
    db.search(NAME, queries[0].tolist(), 10)
    out: dict[str, Any] = {"load_s": round(time.perf_counter() - start, 2), "ladder": []}
    for ef in EF_LADDER if hnsw else (0,):
        params = {"ef": ef} if hnsw else {}
        times, found = [], []
        for q in queries:
            t0 = time.perf_counter()
            hits = db.search(NAME, q.tolist(), 10, params=params)
            times.append((time.perf_counter() - t0) * 1e3)
            found.append([r for r, _ in hits] + [-1] * (10 - len(hits)))
        step = {"ef_search": ef, "recall@10": round(recall_at(np.array(found), truth), 4),
                "search_ms_p50": round(statistics.median(times), 2),
                "search_ms_p95": round(percentile(times, 95), 2)}
        out["ladder"].append(step)
        if step["recall@10"] >= 0.995:
            break
    out["rss_mib"] = round(rss_mib(), 1)
    out["rss_mib_added"] = round(rss_mib() - before, 1)
    db.close()
    return out


def one_size(n: int, settings: Settings, uri: str, n_queries: int = 200, seed: int = 0,
             data: str = "lowrank", progress: Callable[[str], None] = print) -> dict[str, Any]:
    """All figures for one corpus size."""
    vectors = unit_vectors(n, seed, data=data)
    queries = unit_vectors(n_queries, seed + 1, data=data)
    truth = exact_top10(vectors, queries)
    progress(f"n={n}: exact top 10 computed; building the Milvus collection at {uri}...")
    out: dict[str, Any] = {"n": n, "dim": DIM, "data": data, "queries": n_queries,
                           "store": "milvus", "uri": uri,
                           "build_s": round(build(uri, vectors, settings), 1)}
    del vectors
    gc.collect()
    if not uri.startswith(("http://", "https://")):
        from ..store.milvus_store import release_lite

        release_lite(uri)  # Milvus Lite: one process per file; the server process opens it
        out["disk_mib"] = round(_du(Path(uri)) / 2**20, 1)
    progress(f"n={n}: built in {out['build_s']} s; searching from a new process...")
    out["serve"] = _serve_in_new_process(uri, settings, queries, truth,
                                         n >= settings.hnsw_threshold)
    ok = [r for r in out["serve"]["ladder"] if r["recall@10"] >= 0.95]
    out["chosen"] = ok[0] if ok else out["serve"]["ladder"][-1]
    progress(f"n={n}: {json.dumps(out)}")
    return out


def _serve_in_new_process(uri: str, settings: Settings, queries: np.ndarray,
                          truth: np.ndarray, hnsw: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        np.save(Path(tmp) / "q.npy", queries, allow_pickle=False)
        np.save(Path(tmp) / "t.npy", truth, allow_pickle=False)
        done = subprocess.run([sys.executable, "-m", "assistant.cli.milvus_scale", uri, tmp,
                               "1" if hnsw else "0"], capture_output=True, text=True,
                              env={"ASSISTANT_MILVUS_TOKEN": settings.milvus_token,
                                   **_env()}, timeout=7200)
    if done.returncode != 0:
        raise RuntimeError(f"the search process failed: {done.stderr[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "ASSISTANT_MILVUS_TOKEN"}


def _du(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def run_milvus_scale(sizes: Sequence[int], settings: Settings,
                     progress: Callable[[str], None] = print, data: str = "lowrank",
                     **options: Any) -> list[dict[str, Any]]:
    """Each size into its own temporary Milvus Lite file, or into ``milvus_uri`` if set."""
    rows = []
    for n in sizes:
        tmp = Path(tempfile.mkdtemp(prefix="assistant-milvus-scale-"))
        uri = settings.milvus_uri or str(tmp / "scale.db")
        # Milvus Lite checks every row in Python on each search (about 1 us a row), so
        # the largest sizes are searched with fewer queries.
        queries = options.pop("n_queries", 200 if n < 500_000 else 50)
        try:
            rows.append(one_size(n, settings, uri, n_queries=queries, data=data,
                                 progress=progress, **options))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return rows


def print_milvus_scale(rows: Sequence[dict[str, Any]], out: Callable[[str], None] = print) -> None:
    out("| chunks | data | Milvus build | disk | serving RSS | load | efSearch | recall@10 | "
        "search p50 / p95 |")
    out("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        c, s = r["chosen"], r["serve"]
        out(f"| {r['n']:,} | {r['data']} | {r['build_s']} s | {r.get('disk_mib', '-')} MiB | "
            f"{s['rss_mib']} MiB | {s['load_s']} s | {c['ef_search'] or 'exact'} | "
            f"{c['recall@10']} | {c['search_ms_p50']} / {c['search_ms_p95']} ms |")


if __name__ == "__main__":  # the serving process of one_size
    folder = Path(sys.argv[2])
    result = serve(sys.argv[1], Settings.from_env().milvus_token,
                   np.load(folder / "q.npy", allow_pickle=False),
                   np.load(folder / "t.npy", allow_pickle=False), sys.argv[3] == "1")
    print(json.dumps(result))
