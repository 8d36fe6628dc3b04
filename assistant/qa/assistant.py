"""Pipeline: the ``Assistant`` facade that builds or loads the index and answers questions.

>>> from assistant import Assistant                       # doctest: +SKIP
>>> bot = Assistant.load()        # builds ./index from ./sources when missing or stale
>>> answer = bot.ask("Why did Seoul threaten to end the pact in 2019?")   # doctest: +SKIP
>>> answer.citations[0].title                             # doctest: +SKIP
'Korea-Japan GSOMIA Survives Amid Disputes over Historical, Trade Issues'
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .answering import Answer, Answerer, answer_from
from .chunking import chunk_documents, with_header
from .cleaning import normalize_characters
from .config import MAX_QUESTION_CHARS, Settings
from .embedding import Embedder
from .errors import QuestionError
from .retrieval import Retriever, build_bm25, tokenize, tokenizer_fingerprint
from .sources import fingerprint, load_documents
from .store import (
    IndexData,
    load_index,
    make_manifest,
    read_manifest,
    serialize,
    staleness,
)
from .store import write_index as write_index_files
from .store_faiss import choose_index_type, set_threads

log = logging.getLogger(__name__)
CONTEXT_BLEND = 0.5  # weight of the contextualised query in a follow-up's answer vector

# Words that point back at an earlier turn ("it", "they", "that deal").
_ANAPHORA = re.compile(
    r"\b(it|its|they|them|their|theirs|this|that|these|those|he|she|him|her|his|there|then|"
    r"the (pact|deal|agreement|accord|decision|move|court|country|countries)|"
    r"in response|in return|instead|afterwards|after that|before that|as a result|the same)\b",
    re.IGNORECASE,
)
_CONNECTIVE = re.compile(r"^\s*(and|but|so|also|what about|how about|what else)\b", re.I)
_NAME = re.compile(r"(?<!^)(?<![.?!] )\b[A-Z][\w-]+")


def validate_question(question: Any) -> str:
    """The question, cleaned of invisible characters, or a clear error."""
    if not isinstance(question, str):
        raise QuestionError("The question must be text.", fix="Pass a string.")
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"The question is {len(question):,} characters long; the limit is "
            f"{MAX_QUESTION_CHARS:,}.",
            fix="Shorten it to the essential question.",
        )
    cleaned = " ".join(normalize_characters(question).split())
    if not cleaned:
        raise QuestionError("The question is empty.",
                            fix='Type a question, e.g. "When was GSOMIA signed?".')
    return cleaned


def is_follow_up(question: str) -> bool:
    """Does the question lean on an earlier turn (a pronoun, or a short elliptic form)?

    >>> is_follow_up("What did Japan do about it?"), is_follow_up("When was GSOMIA signed?")
    (True, False)
    >>> is_follow_up("And the US?"), is_follow_up("Why?"), is_follow_up("Who is Kim In-chul?")
    (True, True, False)
    """
    if _ANAPHORA.search(question) or _CONNECTIVE.match(question):
        return True
    return len(tokenize(question)) <= 2 and not _NAME.search(question.strip())


def contextualize(question: str, history: Sequence[str]) -> str:
    """The retrieval query: a follow-up is prefixed with the turn(s) it leans on.

    ``history`` holds the earlier questions of the conversation, oldest first.

    >>> contextualize("Why did Seoul want to end it?", ["When was GSOMIA signed?"])
    'When was GSOMIA signed? Why did Seoul want to end it?'
    >>> contextualize("When was GSOMIA signed?", ["Who is Kim?"])
    'When was GSOMIA signed?'
    """
    if not history or not is_follow_up(question):
        return question
    context = [history[-1]]
    if len(history) >= 2 and is_follow_up(history[-1]):
        context.insert(0, history[-2])
    return " ".join([*context, question])


@dataclass(frozen=True)
class IndexStatus:
    """What the Sources tab shows: is the index in step with the sources folder?"""

    state: str  # "fresh", "stale" or "missing"
    reason: str
    created_at: str
    counts: dict[str, int]


def index_info(settings: Settings, embedder: Embedder) -> dict[str, Any]:
    """The manifest fields that, when they change, make an index stale."""
    return {
        "model_id": embedder.model_id,
        "chunking": {"target_words": settings.chunk_words,
                     "overlap_sentences": settings.overlap_sentences},
        "sources": fingerprint(settings.sources),
        "tokenizer": tokenizer_fingerprint(),
    }


def build_index(settings: Settings, embedder: Embedder,
                progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Read, clean, chunk and embed the sources; write the index atomically."""
    say = progress or (lambda _msg: None)
    info = index_info(settings, embedder)
    docs = load_documents(settings.sources)
    sentences, chunks = chunk_documents(docs, settings.chunk_words, settings.overlap_sentences)
    say(f"Read {len(docs)} documents: {len(chunks)} chunks, {len(sentences)} sentences.")
    say("Embedding chunks and sentences...")
    by_id = {d.id: d for d in docs}
    texts = [with_header(c.text, by_id[c.doc_id]) for c in chunks] + [s.text for s in sentences]
    vectors, reused = _embed_cached(settings, embedder, texts, show_progress=progress is not None)
    say(f"{reused} embeddings reused, {len(texts) - reused} new.")
    say("Indexing chunks and sentence windows for BM25...")
    bm25 = build_bm25(docs, chunks, sentences)
    index_type = choose_index_type(len(chunks), settings.index_type, settings.hnsw_threshold)
    files = serialize(docs, chunks, sentences, vectors[: len(chunks)], vectors[len(chunks):],
                      bm25, index_type, m=settings.hnsw_m, ef_search=settings.hnsw_ef_search)
    counts = {"documents": len(docs), "chunks": len(chunks), "sentences": len(sentences)}
    manifest = make_manifest(files, {**info, "dimension": int(vectors.shape[1]),
                                     "index_type": index_type}, counts)
    write_index_files(settings.index, files, manifest)
    say(f"Wrote index to {settings.index}.")
    return manifest


def embedding_cache_dir(settings: Settings) -> Path:
    """``.assistant-cache`` beside the index: cached embeddings and the ONNX export."""
    return Path(settings.index).parent / ".assistant-cache"


def make_embedder(settings: Settings) -> Embedder:
    """The embedder the settings ask for, caching its ONNX export beside the index."""
    return Embedder(settings.model_path or None, settings.batch_size,
                    backend=settings.embed_backend or None,
                    cache_dir=embedding_cache_dir(settings))


def _embed_cached(settings: Settings, embedder: Embedder, texts: list[str],
                  show_progress: bool) -> tuple[Any, int]:
    """Vectors for ``texts``, embedding only those the embedding cache does not hold."""
    from . import vector_cache

    if hasattr(embedder, "use_cache_dir"):
        embedder.use_cache_dir(embedding_cache_dir(settings))

    def encode(missing: list[str]) -> Any:
        return embedder.encode(missing, show_progress=show_progress)

    return vector_cache.embed(texts, encode, embedding_cache_dir(settings), embedder.model_id)


def _cap_threads() -> None:
    """On two cores BLAS and FAISS threads starve torch's: give them one thread each."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
    set_threads(1)


class Assistant:
    """Loads the index once and answers questions with citations; thread-safe."""

    def __init__(self, settings: Settings, embedder: Embedder, data: IndexData) -> None:
        self.settings = settings
        self.embedder = embedder
        self._swap = threading.Lock()
        self._install(data)

    def _install(self, data: IndexData) -> None:
        retriever = Retriever(data, self.settings.rrf_k, self.settings.candidates)
        self.data, self.retriever, self.answerer = data, retriever, Answerer(retriever)

    @classmethod
    def load(cls, settings: Settings | None = None, *, rebuild: bool = False,
             progress: Callable[[str], None] | None = None) -> Assistant:
        """Load the index, building it first when missing, stale or ``rebuild`` is set."""
        settings = settings or Settings.from_env()
        _cap_threads()
        embedder = make_embedder(settings)
        manifest = ensure_index(settings, embedder, rebuild=rebuild, progress=progress)
        assistant = cls(settings, embedder, load_index(settings.index, manifest))
        embedder.encode_query("warm up")  # the first real question is then as fast as any
        return assistant

    def status(self) -> IndexStatus:
        """Whether the loaded index still matches the sources folder."""
        manifest = self.data.manifest
        try:
            reason = staleness(manifest, index_info(self.settings, self.embedder))
        except Exception as exc:  # the folder may be mid-edit; report, do not fail
            reason = str(exc)
        return IndexStatus("stale" if reason else "fresh", reason or "",
                           manifest.get("created_at", ""), dict(manifest.get("counts", {})))

    def refresh(self, progress: Callable[[str], None] | None = None) -> bool:
        """Rebuild and swap in the index if the sources changed; True if it did."""
        if self.status().state == "fresh":
            return False
        with self._swap:
            manifest = ensure_index(self.settings, self.embedder, progress=progress)
            self._install(load_index(self.settings.index, manifest))
        return True

    def ask(self, question: str, k: int | None = None, mode: str | None = None,
            history: Sequence[str] = ()) -> Answer:
        """Answer ``question`` (in the context of earlier ``history`` questions)."""
        question = validate_question(question)
        k = k or self.settings.top_k
        mode = mode or self.settings.mode
        earlier = [validate_question(h) for h in history if not isinstance(h, str) or h.strip()]
        query = contextualize(question, earlier)
        retriever, answerer = self.retriever, self.answerer  # one consistent snapshot
        t0 = time.perf_counter()
        qvec = self.embedder.encode_query(query)
        tokens = tokenize(query)
        t1 = time.perf_counter()
        passages, timings = retriever.search(qvec, tokens, k, mode)
        t2 = time.perf_counter()
        text, citations, abstained, confidence = answer_from(
            answerer, question, query, self._answer_vector(question, query, qvec), passages)
        t3 = time.perf_counter()
        timings = {"embed_ms": (t1 - t0) * 1e3, **timings, "retrieval_ms": (t2 - t0) * 1e3,
                   "answer_ms": (t3 - t2) * 1e3, "total_ms": (t3 - t0) * 1e3}
        return Answer(question, text, abstained, citations, tuple(passages), timings,
                      confidence, query)

    def _answer_vector(self, question: str, query: str, qvec: np.ndarray) -> np.ndarray:
        """For a follow-up, sentences are judged mostly by the new question itself."""
        if query == question:
            return qvec
        blend = self.embedder.encode_query(question) + CONTEXT_BLEND * qvec
        return blend / float(np.linalg.norm(blend) or 1.0)


def ensure_index(settings: Settings, embedder: Embedder, *, rebuild: bool = False,
                 progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """The manifest of an index that matches the sources, building one if needed."""
    index = Path(settings.index)
    if rebuild or (not (index / "manifest.json").exists() and not _has_leftovers(index)):
        if not rebuild:
            log.info("No index at %s; building it.", index)
        return build_index(settings, embedder, progress)
    manifest = read_manifest(index)
    reason = staleness(manifest, index_info(settings, embedder))
    if reason:
        log.warning("Index at %s is stale (%s); rebuilding.", index, reason)
        return build_index(settings, embedder, progress)
    return manifest


def _has_leftovers(index: Path) -> bool:
    present = index.is_dir() and any(index.iterdir())
    return present or any(index.parent.glob(f".{index.name}.old-*"))
