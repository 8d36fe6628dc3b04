"""Milvus index: the same index as the FAISS folder, held in Milvus collections behind an alias.

One build is one *generation* of three collections, named
``<name>_<UTC time>_<random>_{chunks,sentences,meta}``:

- ``chunks``: per chunk its dense vector, its BM25 scores as a sparse vector (chunk text
  with its title header), id, document, offsets, text and sentence ids;
- ``sentences``: per sentence its dense vector, the BM25 scores of its window (the
  sentence with its neighbours) as a sparse vector, id, document, offsets, paragraph, text;
- ``meta``: the manifest, the documents, the sentence annotations, the dated events and
  the two BM25 vocabularies, as JSON cut into pieces.

The alias ``<name>`` points at the ``meta`` collection of the generation in use, whose
manifest names its ``chunks`` and ``sentences`` collections. A rebuild writes a whole new
generation, flushes and loads it, then moves the alias in one call and drops the older
generations: a reader resolves the alias once, so it sees the old index or the new one,
never half of one. The BM25 scores are the project's own (bm25s over the project's
tokenizer), so a sparse inner product in Milvus equals the FAISS store's BM25 score.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import re
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

import numpy as np

from ..config import Settings
from ..errors import StoreError
from ..ingest import Chunk, Document, Sentence
from ..ingest.events import Event
from ..text.annotate import Note
from .arrays import TermMatrix
from .contents import Contents, sparse_rows
from .crashpoints import reached
from .disk import IndexData
from .milvus_store import GONE_FIX, MAX_TEXT, Milvus

log = logging.getLogger(__name__)
FORMAT = "milvus-2"  # 2: documents carry byline and format (index format 5)
KINDS = ("chunks", "sentences", "meta")
PIECE = 16_000  # characters of JSON per meta row: at most 64,000 bytes in UTF-8
MARGIN = 16  # extra hits asked for, so ties at the cut are broken by row as FAISS does
CHUNK_FIELDS = {"id": "str", "doc_id": "str", "start": "int", "end": "int", "text": "str",
                "sentence_ids": "str"}
SENTENCE_FIELDS = {"id": "str", "doc_id": "str", "start": "int", "end": "int", "text": "str",
                   "paragraph": "int"}


def connect(settings: Settings) -> Milvus:
    return Milvus(settings.resolved_milvus_uri, settings.milvus_token)


def generation_names(alias: str, tag: str = "") -> dict[str, str]:
    """The collection names of one generation.

    >>> generation_names("gs", "gs_20260101000000_abcdef")["meta"]
    'gs_20260101000000_abcdef_meta'
    """
    tag = tag or f"{alias}_{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S}_{uuid.uuid4().hex[:6]}"
    return {kind: f"{tag}_{kind}" for kind in KINDS}


def _dense_index(settings: Settings, n: int) -> tuple[str, dict[str, int]]:
    """FLAT (exact) below the HNSW threshold, HNSW above: the FAISS store's rule."""
    from .faiss_index import choose_index_type

    kind = choose_index_type(n, settings.index_type, settings.hnsw_threshold)
    if kind == "hnsw-ip":
        return "HNSW", {"M": settings.hnsw_m, "efConstruction": 64}
    return "FLAT", {}


# --- writing ------------------------------------------------------------------------------

def write_milvus(settings: Settings, contents: Contents,
                 keep_previous: bool = False) -> dict[str, Any]:
    """Write ``contents`` as a new generation, switch the alias to it, drop older ones
    (with ``keep_previous``, all but the one the alias pointed at until now: a library
    change keeps it, so answers already searching it finish there)."""
    alias = settings.milvus_collection
    names = generation_names(alias)
    index = _dense_index(settings, len(contents.chunks))
    manifest = {"format_version": FORMAT, "store": "milvus", **contents.info,
                "dimension": int(contents.chunk_vectors.shape[1]),
                "index_type": "hnsw-ip" if index[0] == "HNSW" else "flat-ip",
                "collections": names, "counts": contents.counts,
                "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    db = connect(settings)
    try:
        previous = db.alias_target(alias) if keep_previous else None
        _write_generation(db, names, contents, manifest, index)
        db.settle()
        reached("milvus written")  # test hook, inert in normal runs (see crashpoints)
        db.point(alias, names["meta"])
        reached("milvus switched")
        kept = {k: previous[: -len("meta")] + k for k in KINDS} if previous else {}
        _drop_other_generations(db, alias, {**{f"old {k}": v for k, v in kept.items()},
                                            **names})
    except BaseException:
        with contextlib.suppress(StoreError):
            if db.alias_target(alias) != names["meta"]:  # failed before the switch
                _drop_quietly(db, list(names.values()))
        raise
    finally:
        db.close()
    return manifest


def _write_generation(db: Milvus, names: dict[str, str], contents: Contents,
                      manifest: dict[str, Any], index: tuple[str, dict[str, int]]) -> None:
    dim = int(contents.chunk_vectors.shape[1])
    chunk_bm25, window_bm25 = contents.bm25
    db.create(names["chunks"], dim, CHUNK_FIELDS, sparse=True, index=index)
    db.insert(names["chunks"], [
        {"row": i, "vector": v, "sparse": s or _no_terms(chunk_bm25),
         **_fields(asdict(c), CHUNK_FIELDS)}
        for i, (c, v, s) in enumerate(zip(contents.chunks, contents.chunk_vectors.tolist(),
                                          sparse_rows(chunk_bm25), strict=True))])
    db.seal(names["chunks"])
    db.create(names["sentences"], dim, SENTENCE_FIELDS, sparse=True, index=index)
    db.insert(names["sentences"], [
        {"row": i, "vector": v, "sparse": w or _no_terms(window_bm25),
         **_fields(asdict(s), SENTENCE_FIELDS)}
        for i, (s, v, w) in enumerate(zip(contents.sentences,
                                          contents.sentence_vectors.tolist(),
                                          sparse_rows(window_bm25), strict=True))])
    db.seal(names["sentences"])
    blobs = {"manifest": json.dumps(manifest, sort_keys=True),
             "documents": _lines(asdict(d) for d in contents.documents),
             "notes": _lines(n.to_json() for n in contents.notes),
             "events": _lines(asdict(e) for e in contents.events),
             "chunk_vocab": json.dumps(list(chunk_bm25.vocab), ensure_ascii=False),
             "chunk_counts": json.dumps(np.diff(chunk_bm25.indptr).tolist()),
             "window_vocab": json.dumps(list(window_bm25.vocab), ensure_ascii=False)}
    db.create(names["meta"], 2, {"key": "str", "body": "str"})
    db.insert(names["meta"], _pieces(blobs))
    db.seal(names["meta"])


def _no_terms(matrix: TermMatrix) -> dict[int, float]:
    """The sparse vector of a text with no terms: Milvus refuses an empty one, so it gets
    one column past the vocabulary, which no question's vector ever has."""
    return {len(matrix.vocab): 1.0}


def _fields(record: dict[str, Any], fields: dict[str, str]) -> dict[str, Any]:
    out = {f: record[f] for f in fields}
    if len(out["text"].encode("utf-8")) > MAX_TEXT:
        raise StoreError(f"The text of {out['id']} is longer than the {MAX_TEXT:,} bytes a "
                         "Milvus text field holds.",
                         fix="Break it up in its source (it has no sentence boundary), or "
                             "use the FAISS store (ASSISTANT_STORE=faiss).")
    if "sentence_ids" in out:
        out["sentence_ids"] = json.dumps(list(out["sentence_ids"]))
    return out


def _lines(rows: Any) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)


def _pieces(blobs: dict[str, str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for key, text in blobs.items():
        for start in range(0, max(len(text), 1), PIECE):
            rows.append({"row": len(rows), "vector": [0.0, 0.0], "key": key,
                         "body": text[start:start + PIECE]})
    return rows


def _drop_other_generations(db: Milvus, alias: str, keep: dict[str, str]) -> None:
    pattern = re.compile(rf"{re.escape(alias)}_\d{{14}}_[0-9a-f]{{6}}_({'|'.join(KINDS)})")
    old = [n for n in db.collections() if pattern.fullmatch(n) and n not in keep.values()]
    _drop_quietly(db, old)


def _drop_quietly(db: Milvus, names: Sequence[str]) -> None:
    for name in names:
        try:
            db.drop(name)
        except StoreError as exc:  # already gone, or the server went away: nothing to keep
            log.debug("Could not drop %s: %s", name, exc)


# --- reading ------------------------------------------------------------------------------

def read_milvus_manifest(settings: Settings) -> dict[str, Any] | None:
    """The manifest of the generation the alias points at; None when there is no index."""
    db = connect(settings)
    try:
        meta = db.alias_target(settings.milvus_collection)
        return None if meta is None else json.loads(_blob(db, meta, "manifest"))
    finally:
        db.close()


def _blob(db: Milvus, meta: str, key: str) -> str:
    rows = db.rows(meta, ["body"], filter=f'key == "{key}"')
    if not rows:
        raise StoreError(f"Milvus collection {meta!r} at {db.uri} has no {key}.", fix=GONE_FIX)
    return "".join(r["body"] for r in rows)


def load_milvus(settings: Settings, manifest: dict[str, Any]) -> IndexData:
    """The index the manifest names, read from Milvus; searches go to Milvus."""
    if manifest.get("format_version") != FORMAT:
        raise StoreError(f"The Milvus index at {settings.resolved_milvus_uri} has format "
                         f"{manifest.get('format_version')!r}; this program reads {FORMAT}.",
                         fix=GONE_FIX)
    db = connect(settings)
    names = manifest["collections"]
    documents = [Document(**row) for row in _json_lines(_blob(db, names["meta"], "documents"))]
    counts = manifest.get("counts", {})
    chunk_rows = db.rows(names["chunks"], list(CHUNK_FIELDS), total=counts.get("chunks", 0))
    chunks = [Chunk(**{**_fields_of(r, CHUNK_FIELDS),
                       "sentence_ids": tuple(json.loads(r["sentence_ids"]))}) for r in chunk_rows]
    sentence_rows = db.rows(names["sentences"], [*SENTENCE_FIELDS, "vector"],
                            total=counts.get("sentences", 0))
    sentences = [Sentence(**_fields_of(r, SENTENCE_FIELDS)) for r in sentence_rows]
    vectors = np.asarray([r["vector"] for r in sentence_rows], dtype=np.float32)
    notes = [Note.from_json(row) for row in _json_lines(_blob(db, names["meta"], "notes"))]
    events = [Event(**row) for row in _json_lines(_blob(db, names["meta"], "events"))]
    _check_counts(db, manifest, {"documents": len(documents), "chunks": len(chunks),
                                 "sentences": len(sentences)})
    searcher = MilvusSearch(db, names, {
        key: json.loads(_blob(db, names["meta"], key))
        for key in ("chunk_vocab", "chunk_counts", "window_vocab")},
        settings.hnsw_ef_search if manifest.get("index_type") == "hnsw-ip" else 0)
    return IndexData(manifest, documents, chunks, sentences, None, vectors, None, None,
                     None, notes, events, searcher=searcher)


def chunk_vectors(settings: Settings, data: IndexData) -> np.ndarray:
    """The dense vectors of a loaded Milvus index's chunks, in row order."""
    names = data.manifest["collections"]
    rows = data.searcher.db.rows(names["chunks"], ["vector"], total=len(data.chunks))
    return np.asarray([r["vector"] for r in rows], dtype=np.float32)


def _fields_of(row: dict[str, Any], fields: dict[str, str]) -> dict[str, Any]:
    return {f: row[f] for f in fields}


def _json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.split("\n") if line]


def _check_counts(db: Milvus, manifest: dict[str, Any], found: dict[str, int]) -> None:
    counts = manifest.get("counts", {})
    for key, n in found.items():
        if counts.get(key) != n:
            raise StoreError(f"The Milvus index at {db.uri} has {n} {key} but its manifest "
                             f"says {counts.get(key)}.", fix=GONE_FIX)
    if not found["chunks"]:
        raise StoreError(f"The Milvus index at {db.uri} is empty.", fix=GONE_FIX)


class MilvusSearch:
    """Dense and BM25 search of one generation in Milvus, answering as the FAISS store does:
    the same hits in the same order, ties included (a few more hits are asked for than
    are kept, so that ties at the cut are broken as FAISS and the retriever break them)."""

    def __init__(self, db: Milvus, names: dict[str, str], terms: dict[str, list[Any]],
                 ef: int = 0) -> None:
        self.db, self.names, self.ef = db, names, ef
        self.vocabulary: tuple[str, ...] = tuple(terms["chunk_vocab"])
        self.term_counts: list[int] = [int(n) for n in terms["chunk_counts"]]
        self.chunk_terms = {t: i for i, t in enumerate(self.vocabulary)}
        self.window_terms = {t: i for i, t in enumerate(terms["window_vocab"])}

    def _dense(self, kind: str, qvec: np.ndarray, n: int) -> list[tuple[int, float]]:
        """The ``n`` best rows as FAISS's inner-product search picks and orders them:
        by score, and among equal scores the higher row first."""
        params = {"ef": max(self.ef, n + MARGIN)} if self.ef else {}
        query = np.asarray(qvec, dtype=np.float32).reshape(-1).tolist()
        hits = self.db.search(self.names[kind], query, n + MARGIN, params=params)
        return sorted(hits, key=lambda rv: (-rv[1], -rv[0]))[:n]

    def chunks_dense(self, qvec: np.ndarray, n: int) -> list[tuple[int, float]]:
        return self._dense("chunks", qvec, n)

    def sentences_dense(self, qvec: np.ndarray, n: int) -> list[tuple[int, float]]:
        """As the retriever orders FAISS's sentence hits: positive, ties by row."""
        return _ranked([(r, v) for r, v in self._dense("sentences", qvec, n) if v > 0], n)

    def _lexical(self, kind: str, terms: dict[str, int], tokens: Sequence[str],
                 n: int) -> list[tuple[int, float]]:
        counts = Counter(terms[t] for t in tokens if t in terms)  # bm25s counts repeats
        if not counts or n <= 0:
            return []
        weights = {term: float(k) for term, k in sorted(counts.items())}
        hits = self.db.search(self.names[kind], weights, n + MARGIN, field="sparse")
        return [(r, v) for r, v in _ranked(hits, n) if v > 0]

    def chunks_bm25(self, tokens: Sequence[str], n: int) -> list[tuple[int, float]]:
        return self._lexical("chunks", self.chunk_terms, tokens, n)

    def windows_bm25(self, tokens: Sequence[str], n: int) -> list[tuple[int, float]]:
        return self._lexical("sentences", self.window_terms, tokens, n)

    def chunk_vector(self, row: int) -> np.ndarray:
        return self.db.vector(self.names["chunks"], row)


def _ranked(hits: list[tuple[int, float]], n: int) -> list[tuple[int, float]]:
    """Best first, ties by row, the first ``n``.

    >>> _ranked([(3, 0.5), (1, 0.5), (2, 0.9)], 2)
    [(2, 0.9), (1, 0.5)]
    """
    return sorted(hits, key=lambda rv: (-rv[1], rv[0]))[:n]

