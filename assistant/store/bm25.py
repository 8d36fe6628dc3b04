"""BM25: the two lexical indexes (chunks with their title header; sentence windows).

They are computed once at index time and stored as plain arrays (:mod:`.arrays`);
loading wraps the arrays in a bm25s model without re-tokenising anything. This is the
one module that imports ``bm25s``.

>>> windows = sentence_windows([])
>>> windows
[]
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from ..errors import SourceError
from ..ingest import Chunk, Document, Sentence, with_header
from ..text import tokenize
from .arrays import TermMatrix


def bm25s_module() -> Any:
    """bm25s, imported on first use, with its logger quieted."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets DEBUG on import
    return bm25s


def sentence_windows(sentences: Sequence[Sentence]) -> list[str]:
    """Each sentence with its neighbours in the same document, for BM25."""
    out = []
    for i, s in enumerate(sentences):
        lo = i - 1 if i > 0 and sentences[i - 1].doc_id == s.doc_id else i
        hi = i + 1 if i + 1 < len(sentences) and sentences[i + 1].doc_id == s.doc_id else i
        out.append(" ".join(x.text for x in sentences[lo : hi + 1]))
    return out


def tokenize_chunks(documents: Sequence[Document], chunks: Sequence[Chunk]) -> list[list[str]]:
    """The terms of each chunk with its title header: what chunk BM25 indexes."""
    docs = {d.id: d for d in documents}
    return [tokenize(with_header(c.text, docs[c.doc_id])) for c in chunks]


def tokenize_windows(sentences: Sequence[Sentence]) -> list[list[str]]:
    """The terms of each sentence with its neighbours: what window BM25 indexes."""
    return [tokenize(w) for w in sentence_windows(sentences)]


def build_bm25(documents: Sequence[Document], chunks: Sequence[Chunk],
               sentences: Sequence[Sentence]) -> tuple[TermMatrix, TermMatrix]:
    """The chunk and the sentence-window BM25 matrices, computed once at index time."""
    chunk_bm25 = bm25_matrix(tokenize_chunks(documents, chunks))
    return chunk_bm25, bm25_matrix(tokenize_windows(sentences))


def bm25_matrix(token_lists: Sequence[Sequence[str]]) -> TermMatrix:
    """bm25s's scores for ``token_lists`` as plain arrays, terms in sorted order.

    Sorting the terms makes a build deterministic (bm25s numbers them in set order);
    a term's column holds the same scores in either numbering, so every query scores
    the same.
    """
    vocab = sorted({t for tokens in token_lists for t in tokens})
    if not vocab:
        raise SourceError("The sources hold no words to search: every sentence is empty or "
                          "made only of stop words.",
                          fix="Add documents with text to the sources folder.")
    ids = {t: i for i, t in enumerate(vocab)}
    model = bm25s_module().BM25()
    model.index(([[ids[t] for t in tokens] for tokens in token_lists], ids),
                show_progress=False)
    return matrix_of(model, vocab)


def matrix_of(model: Any, vocab: Sequence[str]) -> TermMatrix:
    """The arrays of an indexed bm25s model whose term ``i`` is ``vocab[i]``."""
    scores = model.scores
    return TermMatrix(scores["data"], scores["indices"], scores["indptr"], tuple(vocab),
                      int(scores["num_docs"]))


def bm25_from(matrix: TermMatrix) -> Any:
    """A bm25s model over stored arrays, as ``BM25.index`` leaves one; nothing is rebuilt."""
    model = bm25s_module().BM25()
    vocab = {t: i for i, t in enumerate(matrix.vocab)}
    vocab.setdefault("", len(vocab))  # the empty token index() adds (create_empty_token)
    model.scores = {"data": matrix.data, "indices": matrix.indices, "indptr": matrix.indptr,
                    "num_docs": matrix.rows}
    model.vocab_dict = vocab
    model.unique_token_ids_set = set(vocab.values())
    model.nonoccurrence_array = None  # only BM25L and BM25+ have one
    return model
