"""FAISS: build the vector indexes, turn them into bytes and back, and set its threads.

The only module that imports faiss, so the rest of the package (and ``--help``) never
pays for it. :mod:`assistant.store` writes what these functions return.

>>> import numpy as np
>>> index = build_flat_index(np.eye(3, dtype=np.float32))
>>> index_from_bytes(index_bytes(index)).ntotal
3
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _faiss() -> Any:
    import faiss

    return faiss


def build_flat_index(vectors: np.ndarray) -> Any:
    """An exact inner-product FAISS index over normalised vectors."""
    faiss = _faiss()
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


INDEX_TYPES = ("auto", "flat-ip", "hnsw-ip")


def choose_index_type(n: int, index_type: str = "auto", threshold: int = 50_000) -> str:
    """``flat-ip`` (exact) below ``threshold`` vectors, ``hnsw-ip`` (approximate) above.

    >>> choose_index_type(20), choose_index_type(200_000), choose_index_type(5, "hnsw-ip")
    ('flat-ip', 'hnsw-ip', 'hnsw-ip')
    """
    if index_type not in INDEX_TYPES:
        raise ValueError(f"unknown index type {index_type!r}; use one of {INDEX_TYPES}")
    if index_type != "auto":
        return index_type
    return "flat-ip" if n < threshold else "hnsw-ip"


def build_hnsw_index(vectors: np.ndarray, m: int = 32, ef_construction: int = 64,
                     ef_search: int = 256) -> Any:
    """An HNSW graph over normalised vectors, scored by inner product (cosine)."""
    faiss = _faiss()
    index = faiss.IndexHNSWFlat(vectors.shape[1], m, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = ef_construction
    index.hnsw.efSearch = ef_search  # serialised with the index
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def build_vector_index(vectors: np.ndarray, index_type: str = "flat-ip", **hnsw: int) -> Any:
    """The FAISS index of a resolved type (see :func:`choose_index_type`)."""
    if index_type == "hnsw-ip":
        return build_hnsw_index(vectors, **hnsw)
    return build_flat_index(vectors)


def index_bytes(index: Any) -> bytes:
    """A FAISS index serialised, as written to ``chunks.faiss``."""
    return bytes(_faiss().serialize_index(index).tobytes())


def index_from_bytes(raw: bytes) -> Any:
    """The FAISS index that :func:`index_bytes` wrote (the caller checked the checksum)."""
    return _faiss().deserialize_index(np.frombuffer(raw, dtype=np.uint8))


def stored_vectors(index: Any) -> np.ndarray:
    """Every vector an index holds, in row order (exact for both flat and HNSW indexes,
    which keep the vectors themselves).

    >>> stored_vectors(build_flat_index(np.eye(2, dtype=np.float32))).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    if index.ntotal == 0:
        return np.zeros((0, index.d), dtype=np.float32)
    return np.ascontiguousarray(index.reconstruct_n(0, index.ntotal), dtype=np.float32)


def set_threads(n: int) -> None:
    """FAISS's OpenMP thread count (search on 2 cores is fastest with one)."""
    _faiss().omp_set_num_threads(n)

