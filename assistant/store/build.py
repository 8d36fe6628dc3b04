"""Build: read, clean, chunk and embed the sources, then write the index atomically.

``ensure_index`` is what loading calls: it builds when the index is missing, and
rebuilds (logging one line saying why) when the sources, model, chunking or
tokenizer changed since the manifest was written.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import StoreError
from ..ingest import INGEST_VERSION, fingerprint, load_documents
from ..ingest.events import EVENTS_VERSION
from ..text import nlp, tokenizer_fingerprint
from ..text.annotate import ANNOTATION_VERSION
from .contents import Contents
from .disk import (
    FORMAT_VERSION,
    MANIFEST,
    IndexData,
    load_index,
    make_manifest,
    read_manifest,
    serialize,
    staleness,
    write_index,
)
from .embedding import Embedder
from .faiss_index import choose_index_type, set_threads
from .parts import assemble, cache_dir, document_parts

log = logging.getLogger(__name__)
Progress = Callable[[str], None]


def index_info(settings: Settings, embedder: Embedder) -> dict[str, Any]:
    """The manifest fields that, when they change, make an index stale."""
    return {
        "model_id": embedder.model_id,
        "chunking": {"target_words": settings.chunk_words,
                     "overlap_sentences": settings.overlap_sentences},
        "sources": fingerprint(settings.sources),
        "tokenizer": tokenizer_fingerprint(),
        "annotation": f"{nlp.model_id()}/{ANNOTATION_VERSION}",
        "events": EVENTS_VERSION,
        "ingest": INGEST_VERSION,
    }


def build_index(settings: Settings, embedder: Embedder,
                progress: Progress | None = None) -> dict[str, Any]:
    """Read, clean, chunk and embed the sources; write the index atomically (to the FAISS
    folder, or as a new Milvus generation behind its alias)."""
    return write_contents(settings, prepare(settings, embedder, progress), progress)


def write_contents(settings: Settings, contents: Contents, progress: Progress | None = None,
                   keep_previous: bool = False) -> dict[str, Any]:
    """Write a built index where the settings keep it; its manifest. ``keep_previous``
    keeps the Milvus generation in use until now (the FAISS folder is swapped in whole
    and a loaded index keeps its data in memory, so it needs nothing kept)."""
    say = progress or (lambda _msg: None)
    if settings.store == "milvus":
        from .milvus_index import write_milvus

        manifest = write_milvus(settings, contents, keep_previous)
        say(f"Wrote index to Milvus at {settings.resolved_milvus_uri} "
            f"(alias {settings.milvus_collection}).")
        return manifest
    index_type = choose_index_type(len(contents.chunks), settings.index_type,
                                   settings.hnsw_threshold)
    files = serialize(contents.documents, contents.chunks, contents.sentences,
                      contents.chunk_vectors, contents.sentence_vectors, contents.bm25,
                      contents.notes, index_type, events=contents.events, m=settings.hnsw_m,
                      ef_search=settings.hnsw_ef_search)
    manifest = make_manifest(files, {**contents.info,
                                     "dimension": int(contents.chunk_vectors.shape[1]),
                                     "index_type": index_type}, contents.counts)
    write_index(settings.index, files, manifest)
    say(f"Wrote index to {settings.index}.")
    return manifest


def prepare(settings: Settings, embedder: Embedder,
            progress: Progress | None = None) -> Contents:
    """Everything an index holds, computed from the sources; nothing written yet."""
    info = index_info(settings, embedder)
    docs = load_documents(settings.sources, settings.max_file_mb * 2**20)
    return assemble(document_parts(settings, embedder, docs, progress), info, progress)


def embedding_cache_dir(settings: Settings) -> Path:
    """``.assistant-cache`` beside the index: cached embeddings and the ONNX export."""
    return cache_dir(settings)


def make_embedder(settings: Settings) -> Embedder:
    """The embedder the settings ask for, caching its ONNX export beside the index."""
    return Embedder(settings.model_path or None, settings.batch_size,
                    cache_size=settings.query_cache, backend=settings.embed_backend or None,
                    cache_dir=embedding_cache_dir(settings), query_lanes=settings.lanes,
                    query_batch=settings.query_batch, query_window_ms=settings.query_window_ms)


def cap_threads() -> None:
    """On two cores BLAS and FAISS threads starve torch's: give them one thread each."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
    set_threads(1)


def ensure_index(settings: Settings, embedder: Embedder, *, rebuild: bool = False,
                 progress: Progress | None = None) -> dict[str, Any]:
    """The manifest of an index that matches the sources, building one if needed."""
    if settings.store == "milvus":
        return _ensure_milvus(settings, embedder, rebuild=rebuild, progress=progress)
    index = Path(settings.index)
    if rebuild or (not (index / "manifest.json").exists() and not _has_leftovers(index)):
        if not rebuild:
            log.info("No index at %s; building it.", index)
        return build_index(settings, embedder, progress)
    old = _format_of(index)
    if isinstance(old, int) and not isinstance(old, bool) and 0 < old < FORMAT_VERSION:
        log.warning("Index at %s has format version %d, older than this program's %d; "
                    "rebuilding.", index, old, FORMAT_VERSION)
        return build_index(settings, embedder, progress)
    manifest = read_manifest(index)
    reason = staleness(manifest, index_info(settings, embedder))
    if reason:
        log.warning("Index at %s is stale (%s); rebuilding.", index, reason)
        return build_index(settings, embedder, progress)
    return manifest


def _ensure_milvus(settings: Settings, embedder: Embedder, *, rebuild: bool,
                   progress: Progress | None) -> dict[str, Any]:
    from .milvus_index import FORMAT, read_milvus_manifest

    where = f"Milvus at {settings.resolved_milvus_uri} (alias {settings.milvus_collection})"
    manifest = None if rebuild else read_milvus_manifest(settings)
    if manifest is None:
        if not rebuild:
            log.info("No index in %s; building it.", where)
        return build_index(settings, embedder, progress)
    if manifest.get("format_version") != FORMAT:
        reason: str | None = f"format {manifest.get('format_version')!r}, not {FORMAT}"
    else:
        reason = staleness(manifest, index_info(settings, embedder))
    if reason:
        log.warning("Index in %s is stale (%s); rebuilding.", where, reason)
        return build_index(settings, embedder, progress)
    return manifest


def load_store(settings: Settings, manifest: dict[str, Any] | None = None) -> IndexData:
    """The index the settings name: the FAISS folder, or the Milvus generation the
    manifest (by default the alias's) names."""
    if settings.store != "milvus":
        return load_index(settings.index, manifest)
    from .milvus_index import load_milvus, read_milvus_manifest

    manifest = manifest or read_milvus_manifest(settings)
    if manifest is None:
        raise StoreError(f"There is no index in Milvus at {settings.resolved_milvus_uri} "
                         f"(alias {settings.milvus_collection}).",
                         fix="Run `assistant index --store milvus` to build it.")
    return load_milvus(settings, manifest)


def _format_of(index: Path) -> Any:
    """The manifest's format version, or None when it cannot be read (``read_manifest``
    then reports the problem, naming the file). A newer version is an error, not a
    rebuild: it was written by a newer program."""
    try:
        return json.loads((index / MANIFEST).read_text(encoding="utf-8"))["format_version"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _has_leftovers(index: Path) -> bool:
    present = index.is_dir() and any(index.iterdir())
    return present or any(index.parent.glob(f".{index.name}.old-*"))
