"""``assistant bench --scale``: FAISS index types on synthetic corpora of N chunks.

Vectors are random unit vectors (dimension 384, seeded), and each chunk gets generated
text (Zipf-distributed words) indexed with bm25s, as the retriever does. For each size it
reports build time and memory of the exact index (``IndexFlatIP``) and of HNSW, single-
query search latency (one thread, as the app runs), and recall@10 of HNSW against exact
search for a ladder of ``efSearch`` values; the first value reaching the recall target
is the one to configure (``hnsw_ef_search``). The BM25 matrix is also written to an
index folder and read back as ``load_index`` reads it (checksums, checks; the page cache
is warm), which is all a load costs now that BM25 is built with the index.

>>> parse_sizes("10k,100000,1M")
[10000, 100000, 1000000]
"""

from __future__ import annotations

import gc
import json
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import UsageError

DIM = 384
EF_LADDER = (16, 32, 64, 128, 256, 512, 1024)
RECALL_TARGET = 0.95
DATA_KINDS = ("uniform", "lowrank")
LOW_RANK = 32


def parse_sizes(text: str) -> list[int]:
    sizes = []
    for part in text.split(","):
        part = part.strip().lower()
        factor = {"k": 1_000, "m": 1_000_000}.get(part[-1:], 1)
        try:
            n = int(float(part[:-1] if factor > 1 else part) * factor)
        except ValueError:
            raise UsageError(f"--scale {text!r}: {part!r} is not a size.",
                             fix="Write sizes like 10000,100k,1M.") from None
        if n < 100:
            raise UsageError(f"--scale {text!r}: sizes start at 100.", fix="Use larger sizes.")
        sizes.append(n)
    return sizes


def unit_vectors(n: int, seed: int, dim: int = DIM, data: str = "uniform") -> np.ndarray:
    """``n`` random unit vectors (float32), generated in blocks to bound memory.

    ``uniform``: uniformly on the sphere, the worst case for any approximate index (all
    points are nearly equidistant in 384 dimensions). ``lowrank``: a random 32-dimensional
    subspace (the same for every seed) plus 10% isotropic noise, closer to how sentence
    embeddings fill their space (a low intrinsic dimension).
    """
    if data not in DATA_KINDS:
        raise UsageError(f"Unknown synthetic data {data!r}.", fix=f"Use one of {DATA_KINDS}.")
    rng = np.random.default_rng(seed)
    basis = np.random.default_rng(12345).standard_normal((LOW_RANK, dim)).astype(np.float32)
    out = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, 100_000):
        rows = min(100_000, n - start)
        block = rng.standard_normal((rows, dim), dtype=np.float32)
        if data == "lowrank":
            block /= np.linalg.norm(block, axis=1, keepdims=True)
            signal = rng.standard_normal((rows, LOW_RANK), dtype=np.float32) @ basis
            signal /= np.linalg.norm(signal, axis=1, keepdims=True)
            block = signal + 0.1 * block
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[start:start + len(block)] = block
    return out


def rss_mib() -> float:
    import psutil

    return float(psutil.Process().memory_info().rss / 2**20)


def _latencies(index: Any, queries: np.ndarray, k: int = 10) -> list[float]:
    """Milliseconds per single-query search."""
    index.search(queries[:1], k)
    out = []
    for q in queries:
        t0 = time.perf_counter()
        index.search(q.reshape(1, -1), k)
        out.append((time.perf_counter() - t0) * 1e3)
    return out


def recall_at(found: np.ndarray, truth: np.ndarray, k: int = 10) -> float:
    """Share of the exact top ``k`` that the approximate top ``k`` contains."""
    hits = sum(len(set(f[:k].tolist()) & set(t[:k].tolist())) for f, t in zip(found, truth,
                                                                             strict=True))
    return hits / (k * len(truth))


def bm25_load(model: Any, terms: Sequence[str]) -> tuple[float, float, Any]:
    """Store an indexed bm25s model as an index does; seconds to load it back, MiB, model."""
    from ..store.arrays import matrix_files
    from ..store.bm25 import bm25_from, matrix_of
    from ..store.disk import make_manifest, read_manifest, read_matrix, write_index

    matrix = matrix_of(model, terms)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "index"
        files = matrix_files("chunks.bm25", matrix)
        write_index(folder, files, make_manifest(files, {}, {}))
        mib = sum(len(b) for b in files.values()) / 2**20
        del files
        gc.collect()
        start = time.perf_counter()
        manifest = read_manifest(folder)
        loaded = bm25_from(read_matrix(folder, manifest, "chunks.bm25", matrix.rows))
        return time.perf_counter() - start, mib, loaded


def bm25_figures(n: int, queries: int, seed: int, words: int = 40,
                 vocabulary: int = 20_000) -> dict[str, Any]:
    """Build time, load time from disk and single-query latency of bm25s over ``n`` texts."""
    from ..store.bm25 import bm25s_module

    bm25s = bm25s_module()
    rng = np.random.default_rng(seed)
    terms = [f"w{i}" for i in range(vocabulary)]
    vocab = {t: i for i, t in enumerate(terms)}
    before = rss_mib()
    start = time.perf_counter()
    ids = []
    for lo in range(0, n, 100_000):
        block = np.minimum(rng.zipf(1.3, (min(100_000, n - lo), words)) - 1, vocabulary - 1)
        ids += block.tolist()
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenization.Tokenized(ids=ids, vocab=vocab), show_progress=False)
    build = time.perf_counter() - start
    del ids
    gc.collect()
    used = rss_mib() - before
    load, mib, loaded = bm25_load(retriever, terms)
    tokens = [[terms[int(i)] for i in rng.integers(0, 2000, 6)] for _ in range(queries)]
    times = []
    for q in tokens:
        t0 = time.perf_counter()
        scores = loaded.get_scores(q)
        times.append((time.perf_counter() - t0) * 1e3)
        if not np.array_equal(scores, retriever.get_scores(q)):
            raise AssertionError("the BM25 read back from disk scores differently")
    return {"build_s": round(build, 2), "load_s": round(load, 3), "files_mib": round(mib, 1),
            "rss_mib": round(used, 1), "search_ms_median": round(statistics.median(times), 3)}


def one_size(n: int, n_queries: int = 200, m: int = 32, ef_construction: int = 64,
             seed: int = 0, bm25: bool = True, data: str = "uniform",
             progress: Callable[[str], None] = print) -> dict[str, Any]:
    """All figures for one corpus size."""
    vectors = unit_vectors(n, seed, data=data)
    queries = unit_vectors(n_queries, seed + 1, data=data)
    out: dict[str, Any] = {"n": n, "dim": DIM, "data": data, "queries": n_queries}
    out["flat"], truth = _flat_figures(vectors, queries)
    progress(f"n={n}: exact search {out['flat']['search_ms_median']} ms; building HNSW...")
    out["hnsw"] = _hnsw_figures(vectors, queries, truth, m, ef_construction,
                                lambda msg: progress(f"n={n}: {msg}"))
    del vectors
    gc.collect()
    if bm25:
        out["bm25"] = bm25_figures(n, min(n_queries, 100), seed + 2)
    return out


def _flat_figures(vectors: np.ndarray, queries: np.ndarray) -> tuple[dict[str, Any], Any]:
    """Exact search: build time, memory, latency; and the true top 10 of each query."""
    from ..store.faiss_index import build_flat_index, set_threads

    set_threads(1)
    before, t0 = rss_mib(), time.perf_counter()
    flat = build_flat_index(vectors)
    figures = {"build_s": round(time.perf_counter() - t0, 2),
               "rss_mib": round(rss_mib() - before, 1),
               "search_ms_median": round(statistics.median(_latencies(flat, queries)), 3)}
    set_threads(2)
    _, truth = flat.search(queries, 10)
    return figures, truth


def _hnsw_figures(vectors: np.ndarray, queries: np.ndarray, truth: Any, m: int,
                  ef_construction: int, progress: Callable[[str], None]) -> dict[str, Any]:
    """HNSW: build time and memory, then recall and latency up the efSearch ladder."""
    from ..store.faiss_index import build_hnsw_index, index_bytes, set_threads

    n = len(vectors)
    before, t0 = rss_mib(), time.perf_counter()
    hnsw = build_hnsw_index(vectors, m=m, ef_construction=ef_construction)
    build, used = time.perf_counter() - t0, rss_mib() - before
    size = len(index_bytes(hnsw)) / 2**20
    out: dict[str, Any] = {
        "m": m, "ef_construction": ef_construction, "build_s": round(build, 2),
        "rss_mib": round(used, 1), "rss_mib_per_million": round(used / n * 1e6, 1),
        "serialized_mib": round(size, 1),
        "serialized_mib_per_million": round(size / n * 1e6, 1), "ladder": []}
    set_threads(1)
    for ef in EF_LADDER:
        hnsw.hnsw.efSearch = ef
        _, found = hnsw.search(queries, 10)
        times = _latencies(hnsw, queries)
        step = {"ef_search": ef, "recall@10": round(recall_at(found, truth), 4),
                "search_ms_median": round(statistics.median(times), 3),
                "search_ms_p95": round(float(np.percentile(times, 95)), 3)}
        out["ladder"].append(step)
        progress(f"HNSW efSearch={ef}: {json.dumps(step)}")
        if step["recall@10"] >= 0.995:
            break
    ok = [r for r in out["ladder"] if r["recall@10"] >= RECALL_TARGET]
    out["chosen"] = ok[0] if ok else None
    return out


def run_scale(sizes: Sequence[int], progress: Callable[[str], None] = print,
              **options: Any) -> list[dict[str, Any]]:
    return [one_size(n, progress=progress, **options) for n in sizes]


def print_scale(rows: Sequence[dict[str, Any]], out: Callable[[str], None] = print) -> None:
    out("| chunks | data | exact: build / search median | HNSW: build / RSS / size (MiB per 1M) | "
        "efSearch | recall@10 | HNSW search median | BM25 build / load / search |")
    out("|---|---|---|---|---|---|---|---|")
    for r in rows:
        c = r["hnsw"]["chosen"] or r["hnsw"]["ladder"][-1]
        b = r.get("bm25", {})
        out(f"| {r['n']:,} | {r.get('data', 'uniform')} | "
            f"{r['flat']['build_s']} s / {r['flat']['search_ms_median']} ms | "
            f"{r['hnsw']['build_s']} s / {r['hnsw']['rss_mib_per_million']} / "
            f"{r['hnsw']['serialized_mib_per_million']} | "
            f"{c['ef_search']} | {c['recall@10']} | {c['search_ms_median']} ms | "
            f"{b.get('build_s', '-')} s / {b.get('load_s', '-')} s / "
            f"{b.get('search_ms_median', '-')} ms |")
