"""The server side of ``benchmarks/load.py``: start ``assistant serve`` on a free
127.0.0.1 port over its own index folder, and read its memory and threads.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http_status(url: str, timeout: float = 3.0) -> int:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


@dataclass
class ServerProcess:
    proc: subprocess.Popen[bytes]
    url: str
    workdir: Path
    owns_workdir: bool

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self.owns_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)


def start_server(workdir: Path | None = None, start_timeout: float = 180.0,
                 index_from: Path = REPO / "index", sources: Path = REPO / "sources",
                 args: Sequence[str] = ()) -> ServerProcess:
    """``assistant serve`` on a free 127.0.0.1 port over its own index folder."""
    owns = workdir is None
    workdir = Path(workdir or tempfile.mkdtemp(prefix="gsomia-load-"))
    index = workdir / "index"
    if (index_from / "manifest.json").exists() and not index.exists():
        shutil.copytree(index_from, index)
    port = free_port()
    env = {**os.environ, "ASSISTANT_INDEX": str(index),
           "ASSISTANT_SOURCES": str(sources), "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1", "ASSISTANT_HOST": "127.0.0.1",
           "ASSISTANT_FEEDBACK_LOG": str(workdir / "feedback.jsonl"),
           "GRADIO_TEMP_DIR": str(workdir / "gradio"),
           "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
    for name in ("ASSISTANT_AUTH", "ASSISTANT_PORT", "GRADIO_ALLOWED_PATHS"):
        env.pop(name, None)
    command = Path(sys.executable).parent / "assistant"
    if not command.exists():
        command = REPO / ".venv" / "bin" / "assistant"
    with (workdir / "serve.log").open("wb") as log:
        proc = subprocess.Popen([str(command), "serve", "--port", str(port), *args], cwd=workdir,
                                env=env, stdout=log, stderr=subprocess.STDOUT)
    server = ServerProcess(proc, f"http://127.0.0.1:{port}/", workdir, owns)
    deadline = time.monotonic() + start_timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = (workdir / "serve.log").read_text(errors="replace")[-2000:]
            server.stop()
            raise RuntimeError(f"assistant serve exited early:\n{tail}")
        try:
            if http_status(server.url) == 200:
                return server
        except OSError:
            pass
        time.sleep(0.5)
    server.stop()
    raise RuntimeError(f"assistant serve did not answer within {start_timeout:.0f} s")


def rss_bytes(pid: int) -> int:
    """Resident memory of the process and its children."""
    import psutil

    proc = psutil.Process(pid)
    total = proc.memory_info().rss
    for child in proc.children(recursive=True):
        with contextlib.suppress(psutil.Error):  # a child may exit meanwhile
            total += child.memory_info().rss
    return int(total)


def thread_count(pid: int) -> int:
    import psutil

    return int(psutil.Process(pid).num_threads())
