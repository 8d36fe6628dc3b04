"""Store: write and read the index folder (FAISS vectors, JSON Lines, manifest).

Layout of ``index/``::

    manifest.json      format version, model, settings, checksums, counts, time
    chunks.faiss       inner-product FAISS index over chunk vectors
    sentences.faiss    the same over sentence vectors
    sentences.npy      sentence vectors (float32, loaded with allow_pickle=False)
    documents.jsonl    one cleaned document per line, with its metadata
    chunks.jsonl       one chunk per line, offsets into its document
    sentences.jsonl    one sentence per line, offsets and paragraph number
    chunks.bm25.*      BM25 scores of terms in chunks: data/indices/indptr .npy
                       (a sparse matrix, allow_pickle=False) and vocab.json (its terms)
    windows.bm25.*     the same over sentence windows, one row per sentence
    sentences.nlp.jsonl  one annotation per sentence (entities, lemmas, speaker, cues)
    events.jsonl       the dated events, one per (sentence, date), with quote and offsets

A build is written to a temporary sibling folder and swapped in with one rename,
so a failed build leaves the previous index untouched. Every file's sha256 is
checked against the manifest before it is parsed; nothing is unpickled.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import hashlib
import io
import json
import logging
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import IndexCorruptError
from ..ingest import Chunk, Document, Sentence
from ..ingest.events import Event
from ..text.annotate import Note
from .arrays import MalformedFile, TermMatrix, matrix_files, parse_matrix
from .crashpoints import reached
from .faiss_index import build_vector_index, index_bytes, index_from_bytes

log = logging.getLogger(__name__)

# 2: BM25 matrices stored; 3: sentence annotations (entities, speaker); 4: dated events;
# 5: documents read by format with their metadata, byline and furniture left out
FORMAT_VERSION = 5
MANIFEST = "manifest.json"
FIX = "Run `assistant index` to rebuild it."


@dataclass
class IndexData:
    """Everything a loaded index holds; ``chunk_index`` is a FAISS index.

    An index loaded from Milvus has no FAISS indexes or BM25 matrices here (``None``):
    its ``searcher`` answers the dense and BM25 searches instead.
    """

    manifest: dict[str, Any]
    documents: list[Document]
    chunks: list[Chunk]
    sentences: list[Sentence]
    chunk_index: Any
    sentence_vectors: np.ndarray
    chunk_bm25: TermMatrix | None  # one row per chunk
    window_bm25: TermMatrix | None  # one row per sentence (its window)
    # FAISS index over the sentence vectors (None for an index built before it existed).
    sentence_index: Any = None
    notes: list[Note] = field(default_factory=list)  # one per sentence, in order
    events: list[Event] = field(default_factory=list)  # dated events, in document order
    searcher: Any = None  # a MilvusSearch, for an index held in Milvus


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _jsonl(records: Iterable[Any]) -> bytes:
    lines = (json.dumps(asdict(r), ensure_ascii=False, sort_keys=True) for r in records)
    return "".join(line + "\n" for line in lines).encode("utf-8")


def _json_lines(rows: Iterable[Mapping[str, Any]]) -> bytes:
    lines = (json.dumps(row, ensure_ascii=False, sort_keys=True) for row in rows)
    return "".join(line + "\n" for line in lines).encode("utf-8")


def serialize(
    documents: Sequence[Document],
    chunks: Sequence[Chunk],
    sentences: Sequence[Sentence],
    chunk_vectors: np.ndarray,
    sentence_vectors: np.ndarray,
    bm25: tuple[TermMatrix, TermMatrix],
    notes: Sequence[Note],
    index_type: str = "flat-ip",
    events: Sequence[Event] = (),
    **hnsw: int,
) -> dict[str, bytes]:
    """The bytes of every data file of an index (``index_type`` already resolved).

    ``bm25`` holds the chunk and the sentence-window matrices, stored as given.
    """
    npy = io.BytesIO()
    np.save(npy, np.ascontiguousarray(sentence_vectors, dtype=np.float32), allow_pickle=False)
    chunk_index = build_vector_index(chunk_vectors, index_type, **hnsw)
    sentence_index = build_vector_index(sentence_vectors, index_type, **hnsw)
    return {
        "chunks.faiss": index_bytes(chunk_index),
        "sentences.faiss": index_bytes(sentence_index),
        "sentences.npy": npy.getvalue(),
        "documents.jsonl": _jsonl(documents),
        "chunks.jsonl": _jsonl(chunks),
        "sentences.jsonl": _jsonl(sentences),
        "sentences.nlp.jsonl": _json_lines(n.to_json() for n in notes),
        "events.jsonl": _jsonl(events),
        **matrix_files("chunks.bm25", bm25[0]),
        **matrix_files("windows.bm25", bm25[1]),
    }


def make_manifest(
    files: Mapping[str, bytes], info: Mapping[str, Any], counts: Mapping[str, int]
) -> dict[str, Any]:
    """The manifest: ``info`` (model, settings, source checksums) plus file checksums."""
    return {
        "format_version": FORMAT_VERSION,
        "index_type": "flat-ip",
        **info,
        "files": {
            name: {"sha256": _sha256(data), "bytes": len(data)} for name, data in files.items()
        },
        "counts": dict(counts),
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def write_index(target: Path, files: Mapping[str, bytes], manifest: Mapping[str, Any]) -> None:
    """Write all files to a temporary folder beside ``target``, then swap it in."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(target)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        for name, data in {**files, MANIFEST: _manifest_bytes(manifest)}.items():
            _write_synced(tmp / name, data)
            reached(f"wrote {name}")  # test hooks, inert in normal runs (see crashpoints)
        _fsync_dir(tmp)
        reached("files synced")
        _swap_in(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _manifest_bytes(manifest: Mapping[str, Any]) -> bytes:
    return (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with Linux renameat2(RENAME_EXCHANGE); False if unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    ok = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0
    return ok


def _swap_in(tmp: Path, target: Path) -> None:
    if not target.exists():
        os.rename(tmp, target)
    elif _exchange(tmp, target):
        reached("swapped")
        shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the previous index
    else:
        old = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
        os.rename(target, old)
        os.rename(tmp, target)
        shutil.rmtree(old, ignore_errors=True)
    _fsync_dir(target.parent)


def _remove_leftovers(target: Path) -> None:
    """Put back an index a crash left half-swapped, and drop dead temporary folders."""
    olds = sorted(target.parent.glob(f".{target.name}.old-*"), key=lambda p: p.stat().st_mtime)
    if olds and not target.exists():
        log.warning("Restoring %s from %s left by an interrupted build.", target, olds[-1])
        os.rename(olds[-1], target)
        olds = olds[:-1]
    for stale in olds + list(target.parent.glob(f".{target.name}.tmp-*")):
        if _owner_gone(stale):
            shutil.rmtree(stale, ignore_errors=True)


def _owner_gone(path: Path) -> bool:
    # A temporary folder older than a minute belongs to a build that died.
    import time

    return time.time() - path.stat().st_mtime > 60


def read_manifest(index_dir: Path) -> dict[str, Any]:
    """The parsed manifest, checked for a known format version."""
    _remove_leftovers(index_dir)
    path = index_dir / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexCorruptError(f"{path} is missing.", fix=FIX) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IndexCorruptError(f"{path} is not valid JSON ({exc}).", fix=FIX) from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise IndexCorruptError(f"{path} is not an index manifest.", fix=FIX)
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise IndexCorruptError(
            f"{path} has format version {version!r}; this program reads version {FORMAT_VERSION}.",
            fix=FIX,
        )
    return manifest


def read_verified(index_dir: Path, manifest: Mapping[str, Any], name: str) -> bytes:
    """A file's bytes, only if its sha256 matches the manifest."""
    path = index_dir / name
    entry = manifest["files"].get(name)
    if not isinstance(entry, dict) or "sha256" not in entry:
        raise IndexCorruptError(f"{index_dir / MANIFEST} does not list {name}.", fix=FIX)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise IndexCorruptError(f"Index file {path} is missing.", fix=FIX) from None
    if _sha256(data) != entry["sha256"]:
        raise IndexCorruptError(
            f"Index file {path} is damaged (its checksum does not match the manifest).", fix=FIX
        )
    return data


def _records(index_dir: Path, manifest: Mapping[str, Any], name: str, kind: type) -> list[Any]:
    data = read_verified(index_dir, manifest, name)
    out = []
    # Split on "\n" only: U+2028 and friends are valid inside a JSON string.
    lines = data.decode("utf-8").split("\n")
    for number, line in enumerate(lines[:-1] if lines and not lines[-1] else lines, start=1):
        try:
            row = json.loads(line)
            if kind is Chunk:
                row["sentence_ids"] = tuple(row["sentence_ids"])
            out.append(kind(**row))
        except (json.JSONDecodeError, TypeError, KeyError) as exc:
            raise IndexCorruptError(
                f"Index file {index_dir / name}, line {number}, is malformed ({exc}).", fix=FIX
            ) from None
    return out


def load_index(index_dir: Path, manifest: Mapping[str, Any] | None = None) -> IndexData:
    """Read and check a whole index folder."""
    manifest = dict(manifest or read_manifest(index_dir))
    documents = _records(index_dir, manifest, "documents.jsonl", Document)
    chunks = _records(index_dir, manifest, "chunks.jsonl", Chunk)
    sentences = _records(index_dir, manifest, "sentences.jsonl", Sentence)
    try:
        chunk_index = _read_faiss(index_dir, manifest, "chunks.faiss")
        vectors = np.load(
            io.BytesIO(read_verified(index_dir, manifest, "sentences.npy")), allow_pickle=False
        )
        sentence_index = None
        if "sentences.faiss" in manifest["files"]:
            sentence_index = _read_faiss(index_dir, manifest, "sentences.faiss")
    except (RuntimeError, ValueError) as exc:
        raise IndexCorruptError(
            f"Index files in {index_dir} cannot be read ({exc}).", fix=FIX
        ) from None
    _check_counts(index_dir, manifest, documents, chunks, sentences, chunk_index, vectors)
    if sentence_index is not None and sentence_index.ntotal != len(sentences):
        raise IndexCorruptError(
            f"Index file {index_dir / 'sentences.faiss'} does not match the sentences.", fix=FIX
        )
    chunk_bm25 = read_matrix(index_dir, manifest, "chunks.bm25", len(chunks))
    window_bm25 = read_matrix(index_dir, manifest, "windows.bm25", len(sentences))
    notes = _notes(index_dir, manifest, len(sentences))
    events = _records(index_dir, manifest, "events.jsonl", Event)
    return IndexData(manifest, documents, chunks, sentences, chunk_index, vectors,
                     chunk_bm25, window_bm25, sentence_index, notes, events)


def _notes(index_dir: Path, manifest: Mapping[str, Any], rows: int) -> list[Note]:
    """The sentence annotations, one per sentence, checked against the sentence count."""
    name = "sentences.nlp.jsonl"
    lines = read_verified(index_dir, manifest, name).decode("utf-8").split("\n")
    try:
        notes = [Note.from_json(json.loads(line)) for line in lines if line]
    except (json.JSONDecodeError, TypeError, ValueError, IndexError, AttributeError) as exc:
        raise IndexCorruptError(f"Index file {index_dir / name} is malformed ({exc}).",
                                fix=FIX) from None
    if len(notes) != rows:
        raise IndexCorruptError(f"Index file {index_dir / name} has {len(notes)} rows for "
                                f"{rows} sentences.", fix=FIX)
    return notes


def read_matrix(index_dir: Path, manifest: Mapping[str, Any], name: str,
                rows: int) -> TermMatrix:
    """The term matrix stored as ``name``, its files verified, with ``rows`` documents."""
    try:
        return parse_matrix(name, lambda file: read_verified(index_dir, manifest, file), rows)
    except MalformedFile as exc:
        raise IndexCorruptError(
            f"Index file {index_dir / exc.name} is malformed ({exc.reason}).", fix=FIX
        ) from None


def _read_faiss(index_dir: Path, manifest: Mapping[str, Any], name: str) -> Any:
    raw = read_verified(index_dir, manifest, name)
    return index_from_bytes(raw)


def _check_counts(
    index_dir: Path,
    manifest: Mapping[str, Any],
    documents: list[Document],
    chunks: list[Chunk],
    sentences: list[Sentence],
    chunk_index: Any,
    vectors: np.ndarray,
) -> None:
    counts = manifest.get("counts", {})
    found = {"documents": len(documents), "chunks": len(chunks), "sentences": len(sentences)}
    for key, n in found.items():
        if counts.get(key) != n:
            raise IndexCorruptError(
                f"Index in {index_dir} has {n} {key} but its manifest says {counts.get(key)}.",
                fix=FIX,
            )
    if chunk_index.ntotal != len(chunks) or vectors.shape[0] != len(sentences):
        raise IndexCorruptError(
            f"Index in {index_dir} has vectors that do not match its chunks or sentences.",
            fix=FIX,
        )
    if not chunks:
        raise IndexCorruptError(f"Index in {index_dir} is empty.", fix=FIX)


def staleness(manifest: Mapping[str, Any], current: Mapping[str, Any]) -> str | None:
    """Why an index no longer matches the sources and settings, or ``None``.

    >>> staleness({"sources": {"a.txt": "1"}, "model_id": "m"},
    ...           {"sources": {"a.txt": "2", "b.txt": "3"}, "model_id": "m"})
    'source added: b.txt; source changed: a.txt'
    """
    old, new = manifest.get("sources", {}), current.get("sources", {})
    reasons = [f"source added: {n}" for n in sorted(set(new) - set(old))]
    reasons += [f"source changed: {n}" for n in sorted(set(new) & set(old)) if new[n] != old[n]]
    reasons += [f"source removed: {n}" for n in sorted(set(old) - set(new))]
    for key in sorted(set(current) - {"sources"}):
        if manifest.get(key) != current[key]:
            reasons.append(f"{key} changed: {manifest.get(key)!r} -> {current[key]!r}")
    return "; ".join(reasons) or None
