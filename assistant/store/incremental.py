"""Incremental indexing: add, replace or remove documents by redoing only their parts.

:func:`update_index` takes the index in use, drops the parts of the documents removed or
replaced, makes the parts of the documents added or replaced (read, chunked, embedded and
parsed: those documents only), assembles the whole (BM25 spans the library, so it is
recomputed: a fraction of a second for hundreds of documents) and writes it the way a full
build does: the FAISS folder swapped in with one atomic rename, or a new Milvus generation
behind its alias (the previous generation is kept until the next change, so answers
searching it finish there). A reader therefore sees the old index or the new one, and the
result is the index a full build from the same folder writes (same files, same checksums;
only ``created_at`` differs).

On Milvus the new generation is written whole, not patched: a document's BM25 sparse
vectors depend on the whole library's term statistics (every row's scores change when a
document comes or goes), and rows patched in place would be seen half-done by readers of
the live generation. What is saved is the expensive part: only the changed document is
embedded and parsed; the other rows' vectors are read back from Milvus.

The index in use must have been built with the same model, chunking, tokenizer and
annotation versions as the settings ask for now; when it was not (:func:`reusable` is
False) its parts are not reused and the caller builds in full.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from ..config import Settings
from ..ingest import Document
from .build import index_info, write_contents
from .disk import IndexData
from .embedding import Embedder
from .parts import assemble, document_parts, parts_of

Progress = Callable[[str], None]


def reusable(manifest: Mapping[str, Any], info: Mapping[str, Any]) -> bool:
    """Whether an index's parts can be reused under the settings that produced ``info``
    (everything but the sources must match).

    >>> reusable({"model_id": "m", "sources": {"a": "1"}}, {"model_id": "m", "sources": {}})
    True
    >>> reusable({"model_id": "m"}, {"model_id": "n"})
    False
    """
    return all(manifest.get(key) == value for key, value in info.items() if key != "sources")


def chunk_vectors(settings: Settings, data: IndexData) -> np.ndarray:
    """The dense vectors of a loaded index's chunks, in row order."""
    if data.chunk_index is not None:
        from .faiss_index import stored_vectors

        return stored_vectors(data.chunk_index)
    from .milvus_index import chunk_vectors as milvus_vectors

    return milvus_vectors(settings, data)


def update_index(settings: Settings, embedder: Embedder, base: IndexData,
                 changed: Sequence[Document] = (), removed: Iterable[str] = (),
                 progress: Progress | None = None) -> dict[str, Any]:
    """Write the index of ``base`` with ``changed`` documents added or put in place of
    those with their ids, and the ``removed`` ids dropped; the new manifest.

    ``index_info`` (the sources' checksums) is read from the folder now: write the
    folder's files before calling this.
    """
    info = index_info(settings, embedder)
    keep = parts_of(base, chunk_vectors(settings, base))
    for doc_id in [*removed, *(d.id for d in changed)]:
        keep.pop(doc_id, None)
    fresh = document_parts(settings, embedder, list(changed), progress) if changed else []
    contents = assemble([*keep.values(), *fresh], info, progress)
    return write_contents(settings, contents, progress, keep_previous=True)
