"""Journal: changes to the sources folder that can be undone if indexing then fails.

Each step is atomic on its own (a rename, or ``sources.toml`` replaced whole) and records
how to undo it; a file moved out or overwritten is kept in ``.staging/`` until the change
is through. :meth:`Journal.run` makes the changes, runs the indexing, and undoes the
changes in reverse order if the indexing raises, so the folder matches the old index again.

>>> import tempfile; from pathlib import Path
>>> from assistant.library.folder import Folder
>>> folder = Folder(Path(tempfile.mkdtemp()))
>>> _ = (folder.path / "a.txt").write_text("old")
>>> journal = Journal(folder)
>>> def fail() -> None: raise RuntimeError("index failed")
>>> try:
...     journal.run(lambda: journal.move_out("a.txt"), fail)
... except RuntimeError:
...     pass
>>> (folder.path / "a.txt").read_text()
'old'
"""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ..ingest.files import fsync_dir
from .folder import STAGING, Folder

log = logging.getLogger(__name__)
T = TypeVar("T")


class Journal:
    """Undoable steps on one folder (its caller holds the library lock)."""

    def __init__(self, folder: Folder) -> None:
        self.folder = folder
        self._undo: list[Callable[[], None]] = []

    def _backup(self) -> Path:
        place = self.folder.path / STAGING / f"backup-{uuid.uuid4().hex}"
        place.parent.mkdir(parents=True, exist_ok=True)
        return place

    def move_in(self, staged: Path, name: str) -> None:
        """Move a staged file into the folder as ``name``, in one rename (a file already
        there is kept aside, to be put back on undo)."""
        target = self.folder.path / name
        backup = None
        if target.exists():
            backup = self._backup()
            try:
                os.link(target, backup)  # the old file stays in place until the rename
            except OSError:
                shutil.copy2(target, backup)
        self.folder.commit(staged, name)

        def undo() -> None:
            if backup is not None:
                os.replace(backup, target)
            else:
                target.unlink(missing_ok=True)
            fsync_dir(self.folder.path)

        self._undo.append(undo)

    def move_out(self, name: str) -> None:
        """Take ``name`` out of the folder (kept aside until the change is through)."""
        target = self.folder.path / name
        backup = self._backup()
        os.replace(target, backup)
        fsync_dir(self.folder.path)

        def undo() -> None:
            os.replace(backup, target)
            fsync_dir(self.folder.path)

        self._undo.append(undo)

    def edit_toml(self, edit: Callable[[], None]) -> None:
        """Run ``edit`` on ``sources.toml``, keeping its old bytes to put back on undo."""
        before = self.folder.toml_bytes()
        self._undo.append(lambda: self.folder.restore_toml(before))
        edit()

    def run(self, change: Callable[[], None], then: Callable[[], T]) -> T:
        """``change`` the folder, then ``then()``; on any failure undo the change."""
        try:
            change()
            result = then()
        except BaseException:
            self.rollback()
            raise
        self.folder.clear_staging()
        return result

    def rollback(self) -> None:
        for undo in reversed(self._undo):
            try:
                undo()
            except OSError as exc:  # keep undoing the rest; say what could not be
                log.error("Could not undo a change to %s: %s", self.folder.path, exc)
        self._undo.clear()
        self.folder.clear_staging()
