"""Retrieval: rank chunks for a question by dense (FAISS), BM25, or both fused by RRF.

An index held in Milvus brings its own ``searcher``: the four rankings (chunks and
sentences, dense and BM25) then come from Milvus, and are fused here all the same.

Reciprocal rank fusion scores a chunk by ``sum(1 / (rrf_k + rank))`` over the two
rankings, so neither retriever's score scale matters:

>>> rrf([[2, 0, 1], [0, 3]], rrf_k=60)[:2]
[(0, 0.0325...), (2, 0.0163...)]
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np

from ..config import MODES
from ..errors import UsageError
from ..store import IndexData, bm25_from


@dataclass(frozen=True)
class Passage:
    """One retrieved chunk with its rank and scores (``score`` is the ranking score)."""

    chunk_id: str
    source_id: str
    text: str
    score: float
    rank: int
    dense_score: float
    bm25_score: float
    index: int = field(repr=False, default=-1)

    def to_json(self) -> dict[str, Any]:
        return {
            "chunk_id": self.chunk_id,
            "source_id": self.source_id,
            "text": self.text,
            "score": round(self.score, 6),
        }


def rrf(rankings: Sequence[Sequence[int]], rrf_k: int = 60) -> list[tuple[int, float]]:
    """Fuse rankings of item ids by reciprocal rank; best first, ties by id."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (rrf_k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def keep_leaders(fused: Sequence[tuple[int, float]], rankings: Sequence[Sequence[int]],
                 k: int) -> list[tuple[int, float]]:
    """The first ``k`` of ``fused``, with each ranking's first item among them.

    On a small corpus RRF favours chunks every retriever ranks middling over one that a
    single retriever ranks first (often the only one sharing a rare name). A leader
    left out replaces the lowest non-leader; the fused first item always stays.

    >>> keep_leaders([(0, .9), (1, .8), (2, .7), (3, .6)], [[0, 1], [3, 2]], k=2)
    [(0, 0.9), (3, 0.6)]
    """
    leaders = {r[0] for r in rankings if r}
    top = list(fused[:k])
    for item in (p for p in fused[k:] if p[0] in leaders):
        spare = [pos for pos in range(1, len(top)) if top[pos][0] not in leaders]
        if not spare:
            break
        top[spare[-1]] = item
    return sorted(top, key=lambda p: (-p[1], p[0]))


class Retriever:
    """Dense and BM25 search over one loaded index.

    Each side ranks chunks twice: as wholes (with a title header) and by their best
    sentence (dense: the sentence alone; BM25: the sentence with its neighbours),
    since a question is usually answered by one sentence inside a longer chunk.
    The BM25 scores come precomputed with the index (:func:`build_bm25`).
    """

    def __init__(self, data: IndexData, rrf_k: int = 60, candidates: int = 50) -> None:
        self.data = data
        self.rrf_k = rrf_k
        self.candidates = candidates
        self.searcher = data.searcher  # None: FAISS and the stored BM25 matrices
        if self.searcher is None:
            self.bm25 = bm25_from(data.chunk_bm25)
            self.window_bm25 = bm25_from(data.window_bm25)
        rows = {s.id: i for i, s in enumerate(data.sentences)}
        self.sentence_chunks: list[list[int]] = [[] for _ in data.sentences]
        for ci, chunk in enumerate(data.chunks):
            for sid in chunk.sentence_ids:
                self.sentence_chunks[rows[sid]].append(ci)
        self.chunk_cues: list[frozenset[str]] = [
            frozenset(cue for sid in c.sentence_ids if data.notes
                      for cue in data.notes[rows[sid]].cues) for c in data.chunks]

    @cached_property
    def chunk_vocabulary(self) -> frozenset[str]:
        """Every term of every chunk, as read from the stored chunk BM25 matrix."""
        if self.searcher is not None:
            return frozenset(self.searcher.vocabulary)
        return frozenset(self.data.chunk_bm25.vocab)

    def common_chunk_terms(self, share: float) -> frozenset[str]:
        """Terms found in more than ``share`` of the chunks (a column's length is its count)."""
        if self.searcher is not None:
            vocab, counts = self.searcher.vocabulary, self.searcher.term_counts
            rows = len(self.data.chunks)
        else:
            matrix = self.data.chunk_bm25
            vocab, counts, rows = matrix.vocab, np.diff(matrix.indptr).tolist(), matrix.rows
        return frozenset(t for t, n in zip(vocab, counts, strict=True) if n > share * rows)

    def dense_scores(self, qvec: np.ndarray, n: int) -> list[tuple[int, float]]:
        if self.searcher is not None:
            return list(self.searcher.chunks_dense(qvec, n))
        scores, ids = self.data.chunk_index.search(qvec.reshape(1, -1).astype(np.float32), n)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def bm25_scores(self, tokens: Sequence[str], n: int) -> list[tuple[int, float]]:
        if self.searcher is not None:
            return list(self.searcher.chunks_bm25(tokens, n)) if tokens else []
        return _top(self.bm25.get_scores(list(tokens)), n) if tokens else []

    def sentence_dense(self, qvec: np.ndarray, n: int) -> list[int]:
        if self.searcher is not None:
            return self._by_sentence(list(self.searcher.sentences_dense(qvec, n * 3)), n)
        index = self.data.sentence_index
        if index is None:  # an index built before sentences had their own FAISS file
            return self._by_sentence(_top(self.data.sentence_vectors @ qvec, n * 3), n)
        m = min(n * 3, index.ntotal)
        scores, rows = index.search(qvec.reshape(1, -1).astype(np.float32), m)
        pairs = [(int(r), float(v)) for r, v in zip(rows[0], scores[0], strict=True)
                 if r >= 0 and v > 0]
        return self._by_sentence(sorted(pairs, key=lambda rv: (-rv[1], rv[0])), n)

    def sentence_bm25(self, tokens: Sequence[str], n: int) -> list[int]:
        if not tokens:
            return []
        if self.searcher is not None:
            return self._by_sentence(list(self.searcher.windows_bm25(tokens, n * 3)), n)
        return self._by_sentence(_top(self.window_bm25.get_scores(list(tokens)), n * 3), n)

    def _by_sentence(self, ranked: list[tuple[int, float]], n: int) -> list[int]:
        """Chunks in order of their best-ranked sentence."""
        out: dict[int, None] = {}
        for row, _ in ranked:
            for ci in self.sentence_chunks[row]:
                out.setdefault(ci)
        return list(out)[:n]

    def cited_first(self, passages: Sequence[Passage], citations: Sequence[Any],
                    k: int) -> list[Passage]:
        """The chunks the citations quote, in citation order, then the other passages;
        ``k`` of them, ranks renumbered (for answers that did not come from retrieval)."""
        index = {c.id: i for i, c in enumerate(self.data.chunks)}
        found = {p.chunk_id: p for p in passages}
        ordered: dict[str, Passage] = {}
        for citation in citations:
            i = index.get(citation.chunk_id)
            if i is not None and citation.chunk_id not in ordered:
                chunk = self.data.chunks[i]
                ordered[chunk.id] = found.get(chunk.id) or Passage(
                    chunk.id, chunk.doc_id, chunk.text, 0.0, 0, 0.0, 0.0, i)
        for passage in passages:
            ordered.setdefault(passage.chunk_id, passage)
        return [replace(p, rank=r) for r, p in enumerate(list(ordered.values())[:k], start=1)]

    def cosine(self, qvec: np.ndarray, chunk: int) -> float:
        if self.searcher is not None:
            return float(np.dot(self.searcher.chunk_vector(chunk), qvec))
        return float(np.dot(self.data.chunk_index.reconstruct(chunk), qvec))

    def search(
        self, qvec: np.ndarray | None, tokens: Sequence[str], k: int, mode: str,
        document: str = "", cue: str = "",
    ) -> tuple[list[Passage], dict[str, float]]:
        """The top ``k`` passages and the time each step took, in milliseconds.

        ``cue`` (what a sentence must give: "cause", "condition", "purpose", "speech") and
        ``document`` (the id of a document the question names) each add one more ranking to
        the fusion: the chunks that hold such a sentence, or belong to that document, by
        dense score. (A ranking of chunks holding an entity of the asked-for type was
        deleted: with the answer verifier it cost nothing to drop on dev.)
        """
        if mode not in MODES:
            raise UsageError(f"Unknown retrieval mode {mode!r}.", fix=f"Use one of {MODES}.")
        n = min(max(self.candidates, k), len(self.data.chunks))
        t0 = time.perf_counter()
        use_dense = qvec is not None and mode != "bm25"
        dense = self.dense_scores(qvec, n) if use_dense else []
        rankings = [[i for i, _ in dense], self.sentence_dense(qvec, n)] if use_dense else []
        t1 = time.perf_counter()
        lexical = self.bm25_scores(tokens, n) if mode != "dense" else []
        if mode != "dense":
            rankings += [[i for i, _ in lexical], self.sentence_bm25(tokens, n)]
        t2 = time.perf_counter()
        order = [i for i, _ in dense] or [i for i, _ in lexical]
        if document:
            rankings.append([i for i in order if self.data.chunks[i].doc_id == document])
        if cue:
            rankings.append([i for i in order if cue in self.chunk_cues[i]])
        rankings = [r for r in rankings if r]
        ranked = keep_leaders(rrf(rankings, self.rrf_k), rankings, k)
        passages = self._passages(ranked, dict(dense), dict(lexical), qvec)
        timings = {
            "dense_ms": (t1 - t0) * 1e3,
            "bm25_ms": (t2 - t1) * 1e3,
            "fusion_ms": (time.perf_counter() - t2) * 1e3,
        }
        return passages, timings

    def _passages(
        self,
        ranked: list[tuple[int, float]],
        dense: dict[int, float],
        lexical: dict[int, float],
        qvec: np.ndarray | None,
    ) -> list[Passage]:
        out = []
        for rank, (i, score) in enumerate(ranked, start=1):
            chunk = self.data.chunks[i]
            cos = dense.get(i)
            if cos is None:
                cos = self.cosine(qvec, i) if qvec is not None else 0.0
            bm = lexical.get(i, 0.0)
            out.append(Passage(chunk.id, chunk.doc_id, chunk.text, score, rank, cos, bm, i))
        return out


def _top(scores: Any, n: int) -> list[tuple[int, float]]:
    """The ``n`` best (index, score) pairs with a positive score, best first."""
    scores = np.asarray(scores, dtype=np.float32)
    n = min(n, len(scores))
    if n <= 0:
        return []
    top = np.argpartition(-scores, n - 1)[:n]
    ranked = sorted(top.tolist(), key=lambda i: (-scores[i], i))
    return [(i, float(scores[i])) for i in ranked if scores[i] > 0]
