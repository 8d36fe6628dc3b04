"""Real ``assistant serve`` processes for the web and reliability tests.

:func:`start_server` runs the installed ``assistant serve`` on a free 127.0.0.1 port
with its own folder: a copy of an index the tests built from ``sources/`` (never the
developer's ``./index``), its own log, feedback log and Gradio temp folder. It waits
(at most :data:`START_TIMEOUT_S`) until the address answers; :meth:`Server.stop` ends
the process. A plain module (``from servers import ...``); the fixtures are in conftest.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from support import REPO, free_port, http_status

START_TIMEOUT_S = 120
CACHE = ".assistant-cache"  # the ONNX export and embedding cache, beside an index
READY_LINE = " is running at http"  # serve prints "<title> is running at <url>"


@dataclass
class Server:
    """One running ``assistant serve`` process and the files it owns."""

    url: str
    port: int
    proc: subprocess.Popen[bytes]
    root: Path
    log: Path
    feedback_log: Path
    index: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def assistant_command() -> str:
    here = Path(sys.executable).parent / "assistant"
    return str(here if here.exists() else REPO / ".venv" / "bin" / "assistant")


def copy_index(index_from: Path, root: Path) -> Path:
    """A copy of a built index (and its ONNX export, so nothing is exported again)."""
    index = root / "index"
    shutil.copytree(index_from, index)
    cache = Path(index_from).parent / CACHE
    if cache.is_dir():
        shutil.copytree(cache, root / CACHE)
    return index


def serve_copy(root: Path, index: Path, sources: Path = REPO / "sources", workers: int = 1,
               env: Mapping[str, str] | None = None) -> Any:
    """``assistant serve`` as the HTTP benchmark starts it (:class:`http_bench.Server`),
    over a copy of ``index`` in ``root`` (never the developer's ./index), once it answers;
    stopped again if it never does."""
    from assistant.cli.http_bench import Server as HttpServer

    copy_index(index, root)
    server = HttpServer(root, sources, workers, cache=True, extra_env=dict(env or {}))
    try:
        server.wait()
    except BaseException:
        server.stop()
        raise
    return server


def server_env(root: Path, sources: Path, index: Path,
               extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, "ASSISTANT_INDEX": str(index), "ASSISTANT_SOURCES": str(sources),
           "ASSISTANT_FEEDBACK_LOG": str(root / "feedback.jsonl"), "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1",
           "GRADIO_ANALYTICS_ENABLED": "False", "GRADIO_TEMP_DIR": str(root / "gradio"),
           "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
           **(extra or {})}
    for name in ("ASSISTANT_AUTH", "ASSISTANT_HOST", "ASSISTANT_PORT", "GRADIO_ALLOWED_PATHS"):
        env.pop(name, None)
    return env


def _wait_until_up(server: Server, started: float) -> None:
    """Until the server has printed its address and answers it (bounded).

    Both: the page answers as soon as Gradio listens, a moment before `serve` prints.
    """
    while time.monotonic() - started < START_TIMEOUT_S:
        if server.proc.poll() is not None:
            pytest.fail(f"assistant serve exited early:\n{server.log.read_text()[-3000:]}")
        try:
            printed = READY_LINE in server.log.read_text(encoding="utf-8", errors="replace")
            if printed and http_status(server.url, timeout=2) == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    server.stop()
    pytest.fail(f"assistant serve did not answer in {START_TIMEOUT_S} s:\n"
                f"{server.log.read_text()[-3000:]}")


def start_server(root: Path, sources: Path, index_from: Path | None,
                 args: Sequence[str] = (), env: Mapping[str, str] | None = None) -> Server:
    """Start `assistant serve` on a free port in ``root``; it builds its index if none given."""
    index = copy_index(index_from, root) if index_from is not None else root / "index"
    port = free_port()
    log = root / "serve.log"
    started = time.monotonic()
    with log.open("wb") as out:
        proc = subprocess.Popen([assistant_command(), "serve", "--port", str(port), *args],
                                cwd=root, env=server_env(root, sources, index, env),
                                stdout=out, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}/", port, proc, root, log,
                    root / "feedback.jsonl", index)
    _wait_until_up(server, started)
    return server
