"""Parts: an index as the sum of its documents' shares, so one document can be redone alone.

Everything an index holds about a document depends on that document alone (its
sentences and chunks, their vectors, the spaCy annotations, the dated events), except the
two BM25 matrices, whose term statistics span the whole library. So a build is: one
:class:`Part` per document (:func:`document_parts`: chunk, embed, parse), then
:func:`assemble`, which puts the parts in file-name order and computes BM25 over all of
them. A full build makes every part; adding, replacing or removing one document
(:mod:`.incremental`) makes only that document's part and takes the others from the
index in use (:func:`parts_of`), so both paths write the same index.

>>> from assistant.ingest import Document
>>> part = Part(Document("d", "d.txt", "D", "Text."), [], [], np.zeros((0, 2)),
...             np.zeros((0, 2)), [], [])
>>> part.document.id
'd'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..config import Settings
from ..ingest import Chunk, Document, Sentence, chunk_documents, with_header
from ..ingest.events import Event, extract_events
from ..text import nlp
from ..text.annotate import Note, annotate
from . import vector_cache
from .bm25 import build_bm25
from .contents import Contents
from .crashpoints import reached
from .disk import IndexData
from .embedding import Embedder

Progress = Callable[[str], None]


@dataclass(frozen=True, eq=False)
class Part:
    """One document's share of an index, in the order the index keeps it."""

    document: Document
    chunks: list[Chunk]
    sentences: list[Sentence]
    chunk_vectors: np.ndarray
    sentence_vectors: np.ndarray
    notes: list[Note]
    events: list[Event]


def cache_dir(settings: Settings) -> Path:
    """``.assistant-cache`` beside the index: cached embeddings and the ONNX export."""
    return Path(settings.index).parent / ".assistant-cache"


def embed_cached(settings: Settings, embedder: Embedder, texts: list[str],
                 show_progress: bool) -> tuple[Any, int]:
    """Vectors for ``texts``, embedding only those the embedding cache does not hold."""
    if hasattr(embedder, "use_cache_dir"):
        embedder.use_cache_dir(cache_dir(settings))

    def encode(missing: list[str]) -> Any:
        return embedder.encode(missing, show_progress=show_progress)

    return vector_cache.embed(texts, encode, cache_dir(settings), embedder.model_id)


def document_parts(settings: Settings, embedder: Embedder, docs: Sequence[Document],
                   progress: Progress | None = None) -> list[Part]:
    """The parts of ``docs``: chunked, embedded (cached vectors reused) and parsed."""
    say = progress or (lambda _msg: None)
    sentences, chunks = chunk_documents(docs, settings.chunk_words, settings.overlap_sentences)
    plural = "s" if len(docs) != 1 else ""
    say(f"Read {len(docs)} document{plural}: {len(chunks)} chunks, {len(sentences)} sentences.")
    reached("sources read")  # test hook, inert in normal runs (see crashpoints)
    say("Embedding chunks and sentences...")
    by_id = {d.id: d for d in docs}
    texts = [with_header(c.text, by_id[c.doc_id]) for c in chunks] + [s.text for s in sentences]
    vectors, reused = embed_cached(settings, embedder, texts, show_progress=progress is not None)
    reached("embedded")
    say(f"{reused} embeddings reused, {len(texts) - reused} new.")
    say("Parsing sentences (entities, lemmas, speakers, dated events)...")
    parses = nlp.parse_many(s.text for s in sentences)
    notes = annotate(parses, [s.doc_id for s in sentences])
    events = extract_events(docs, sentences, parses)
    chunk_vectors, sentence_vectors = vectors[: len(chunks)], vectors[len(chunks):]
    crows, srows = _rows_by_doc(chunks), _rows_by_doc(sentences)
    by_doc: dict[str, list[Event]] = {}
    for event in events:
        by_doc.setdefault(event.source_id, []).append(event)
    return [Part(doc, [chunks[r] for r in crows.get(doc.id, [])],
                 [sentences[r] for r in srows.get(doc.id, [])],
                 _take(chunk_vectors, crows.get(doc.id, [])),
                 _take(sentence_vectors, srows.get(doc.id, [])),
                 [notes[r] for r in srows.get(doc.id, [])], by_doc.get(doc.id, []))
            for doc in docs]


def _rows_by_doc(records: Sequence[Chunk] | Sequence[Sentence]) -> dict[str, list[int]]:
    rows: dict[str, list[int]] = {}
    for row, record in enumerate(records):
        rows.setdefault(record.doc_id, []).append(row)
    return rows


def _take(matrix: np.ndarray, rows: list[int]) -> np.ndarray:
    dim = matrix.shape[1] if matrix.ndim == 2 else 0
    if not rows:
        return np.zeros((0, dim), dtype=np.float32)
    return np.ascontiguousarray(matrix[rows], dtype=np.float32)


def parts_of(data: IndexData, chunk_vectors: np.ndarray) -> dict[str, Part]:
    """Each document's part of a loaded index (``chunk_vectors``: its chunks' vectors)."""
    crows, srows = _rows_by_doc(data.chunks), _rows_by_doc(data.sentences)
    events: dict[str, list[Event]] = {}
    for event in data.events:
        events.setdefault(event.source_id, []).append(event)
    return {doc.id: Part(doc, [data.chunks[r] for r in crows.get(doc.id, [])],
                         [data.sentences[r] for r in srows.get(doc.id, [])],
                         _take(chunk_vectors, crows.get(doc.id, [])),
                         _take(data.sentence_vectors, srows.get(doc.id, [])),
                         [data.notes[r] for r in srows.get(doc.id, [])],
                         events.get(doc.id, []))
            for doc in data.documents}


def assemble(parts: Sequence[Part], info: Mapping[str, Any],
             progress: Progress | None = None) -> Contents:
    """The index of ``parts``, in file-name order (as the sources folder lists them),
    with the BM25 matrices computed over all of them."""
    say = progress or (lambda _msg: None)
    ordered = sorted(parts, key=lambda p: p.document.path)
    docs = [p.document for p in ordered]
    chunks = [c for p in ordered for c in p.chunks]
    sentences = [s for p in ordered for s in p.sentences]
    say("Indexing chunks and sentence windows for BM25...")
    bm25 = build_bm25(docs, chunks, sentences)
    dim = next((p.chunk_vectors.shape[1] for p in ordered if p.chunk_vectors.ndim == 2
                and p.chunk_vectors.shape[1]), 0)
    return Contents(docs, chunks, sentences, _stack([p.chunk_vectors for p in ordered], dim),
                    _stack([p.sentence_vectors for p in ordered], dim), bm25,
                    [n for p in ordered for n in p.notes],
                    [e for p in ordered for e in p.events], dict(info))


def _stack(blocks: list[np.ndarray], dim: int) -> np.ndarray:
    blocks = [b for b in blocks if len(b)]
    if not blocks:
        return np.zeros((0, dim), dtype=np.float32)
    return np.ascontiguousarray(np.concatenate(blocks), dtype=np.float32)
