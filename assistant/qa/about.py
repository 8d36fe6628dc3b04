"""About: answers to questions about a document itself (author, outlet, date, title, gist).

They come from the document's metadata (``sources.toml``) and its own text: the author
from the byline or the author's bio when the article has one, the gist from an
extractive summary, the sentences most central to the document (cosine centrality over
the stored sentence vectors, with redundancy removed), in the order the article tells
them. Metadata is cited as a ``document`` citation; quoted sentences as sentences.

>>> from assistant.ingest import Document
>>> _person("Dr Ann Lee (Sea Institute)")
'Dr Ann Lee'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..ingest import Document, date_label
from ..ingest.byline import parse_byline
from ..text import tokenize
from .evidence import Evidence, centrality
from .question import Question

SUMMARY_SENTENCES = 4
REDUNDANT = 0.8  # a summary sentence this close to one already chosen is left out
PRECISE = re.compile(r"\b(exact|exactly|precise|which day|what day|day of)\b", re.I)
# Nouns that refer to a text, and other words any question about a text may use; the
# rest of its nouns say which text is meant.
TEXT_NOUNS = frozenset(tokenize(
    "article piece story report analysis essay post column op-ed commentary paper text "
    "writeup write-up"))
DOCUMENT_WORDS = TEXT_NOUNS | frozenset(tokenize(
    "author writer byline title headline summary gist overview recap point points argument "
    "thesis claim message takeaway idea topic outlet publication publisher site website "
    "blog magazine newspaper journal date day month year time role job position beat reporter "
    "journalist correspondent"))


@dataclass(frozen=True)
class Part:
    """One piece of a document answer: text, and what it cites (a sentence row; the
    document's printed byline when ``byline`` is set; else its metadata record)."""

    text: str
    doc_id: str
    row: int = -1
    byline: bool = False


def documents_for(question: Question, evidence: Evidence,
                  ranked_docs: Sequence[str] = ()) -> list[Document]:
    """The document the question names by its metadata ("the 2019 piece", "Lee's post");
    else the one its subject points to ("the piece on the library closures": the document
    of the best retrieved passage, ``ranked_docs[0]``); else, for a question with no
    subject ("who wrote these?"), every document, oldest first."""
    docs = list(evidence.documents.values())
    if question.document:
        return [evidence.documents[question.document]]
    if ranked_docs and has_subject(question):
        return [evidence.documents[ranked_docs[0]]]
    return sorted(docs, key=lambda d: (d.date or "9999", d.id))


def has_subject(question: Question) -> bool:
    """Does the question say what the text it asks about is about ("the piece on the
    dam talks"), beyond words for texts, authors and dates?"""
    return any(t not in DOCUMENT_WORDS and len(t) > 2 for t in _nouns(question))


def elsewhere(question: Question, docs: Sequence[Document], vocabulary: frozenset[str]) -> bool:
    """Does the question ask about a text that is not among the sources?

    "Who wrote Pride and Prejudice?" names a work the sources never mention. Without an
    article, a piece or a report to point at, so does a question whose nouns are mostly
    ones no source uses ("summarize the plot of that movie"); the words of the
    documents' metadata count as used.
    """
    if question.document:
        return False
    if question.unknown:
        return True
    nouns = _nouns(question)
    if TEXT_NOUNS & set(nouns):
        return False
    meta = {t for d in docs for field in (d.title, d.author, d.publisher, d.url, d.id)
            for t in tokenize(field or "")}
    return mostly_unknown(nouns, vocabulary | meta)


def mostly_unknown(terms: Sequence[str], known: frozenset[str] | set[str]) -> bool:
    """Are most of the terms that do not just name a text unknown?

    >>> mostly_unknown(["plot", "parasit", "movi", "articl"], {"seoul", "plot"})
    True
    >>> mostly_unknown(["gsomia", "argument"], {"gsomia"})
    False
    """
    nouns = [t for t in terms if t not in DOCUMENT_WORDS]
    missing = [t for t in nouns if t not in known]
    return bool(nouns) and 2 * len(missing) > len(nouns)


def _nouns(question: Question) -> list[str]:
    parsed = question.parsed
    if parsed is None:
        return tokenize(question.text)
    return [term for t in parsed.tokens if t.pos in ("NOUN", "PROPN")
            for term in tokenize(t.text)]


def answerable(question: Question, docs: Sequence[Document]) -> bool:
    """Does the metadata hold what is asked (an exact day needs a full date)?"""
    aspect = question.aspect
    if aspect == "author":
        return all(d.author for d in docs)
    if aspect == "publisher":
        return all(d.publisher for d in docs)
    if aspect == "role":
        return all(role_of(d) for d in docs)
    if aspect == "date":
        precise = bool(PRECISE.search(question.text))
        return all(d.date and (not precise or len(d.date) == 10) for d in docs)
    return True


def answer_parts(question: Question, evidence: Evidence,
                 docs: Sequence[Document]) -> tuple[list[Part], str | None]:
    """The parts of the answer, and its short answer (for a single document)."""
    parts: list[Part] = []
    shorts: list[str] = []
    for doc in docs:
        new, short = _one(question.aspect, doc, evidence)
        parts += new
        shorts.append(short)
    return parts, (shorts[0] if len(docs) == 1 and shorts[0] else None)


def role_of(doc: Document) -> str:
    """The author's role as the printed byline gives it ("By Jo Roe, Health Editor")."""
    byline = parse_byline(doc.byline) if doc.byline else None
    return byline.role if byline else ""


def _one(aspect: str, doc: Document, evidence: Evidence) -> tuple[list[Part], str]:
    name = f"\u201c{doc.title}\u201d"
    if aspect == "author":
        if doc.byline:
            return [Part(f"{name} was written by {doc.author}.", doc.id, byline=True)], \
                _person(doc.author)
        row = _author_line(doc, evidence)
        return [Part(f"{name} was written by {doc.author}.", doc.id, row)], _person(doc.author)
    if aspect == "role":
        role = role_of(doc)
        return [Part(f"{name} was written by {_person(doc.author) or 'its author'}, "
                     f"{role}.", doc.id, byline=True)], role
    if aspect == "publisher":
        return [Part(f"{name} was published by {doc.publisher}.", doc.id)], doc.publisher
    if aspect == "date":
        when = date_label(doc.date)
        return [Part(f"{name} was published in {when}.", doc.id)], when
    if aspect == "title":
        return [Part(f"The title is {name}.", doc.id)], doc.title
    credit = ", ".join(x for x in (_person(doc.author), doc.publisher, date_label(doc.date)) if x)
    intro = Part(f"{name} ({credit}):", doc.id)
    rows = summary(evidence, doc.id)
    return [intro, *(Part(evidence.sentences[r].text, doc.id, r) for r in rows)], ""


def _person(author: str) -> str:
    return author.split("(")[0].strip()


def _author_line(doc: Document, evidence: Evidence) -> int:
    """The byline or bio sentence of the document, or -1 (then the metadata is cited)."""
    rows = [i for i, s in enumerate(evidence.sentences)
            if s.doc_id == doc.id and evidence.roles[i] in ("byline", "bio")]
    bio = [i for i in rows if evidence.roles[i] == "bio"]
    return (bio or rows or [-1])[0]


def summary(evidence: Evidence, doc_id: str, size: int = SUMMARY_SENTENCES) -> list[int]:
    """Rows of the most central, non-redundant body sentences, in document order."""
    rows = [r for r in evidence.sentences_of(doc_id)
            if not evidence.sentences[r].text.rstrip().endswith("?")]
    if len(rows) <= size:
        return rows
    vectors = evidence.vectors[rows]
    scores = centrality(vectors)
    chosen: list[int] = []
    for i in np.argsort(-scores, kind="stable"):
        if all(float(vectors[i] @ vectors[j]) < REDUNDANT for j in chosen):
            chosen.append(int(i))
        if len(chosen) == size:
            break
    return sorted(rows[i] for i in chosen)
