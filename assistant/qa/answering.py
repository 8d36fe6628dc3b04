"""Answering: quote and cite the sentences that answer an analysed question, or abstain.

Offline and extractive. Questions about a document are answered from its metadata and
an extractive summary (:mod:`.about`). For the others, every sentence of the retrieved
passages is scored for the question (:mod:`.candidates`), the abstention test decides
whether the best evidence answers it (:mod:`.abstain`), and the sentences the intent
needs are chosen (:mod:`.assemble`) and cited, each followed by its ``[n]`` marker.

>>> compose([("Signed in 2016.", "2020-08", "Matsuo"), ("It expired.", "2019-11", "Mishra")])
'From Mishra (Nov 2019): It expired. [1] From Matsuo (Aug 2020): Signed in 2016. [2]'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from ..ingest import Document, date_label
from . import about
from .abstain import Model, features, focus_unknown
from .assemble import Limits, choose, short_answer
from .candidates import Scored, Scorer, Weights
from .evidence import Evidence
from .question import Question
from .records import DOCUMENT, Answer, Citation
from .retrieval import Passage, Retriever
from .rules import Rules
from .verifier import Verifier
from .verifier_features import documents

ABSTAIN_TEXT = "The sources do not answer this question."
COMMON_SHARE = 0.3  # a term in more than this share of chunks tells passages apart poorly


@dataclass(frozen=True)
class Outcome:
    """What the answerer decided for one question."""

    text: str
    citations: tuple[Citation, ...]
    abstained: bool
    confidence: float
    short_answer: str | None = None


def compose(parts: Sequence[tuple[str, str, str]]) -> str:
    """Answer text from ``(sentence, date, source)`` triples in order of use, with markers.

    Sentences are ordered by their source's date. When they come from more than one
    source, each source's sentences are introduced by its name and date ("From Mishra (Nov
    2019):"), so that the reader knows which article says what, and the date reads as the
    article's, not the event's.
    """
    dated = sorted(enumerate(parts), key=lambda ip: (ip[1][1] or "9999", ip[0]))
    several = len({src for _, (_, _, src) in dated}) > 1
    out, previous = [], None
    for marker, (_, (sentence, date, source)) in enumerate(dated, start=1):
        if several and source != previous:
            when = short_date(date)
            out.append(f"From {source} ({when}):" if when else f"From {source}:")
        previous = source
        out.append(f"{sentence} [{marker}]")
    return " ".join(out)


def short_date(date: str) -> str:
    """"Nov 2019" for 2019-11 or 2019-11-23, "2019" for a year alone.

    >>> short_date("2019-11-23"), short_date("2020"), short_date("")
    ('Nov 2019', '2020', '')
    """
    label = date_label(date)
    if len(date) < 7 or label == date:
        return date
    month, year = label.split()[-2:]
    return f"{month[:3]} {year}"


def source_label(doc: Document) -> str:
    """How an answer names a source: its author's surname, else its outlet, else its title.

    >>> source_label(Document(id="a", path="a", title="T", text="", author="Dr Ann Lee*"))
    'Lee'
    """
    person = re.sub(r"\(.*", "", doc.author).replace("*", "").strip()
    names = [w for w in person.replace(" and ", ",").split(",")[0].split() if w[:1].isupper()]
    if names:
        return names[-1]
    title = " ".join(doc.title.split()[:6])
    return doc.publisher or (title + ("\u2026" if len(doc.title.split()) > 6 else ""))


class Answerer:
    """Chooses and cites sentences from retrieved passages."""

    def __init__(self, retriever: Retriever, model: Model | None = None,
                 weights: Weights | None = None, limits: Limits | None = None,
                 verifier: Verifier | None = None, rules: Rules | None = None) -> None:
        self.evidence = Evidence(retriever.data)
        # Read from the stored BM25 matrix: tokenising a large corpus again at every
        # load would cost minutes per million chunks.
        self.vocabulary = retriever.chunk_vocabulary
        self.scorer = Scorer(self.evidence, retriever.common_chunk_terms(COMMON_SHARE), weights)
        self.model = model or Model.fitted()
        self.verifier = verifier
        self.rules = rules or Rules()
        self.limits = limits or (verifier.limits if verifier is not None else Limits())

    def answer(self, question: Question, qvec: np.ndarray,
               passages: Sequence[Passage]) -> Outcome:
        if question.intent == "document":
            return self._about(question, [p.source_id for p in passages])
        ranked = self.scorer.rank(question, qvec, passages) if passages else []
        if not ranked or not question.query_weights:  # "???", "the of and"
            return Outcome(ABSTAIN_TEXT, (), True, 0.0)
        if self._beyond_the_sources(question):
            return Outcome(ABSTAIN_TEXT, (), True, 0.0)
        if self.verifier is not None:
            verdict = self.verifier.rerank(
                question, ranked, lambda s: self.features(question, ranked, [s], passages),
                self.pair_text, documents(question, self.evidence, ranked, qvec))
            confidence, threshold = verdict.confidence, self.verifier.threshold
            if question.aspect == "author":  # "where does he work?" of the author: the bio,
                chosen = choose(ranked, question, self.evidence, Limits(), self.rules)
            else:  # which the verifier never learnt to pick; else its order
                chosen = choose(verdict.ranked, question, self.evidence, self.limits,
                                self.rules)
        else:
            chosen = choose(ranked, question, self.evidence, self.limits, self.rules)
            confidence = self.model.confidence(self.features(question, ranked, chosen, passages))
            threshold = self.model.threshold
        if confidence < threshold:
            return Outcome(ABSTAIN_TEXT, (), True, confidence)
        short = short_answer(chosen[0], question, self.evidence)
        text, citations = self.cite(chosen)
        if short:
            marker = next(c.marker for c in citations if short in c.quote)
            text = f"**{short}** [{marker}]. {text}"
        return Outcome(text, citations, False, confidence, short)

    def _beyond_the_sources(self, question: Question) -> bool:
        """Refused outright: a year or figure, a name, or the attribute asked for ("the
        population of ...") that no source gives. Each is a rule that can be switched off
        (``Rules``); on dev each refuses unanswerable questions at almost no false refusal."""
        rules, unknown = self.rules, [m for m in question.mentions if not m.known]
        if rules.unknown_figure and any(m.label == "NUMBER" for m in unknown):
            return True
        if rules.unknown_name and any(m.label != "NUMBER" for m in unknown):
            return True
        authors = " ".join(d.author.lower() for d in self.evidence.documents.values())
        about_author = any(m.text.lower() in authors for m in question.mentions if m.known)
        # "what's <author>'s background?": the author's bio answers in other words
        return (rules.unknown_attribute and not about_author
                and bool(focus_unknown(question, self.vocabulary)))

    def pair_text(self, candidate: Scored) -> str:
        """A candidate as the verifier's cross-encoder reads it: its article's title, then
        the sentence."""
        sentence = self.evidence.sentences[candidate.row]
        return f"{self.evidence.documents[sentence.doc_id].title} | {sentence.text}"

    def features(self, question: Question, ranked: Sequence[Scored], chosen: Sequence[Scored],
                 passages: Sequence[Passage]) -> dict[str, float]:
        """The abstention signals of an answer resting on ``chosen[0]``."""
        ev = self.evidence
        lead_terms = frozenset().union(*(ev.tokens(s.row) for s in chosen))
        latest = max((d.date for d in ev.documents.values()), default="")
        said = " ".join(ev.sentences[r].text for s in chosen
                        for r in ((s.row - 1, s.row) if ev.continues(s.row) else (s.row,)))
        return features(question, ranked, chosen[0], passages, self.vocabulary, lead_terms,
                        latest, missing_names(question, said))

    def cite(self, chosen: Sequence[Scored]) -> tuple[str, tuple[Citation, ...]]:
        """Answer text and its citations, markers numbered in order of reading."""
        ev = self.evidence
        ordered = sorted(chosen, key=lambda s: (ev.documents[ev.sentences[s.row].doc_id].date
                                                or "9999", ev.sentences[s.row].doc_id,
                                                ev.sentences[s.row].start))
        parts = [(ev.sentences[s.row].text, ev.documents[ev.sentences[s.row].doc_id].date,
                  source_label(ev.documents[ev.sentences[s.row].doc_id])) for s in ordered]
        citations = tuple(self.sentence_citation(n, s.row, s.passage.index)
                          for n, s in enumerate(ordered, start=1))
        return compose(parts), citations

    def recite(self, citations: Sequence[Citation]) -> tuple[str, tuple[Citation, ...]]:
        """Answer text for sentences cited by several answers: each once, in date and
        reading order, renumbered."""
        unique = {(c.source_id, c.start): c for c in citations}.values()
        ordered = sorted(unique, key=lambda c: (c.date or "9999", c.source_id, c.start))
        text = compose([(c.quote, c.date, source_label(self.evidence.documents[c.source_id]))
                        for c in ordered])
        return text, tuple(replace(c, marker=n) for n, c in enumerate(ordered, start=1))

    def sentence_citation(self, marker: int, row: int, chunk_index: int = -1,
                          kind: str = "sentence") -> Citation:
        ev = self.evidence
        s = ev.sentences[row]
        doc = ev.documents[s.doc_id]
        chunk = ev.chunks[chunk_index] if chunk_index >= 0 else None
        if chunk is None or s.id not in chunk.sentence_ids:  # e.g. "what happened next"
            chunk = next(c for c in ev.chunks if s.id in c.sentence_ids)
        return Citation(marker, doc.id, doc.title, doc.author, doc.publisher, doc.date, s.text,
                        s.start, s.end, chunk.text, chunk.start, s.paragraph, chunk.id, doc.url,
                        kind)

    def _about(self, question: Question, ranked_docs: Sequence[str] = ()) -> Outcome:
        """A question about a document: its metadata, its byline, its gist."""
        docs = about.documents_for(question, self.evidence, ranked_docs)
        if not about.answerable(question, docs) or about.elsewhere(question, docs,
                                                                   self.vocabulary):
            return Outcome(ABSTAIN_TEXT, (), True, 0.0)
        parts, short = about.answer_parts(question, self.evidence, docs)
        citations: list[Citation] = []
        out: list[str] = []
        for part in parts:
            citation = self._part_citation(len(citations) + 1, part)
            citations.append(citation)
            out.append(f"{part.text} [{citation.marker}]")
        text = " ".join(out)
        if short:
            text = f"**{short}** [1]. {text}"
        return Outcome(text, tuple(citations), False, 1.0, short)

    def _part_citation(self, marker: int, part: about.Part) -> Citation:
        if part.byline:  # the printed byline, kept out of the body: cited as it reads
            doc = self.evidence.documents[part.doc_id]
            return Citation(marker, doc.id, doc.title, doc.author, doc.publisher, doc.date,
                            doc.byline, -1, -1, doc.byline, -1, 0, "", doc.url, DOCUMENT)
        if part.row >= 0:
            role = self.evidence.roles[part.row]
            return self.sentence_citation(marker, part.row,
                                          kind=DOCUMENT if role != "body" else "sentence")
        doc = self.evidence.documents[part.doc_id]
        record = " \u2014 ".join(x for x in (doc.title, doc.author, doc.publisher,
                                                date_label(doc.date), doc.url) if x)
        return Citation(marker, doc.id, doc.title, doc.author, doc.publisher, doc.date, record,
                        -1, -1, record, -1, 0, "", doc.url, DOCUMENT)


def missing_names(question: Question, said: str) -> list[str]:
    """The names the question gives that the quoted sentences never mention in any form
    ("When was TISA signed?" answered by a sentence about another agreement)."""
    low = said.lower()
    return [m.text for m in question.mentions if m.known and m.label != "NUMBER"
            and not any(f.lower() in low for f in (m.text, *m.forms))
            and not any(len(p) > 3 and p.lower() in low for p in m.text.split())]


def answer_from(answerer: Answerer, question: Question, qvec: np.ndarray,
                passages: Sequence[Passage]) -> Outcome:
    """The answerer's outcome for an analysed question."""
    return answerer.answer(question, qvec, passages)


__all__ = ["ABSTAIN_TEXT", "Answer", "Answerer", "Citation", "Outcome", "compose"]
