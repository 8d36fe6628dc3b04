"""Neighbours: words of like meaning, from the bundled model's own word vectors.

all-MiniLM-L6-v2 begins with a table of one vector per word piece; whole words whose
vectors lie close mean alike ("pact": "treaty", "agreement"; "ties": "relations"). This is
the general resource that links a question's words to the words an article uses, in place
of a synonym list: retrieval adds, for each content word of a question, its nearest
neighbour among the words the sources use (``Corpus.neighbours``).

The table is read with safetensors' numpy loader (no torch) on first use, once per model.

>>> words = WordVectors.from_arrays(["pact", "treaty", "cat"],
...     np.array([[1.0, 0.1], [0.9, 0.2], [0.0, 1.0]], dtype=np.float32))
>>> words.nearest("pact", 2)
[('treaty', 0.99...)]
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np

NEAR = 0.35  # cosine of the word vectors above which two words are taken to mean alike
_lock = threading.Lock()


class WordVectors:
    """Unit vectors of the model's whole-word entries (letters only, three or more)."""

    def __init__(self, words: list[str], vectors: np.ndarray) -> None:
        self.words = words
        self.index = {w: i for i, w in enumerate(words)}
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        self.vectors = (vectors / np.maximum(norms, 1e-9)).astype(np.float32)

    @classmethod
    def from_arrays(cls, words: list[str], vectors: np.ndarray) -> WordVectors:
        return cls(words, vectors)

    @classmethod
    def of_model(cls, model_path: str) -> WordVectors:
        """The word table of the model at ``model_path`` (read once per path)."""
        with _lock:
            return _load(model_path)

    def only(self, keep: Callable[[str], bool]) -> WordVectors:
        """The table cut to the words ``keep`` accepts (e.g. the words a corpus uses)."""
        rows = [i for i, w in enumerate(self.words) if keep(w)]
        return WordVectors([self.words[i] for i in rows], self.vectors[rows])

    def nearest(self, word: str, k: int = 3, floor: float = NEAR,
                among: WordVectors | None = None) -> list[tuple[str, float]]:
        """Up to ``k`` other words (of ``among``, else of this table) whose cosine to
        ``word`` is at least ``floor``."""
        i = self.index.get(word.lower())
        pool = among or self
        if i is None or not pool.words:
            return []
        sims = pool.vectors @ self.vectors[i]
        if (j := pool.index.get(word.lower())) is not None:
            sims[j] = -1.0
        k = min(k, len(pool.words))
        top = np.argpartition(-sims, k - 1)[:k]
        ranked = sorted(((pool.words[j], float(sims[j])) for j in top), key=lambda p: -p[1])
        return [(w, s) for w, s in ranked if s >= floor]


@lru_cache(maxsize=2)
def _load(model_path: str) -> WordVectors:
    from safetensors.numpy import load_file

    root = Path(model_path)
    vocab = (root / "vocab.txt").read_text(encoding="utf-8").splitlines()
    table = load_file(str(root / "model.safetensors"))
    key = next(k for k in table if k.endswith("word_embeddings.weight"))
    keep = [i for i, w in enumerate(vocab) if w.isalpha() and len(w) >= 3]
    return WordVectors([vocab[i] for i in keep], np.asarray(table[key])[keep])
