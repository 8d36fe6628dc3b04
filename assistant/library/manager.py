"""The library manager: add, replace, change and remove documents, the folder staying the truth.

Every change runs under one lock (a thread lock and an ``flock`` on
``<sources>/.library.lock``), so uploads from the chat, the API and ``assistant add``
are taken one at a time, each starting from the index the one before it wrote. A change:

1. checks the upload (type, size, empty) and stages it in ``.staging/``;
2. reads it with the ingestion readers (a bad file stops here, with the reader's message);
3. refuses a duplicate (same bytes, or a near-copy: :mod:`.duplicates`) with 409;
4. moves the file into the folder and writes ``sources.toml`` (each one atomic);
5. updates the index incrementally (:func:`assistant.store.incremental.update_index`: only
   this document is embedded and parsed; the index is swapped in whole), or builds it in
   full when the index in use does not match the folder;
6. installs the new index in the running assistant (``install``), so answers already
   running finish on the old one.

If step 5 fails, the folder is put back as it was and the old index keeps serving; if the
process dies after step 4, the folder holds the change and the index is stale, so the
next start rebuilds it: old or new, never a mix.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import DuplicateError, NotFoundError, SourceError, TooLargeError, UsageError
from ..ingest import Document
from ..ingest.files import locked
from ..ingest.sources import SourceMeta, load_document, read_metadata
from ..store import IndexData, build_index, index_info, load_store, read_manifest, staleness
from ..store.crashpoints import reached
from ..store.embedding import Embedder
from ..store.incremental import reusable, update_index
from .duplicates import NEAR_DUPLICATE, containment, signature, signature_of
from .entries import Entry, entries_of, now
from .folder import Folder, check_fields, safe_name, unique_name
from .journal import Journal

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]
STAGES = (("Read ", 0.35), ("Embedding", 0.45), ("embeddings reused", 0.65),
          ("Parsing", 0.7), ("Indexing chunks", 0.85), ("Wrote index", 0.95))


@dataclasses.dataclass(frozen=True)
class Upload:
    """A file as a client sent it: its name (untrusted) and its bytes."""

    name: str
    data: bytes


class Library:
    """The documents of one sources folder and its index; thread- and process-safe."""

    def __init__(self, settings: Settings, embedder: Embedder,
                 current: Callable[[], IndexData | None] | None = None,
                 install: Callable[[IndexData], None] | None = None) -> None:
        self.settings, self.embedder = settings, embedder
        self.folder = Folder(settings.sources)
        self.current = current or (lambda: None)
        self.install = install or (lambda _data: None)

    # --- reading ---------------------------------------------------------------------------

    def data(self) -> IndexData:
        """The index in use: the running assistant's, or the one on disk."""
        return self.current() or load_store(self.settings)

    def entries(self) -> list[Entry]:
        return entries_of(self.data(), self.settings.sources)

    def entry(self, doc_id: str, data: IndexData | None = None) -> Entry:
        for entry in entries_of(data or self.data(), self.settings.sources):
            if entry.id == doc_id:
                return entry
        raise NotFoundError(f"There is no document {doc_id!r} in the library.",
                            fix="See `assistant list` (or GET /api/v1/documents) for the ids.")

    def warm(self) -> None:
        """Pay the first change's one-off costs now (datasketch's import, the documents'
        MinHash signatures, the bulk encoder), e.g. on a thread when a server starts."""
        for doc in self.data().documents:
            signature_of(doc.sha256, doc.text)
        self.embedder.encode(["warm up"] * 5)

    # --- changing --------------------------------------------------------------------------

    def add(self, upload: Upload, fields: Mapping[str, str | None] | None = None,
            progress: Progress | None = None) -> Entry:
        """Add a new document; raises on a bad, duplicate or oversized file."""
        say = _stages(progress)
        given = check_fields(fields or {})
        name = self._checked(upload)
        with locked(self.folder.lock):
            self.folder.clear_staging()
            base = self._base()
            docs = base.documents if base else []
            self._same_bytes(upload, docs)
            name = unique_name(name, {d.id for d in docs} | self._ids_on_disk())
            meta = {**given, "added": now()}
            doc, staged = self._read(upload, name, self._meta(name, meta), say)
            self._near_copy(upload, doc, docs)
            journal = Journal(self.folder)
            data = journal.run(lambda: self._place(journal, staged, name, meta),
                               lambda: self._reindex(base, [doc], (), say))
        say(1.0, f"Added {doc.title}.")
        return self.entry(doc.id, data)

    def replace(self, doc_id: str, upload: Upload,
                fields: Mapping[str, str | None] | None = None,
                progress: Progress | None = None) -> Entry:
        """Put a new file in place of document ``doc_id`` (keeping its id and metadata)."""
        say = _stages(progress)
        given = check_fields(fields or {})
        name = self._checked(upload)
        with locked(self.folder.lock):
            self.folder.clear_staging()
            base = self._base()
            old = self._document(doc_id, base)
            name = doc_id + Path(name).suffix
            meta = {**self.folder.entry(old.path), **given}
            others = [d for d in (base.documents if base else []) if d.id != doc_id]
            self._same_bytes(upload, others)
            doc, staged = self._read(upload, name, self._meta(old.path, meta), say)
            self._near_copy(upload, doc, others)
            journal = Journal(self.folder)
            data = journal.run(lambda: self._place(journal, staged, name, meta, old.path),
                               lambda: self._reindex(base, [doc], (), say))
        say(1.0, f"Replaced the file of {doc.title}.")
        return self.entry(doc.id, data)

    def update(self, doc_id: str, fields: Mapping[str, str | None],
               progress: Progress | None = None) -> Entry:
        """Change a document's metadata (title, author, publisher, date, url); "" clears
        a field back to what the file itself says."""
        say = _stages(progress)
        given = check_fields(fields)
        if not given:
            return self.entry(doc_id)
        with locked(self.folder.lock):
            self.folder.clear_staging()
            base = self._base()
            old = self._document(doc_id, base)
            journal = Journal(self.folder)
            data = journal.run(lambda: journal.edit_toml(
                lambda: self.folder.write_entry(old.path, given)),
                lambda: self._reindex(base, [self._reload(old.path, say)], (), say))
        say(1.0, "Saved.")
        return self.entry(doc_id, data)

    def remove(self, doc_id: str, progress: Progress | None = None) -> Entry:
        """Remove a document: its file, its ``sources.toml`` table and its index parts."""
        say = _stages(progress)
        with locked(self.folder.lock):
            self.folder.clear_staging()
            base = self._base()
            old = self._document(doc_id, base)
            gone = self.entry(doc_id, base) if base else None
            if len(base.documents if base else []) <= 1:
                raise UsageError("The library would be empty without this document.",
                                 fix="Add another document first, then remove this one.")

            def place() -> None:
                journal.move_out(old.path)
                journal.edit_toml(lambda: self.folder.drop_entry(old.path))

            journal = Journal(self.folder)
            journal.run(place, lambda: self._reindex(base, [], [doc_id], say))
        say(1.0, f"Removed {old.title}.")
        return gone or self.entry(doc_id)

    # --- steps -----------------------------------------------------------------------------

    def check_size(self, name: str, size: int) -> None:
        """TooLargeError when a file of ``size`` bytes is over the limit."""
        limit = self.settings.max_file_mb * 2**20
        if size > limit:
            raise TooLargeError(
                f"{name!r} is {size / 2**20:.1f} MB, over the {self.settings.max_file_mb} MB "
                "limit.", fix="Split the file or shrink its images, or raise "
                              "ASSISTANT_MAX_FILE_MB.")

    def _checked(self, upload: Upload) -> str:
        """The safe name of an acceptable upload (type, size, not empty)."""
        name = safe_name(upload.name)
        self.check_size(upload.name, len(upload.data))
        if not upload.data.strip():
            raise SourceError(f"{upload.name!r} is empty.", fix="Add a file with text in it.")
        return name

    def _base(self) -> IndexData | None:
        """The index to build on, or None when it must be built in full (none yet, built
        with other settings, or out of step with the folder)."""
        try:
            manifest = self._disk_manifest()
        except Exception as exc:  # a damaged index is rebuilt from the folder
            log.warning("Rebuilding the index in full: %s", exc)
            return None
        if manifest is None:
            return None
        info = index_info(self.settings, self.embedder)
        if staleness(manifest, info) or not reusable(manifest, info):
            return None
        current = self.current()
        if current is not None and current.manifest == manifest:
            return current
        return load_store(self.settings, manifest)

    def _disk_manifest(self) -> dict[str, Any] | None:
        if self.settings.store == "milvus":
            from ..store.milvus_index import read_milvus_manifest

            return read_milvus_manifest(self.settings)
        if not (Path(self.settings.index) / "manifest.json").exists():
            return None
        return read_manifest(Path(self.settings.index))

    def _ids_on_disk(self) -> set[str]:
        return {p.stem for p in self.folder.path.iterdir() if not p.name.startswith(".")}

    def _document(self, doc_id: str, base: IndexData | None) -> Document:
        for doc in (base or self.data()).documents:
            if doc.id == doc_id:
                return doc
        raise NotFoundError(f"There is no document {doc_id!r} in the library.",
                            fix="See `assistant list` (or GET /api/v1/documents) for the ids.")

    def _meta(self, path: str, fields: Mapping[str, str]) -> SourceMeta:
        """What ``sources.toml`` will say about ``path`` once ``fields`` are written."""
        _, metas = read_metadata(self.folder.path)
        old = metas.get(path, SourceMeta())
        return dataclasses.replace(old, **{k: v for k, v in fields.items()})

    def _read(self, upload: Upload, name: str, meta: SourceMeta,
              say: Progress) -> tuple[Document, Path]:
        """The upload staged and read as the folder will read it (and where it is staged);
        reader errors name the upload, not the staging path."""
        say(0.05, f"Reading {name}...")
        staged = self.folder.stage(name, upload.data)
        reached("library staged")  # test hook, inert in normal runs (see crashpoints)
        shared, _ = read_metadata(self.folder.path)
        try:
            doc = load_document(staged, meta, shared, self.settings.max_file_mb * 2**20)
        except SourceError as exc:
            raise SourceError(exc.message.replace(str(staged), repr(upload.name)),
                              fix=exc.fix) from None
        return doc, staged

    def _reload(self, path: str, say: Progress) -> Document:
        say(0.05, f"Reading {path}...")
        shared, metas = read_metadata(self.folder.path)
        return load_document(self.folder.path / path, metas.get(path, SourceMeta()), shared,
                             self.settings.max_file_mb * 2**20)

    def _same_bytes(self, upload: Upload, docs: Sequence[Document]) -> None:
        digest = hashlib.sha256(upload.data).hexdigest()
        for doc in docs:
            if doc.sha256 == digest:
                raise DuplicateError(
                    f"{upload.name!r} is already in the library, as “{doc.title}” ({doc.id}).",
                    fix="Nothing to add. To put a new version of a document in its place, "
                        "replace that document's file.",
                    existing={"id": doc.id, "title": doc.title})

    def _near_copy(self, upload: Upload, doc: Document, docs: Sequence[Document]) -> None:
        mine = signature(doc.text)
        scored = [(containment(mine, signature_of(d.sha256, d.text)), d) for d in docs]
        share, other = max(scored, key=lambda s: s[0], default=(0.0, None))
        if other is not None and share >= NEAR_DUPLICATE:
            raise DuplicateError(
                f"{upload.name!r} is a near-copy of “{other.title}” ({other.id}): about "
                f"{share:.0%} of its text is the same.",
                fix="It is already in the library. To put this version in its place, "
                    "replace that document's file.",
                existing={"id": other.id, "title": other.title})

    def _place(self, journal: Journal, staged: Path, name: str, meta: Mapping[str, str],
               old_path: str = "") -> None:
        """Move the staged file into the folder and write its metadata (undoably)."""
        journal.move_in(staged, name)
        if old_path and old_path != name:
            journal.move_out(old_path)
        journal.edit_toml(lambda: self.folder.write_entry(name, meta, old_path))
        reached("library files written")  # test hook, inert in normal runs (see crashpoints)

    def _reindex(self, base: IndexData | None, changed: Sequence[Document],
                 removed: Sequence[str], say: Progress) -> IndexData:
        def store_says(message: str) -> None:
            fraction = next((f for prefix, f in STAGES if prefix in message), None)
            if fraction is not None:
                say(fraction, message)

        if base is None:
            manifest = build_index(self.settings, self.embedder, store_says)
        else:
            manifest = update_index(self.settings, self.embedder, base, changed, removed,
                                    store_says)
        say(0.97, "Loading the new index...")
        data = load_store(self.settings, manifest)
        self.install(data)
        return data


def _stages(progress: Progress | None) -> Progress:
    return progress or (lambda _fraction, _message: None)
