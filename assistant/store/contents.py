"""Contents: what one build produced, before a store backend writes it.

``build`` reads, chunks, embeds and parses the sources into one :class:`Contents`; the
FAISS folder (:mod:`.disk`) and the Milvus collections (:mod:`.milvus_index`) each write
it their own way, so both hold exactly the same records, vectors and BM25 scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..ingest import Chunk, Document, Sentence
from ..ingest.events import Event
from ..text.annotate import Note
from .arrays import TermMatrix


@dataclass(frozen=True, eq=False)
class Contents:
    """Records, vectors and BM25 matrices of one build, with its manifest fields."""

    documents: list[Document]
    chunks: list[Chunk]
    sentences: list[Sentence]
    chunk_vectors: np.ndarray
    sentence_vectors: np.ndarray
    bm25: tuple[TermMatrix, TermMatrix]  # chunks (with their header), sentence windows
    notes: list[Note]
    events: list[Event]
    info: dict[str, Any]  # index_info(): model, chunking, sources, tokenizer, ...

    @property
    def counts(self) -> dict[str, int]:
        return {"documents": len(self.documents), "chunks": len(self.chunks),
                "sentences": len(self.sentences), "events": len(self.events)}


def sparse_rows(matrix: TermMatrix) -> list[dict[int, float]]:
    """Each document's (row's) term scores, ``{term column: score}``, from a CSC matrix.

    >>> m = TermMatrix(np.array([1.5, 2.0, 0.5], dtype=np.float32), np.array([0, 1, 1]),
    ...                np.array([0, 2, 3]), ("a", "b"), 2)
    >>> sparse_rows(m)
    [{0: 1.5}, {0: 2.0, 1: 0.5}]
    """
    columns = np.repeat(np.arange(len(matrix.vocab)), np.diff(matrix.indptr))
    order = np.argsort(matrix.indices, kind="stable")
    rows: list[dict[int, float]] = [{} for _ in range(matrix.rows)]
    for row, column, score in zip(matrix.indices[order].tolist(), columns[order].tolist(),
                                  matrix.data[order].tolist(), strict=True):
        rows[row][column] = score
    return rows
