"""The ``Assistant`` facade: load (or build) the index once, then answer questions.

>>> from assistant import Assistant                       # doctest: +SKIP
>>> bot = Assistant.load()        # doctest: +SKIP
>>> answer = bot.ask("Why did Seoul threaten to end the pact in 2019?")   # doctest: +SKIP
>>> answer.citations[0].title                             # doctest: +SKIP
'Korea-Japan GSOMIA Survives Amid Disputes over Historical, Trade Issues'
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..config import Settings, check_k
from ..ingest import Document
from ..store import (
    Embedder,
    IndexData,
    QueryBatcher,
    cap_threads,
    ensure_index,
    index_info,
    load_store,
    make_embedder,
    staleness,
)
from ..text import nlp, tokenize
from ..text.neighbours import WordVectors
from .answering import Answerer
from .corpus import Corpus
from .lookup import Located, Lookup, validate_query
from .question import (
    Previous,
    Question,
    analyse,
    context_query,
    contextualize,
    split_compound,
    substitute,
    unmarked,
    validate_question,
)
from .records import Answer
from .retrieval import Passage, Retriever
from .rules import Rules
from .timeline import Timeline
from .verifier import Verifier

CONTEXT_BLEND = 0.5  # weight of the contextualised query in a follow-up's answer vector
RECENT = 256  # answers kept to read follow-ups against


def previous_of(answer: Answer, rows: Mapping[tuple[str, int], int]) -> Previous:
    """What a follow-up may refer back to in an answer: its short answer, and the
    sentences it cited (``rows`` maps a sentence's document and offset to its row)."""
    names = (answer.short_answer,) if answer.short_answer and not answer.abstained else ()
    cited = (rows.get((c.source_id, c.start), -1) for c in answer.citations)
    return Previous(names, tuple(r for r in cited if r >= 0))


def question_parser(settings: Settings) -> Callable[[str], nlp.Parsed]:
    """How questions are parsed: each on its own (``parse_batch`` 1), or questions that
    arrive together in one spaCy call, one batch at a time (it cuts the parse's CPU by
    about a third at 8 questions, with the same parses: spaCy holds the GIL anyway)."""
    if settings.parse_batch <= 1:
        return nlp.parse
    batcher = QueryBatcher(lambda texts, _lane: nlp.parse_many(texts, len(texts)), lanes=1,
                           max_batch=settings.parse_batch,
                           window_s=settings.query_window_ms / 1000)
    return batcher.encode  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Inspection:
    """A question as the answerer sees it (see :meth:`Assistant.inspect`)."""

    question: Question
    vector: np.ndarray
    passages: tuple[Any, ...]
    ranked: tuple[Any, ...]  # Scored candidates, best heuristic score first


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
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="embed")
        self._recent: OrderedDict[tuple[Any, ...], Answer] = OrderedDict()
        self._recent_lock = threading.Lock()
        self._parse = question_parser(settings)
        model = str(getattr(embedder, "model_path", "") or "")
        self._words = (WordVectors.of_model(model)
                       if model and Path(model, "model.safetensors").exists() else None)
        self._verifier = (None if settings.verifier == "off" else Verifier.load()
                          if settings.verifier == "on" else Verifier.load(Path(settings.verifier)))
        self.rules = Rules.without(settings.ablate)
        self._install(data)

    def _install(self, data: IndexData) -> None:
        retriever = Retriever(data, self.settings.rrf_k, self.settings.candidates)
        corpus = Corpus.build(data.documents, data.sentences, data.notes,
                              retriever.chunk_vocabulary, self._words)
        corpus.neighbours(["warm"])  # cut the word table to the sources' words now
        answerer = Answerer(retriever, verifier=self._verifier, rules=self.rules)
        self.data, self.retriever, self.answerer, self.corpus = data, retriever, answerer, corpus
        self.lookup = Lookup(data)

    @classmethod
    def load(cls, settings: Settings | None = None, *, rebuild: bool = False,
             progress: Callable[[str], None] | None = None) -> Assistant:
        """Load the index, building it first when missing, stale or ``rebuild`` is set."""
        settings = settings or Settings.from_env()
        nlp.preload()  # on another thread, while the index loads
        cap_threads()
        embedder = make_embedder(settings)
        manifest = ensure_index(settings, embedder, rebuild=rebuild, progress=progress)
        assistant = cls(settings, embedder, load_store(settings, manifest))
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
            self._install(load_store(self.settings, manifest))
        return True

    def install(self, data: IndexData) -> None:
        """Answer from ``data`` from now on (an index the library just wrote). Answers
        already running keep the retriever and answerer they started with."""
        with self._swap:
            self._install(data)

    def ask(self, question: str, k: int | None = None, mode: str | None = None,
            history: Sequence[str] = ()) -> Answer:
        """Answer ``question`` (in the context of earlier ``history`` questions).

        The question is embedded on a second thread while spaCy parses it: the two take
        about as long as each other, and the embedder releases the GIL.
        """
        start = time.perf_counter()
        text = unmarked(validate_question(question))
        parts = split_compound(text)
        if len(parts) > 1:  # "When did it expire, and when was it renewed?"
            return self._compound(question, [self.ask(p, k, mode, history) for p in parts])
        if history and (again := substitute(text, unmarked(validate_question(history[-1])),
                                            self.corpus)) != text:
            return replace(self.ask(again, k, mode, history), question=validate_question(
                question))  # "And Glosserman?" asks the turn before about Glosserman
        earlier = [unmarked(validate_question(h)) for h in history
                   if not isinstance(h, str) or h.strip()]
        analysed, timings = self._analysed(question, text, earlier, k, mode, start)
        answer = self.answer(analysed, k, mode, start, timings)
        self._remember((text, tuple(earlier), k, mode), answer)
        return answer

    def _analysed(self, question: str, text: str, earlier: Sequence[str], k: int | None,
                  mode: str | None, start: float) -> tuple[Question, dict[str, float]]:
        """The question analysed (spaCy) while it is embedded on a second thread."""
        previous = self._previous(text, earlier, k, mode)
        query = context_query(text, earlier, previous)
        pending = [self._pool.submit(self.embedder.encode_query, q) for q in {query, text}]
        analysed = analyse(question, earlier, self.corpus, previous,  # keeps it as asked
                           parse=self._parse)
        parsed = time.perf_counter()
        for job in pending:
            job.result()  # the vectors now sit in the embedder's cache
        return analysed, {"analyse_ms": (parsed - start) * 1e3,
                          "embed_wait_ms": (time.perf_counter() - parsed) * 1e3}

    def inspect(self, question: str, history: Sequence[str] = (), k: int | None = None,
                mode: str | None = None) -> Inspection:
        """What the answerer weighs for a question, without assembling an answer: the
        analysed question, the passages and every candidate sentence with its signals
        (for training and studying the answer verifier)."""
        text = unmarked(validate_question(question))
        earlier = [unmarked(validate_question(h)) for h in history if h.strip()]
        if earlier and (again := substitute(text, earlier[-1], self.corpus)) != text:
            text = question = again
        analysed, _ = self._analysed(question, text, earlier, k, mode, time.perf_counter())
        k = self.settings.top_k if k is None else check_k(k)
        qvec = self.embedder.encode_query(analysed.query)
        passages, _ = self._search(self.retriever, analysed, qvec, k, mode or self.settings.mode)
        vector = self._answer_vector(analysed, qvec)
        ranked = self.answerer.scorer.rank(analysed, vector, passages) if passages else []
        return Inspection(analysed, vector, tuple(passages), tuple(ranked))

    def search(self, query: str, k: int | None = None, mode: str | None = None,
               document: str = "") -> list[Passage]:
        """The ``k`` passages that best match ``query``, ranked by the retrieval ``ask``
        uses (without its question analysis), and with no answer composed. With
        ``document``, only that document's passages among the ranked candidates."""
        text = validate_query(query)
        k = self.settings.top_k if k is None else check_k(k)
        mode = mode or self.settings.mode
        lookup, retriever = self.lookup, self.retriever  # one consistent snapshot
        if document:
            lookup.document(document)  # an unknown id is an error, not an empty list
        wanted = max(k, self.settings.candidates) if document else k
        passages, _ = retriever.search(self.embedder.encode_query(text), tokenize(text),
                                       wanted, mode, document=document)
        if document:
            passages = [p for p in passages if p.source_id == document][:k]
        return [replace(p, rank=rank) for rank, p in enumerate(passages, start=1)]

    def passage(self, chunk_id: str) -> Located:
        """The passage (chunk) with this id, its document and its neighbours."""
        return self.lookup.passage(chunk_id)

    def document(self, doc_id: str) -> Document:
        """The document with this id (its cleaned ``text`` is what citations point into)."""
        return self.lookup.document(doc_id)

    @property
    def timeline(self) -> Timeline:
        """The dated events of the loaded index (built on first use)."""
        return self.lookup.timeline

    def _compound(self, asked: str, parts: Sequence[Answer]) -> Answer:
        """One answer to a question in several parts: the sentences each part quotes,
        in date order and cited once; a refusal only when every part is refused."""
        answered = [a for a in parts if not a.abstained]
        if not answered or any(c.kind != "sentence" for a in answered for c in a.citations):
            return replace((answered or list(parts))[0], question=asked)
        text, citations = self.answerer.recite([c for a in answered for c in a.citations])
        passages = tuple({p.chunk_id: p for a in answered for p in a.passages}.values())
        timings = {"total_ms": sum(a.timings_ms.get("total_ms", 0.0) for a in parts)}
        return Answer(validate_question(asked), text, False, citations, passages, timings,
                      min(a.confidence for a in answered), answered[0].retrieval_query,
                      None, "comparison")

    def _previous(self, text: str, earlier: Sequence[str], k: int | None,
                  mode: str | None) -> Previous | None:
        """For a follow-up, what the answer to the turn before gave (answered again, with
        the same history, when it is not among the recent answers: another process may have
        answered it, and the answer must not depend on which one did)."""
        if not earlier or contextualize(text, earlier) == text:
            return None
        key = (earlier[-1], tuple(earlier[:-1]), k, mode)
        with self._recent_lock:
            before = self._recent.get(key)
        if before is None:
            before = self.ask(earlier[-1], k, mode, earlier[:-1])
        return previous_of(before, self.answerer.evidence.row_at)

    def _remember(self, key: tuple[Any, ...], answer: Answer) -> None:
        with self._recent_lock:
            self._recent[key] = answer
            self._recent.move_to_end(key)
            while len(self._recent) > RECENT:
                self._recent.popitem(last=False)

    def answer(self, question: Question, k: int | None = None, mode: str | None = None,
               started: float | None = None, timings: dict[str, float] | None = None) -> Answer:
        """Answer an analysed question (``started``: when its analysis began)."""
        k = self.settings.top_k if k is None else check_k(k)
        mode = mode or self.settings.mode
        retriever, answerer = self.retriever, self.answerer  # one consistent snapshot
        t0 = time.perf_counter()
        qvec = self.embedder.encode_query(question.query)
        t1 = time.perf_counter()
        passages, search_ms = self._search(retriever, question, qvec, k, mode)
        t2 = time.perf_counter()
        outcome = answerer.answer(question, self._answer_vector(question, qvec), passages)
        if question.intent == "document":  # the passages it was answered from come first
            passages = retriever.cited_first(passages, outcome.citations, k)
        t3 = time.perf_counter()
        timings = {**(timings or {}), "embed_ms": (t1 - t0) * 1e3, **search_ms,
                   "retrieval_ms": (t2 - t0) * 1e3, "answer_ms": (t3 - t2) * 1e3,
                   "total_ms": (t3 - (started or t0)) * 1e3}
        respelt = question.asked and question.text != unmarked(question.asked)
        return Answer(question.asked or question.text, outcome.text, outcome.abstained,
                      outcome.citations,
                      tuple(passages), timings, outcome.confidence, question.query,
                      outcome.short_answer, question.intent,
                      question.text if respelt else None)

    def _search(self, retriever: Retriever, question: Question, qvec: np.ndarray, k: int,
                mode: str) -> tuple[list[Passage], dict[str, float]]:
        """Hybrid retrieval with the extra rankings the rules in force allow."""
        rules = self.rules
        return retriever.search(qvec, question.tokens, k, mode,
                                question.document if rules.document_ranking else "",
                                question.cue if rules.cue_ranking else "")

    def _answer_vector(self, question: Question, qvec: np.ndarray) -> np.ndarray:
        """For a follow-up, sentences are judged mostly by the new question itself."""
        if not question.in_context:
            return qvec
        blend = self.embedder.encode_query(question.text) + CONTEXT_BLEND * qvec
        return blend / float(np.linalg.norm(blend) or 1.0)
