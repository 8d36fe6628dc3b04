"""The query batcher: concurrent one-text encodes merged into bounded batches."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from assistant.store.batching import QueryBatcher

REPO = Path(__file__).parents[2]
WAIT_S = 30  # every wait below is bounded


def vector_of(text: str) -> np.ndarray:
    return np.array([len(text), sum(map(ord, text)) % 997], dtype=np.float32)


class Recorder:
    """An encode function that records its batches and can hold the first one."""

    def __init__(self, hold_first: bool = False, fail_on: str = "") -> None:
        self.batches: list[tuple[list[str], int]] = []
        self.lock = threading.Lock()
        self.release = threading.Event()
        self.started = threading.Event()
        self.hold_first = hold_first
        self.fail_on = fail_on

    def __call__(self, texts: list[str], lane: int) -> np.ndarray:
        with self.lock:
            first = not self.batches
            self.batches.append((list(texts), lane))
        if first and self.hold_first:
            self.started.set()
            assert self.release.wait(WAIT_S)
        if self.fail_on in texts:
            raise RuntimeError("encoder failed")
        return np.stack([vector_of(t) for t in texts])


def run_all(batcher: QueryBatcher, texts: list[str]) -> list[object]:
    with ThreadPoolExecutor(len(texts)) as pool:
        futures = [pool.submit(batcher.encode, t) for t in texts]
        return [f.exception(WAIT_S) or f.result(WAIT_S) for f in futures]


def test_a_lone_caller_is_encoded_alone_without_a_window() -> None:
    recorder = Recorder()
    batcher = QueryBatcher(recorder, lanes=1, max_batch=8, window_s=5.0)
    gathered: list[bool] = []
    original: Callable[[], None] = batcher._gather
    batcher._gather = lambda: (gathered.append(True), original())[-1]  # type: ignore[method-assign]
    for text in ("one", "two", "three"):
        assert np.array_equal(batcher.encode(text), vector_of(text))
    assert recorder.batches == [(["one"], 0), (["two"], 0), (["three"], 0)]
    assert not gathered  # nobody else was asking: no waiting for company


def test_waiting_callers_share_bounded_batches_and_each_gets_its_row() -> None:
    recorder = Recorder(hold_first=True)
    batcher = QueryBatcher(recorder, lanes=1, max_batch=4, window_s=0.0)
    first = threading.Thread(target=batcher.encode, args=("first",))
    first.start()
    assert recorder.started.wait(WAIT_S)
    texts = [f"question {i}" * (i + 1) for i in range(10)]
    with ThreadPoolExecutor(10) as pool:
        futures = [pool.submit(batcher.encode, t) for t in texts]
        for _ in range(WAIT_S * 100):  # until all ten are queued behind the first batch
            if len(batcher._queue) == 10:
                break
            threading.Event().wait(0.01)
        else:
            recorder.release.set()
            pytest.fail(f"ten callers were not queued within {WAIT_S} s")
        recorder.release.set()
        results = [f.result(WAIT_S) for f in futures]
    first.join(WAIT_S)
    assert not first.is_alive()
    for text, vector in zip(texts, results, strict=True):
        assert np.array_equal(vector, vector_of(text))
    sizes = [len(b) for b, _ in recorder.batches[1:]]
    assert sizes == [4, 4, 2]  # ten waiting texts, at most four per batch, in order
    assert batcher.largest == 4 and batcher.texts == 11


def test_an_encoder_error_reaches_its_batch_and_nobody_hangs() -> None:
    recorder = Recorder(fail_on="bad")
    batcher = QueryBatcher(recorder, lanes=1, max_batch=8)
    with pytest.raises(RuntimeError, match="encoder failed"):
        batcher.encode("bad")
    assert np.array_equal(batcher.encode("good"), vector_of("good"))
    outcomes = run_all(batcher, ["a", "b", "c"])
    assert all(isinstance(o, np.ndarray) for o in outcomes)


def test_lanes_run_batches_at_the_same_time() -> None:
    both = threading.Barrier(2, timeout=WAIT_S)
    lanes: set[int] = set()

    def encode(texts: list[str], lane: int) -> np.ndarray:
        lanes.add(lane)
        both.wait()  # raises BrokenBarrierError unless two batches run at once
        return np.stack([vector_of(t) for t in texts])

    batcher = QueryBatcher(encode, lanes=2, max_batch=1, window_s=0.0)
    outcomes = run_all(batcher, ["left", "right"])
    assert [o.tolist() for o in outcomes] == [vector_of("left").tolist(),  # type: ignore[union-attr]
                                              vector_of("right").tolist()]
    assert lanes == {0, 1}


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        QueryBatcher(Recorder(), lanes=0)


@pytest.mark.slow
def test_batched_query_vectors_equal_one_at_a_time_encodes() -> None:
    from assistant.store.embedding import Embedder

    questions = [json.loads(line)["question"] for line in
                 (REPO / "evals" / "gsomia.jsonl").read_text().splitlines()[:48]]
    embedder = Embedder(cache_size=0, query_lanes=1, query_batch=16,
                        cache_dir=REPO / ".assistant-cache")
    alone = [embedder.encode_query(q) for q in questions]
    assert embedder.batcher.largest == 1
    start = threading.Barrier(16, timeout=WAIT_S)

    def ask(question: str) -> np.ndarray:
        start.wait() if question in questions[:16] else None
        return embedder.encode_query(question)

    with ThreadPoolExecutor(16) as pool:
        together = list(pool.map(ask, questions, timeout=WAIT_S * 4))
    assert embedder.batcher.largest > 1, "sixteen threads at once never shared a batch"
    diff = max(float(np.abs(a - b).max()) for a, b in zip(alone, together, strict=True))
    assert diff < 1e-6, diff
