"""Evidence: the index's sentences as the answerer reads them.

For each sentence: its document, its stored note (entities, speaker, cues), its terms
(tokenised on first use), and its role: ``body``, or ``byline`` and ``bio`` for the
lines that name the author, which are never quoted as evidence about the subject.

>>> byline_like("By Dr Jane Roe*", "Jane Roe"), byline_like("Roe said so.", "Jane Roe")
(True, False)
"""

from __future__ import annotations

import re
from functools import cached_property

import numpy as np

from ..ingest import Document, Sentence
from ..store import IndexData
from ..text import WORD, rarity, tokenize
from ..text.annotate import Note

RARE_WORD = 4.0  # rarity (7 - Zipf frequency) of a name or term of art, e.g. "TISA"
# A sentence that opens with a pronoun or a quotation mark usually leaves its speaker or
# subject to the sentence before ('"Japan feels ..." / She said that ...').
_LEANS_BACK = re.compile(r"^\s*(?:[\"\u201c\u2018\u201e\u00ab']|\(?(?:He|She|They|It|This|That|"
                         r"These|Those|His|Her|Their|Its)\b)")


def byline_like(text: str, author: str) -> bool:
    """A short line that opens with "By" and names the author."""
    words = text.split()
    surname = _surname(author)
    return (len(words) <= 12 and words[:1] == ["By"]
            and bool(surname) and surname in text.lower())


def _surname(author: str) -> str:
    names = re.findall(r"[^\W\d_][\w'-]*", author.split("(")[0])
    return names[-1].lower() if names else ""


class Evidence:
    """Sentences, notes, vectors and documents of one loaded index."""

    def __init__(self, data: IndexData) -> None:
        self.sentences: list[Sentence] = data.sentences
        self.notes: list[Note] = data.notes
        self.vectors: np.ndarray = data.sentence_vectors
        self.rows = {s.id: i for i, s in enumerate(data.sentences)}
        self.row_at = {(s.doc_id, s.start): i for i, s in enumerate(data.sentences)}
        self.documents: dict[str, Document] = {d.id: d for d in data.documents}
        self.chunks = data.chunks
        self._tokens: dict[int, frozenset[str]] = {}
        self._doc_terms: dict[str, frozenset[str]] = {}

    @cached_property
    def roles(self) -> list[str]:
        """``byline``, ``bio`` or ``body`` for each sentence."""
        last_paragraph: dict[str, int] = {}
        for s in self.sentences:
            last_paragraph[s.doc_id] = max(last_paragraph.get(s.doc_id, 0), s.paragraph)
        out = []
        for s in self.sentences:
            author = self.documents[s.doc_id].author
            surname = _surname(author)
            if s.paragraph <= 2 and byline_like(s.text, author):
                out.append("byline")
            elif (surname and s.paragraph >= last_paragraph[s.doc_id] - 1
                  and surname in s.text.lower()
                  and re.search(r"\b(is|was) (a|an|the)\b|\bprofessor|\bfellow", s.text, re.I)):
                out.append("bio")
            else:
                out.append("body")
        return out

    @cached_property
    def centrality(self) -> list[float]:
        """Each sentence's LexRank centrality in its document, scaled to 0..1 within the
        document (the least central body sentence 0, the most central 1; asides 0)."""
        out = [0.0] * len(self.sentences)
        for doc_id in self.documents:
            rows = self.sentences_of(doc_id)
            if not rows:
                continue
            scores = centrality(self.vectors[rows])
            low, span = float(scores.min()), float(scores.max() - scores.min()) or 1.0
            for r, v in zip(rows, scores, strict=True):
                out[r] = (float(v) - low) / span
        return out

    def tokens(self, row: int) -> frozenset[str]:
        """The terms of one sentence, tokenised when first scored (few are, per question).

        A sentence that leans back on the one before (a pronoun or a bare quotation
        opening it) also holds the rare names that sentence gives, so "What does Botto
        suggest?" finds "She said that ..." after a sentence naming Ms. Botto.
        """
        tokens = self._tokens.get(row)
        if tokens is None:
            own = frozenset(tokenize(self.sentences[row].text))
            tokens = self._tokens[row] = own | self._names_before(row)
        return tokens

    def _names_before(self, row: int) -> frozenset[str]:
        sentence = self.sentences[row]
        before = self.sentences[row - 1] if row > 0 else None
        if (before is None or before.doc_id != sentence.doc_id
                or before.paragraph != sentence.paragraph or not _LEANS_BACK.match(sentence.text)):
            return frozenset()
        return frozenset(t for word in WORD.findall(before.text)
                         if word[0].isupper() and rarity(word.lower()) >= RARE_WORD
                         for t in tokenize(word))

    def doc_terms(self, doc_id: str) -> frozenset[str]:
        """Every term of a document and its title (tokenised on first use)."""
        terms = self._doc_terms.get(doc_id)
        if terms is None:
            doc = self.documents[doc_id]
            terms = self._doc_terms[doc_id] = frozenset(tokenize(f"{doc.title} {doc.text}"))
        return terms

    def continues(self, row: int) -> bool:
        """Does the sentence lean back on the one before it, in the same paragraph?"""
        sentence = self.sentences[row]
        before = self.sentences[row - 1] if row > 0 else None
        return (before is not None and before.doc_id == sentence.doc_id
                and before.paragraph == sentence.paragraph
                and bool(_LEANS_BACK.match(sentence.text)) and self.roles[row] == "body")

    def sentences_of(self, doc_id: str) -> list[int]:
        """Rows of one document's body sentences, in order."""
        return [i for i, s in enumerate(self.sentences)
                if s.doc_id == doc_id and self.roles[i] == "body"]


def centrality(vectors: np.ndarray, damping: float = 0.85, rounds: int = 50) -> np.ndarray:
    """LexRank over cosine similarities: the stationary weight of each sentence.

    >>> centrality(np.eye(3, dtype=np.float32)).round(2).tolist()
    [0.33, 0.33, 0.33]
    """
    sims = np.clip(vectors @ vectors.T, 0.0, None)
    np.fill_diagonal(sims, 0.0)
    rows = sims.sum(axis=1, keepdims=True)
    n = len(vectors)
    walk = np.where(rows > 0, sims / np.where(rows > 0, rows, 1), 1.0 / n)
    score = np.full(n, 1.0 / n)
    for _ in range(rounds):
        score = (1 - damping) / n + damping * walk.T @ score
    return score / score.sum()
