"""The ``Assistant`` facade: load (or build) the index once, then answer questions.

>>> from assistant import Assistant                       # doctest: +SKIP
>>> bot = Assistant.load()   # builds ./index if needed    # doctest: +SKIP
>>> answer = bot.ask("Why did Seoul threaten to end the pact in 2019?")   # doctest: +SKIP
>>> answer.citations[0].title                             # doctest: +SKIP
'Korea-Japan GSOMIA Survives Amid Disputes over Historical, Trade Issues'
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..config import Settings, check_k
from ..store import (
    Embedder,
    IndexData,
    cap_threads,
    ensure_index,
    index_info,
    load_index,
    make_embedder,
    staleness,
)
from .answering import Answer, Answerer, answer_from
from .question import Question, analyse
from .retrieval import Retriever

CONTEXT_BLEND = 0.5  # weight of the contextualised query in a follow-up's answer vector


@dataclass(frozen=True)
class IndexStatus:
    """What the Sources tab shows: is the index in step with the sources folder?"""

    state: str  # "fresh", "stale" or "missing"
    reason: str
    created_at: str
    counts: dict[str, int]


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
        cap_threads()
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
        return self.answer(analyse(question, history), k, mode)

    def answer(self, question: Question, k: int | None = None,
               mode: str | None = None) -> Answer:
        """Answer an analysed question."""
        k = self.settings.top_k if k is None else check_k(k)
        mode = mode or self.settings.mode
        retriever, answerer = self.retriever, self.answerer  # one consistent snapshot
        t0 = time.perf_counter()
        qvec = self.embedder.encode_query(question.query)
        t1 = time.perf_counter()
        passages, timings = retriever.search(qvec, question.tokens, k, mode)
        t2 = time.perf_counter()
        text, citations, abstained, confidence = answer_from(
            answerer, question, self._answer_vector(question, qvec), passages)
        t3 = time.perf_counter()
        timings = {"embed_ms": (t1 - t0) * 1e3, **timings, "retrieval_ms": (t2 - t0) * 1e3,
                   "answer_ms": (t3 - t2) * 1e3, "total_ms": (t3 - t0) * 1e3}
        return Answer(question.text, text, abstained, citations, tuple(passages), timings,
                      confidence, question.query)

    def _answer_vector(self, question: Question, qvec: np.ndarray) -> np.ndarray:
        """For a follow-up, sentences are judged mostly by the new question itself."""
        if not question.in_context:
            return qvec
        blend = self.embedder.encode_query(question.text) + CONTEXT_BLEND * qvec
        return blend / float(np.linalg.norm(blend) or 1.0)
