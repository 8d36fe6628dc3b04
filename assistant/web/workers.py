"""Workers: where the JSON API's jobs run, in this process or in N worker processes.

``assistant serve --workers 1`` (the default) runs jobs on a thread pool of this process
(:class:`ThreadBackend`). ``--workers N`` starts N processes (:class:`ProcessBackend`),
each loading the index once, read-only, and running jobs on its own thread pool; the
web server (the chat, Gradio's queue and sessions, the API's HTTP) stays one process,
because Gradio keeps sessions and its event streams in memory: a chat whose requests
landed on different processes would break. Jobs travel over one pipe per worker as
small pickled tuples; answers come back as JSON bytes, sent to the client as they are.

Workers share nothing but the index folder: a rebuild by any process is seen by the
others through the index swap (see :class:`.jobs.IndexWatcher`). A worker that dies
fails its pending jobs with 503 and is started again.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import multiprocessing
import os
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from typing import Any

from ..config import Settings
from ..errors import AssistantError
from . import jobs

log = logging.getLogger(__name__)

START_TIMEOUT_S = 180.0  # a worker loads the model and index in a few seconds
STOP_TIMEOUT_S = 10.0
Payload = dict[str, Any]


def pool_threads(settings: Settings, lanes: int) -> int:
    """Threads answering at once: enough to keep every encoder lane fed with batches."""
    return settings.api_threads or 4 * lanes


class Ticket:
    """One job; ``abandoned`` is set when its client left, so work not yet started is skipped."""

    __slots__ = ("abandoned",)

    def __init__(self) -> None:
        self.abandoned = False


GONE: jobs.Result = (499, b"")  # the client disconnected before the job started


class ThreadBackend:
    """Jobs on a bounded thread pool of this process, over the chat's own ``Assistant``."""

    def __init__(self, assistant: Any, settings: Settings) -> None:
        self.assistant = assistant
        self.watcher = jobs.IndexWatcher(assistant)
        self.threads = pool_threads(settings, settings.lanes)
        self.pool = ThreadPoolExecutor(self.threads, thread_name_prefix="api")
        self.workers = 1

    def _run(self, ticket: Ticket, kind: str, payload: Payload) -> jobs.Result:
        if ticket.abandoned:
            return GONE
        return jobs.run(self.assistant, self.watcher, kind, payload)

    async def submit(self, kind: str, payload: Payload, ticket: Ticket | None = None,
                     ) -> jobs.Result:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, self._run, ticket or Ticket(), kind,
                                          payload)

    async def broadcast(self, kind: str) -> list[jobs.Result]:
        return [await self.submit(kind, {})]

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def _worker_main(conn: Connection, settings: Settings, threads: int) -> None:
    """A worker process: load the index once, then answer jobs until the pipe closes."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    # Ctrl+C reaches the whole process group; the server stops its workers through the pipe.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from ..qa import Assistant

    assistant = Assistant.load(settings)
    watcher = jobs.IndexWatcher(assistant)
    send_lock = threading.Lock()

    def answer(job_id: int, kind: str, payload: Payload) -> None:
        result = jobs.run(assistant, watcher, kind, payload)
        with send_lock, contextlib.suppress(OSError):  # the server is gone: nothing to do
            conn.send((job_id, *result))

    conn.send(("ready", os.getpid()))
    with ThreadPoolExecutor(threads, thread_name_prefix="job") as pool:
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                break
            if message is None:
                break
            pool.submit(answer, *message)


class _Worker:
    def __init__(self, context: Any, settings: Settings, threads: int) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, settings, threads),
                                       daemon=True, name="assistant-worker")
        self.process.start()
        child.close()
        self.pending: dict[int, tuple[asyncio.AbstractEventLoop, asyncio.Future[Any]]] = {}
        self.lock = threading.Lock()  # guards pending
        self.send_lock = threading.Lock()
        self.alive = False
        self.pid = 0

    def wait_ready(self, timeout: float) -> None:
        """Wait for the worker's "ready"; an AssistantError if it failed or took too long."""
        try:
            message = self.conn.recv() if self.conn.poll(timeout) else None
        except (EOFError, OSError):  # it died: its own error is already on stderr
            message = None
        if message is None:
            self.process.kill()
            raise AssistantError(
                f"A worker process did not load the index within {timeout:.0f} s.",
                fix="See the error above; `assistant serve` without --workers shows it too.")
        self.pid, self.alive = int(message[1]), True


class ProcessBackend:
    """Jobs on ``count`` worker processes, each with its own index and thread pool."""

    def __init__(self, settings: Settings, count: int) -> None:
        cores = os.cpu_count() or 1
        lanes = max(1, settings.lanes // count) if not settings.query_lanes else settings.lanes
        self.settings = settings.replace(query_lanes=lanes)
        self.threads = pool_threads(settings, lanes)
        self.context = multiprocessing.get_context("spawn")  # never fork a threaded server
        self.workers = count
        self._ids = itertools.count(1)
        self._next = itertools.count()
        self._restarts = 0
        self._max_restarts = 4 * count
        log.info("Starting %d workers (%d cores, %d encoder lane(s) and %d threads each)",
                 count, cores, lanes, self.threads)
        self._pool = [_Worker(self.context, self.settings, self.threads) for _ in range(count)]
        for worker in self._pool:
            worker.wait_ready(START_TIMEOUT_S)
            self._start_reader(worker)

    def _start_reader(self, worker: _Worker) -> None:
        threading.Thread(target=self._read, args=(worker,), daemon=True,
                         name=f"worker-{worker.pid}").start()

    def _read(self, worker: _Worker) -> None:
        """Hand each answer to the request awaiting it, until the worker's pipe closes."""
        while True:
            try:
                job_id, status, body = worker.conn.recv()
            except (EOFError, OSError, TypeError, ValueError):
                break
            with worker.lock:
                waiting = worker.pending.pop(job_id, None)
            if waiting is not None:
                _resolve(waiting, (status, body))
        self._lost(worker)

    def _lost(self, worker: _Worker) -> None:
        worker.alive = False
        with worker.lock:
            waiting, worker.pending = list(worker.pending.values()), {}
        stopped = (503, jobs.error_body("The worker answering this request stopped.",
                                        "Try again in a moment."))
        for item in waiting:
            _resolve(item, stopped)
        if self._closing or self._restarts >= self._max_restarts:
            return
        self._restarts += 1
        log.warning("Worker %d stopped (exit code %s); starting another.", worker.pid,
                    worker.process.exitcode)
        try:
            fresh = _Worker(self.context, self.settings, self.threads)
            fresh.wait_ready(START_TIMEOUT_S)
        except Exception as exc:
            log.error("A replacement worker failed to start: %s", exc)
            return
        self._pool[self._pool.index(worker)] = fresh
        self._start_reader(fresh)

    _closing = False

    def _choose(self) -> _Worker:
        """The live worker with the fewest jobs in hand (ties: round robin)."""
        start = next(self._next)
        order = self._pool[start % len(self._pool):] + self._pool[:start % len(self._pool)]
        live = [w for w in order if w.alive]
        if not live:
            raise LookupError("no worker is running")
        return min(live, key=lambda w: len(w.pending))

    async def submit(self, kind: str, payload: Payload, ticket: Ticket | None = None,
                     worker: _Worker | None = None) -> jobs.Result:
        try:
            worker = worker or self._choose()
        except LookupError:
            return 503, jobs.error_body("No worker process is running.",
                                        "Check the server log; restart `assistant serve`.")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        job_id = next(self._ids)
        with worker.lock:
            worker.pending[job_id] = (loop, future)
        try:
            with worker.send_lock:  # small messages (bodies are at most 64 KB)
                worker.conn.send((job_id, kind, payload))
        except (OSError, ValueError):
            with worker.lock:
                worker.pending.pop(job_id, None)
            return 503, jobs.error_body("The worker for this request stopped.",
                                        "Try again in a moment.")
        return await future

    async def broadcast(self, kind: str) -> list[jobs.Result]:
        live = [w for w in self._pool if w.alive]
        return list(await asyncio.gather(*(self.submit(kind, {}, worker=w) for w in live)))

    def close(self) -> None:
        self._closing = True
        for worker in self._pool:
            with contextlib.suppress(OSError, ValueError):
                worker.conn.send(None)
        for worker in self._pool:
            worker.process.join(STOP_TIMEOUT_S)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(STOP_TIMEOUT_S)


def _resolve(waiting: tuple[asyncio.AbstractEventLoop, asyncio.Future[Any]],
             result: jobs.Result) -> None:
    loop, future = waiting

    def finish() -> None:
        if not future.done():
            future.set_result(result)

    with contextlib.suppress(RuntimeError):  # the loop closed: the server is stopping
        loop.call_soon_threadsafe(finish)


def make_backend(assistant: Any, settings: Settings) -> ThreadBackend | ProcessBackend:
    """``settings.workers`` 1: this process's pool over ``assistant``; N: N processes."""
    if settings.workers <= 1:
        return ThreadBackend(assistant, settings)
    return ProcessBackend(settings, settings.workers)
