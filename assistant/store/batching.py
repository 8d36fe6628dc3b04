"""Batching: questions that arrive together are embedded together (and parsed together).

Several threads (the web API's pool) call :meth:`QueryBatcher.encode` with one text
each. The first caller that finds an idle *lane* becomes that batch's leader: it takes
up to ``max_batch`` waiting texts from the head of the queue, encodes them in one call,
hands every caller its row and frees the lane. Callers wait on a condition variable, so
while a batch runs on one core the next one gathers. ``lanes`` batches may run at once
(one per core: the encoder releases the GIL), each with its own tokenizer.

The window: a leader that starts while other work is going on (another lane busy, or
the last batch held more than one text) waits up to ``window_s`` for more texts before
it encodes, which fills batches under load; a lone caller never waits, so a single
question costs what it did before batching.

Rows of a batch are the same vectors as one-text encodes (checked by the tests): the
encoder pools only the attended tokens of each row. The batcher is generic over what a
batch returns (one row per text): the ``Assistant`` also uses one, with a single lane,
to parse concurrent questions in one spaCy call.

>>> import numpy as np
>>> b = QueryBatcher(lambda texts, lane: np.array([[len(t)] for t in texts], "float32"))
>>> b.encode("four").tolist()
[4.0]
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

EncodeBatch = Callable[[list[str], int], Any]  # (texts, lane) -> one row per text


class _Job:
    __slots__ = ("error", "text", "vector")

    def __init__(self, text: str) -> None:
        self.text = text
        self.vector: Any = None
        self.error: BaseException | None = None


class QueryBatcher:
    """Merges concurrent one-text encodes into bounded batches; thread-safe."""

    def __init__(self, encode: EncodeBatch, lanes: int = 1, max_batch: int = 16,
                 window_s: float = 0.002) -> None:
        if lanes < 1 or max_batch < 1 or window_s < 0:
            raise ValueError("lanes and max_batch must be at least 1, window_s at least 0")
        self._encode = encode
        self.lanes, self.max_batch, self.window_s = lanes, max_batch, window_s
        self._cond = threading.Condition()
        self._queue: deque[_Job] = deque()
        self._free = list(range(lanes - 1, -1, -1))  # idle lanes; lane 0 is used first
        self._gathering = False  # a leader is inside its window
        self._last_size = 1
        self.batches = 0  # counters, for tests and benchmarks
        self.texts = 0
        self.largest = 0

    def encode(self, text: str) -> Any:
        """The vector of ``text``, computed in a batch with whatever else is waiting."""
        job = _Job(text)
        with self._cond:
            self._queue.append(job)
            self._cond.notify_all()  # a gathering leader may now have a full batch
            while job.vector is None and job.error is None:
                if self._free and self._queue and not self._gathering:
                    self._lead()
                else:
                    self._cond.wait()
        if job.error is not None:
            raise job.error
        return job.vector

    def _lead(self) -> None:
        """Run one batch from the head of the queue; called and returns with the lock held."""
        lane = self._free.pop()
        busy_elsewhere = len(self._free) < self.lanes - 1
        if self.window_s and (busy_elsewhere or self._last_size > 1):
            self._gather()
        batch = [self._queue.popleft() for _ in range(min(self.max_batch, len(self._queue)))]
        self._last_size = len(batch)
        self._cond.release()
        try:
            vectors = self._encode([j.text for j in batch], lane) if batch else None
        except BaseException as exc:  # every waiter gets the error, not a hang
            for j in batch:
                j.error = exc
        else:
            for row, j in enumerate(batch):
                j.vector = vectors[row] if vectors is not None else None
        finally:
            self._cond.acquire()
            self._free.append(lane)
            self.batches += 1
            self.texts += len(batch)
            self.largest = max(self.largest, len(batch))
            self._cond.notify_all()

    def _gather(self) -> None:
        """Wait (lock held, released while waiting) up to the window for a fuller batch."""
        self._gathering = True
        deadline = time.monotonic() + self.window_s
        try:
            while len(self._queue) < self.max_batch:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
        finally:
            self._gathering = False
