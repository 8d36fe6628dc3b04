"""Files a user downloads from the Evaluate tab (its reports), in a private
temporary folder that is pruned by age and removed at exit.

>>> d = Downloads()
>>> [Path(p).suffix for p in d.save("gsomia-test", {".md": "# hi", ".json": "{}"})]
['.md', '.json']
>>> d.prune(max_age_s=-1); list(d.folder.iterdir())
[]
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path

FILE_MAX_AGE_S = 3600  # downloads (ours and Gradio's cached copies) live an hour


class Downloads:
    """Writes files to download (answers, evaluation reports) into a private temporary folder."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="gsomia-answers-"))
        self._count = 0
        self._lock = threading.Lock()  # two answers may be written at once
        atexit.register(shutil.rmtree, self.folder, ignore_errors=True)

    def save(self, prefix: str, texts: Mapping[str, str]) -> list[str]:
        """Write each ``{suffix: text}`` to a new file ``prefix-<pid>-<n><suffix>``; the paths."""
        with self._lock:
            self._count += 1
            number = self._count
        if number % 50 == 0:
            self.prune()
        stem = self.folder / f"{prefix}-{os.getpid()}-{number}"
        paths = []
        for suffix, text in texts.items():
            stem.with_suffix(suffix).write_text(text, encoding="utf-8")
            paths.append(str(stem.with_suffix(suffix)))
        return paths

    def prune(self, max_age_s: float = FILE_MAX_AGE_S) -> None:
        """Delete files older than ``max_age_s``."""
        cutoff = time.time() - max_age_s
        for path in self.folder.glob("gsomia-*"):
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()
