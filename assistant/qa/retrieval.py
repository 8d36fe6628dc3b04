"""Retrieval: rank chunks for a question by dense (FAISS), BM25, or both fused by RRF.

Reciprocal rank fusion scores a chunk by ``sum(1 / (rrf_k + rank))`` over the two
rankings, so neither retriever's score scale matters:

>>> rrf([[2, 0, 1], [0, 3]], rrf_k=60)[:2]
[(0, 0.0325...), (2, 0.0163...)]
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

import numpy as np

from .chunking import Chunk, Sentence, with_header
from .config import MODES
from .errors import SourceError, UsageError
from .sources import Document
from .store import IndexData
from .store_arrays import TermMatrix

_STOP_TEXT = """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing done down during
    each either else ever few for from further get got had has have having he her here
    hers him his how i if in into is it its itself just let like made make many may me
    might more most much must my no nor not now of off on once only or other our out over
    own per please same say said says shall she should since so some such tell than that
    the their them then there these they this those through thus to too under until up
    upon us very was way we were what when where whether which while who whom whose why
    will with within without would yet you your
"""
STOPWORDS = frozenset(_STOP_TEXT.split())
WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*", re.UNICODE)
# "US" would otherwise fall to the stop word "us".
_USA = re.compile(r"\bU\.\s?S\.(?=[\s,;:)'\"]|$)|\bUS\b|\bU\.S\b")
# Words that name the same thing in this domain: a capital for its government, and the
# usual names for an agreement. Both sides of a match are mapped, documents and questions.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "seoul": ("south", "korea"),
    "tokyo": ("japan",),
    "washington": ("usa",),
    "america": ("usa",),
    "american": ("usa",),
    "pact": ("agreement",),
    "deal": ("agreement",),
    "accord": ("agreement",),
    "treaty": ("agreement",),
    "nation": ("country",),
}


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=4096)
def _stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


@lru_cache(maxsize=1)
def _synonyms() -> dict[str, tuple[str, ...]]:
    return {_stem(k): tuple(_stem(v) for v in vs) for k, vs in SYNONYMS.items()}


def tokenize(text: str, synonyms: bool = True) -> list[str]:
    """Lower-cased, stemmed content words (stop words and possessive 's dropped).

    Domain synonyms are mapped to one form, so "Seoul" matches "South Korea".

    >>> tokenize("Why did Seoul threaten to end the pact's renewal?")
    ['south', 'korea', 'threaten', 'end', 'agreement', 'renew']
    >>> tokenize("the U.S. and the US", synonyms=False)
    ['usa', 'usa']
    """
    words = (w.lower() for w in WORD.findall(_USA.sub("USA", text)))
    words = (re.sub(r"['\u2019]s$", "", w) for w in words)
    stems = [_stem(w) for w in words if w and w not in STOPWORDS]
    if not synonyms:
        return stems
    table = _synonyms()
    return [t for stem in stems for t in table.get(stem, (stem,))]


def rarity(word: str) -> float:
    """How informative a word is in general English: 7 minus its Zipf frequency, in 0.5..5.

    A word the question shares with a sentence matters more when it is rare ("Tomita")
    than when it is common ("said"); corpus statistics are too thin to tell on two articles.
    """
    from wordfreq import zipf_frequency

    return min(5.0, max(0.5, 7.0 - zipf_frequency(word, "en")))


@lru_cache(maxsize=8192)
def term_weights(text: str) -> dict[str, float]:
    """Each distinct indexed term of ``text`` with the rarity of the word it came from.

    >>> w = term_weights("Who recalled Ambassador Koji Tomita?")
    >>> w["tomita"] > w["recal"]
    True
    """
    weights: dict[str, float] = {}
    for word in WORD.findall(_USA.sub("USA", text)):
        for term in tokenize(word):
            weights[term] = max(weights.get(term, 0.0), rarity(word.lower()))
    return weights


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


TOKENIZER_VERSION = 1  # bump when tokenize() changes in a way the patterns below miss


def tokenizer_fingerprint() -> str:
    """A digest of everything the stored BM25 terms depend on; when it changes, the index
    is stale and rebuilt (queries would otherwise be tokenised unlike the stored terms)."""
    from importlib.metadata import version

    parts = [str(TOKENIZER_VERSION), _STOP_TEXT, json.dumps(SYNONYMS, sort_keys=True),
             WORD.pattern, _USA.pattern, version("bm25s"), version("PyStemmer")]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def bm25s_module() -> Any:
    """bm25s, imported on first use, with its logger quieted."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets DEBUG on import
    return bm25s


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
        self.bm25 = bm25_from(data.chunk_bm25)
        self.window_bm25 = bm25_from(data.window_bm25)
        rows = {s.id: i for i, s in enumerate(data.sentences)}
        self.sentence_chunks: list[list[int]] = [[] for _ in data.sentences]
        for ci, chunk in enumerate(data.chunks):
            for sid in chunk.sentence_ids:
                self.sentence_chunks[rows[sid]].append(ci)

    @cached_property
    def chunk_vocabulary(self) -> frozenset[str]:
        """Every term of every chunk, as read from the stored chunk BM25 matrix."""
        return frozenset(self.data.chunk_bm25.vocab)

    def common_chunk_terms(self, share: float) -> frozenset[str]:
        """Terms found in more than ``share`` of the chunks (a column's length is its count)."""
        matrix = self.data.chunk_bm25
        counts = np.diff(matrix.indptr).tolist()
        return frozenset(t for t, n in zip(matrix.vocab, counts, strict=True)
                         if n > share * matrix.rows)

    def dense_scores(self, qvec: np.ndarray, n: int) -> list[tuple[int, float]]:
        scores, ids = self.data.chunk_index.search(qvec.reshape(1, -1).astype(np.float32), n)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def bm25_scores(self, tokens: Sequence[str], n: int) -> list[tuple[int, float]]:
        return _top(self.bm25.get_scores(list(tokens)), n) if tokens else []

    def sentence_dense(self, qvec: np.ndarray, n: int) -> list[int]:
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
        return self._by_sentence(_top(self.window_bm25.get_scores(list(tokens)), n * 3), n)

    def _by_sentence(self, ranked: list[tuple[int, float]], n: int) -> list[int]:
        """Chunks in order of their best-ranked sentence."""
        out: dict[int, None] = {}
        for row, _ in ranked:
            for ci in self.sentence_chunks[row]:
                out.setdefault(ci)
        return list(out)[:n]

    def cosine(self, qvec: np.ndarray, chunk: int) -> float:
        return float(np.dot(self.data.chunk_index.reconstruct(chunk), qvec))

    def search(
        self, qvec: np.ndarray | None, tokens: Sequence[str], k: int, mode: str
    ) -> tuple[list[Passage], dict[str, float]]:
        """The top ``k`` passages and the time each step took, in milliseconds."""
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


def sentence_windows(sentences: Sequence[Sentence]) -> list[str]:
    """Each sentence with its neighbours in the same document, for BM25."""
    out = []
    for i, s in enumerate(sentences):
        lo = i - 1 if i > 0 and sentences[i - 1].doc_id == s.doc_id else i
        hi = i + 1 if i + 1 < len(sentences) and sentences[i + 1].doc_id == s.doc_id else i
        out.append(" ".join(x.text for x in sentences[lo : hi + 1]))
    return out
