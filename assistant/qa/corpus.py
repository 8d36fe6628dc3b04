"""Corpus: what the loaded sources name, for linking a question's words to them.

Built once per loaded index from its documents and sentence notes: the named entities
(with their labels, and every part of a person's name), the abbreviations the texts
define or that fit the initials of a name they spell out, and the indexed vocabulary.
Question analysis uses it to tell a paraphrased name ("KEI", "Tokyo", "Botto") from a
name the sources never mention ("Busan", "BTS").

>>> from assistant.ingest import Document
>>> c = Corpus.build([Document(id="d", path="d.txt", title="T",
...     text="Both joined the Trilateral Information Sharing Agreement (TISA).")], [], [])
>>> c.expansions("TISA")
('Trilateral Information Sharing Agreement',)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ..ingest import Document, Sentence
from ..text import STOPWORDS, places, tokenize
from ..text.acronyms import defined, expand
from ..text.annotate import Note
from ..text.neighbours import WordVectors
from ..text.spelling import respell

_NAME_LABELS = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "LAW", "EVENT", "PRODUCT",
                "WORK_OF_ART")


@dataclass(frozen=True, eq=False)
class Corpus:
    """The names and words of the loaded sources."""

    documents: tuple[Document, ...]
    entities: dict[str, str]  # lower-cased name -> its most frequent label
    parts: dict[str, frozenset[str]]  # lower-cased word of a name -> the full names
    defined: dict[str, tuple[str, ...]]  # abbreviation -> what the texts spell it as
    vocabulary: frozenset[str]
    text: str = field(repr=False, default="")  # lower-cased, all documents and metadata
    words: WordVectors | None = field(repr=False, default=None)  # the model's word table

    @classmethod
    def build(cls, documents: Sequence[Document], sentences: Sequence[Sentence],
              notes: Sequence[Note], vocabulary: frozenset[str] = frozenset(),
              words: WordVectors | None = None) -> Corpus:
        labels: dict[str, Counter[str]] = {}
        for note in notes:
            for entity in note.entities:
                if entity.label in _NAME_LABELS:
                    name = _clean(entity.text)
                    labels.setdefault(name.lower(), Counter())[entity.label] += 1
        for doc in documents:
            if doc.author:
                labels.setdefault(_clean(doc.author.split("(")[0]).lower(),
                                  Counter())["PERSON"] += 1
        entities = {name: counts.most_common(1)[0][0] for name, counts in labels.items()}
        parts: dict[str, set[str]] = {}
        for name in entities:
            for word in re.findall(r"[\w'-]+", name):
                if len(word) > 2:
                    parts.setdefault(word, set()).add(name)
        acronyms: dict[str, set[str]] = {}
        for doc in documents:
            for abbr, long in defined(doc.text).items():
                acronyms.setdefault(abbr, set()).add(long)
        text = "\n".join([d.text for d in documents] + [_meta(d) for d in documents])
        return cls(tuple(documents), entities, {k: frozenset(v) for k, v in parts.items()},
                   {k: tuple(sorted(v)) for k, v in acronyms.items()}, vocabulary,
                   text.lower(), words)

    def neighbours(self, nouns: Iterable[str]) -> list[str]:
        """For each noun, its nearest neighbour by the model's word vectors among the words
        the sources use (not the noun's own stem): "pact" finds "agreement" in sources
        that say so. Retrieval searches for them too.

        >>> Corpus((), {}, {}, {}, frozenset({"agreement"})).neighbours(["pact"])
        []
        """
        if self.words is None:
            return []
        pool = self._used_words()
        out: list[str] = []
        for noun in {n.lower() for n in nouns if len(n) >= 3} - STOPWORDS:
            own = set(tokenize(noun))
            near = [w for w, _ in self.words.nearest(noun, 3, among=pool)
                    if not own & set(tokenize(w))]
            out += near[:1]
        return out

    def _used_words(self) -> WordVectors:
        """The word table cut to the words the sources use (built on first use)."""
        cached = self.__dict__.get("_pool")
        if cached is None and self.words is not None:
            vocabulary = self.vocabulary
            cached = self.words.only(lambda w: all(t in vocabulary for t in tokenize(w))
                                     and bool(tokenize(w)))
            object.__setattr__(self, "_pool", cached)
        return cached  # type: ignore[return-value]

    def respelled(self, text: str) -> str:
        """``text`` with its misspelt words read as the sources' words ("Klinger" as
        "Klingner"; :mod:`assistant.text.spelling`).

        >>> from assistant.ingest import Document
        >>> c = Corpus.build([Document(id="d", path="d.txt", title="T",
        ...     text="Bruce Klingner said so.")], [], [])
        >>> c.respelled("What did Klinger say?")
        'What did Klingner say?'
        """
        counts = self.__dict__.get("_spelled")
        if counts is None:  # the sources' words and how often they occur, on first use
            counts = Counter(re.findall(r"[a-z]+", self.text))
            object.__setattr__(self, "_spelled", counts)
        return respell(text, counts)

    def expansions(self, abbr: str) -> tuple[str, ...]:
        """What an abbreviation stands for in these sources ("" if nothing fits)."""
        if abbr in self.defined:
            return self.defined[abbr]
        return self._initials(abbr)

    @lru_cache(maxsize=1024)  # noqa: B019 - one Corpus per loaded index, kept for its life
    def _initials(self, abbr: str) -> tuple[str, ...]:
        texts = [d.text for d in self.documents] + [_meta(d) for d in self.documents]
        return tuple(expand(abbr, texts))

    def abbreviation_of(self, phrase: str) -> str:
        """The defined abbreviation of a spelled-out name ("" if none)."""
        low = phrase.lower()
        return next((a for a, longs in self.defined.items()
                     if any(long.lower() == low for long in longs)), "")

    @lru_cache(maxsize=4096)  # noqa: B019 - one Corpus per loaded index, kept for its life
    def mentions(self, phrase: str) -> bool:
        """Do the sources (text or metadata) mention this word or phrase?"""
        low = " ".join(phrase.lower().split())
        if not low:
            return True
        if re.search(rf"(?<![\w]){re.escape(low)}(?![\w])", self.text):
            return True
        terms = tokenize(phrase)
        return bool(terms) and all(t in self.vocabulary for t in terms)

    def knows_place(self, phrase: str) -> bool:
        """Do the sources mention this place, or another name of its country?"""
        return any(self.mentions(name) for name in places.related(phrase))


def _clean(name: str) -> str:
    name = re.sub(r"^(the|a|an)\s+", "", name.strip(), flags=re.I)
    return re.sub(r"['\u2019]s$", "", name)


def _meta(doc: Document) -> str:
    return " ".join(x for x in (doc.title, doc.author, doc.publisher, doc.url) if x)
