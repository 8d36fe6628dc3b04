"""Milvus: the one module that imports pymilvus (lazily), and turns its failures into one line.

The same client talks to Milvus Lite (a local ``.db`` path), a standalone server and a
cluster (``http://host:19530``, with a token where one is needed). :mod:`.milvus_index`
decides what goes in which collection; this module only creates collections, inserts,
searches, queries, and points an alias, each call guarded so that a Milvus failure
becomes a :class:`~assistant.errors.StoreError` naming the URI and the fix.

>>> Milvus.describe_failure("collection 'x_chunks' does not exist", 100, "db.db")[0]
"Milvus collection 'x_chunks' at db.db has disappeared."
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import StoreError

# Scalar kinds a collection may hold beside its vectors.
SCALARS = ("int", "str")
MAX_TEXT = 65_535  # bytes in one VARCHAR value
# Reads are "Bounded": a server answers from what it held up to GRACE_S ago instead of
# waiting for its next time tick (Strong costs 200 ms a search). A generation is never
# written to after its build, and the alias moves to it only GRACE_S after its last write,
# so a reader always sees all of it.
READS = "Bounded"
GRACE_S = 5.0  # Milvus' default common.gracefulTime
REACH_FIX = ("Start Milvus there, or point ASSISTANT_MILVUS_URI (--milvus-uri) at a running "
             "server, or at a Milvus Lite file such as ./index.milvus.db.")
TOKEN_FIX = "Set ASSISTANT_MILVUS_TOKEN to a valid token (or user:password) for that server."
LITE_FIX = ("Stop the other process (or give each its own file), or run a Milvus server and "
            "point ASSISTANT_MILVUS_URI at it when several processes share the index.")
GONE_FIX = ("Run `assistant index --store milvus` to rebuild the index, then restart the "
            "servers that had it loaded.")


def _pymilvus() -> Any:
    import pymilvus

    logging.getLogger("pymilvus").setLevel(logging.CRITICAL)  # it logs tracebacks itself
    # Milvus Lite serves gRPC in this process; a call it does not implement (which
    # pymilvus then works around) would log a traceback.
    logging.getLogger("grpc._server").setLevel(logging.CRITICAL)
    logging.getLogger("milvus_lite").setLevel(logging.WARNING)
    logging.getLogger("milvus_lite.server_manager").setLevel(logging.CRITICAL)  # reported below
    return pymilvus


def _refused(exc: BaseException) -> str:
    """The server's words when a call was refused for its credentials ("" otherwise).

    pymilvus reports a refused token as "Fail connecting to server"; the gRPC error
    underneath it says UNAUTHENTICATED and why.
    """
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            break
        status = getattr(seen, "code", None)
        if callable(status):
            with contextlib.suppress(Exception):
                if getattr(status(), "name", "") == "UNAUTHENTICATED":
                    return f"unauthenticated: {seen.details()}"  # type: ignore[attr-defined]
        seen = seen.__cause__ or seen.__context__
    return ""


def release_lite(path: str) -> None:
    """Stop this process's Milvus Lite server for ``path``, so another process may open the
    file (Milvus Lite serves one process per file); the next connection starts it again."""
    import milvus_lite

    milvus_lite.server_manager_instance.release_server(path)


class Milvus:
    """One connection to a Milvus deployment; every call raises only ``StoreError``."""

    def __init__(self, uri: str, token: str = "", timeout: float = 10.0) -> None:
        self.uri = uri
        self.local = not uri.startswith(("http://", "https://", "tcp://", "grpc://"))
        if self.local:
            Path(uri).parent.mkdir(parents=True, exist_ok=True)
        try:
            pymilvus = _pymilvus()
        except ImportError:
            raise StoreError("The Milvus store needs pymilvus and milvus-lite, which are not "
                             "installed.", fix="Run `pip install -e '.[milvus]'`.") from None
        with self.guard():
            self.client = pymilvus.MilvusClient(uri=uri, token=token, timeout=timeout)
        self.types = pymilvus.DataType
        self.loaded: set[str] = set()
        self.last_write = 0.0

    @staticmethod
    def describe_failure(message: str, code: Any, uri: str) -> tuple[str, str]:
        """The one line (message, fix) for a Milvus failure."""
        low = message.lower()
        if "open local milvus failed" in low:
            return (f"Milvus Lite could not open {uri}: another process may have it open "
                    "(Milvus Lite serves one process at a time)."), LITE_FIX
        if "create index on 104 field is not supported" in low:  # 104: SPARSE_FLOAT_VECTOR
            return (f"Milvus at {uri} has no sparse vectors, which the index's BM25 needs "
                    f"({message})."), "Use Milvus 2.4 or later (or Milvus Lite)."
        if "does not exist" in low or "not found" in low or "can't find" in low:
            name = message.split("'")[1] if message.count("'") >= 2 else "of the index"
            return f"Milvus collection {name!r} at {uri} has disappeared.", GONE_FIX
        if any(w in low for w in ("unauthenticated", "auth", "token", "password", "denied",
                                  "credential", "permission")):
            return f"Milvus at {uri} refused the token ({message}).", TOKEN_FIX
        if code == 2 or "unavailable" in low or "connect" in low or "deadline" in low:
            return f"Cannot reach Milvus at {uri} ({message}).", REACH_FIX
        return f"Milvus at {uri} failed: {message}.", REACH_FIX

    @contextlib.contextmanager
    def guard(self) -> Iterator[None]:
        """Turn any pymilvus or gRPC failure inside the block into one ``StoreError``."""
        try:
            yield
        except StoreError:
            raise
        except Exception as exc:
            message = _refused(exc) or str(getattr(exc, "message", "") or exc).strip()
            text, fix = self.describe_failure(message or type(exc).__name__,
                                              getattr(exc, "code", None), self.uri)
            raise StoreError(text, fix=fix) from None

    # --- collections ------------------------------------------------------------------

    def create(self, name: str, dim: int, scalars: Mapping[str, str], *, sparse: bool = False,
               index: tuple[str, dict[str, int]] = ("FLAT", {})) -> None:
        """A collection keyed by ``row`` (int), with a dense ``vector`` of ``dim``, the
        ``scalars`` given (name -> "int" or "str"), and a ``sparse`` vector if asked."""
        dt = self.types
        with self.guard():
            schema = self.client.create_schema(auto_id=False, enable_dynamic_field=False)
            schema.add_field("row", dt.INT64, is_primary=True)
            schema.add_field("vector", dt.FLOAT_VECTOR, dim=dim)
            if sparse:
                schema.add_field("sparse", dt.SPARSE_FLOAT_VECTOR)
            for field, kind in scalars.items():
                if kind == "int":
                    schema.add_field(field, dt.INT64)
                else:
                    schema.add_field(field, dt.VARCHAR, max_length=MAX_TEXT)
            params = self.client.prepare_index_params()
            params.add_index("vector", index_type=index[0], metric_type="IP", params=index[1])
            if sparse:
                params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX",
                                 metric_type="IP")
            self.client.create_collection(name, schema=schema, index_params=params,
                                          consistency_level="Strong")

    def insert(self, name: str, rows: Sequence[dict[str, Any]], batch: int = 2000) -> None:
        with self.guard():
            for start in range(0, len(rows), batch):
                self.client.insert(name, list(rows[start:start + batch]))
        self.last_write = time.monotonic()

    def settle(self) -> None:
        """Wait until a server's bounded reads see every row written (Lite needs no wait)."""
        if not self.local:
            time.sleep(max(0.0, self.last_write + GRACE_S - time.monotonic()))

    def seal(self, name: str, wait_s: float = 7200.0) -> None:
        """Flush the rows inserted, wait until a server has indexed them all (Milvus Lite
        indexes as it flushes), and load the collection for search."""
        with self.guard():
            self.client.flush(name)
            deadline = time.monotonic() + wait_s
            for field in self.client.list_indexes(name):
                while time.monotonic() < deadline:
                    info = self.client.describe_index(name, field)
                    if not info.get("pending_index_rows") and info.get("state") != "InProgress":
                        break
                    time.sleep(0.5)
            self.client.load_collection(name)

    def load(self, name: str) -> None:
        """Make sure a collection is loaded for reading (Milvus Lite releases collections
        when the process that built them exits; a server keeps them loaded)."""
        if name not in self.loaded:
            with self.guard():
                self.client.load_collection(name)
            self.loaded.add(name)

    def collections(self) -> list[str]:
        with self.guard():
            return list(self.client.list_collections())

    def drop(self, name: str) -> None:
        with self.guard():
            self.client.drop_collection(name)

    def alias_target(self, alias: str) -> str | None:
        """The collection ``alias`` points at, or None if there is no such alias."""
        with self.guard():
            if alias not in self.client.list_aliases().get("aliases", []):
                return None
            return str(self.client.describe_alias(alias)["collection_name"])

    def point(self, alias: str, name: str) -> None:
        """Point ``alias`` at ``name`` in one step (creating the alias the first time)."""
        with self.guard():
            if self.alias_target(alias) is None:
                self.client.create_alias(name, alias)
            else:
                self.client.alter_alias(name, alias)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.close()

    # --- reading ----------------------------------------------------------------------

    def search(self, name: str, query: Any, limit: int, field: str = "vector",
               params: Mapping[str, Any] | None = None) -> list[tuple[int, float]]:
        """(row, inner product) of the ``limit`` best rows for one dense or sparse query."""
        self.load(name)
        with self.guard():
            hits = self.client.search(name, [query], anns_field=field, limit=limit,
                                      output_fields=["row"], consistency_level=READS,
                                      search_params={"metric_type": "IP",
                                                     "params": dict(params or {})})
        return [(int(h["entity"]["row"]), float(h["distance"])) for h in hits[0]]

    def search_many(self, name: str, queries: np.ndarray, limit: int,
                    params: Mapping[str, Any] | None = None) -> np.ndarray:
        """The best ``limit`` rows of each dense query, as an array (for the scale bench)."""
        self.load(name)
        with self.guard():
            hits = self.client.search(name, [q.tolist() for q in queries], anns_field="vector",
                                      limit=limit, output_fields=["row"],
                                      consistency_level=READS,
                                      search_params={"metric_type": "IP",
                                                     "params": dict(params or {})})
        return np.array([[int(h["entity"]["row"]) for h in found] for found in hits])

    def rows(self, name: str, fields: Sequence[str], filter: str = "", total: int = 0,
             batch: int = 4000) -> list[dict[str, Any]]:
        """The rows matching ``filter``, or rows ``0..total-1`` read in batches, in ``row``
        order (by ranges of ``row``: Milvus Lite has no query iterator)."""
        self.load(name)
        ranges = [f"row >= {lo} and row < {lo + batch}" for lo in range(0, total, batch)]
        out: list[dict[str, Any]] = []
        with self.guard():
            for where in ranges or [filter]:
                out.extend(dict(r) for r in self.client.query(
                    name, filter=where, output_fields=["row", *fields],
                    consistency_level=READS))
        return sorted(out, key=lambda r: r["row"])

    def vector(self, name: str, row: int) -> np.ndarray:
        """The dense vector stored for ``row``."""
        self.load(name)
        with self.guard():
            found = self.client.query(name, ids=[row], output_fields=["vector"],
                                      consistency_level=READS)
        if not found:
            raise StoreError(f"Milvus collection {name!r} at {self.uri} has no row {row}.",
                             fix=GONE_FIX)
        return np.asarray(found[0]["vector"], dtype=np.float32)
