"""Store: embed texts and keep the index, on disk (FAISS, arrays, JSON Lines) or in Milvus.

Everything that turns chunks into searchable vectors and lexical matrices, writes
them atomically, and reads them back only after their checksums match the manifest:
the embedder (PyTorch or its ONNX export), the embedding cache, FAISS, BM25 and the
index folder itself, or the same index as Milvus collections (:mod:`.milvus_index`,
chosen by ``Settings.store``). Building the index from the sources lives here too
(:mod:`.build`), since it is ingest followed by storing.

>>> from assistant.store import choose_index_type
>>> choose_index_type(100)
'flat-ip'
"""

from .arrays import TermMatrix
from .batching import QueryBatcher
from .bm25 import bm25_from, build_bm25, sentence_windows
from .build import (
    build_index,
    cap_threads,
    embedding_cache_dir,
    ensure_index,
    index_info,
    load_store,
    make_embedder,
)
from .disk import FORMAT_VERSION, MANIFEST, IndexData, load_index, read_manifest, staleness
from .embedding import Embedder
from .faiss_index import choose_index_type

__all__ = ["FORMAT_VERSION", "MANIFEST", "Embedder", "IndexData", "QueryBatcher", "TermMatrix",
           "bm25_from", "build_bm25", "build_index", "cap_threads", "choose_index_type",
           "embedding_cache_dir", "ensure_index", "index_info", "load_index", "load_store",
           "make_embedder", "read_manifest", "sentence_windows", "staleness"]
