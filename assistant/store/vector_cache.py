"""Embedding cache for incremental indexing: vectors keyed by model and text hash.

Two files in ``.assistant-cache/`` beside the index, per model::

    embeddings-<slug>.npy    float32 rows (read with allow_pickle=False)
    embeddings-<slug>.json   model id, dimension, the sha256 of each row's text, and
                             the sha256 of the .npy file

A key is the sha256 of the exact text that was embedded (a chunk with its title header,
or a sentence), so an edited document re-embeds only the chunks and sentences whose
text changed. A cache that fails its checksum or does not parse is ignored with a
warning (and replaced after the build); it can never stop a build.

>>> key("GSOMIA")[:12]
'5c3a7ad14d48'
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .crashpoints import reached

log = logging.getLogger(__name__)

FORMAT = 1
KEEP_STALE = 10_000  # rows of texts no longer indexed kept for a later revert


def key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _paths(cache_dir: Path, model_id: str) -> tuple[Path, Path]:
    slug = hashlib.sha256(model_id.encode("utf-8")).hexdigest()[:12]
    return cache_dir / f"embeddings-{slug}.npy", cache_dir / f"embeddings-{slug}.json"


def load(cache_dir: Path, model_id: str) -> dict[str, np.ndarray]:
    """Cached vectors by text key; empty when there is no usable cache."""
    npy, meta_path = _paths(Path(cache_dir), model_id)
    if not meta_path.exists():
        return {}
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        data = npy.read_bytes()
        if meta.get("format") != FORMAT or meta.get("model_id") != model_id:
            raise ValueError("it was written for another model or format")
        if hashlib.sha256(data).hexdigest() != meta.get("sha256"):
            raise ValueError("its checksum does not match")
        vectors = np.load(io.BytesIO(data), allow_pickle=False)
        keys = meta["keys"]
        if (vectors.ndim != 2 or vectors.dtype != np.float32 or len(keys) != len(vectors)
                or vectors.shape[1] != meta.get("dimension")):
            raise ValueError("its vectors do not match its keys")
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("Ignoring the embedding cache %s (%s); it will be rebuilt.", meta_path, exc)
        return {}
    return {str(k): vectors[i] for i, k in enumerate(keys)}


def save(cache_dir: Path, model_id: str, current: dict[str, np.ndarray],
         previous: dict[str, np.ndarray]) -> None:
    """Write the current vectors (plus up to ``KEEP_STALE`` older ones); never raises."""
    rows = dict(current)
    for k, v in previous.items():
        if len(rows) >= len(current) + KEEP_STALE:
            break
        rows.setdefault(k, v)
    if not rows:
        return
    npy, meta_path = _paths(Path(cache_dir), model_id)
    try:
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        buf = io.BytesIO()
        matrix = np.ascontiguousarray(np.stack(list(rows.values())), dtype=np.float32)
        np.save(buf, matrix, allow_pickle=False)
        data = buf.getvalue()
        meta = {"format": FORMAT, "model_id": model_id, "dimension": int(matrix.shape[1]),
                "sha256": hashlib.sha256(data).hexdigest(), "keys": list(rows)}
        # The .npy first: a crash between the two leaves a checksum mismatch, not bad data.
        _replace(npy, data)
        reached("cache half-written")  # test hook, inert in normal runs (see crashpoints)
        _replace(meta_path, json.dumps(meta).encode("utf-8"))
    except OSError as exc:
        log.warning("Could not write the embedding cache in %s (%s).", cache_dir, exc)


def _replace(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def embed(texts: Sequence[str], encode: Callable[[list[str]], np.ndarray],
          cache_dir: Path, model_id: str) -> tuple[np.ndarray, int]:
    """Vectors for ``texts``, encoding only those not in the cache; (vectors, reused)."""
    cached = load(cache_dir, model_id)
    keys = [key(t) for t in texts]
    missing: dict[str, str] = {}
    for k, t in zip(keys, texts, strict=True):
        if k not in cached:
            missing.setdefault(k, t)
    fresh: dict[str, Any] = {}
    if missing:
        vectors = encode(list(missing.values()))
        fresh = dict(zip(missing, vectors, strict=True))
    found = {**cached, **fresh}
    out = np.stack([found[k] for k in keys]) if keys else np.zeros((0, 0), np.float32)
    save(cache_dir, model_id, {k: found[k] for k in keys}, cached)
    reused = sum(1 for k in keys if k in cached)
    return np.ascontiguousarray(out, dtype=np.float32), reused
