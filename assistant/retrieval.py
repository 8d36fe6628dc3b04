"""Retrieval: rank chunks for a question by dense (FAISS), BM25, or both fused by RRF.

Reciprocal rank fusion scores a chunk by ``sum(1 / (rrf_k + rank))`` over the two
rankings, so neither retriever's score scale matters:

>>> rrf([[2, 0, 1], [0, 3]], rrf_k=60)[:2]
[(0, 0.0325...), (2, 0.0163...)]
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from .config import MODES
from .errors import UsageError
from .store import IndexData

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing done down during each
    either else ever few for from further get got had has have having he her here hers him his
    how i if in into is it its itself just let like made make many may me might more most much
    must my no nor not now of off on once only or other our out over own per please same say
    said says shall she should since so some such tell than that the their them then there
    these they this those through thus to too under until up upon us very was way we were what
    when where whether which while who whom whose why will with within without would yet you
    your""".split()
)
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*", re.UNICODE)


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=4096)
def _stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


def tokenize(text: str) -> list[str]:
    """Lower-cased, stemmed content words (stop words and possessive 's dropped).

    >>> tokenize("Why did Seoul threaten to end the pact's renewal?")
    ['seoul', 'threaten', 'end', 'pact', 'renew']
    """
    words = (w.lower() for w in _WORD.findall(text))
    words = (re.sub(r"['\u2019]s$", "", w) for w in words)
    return [_stem(w) for w in words if w and w not in STOPWORDS]


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
        return {"chunk_id": self.chunk_id, "source_id": self.source_id, "text": self.text,
                "score": round(self.score, 6)}


def rrf(rankings: Sequence[Sequence[int]], rrf_k: int = 60) -> list[tuple[int, float]]:
    """Fuse rankings of item ids by reciprocal rank; best first, ties by id."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (rrf_k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


class Retriever:
    """Dense and BM25 search over one loaded index."""

    def __init__(self, data: IndexData, rrf_k: int = 60, candidates: int = 50) -> None:
        import bm25s

        self.data = data
        self.rrf_k = rrf_k
        self.candidates = candidates
        self.chunk_tokens = [tokenize(c.text) for c in data.chunks]
        self.bm25 = bm25s.BM25()
        self.bm25.index(self.chunk_tokens, show_progress=False)

    def dense_scores(self, qvec: np.ndarray, n: int) -> list[tuple[int, float]]:
        scores, ids = self.data.chunk_index.search(qvec.reshape(1, -1).astype(np.float32), n)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def bm25_scores(self, tokens: Sequence[str], n: int) -> list[tuple[int, float]]:
        if not tokens:
            return []
        scores = np.asarray(self.bm25.get_scores(list(tokens)), dtype=np.float32)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        ranked = sorted(top.tolist(), key=lambda i: (-scores[i], i))
        return [(i, float(scores[i])) for i in ranked if scores[i] > 0]

    def cosine(self, qvec: np.ndarray, chunk: int) -> float:
        return float(np.dot(self.data.chunk_index.reconstruct(chunk), qvec))

    def search(self, qvec: np.ndarray | None, tokens: Sequence[str], k: int,
               mode: str) -> tuple[list[Passage], dict[str, float]]:
        """The top ``k`` passages and the time each step took, in milliseconds."""
        if mode not in MODES:
            raise UsageError(f"Unknown retrieval mode {mode!r}.", fix=f"Use one of {MODES}.")
        n = min(max(self.candidates, k), len(self.data.chunks))
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        dense = self.dense_scores(qvec, n) if qvec is not None and mode != "bm25" else []
        t1 = time.perf_counter()
        lexical = self.bm25_scores(tokens, n) if mode != "dense" else []
        t2 = time.perf_counter()
        ranked = self._rank(dense, lexical, mode)[:k]
        passages = self._passages(ranked, dict(dense), dict(lexical), qvec)
        timings.update(dense_ms=(t1 - t0) * 1e3, bm25_ms=(t2 - t1) * 1e3,
                       fusion_ms=(time.perf_counter() - t2) * 1e3)
        return passages, timings

    def _rank(self, dense: list[tuple[int, float]], lexical: list[tuple[int, float]],
              mode: str) -> list[tuple[int, float]]:
        if mode == "dense":
            return dense
        if mode == "bm25":
            return lexical
        return rrf([[i for i, _ in dense], [i for i, _ in lexical]], self.rrf_k)

    def _passages(self, ranked: list[tuple[int, float]], dense: dict[int, float],
                  lexical: dict[int, float], qvec: np.ndarray | None) -> list[Passage]:
        out = []
        for rank, (i, score) in enumerate(ranked, start=1):
            chunk = self.data.chunks[i]
            cos = dense.get(i)
            if cos is None:
                cos = self.cosine(qvec, i) if qvec is not None else 0.0
            bm = lexical.get(i, 0.0)
            out.append(Passage(chunk.id, chunk.doc_id, chunk.text, score, rank, cos, bm, i))
        return out
