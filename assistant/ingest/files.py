"""Files: atomic replacement of a small file, and a lock shared by threads and processes.

The sources folder and the accounts file are changed by the web server, the JSON API and
the command line, possibly at once: every change is made under :func:`locked` (one
``flock`` on a lock file, plus a thread lock, since ``flock`` is per open file and two
threads of one process would each get it), and every file is replaced whole with
:func:`replace_file` (written beside it, synced, renamed over it), so a reader sees the
old file or the new one and a crash leaves one of them.

>>> import tempfile; from pathlib import Path
>>> p = Path(tempfile.mkdtemp()) / "a.txt"
>>> replace_file(p, b"one"); p.read_bytes()
b'one'
>>> with locked(p.with_suffix(".lock")):
...     replace_file(p, b"two")
>>> p.read_bytes()
b'two'
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

_THREAD_LOCKS: dict[str, threading.RLock] = {}
_GUARD = threading.Lock()


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_file(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to a temporary file beside ``path``, sync it, rename it over ``path``.

    ``mode`` sets the new file's permissions (default: those of the file it replaces,
    else 0o644).
    """
    path = Path(path)
    if mode is None:
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), mode)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@contextlib.contextmanager
def locked(lock_path: Path) -> Iterator[None]:
    """Hold the lock named by ``lock_path`` (created if missing) in this thread and process.

    Re-entrant within one thread; other threads and other processes wait.
    """
    key = str(Path(lock_path).resolve())
    with _GUARD:
        thread_lock = _THREAD_LOCKS.setdefault(key, threading.RLock())
    with thread_lock:
        Path(lock_path).parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the flock
