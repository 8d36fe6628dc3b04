"""ONNX Runtime backend: the bundled model exported locally, run without torch.

sentence-transformers' own ``backend="onnx"`` needs ``optimum``, whose releases pin an
older ``transformers``; so the embedder exports the model with ``torch.onnx.export`` from
the local model folder (offline, once), and inference uses ``onnxruntime`` plus the fast
``tokenizers`` tokenizer with the model's mean pooling and L2 normalisation. The fp32
export gives the same vectors as the PyTorch model (cosine > 0.99999).

The exported file is cached in ``cache_dir`` with a JSON sidecar holding its sha256 and
a fingerprint of the source model; a file whose checksum or source does not match is
exported again (with a warning), never trusted.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

VARIANTS = ("onnx", "onnx-int8")
OPSET = 17


def supported(model_path: str) -> bool:
    """Is the model a BERT-style encoder with mean pooling (what this backend computes)?"""
    root = Path(model_path)
    try:
        modules = json.loads((root / "modules.json").read_text(encoding="utf-8"))
        kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
        pooling = json.loads((root / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return False
    mean_only = pooling.get("pooling_mode_mean_tokens") and not any(
        v for k, v in pooling.items() if k.startswith("pooling_mode_") and k.endswith(
            ("cls_token", "max_tokens", "mean_sqrt_len_tokens", "weightedmean_tokens",
             "lasttoken")))
    return (kinds in (["Transformer", "Pooling", "Normalize"], ["Transformer", "Pooling"])
            and bool(mean_only) and (root / "tokenizer.json").exists())


def available() -> bool:
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def source_fingerprint(model_path: str) -> str:
    """Config files by content, weight files by name, size and mtime (cheap at start-up)."""
    h = hashlib.sha256()
    for path in sorted(Path(model_path).rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        st = path.stat()
        h.update(path.relative_to(model_path).as_posix().encode())
        if st.st_size < 1_000_000:
            h.update(path.read_bytes())
        else:
            h.update(f"{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _valid(onnx_path: Path, source: str, warn: bool) -> bool:
    meta_path = onnx_path.with_suffix(".json")
    if not (onnx_path.exists() and meta_path.exists()):
        return False
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("source") == source and meta.get("sha256") == file_sha256(onnx_path):
            return True
        if warn:
            log.warning("Cached ONNX model %s does not match its checksum or source model; "
                        "exporting it again.", onnx_path)
    except (OSError, ValueError) as exc:
        if warn:
            log.warning("Cached ONNX model sidecar %s is unreadable (%s); exporting again.",
                        meta_path, exc)
    return False


def _session(onnx_path: Path, threads: int) -> Any:
    """An onnxruntime CPU session: ``threads`` inside an operator, one across, every graph
    optimisation, warnings and errors only."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    return ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])


def _copied_from(elsewhere: Sequence[Path], onnx_path: Path, source: str) -> bool:
    """Copy a verified export of the same model from another cache folder, if one has it."""
    for folder in elsewhere:
        other = Path(folder) / onnx_path.name
        if other.resolve() != onnx_path.resolve() and _valid(other, source, warn=False):
            for src, dst in ((other, onnx_path),
                             (other.with_suffix(".json"), onnx_path.with_suffix(".json"))):
                tmp = dst.with_name(f".{dst.name}.copy")
                shutil.copyfile(src, tmp)
                os.replace(tmp, dst)
            if _valid(onnx_path, source, warn=False):
                return True
    return False


def _quantized(fp32: Path) -> Path:
    """The int8 (dynamic) quantisation of an fp32 export, beside it."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    out = fp32.with_name("model-int8.onnx")
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.WARNING)  # the quantiser logs every tensor at INFO
    try:
        quantize_dynamic(str(fp32), str(out), weight_type=QuantType.QInt8)
    finally:
        root.setLevel(level)
    return out


def cached_model(model_path: str, model_id: str, variant: str, cache_dir: Path,
                 exporter: Callable[[str, Path], None], elsewhere: Sequence[Path] = ()) -> Path:
    """The path of a verified ONNX export of the model, exporting it first if needed.

    ``exporter(model_path, out)`` writes the fp32 export (it needs torch, which this
    module never imports). A verified export found in one of the ``elsewhere``
    folders is copied, not redone.
    """
    slug = hashlib.sha256(model_id.encode()).hexdigest()[:12]
    onnx_path = Path(cache_dir) / f"model-{slug}-{variant}.onnx"
    meta_path = onnx_path.with_suffix(".json")
    source = source_fingerprint(model_path)
    if _valid(onnx_path, source, warn=True):
        return onnx_path
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    if _copied_from(elsewhere, onnx_path, source):
        return onnx_path
    log.info("Exporting %s to ONNX (%s) in %s; done once.", model_id, variant, cache_dir)
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix=".export-") as tmp:
        fp32 = Path(tmp) / "model.onnx"
        exporter(model_path, fp32)
        out = _quantized(fp32) if variant == "onnx-int8" else fp32
        meta = {"model_id": model_id, "variant": variant, "source": source, "opset": OPSET,
                "sha256": file_sha256(out)}
        os.replace(out, onnx_path)
        tmp_meta = Path(tmp) / "meta.json"
        tmp_meta.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp_meta, meta_path)
    return onnx_path


class OnnxEncoder:
    """Mean-pooled, normalised sentence vectors from an ONNX export of the model."""

    def __init__(self, onnx_path: Path, model_path: str, threads: int = 1) -> None:
        config = json.loads(Path(model_path, "sentence_bert_config.json").read_text("utf-8"))
        self.max_length = int(config.get("max_seq_length", 256))
        self.lower = bool(config.get("do_lower_case", False))
        self.model_path = model_path
        self.tokenizer = _tokenizer(model_path, self.max_length)
        self.session = _session(onnx_path, threads)

    def sibling(self) -> OnnxEncoder:
        """An encoder sharing this one's session with its own tokenizer, for another thread.

        ``InferenceSession.run`` may be called from several threads at once; a tokenizer
        may not ("Already borrowed"), so each lane of the query batcher has its own.
        """
        twin = object.__new__(OnnxEncoder)
        twin.__dict__.update(self.__dict__)
        twin.tokenizer = _tokenizer(self.model_path, self.max_length)
        return twin

    def encode(self, texts: Sequence[str], batch_size: int = 32,
               progress: Callable[[int], None] | None = None) -> np.ndarray:
        texts = [t.lower() for t in texts] if self.lower else list(texts)
        encodings = self.tokenizer.encode_batch(texts) if texts else []
        out = np.zeros((len(texts), 0), dtype=np.float32)
        for rows in token_batches([len(e.ids) for e in encodings], batch_size):
            vectors = self._run([encodings[i] for i in rows])
            if out.shape[1] == 0:
                out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
            out[rows] = vectors
            if progress:
                progress(len(rows))
        return out

    def _batch(self, texts: list[str]) -> np.ndarray:
        return self._run(self.tokenizer.encode_batch(texts))

    def _run(self, encodings: list[Any]) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        types = np.zeros_like(ids)
        for row, enc in enumerate(encodings):
            n = len(enc.ids)
            ids[row, :n], mask[row, :n], types[row, :n] = enc.ids, enc.attention_mask, \
                enc.type_ids
        tokens = self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                         "token_type_ids": types})[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (tokens * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)


TOKENS_PER_ROW = 64  # a batch pads every row to its longest: at most batch_size x this


def token_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Row numbers in batches, shortest texts first: at most ``batch_size`` rows, and at
    most ``batch_size * TOKENS_PER_ROW`` tokens once padded, so a few long chunks are not
    batched with many short sentences padded to their length (the same vectors, about a
    third less work on a document's chunks and sentences together).

    >>> token_batches([10, 200, 12, 190, 11], 4)
    [[0, 4, 2], [3], [1]]
    """
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    for i in order:
        last = batches[-1] if batches else None
        if last is None or len(last) == batch_size or \
                (len(last) + 1) * lengths[i] > batch_size * TOKENS_PER_ROW:
            batches.append([i])
        else:
            last.append(i)
    return batches


def _tokenizer(model_path: str, max_length: int) -> Any:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(Path(model_path, "tokenizer.json")))
    tokenizer.enable_truncation(max_length)
    tokenizer.no_padding()
    return tokenizer


class OnnxCrossEncoder:
    """A sentence-pair classifier exported to ONNX (the answer verifier's cross-encoder):
    one logit per (question, sentence) pair."""

    def __init__(self, onnx_path: Path, tokenizer_path: Path, max_length: int,
                 threads: int = 1) -> None:
        from tokenizers import Tokenizer

        self.tokenizer_path, self.max_length = tokenizer_path, max_length
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.enable_truncation(max_length)
        self.tokenizer.no_padding()
        self.session = _session(onnx_path, threads)
        self._local = threading.local()

    def score(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Logits of the pairs, in order (tokenised on this thread's own tokenizer)."""
        if not pairs:
            return np.zeros(0, dtype=np.float32)
        tokenizer = getattr(self._local, "tokenizer", None)
        if tokenizer is None:  # a tokenizer may not be shared between threads
            from tokenizers import Tokenizer

            tokenizer = Tokenizer.from_file(str(self.tokenizer_path))
            tokenizer.enable_truncation(self.max_length)
            tokenizer.no_padding()
            self._local.tokenizer = tokenizer
        encodings = tokenizer.encode_batch(list(pairs))
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(pairs), width), dtype=np.int64)
        mask, types = np.zeros_like(ids), np.zeros_like(ids)
        for row, enc in enumerate(encodings):
            n = len(enc.ids)
            ids[row, :n], mask[row, :n], types[row, :n] = enc.ids, enc.attention_mask, \
                enc.type_ids
        logits = self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                         "token_type_ids": types})[0]
        return np.asarray(logits, dtype=np.float32).reshape(-1)
