"""Mentions: the names a question gives, linked to what the sources call them.

A name is found by spaCy (entities and proper nouns) or, for questions typed in lower
case, by matching the words against the names the sources use. Each is then linked:
an abbreviation to its spelled-out form and back, a city or a demonym to its country,
a surname to the full name. A name that no link brings into the sources is *unknown*,
the strongest sign that the sources cannot answer the question.

>>> from assistant.qa.corpus import Corpus                          # doctest: +SKIP
>>> [m.text for m in find(nlp.parse("Who is Botto?"), corpus)]       # doctest: +SKIP
['Botto']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text import STOPWORDS, places, rarity
from ..text.nlp import Parsed
from .corpus import Corpus

# Labels of names worth linking; dates and numbers are left to the answer types.
_NAMES = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "LAW", "EVENT", "PRODUCT",
          "WORK_OF_ART", "LANGUAGE")
NAME_RARITY = 3.2  # a lone word of a name counts when it is rare in English ("botto", "abe")
_TITLES = re.compile(r"^(mr|ms|mrs|dr|col|gen|prof|sir|president|minister|the)\.?\s+", re.I)


@dataclass(frozen=True)
class Mention:
    """A name in a question; ``forms`` are the other names the sources may use for it."""

    text: str
    label: str
    known: bool
    forms: tuple[str, ...] = ()


def find(parsed: Parsed, corpus: Corpus | None) -> tuple[Mention, ...]:
    """The names in a parsed question, each linked to the sources when it can be."""
    spans = _spans(parsed, corpus)
    linked = (_link(text, label, corpus) for text, label in spans)
    # A lower-case word that spaCy takes for a name ("intel") is kept only when the
    # sources know it: users type names in lower case, but also everyday words.
    return tuple(m for m in linked if m.known or not m.text[:1].islower())


def _spans(parsed: Parsed, corpus: Corpus | None) -> list[tuple[str, str]]:
    out: dict[str, str] = {}
    for entity in parsed.entities:
        if entity.label in _NAMES and not (len(entity.text) < 3 and entity.text.isupper()):
            out.setdefault(_clean(entity.text), entity.label)
    covered = " ".join(out).lower()
    for run in _proper_runs(parsed):
        if run.lower() not in covered:
            out.setdefault(run, "PROPN")
    for token in parsed.tokens:
        word = token.text
        # Two letters fit too many names ("US", "JV") to tell known from unknown.
        if len(word) >= 3 and word.isupper() and word.isalpha() and word not in out:
            out.setdefault(word, "ABBR")
    for entity in parsed.entities:  # a year or figure the sources never give
        if entity.label in ("DATE", "CARDINAL", "MONEY", "PERCENT", "QUANTITY"):
            for number in re.findall(r"\d[\d,.]*\d|\d", entity.text):
                out.setdefault(number, "NUMBER")
    if corpus is not None:
        low = parsed.text.lower()
        for name in _known_names(low, corpus):
            if name not in " ".join(out).lower():
                out.setdefault(name, corpus.entities.get(name, "PROPN"))
    return [(text, label) for text, label in out.items() if text]


_NOT_NAMES = ("DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY")


def _proper_runs(parsed: Parsed) -> list[str]:
    runs: list[list[str]] = []
    for token in parsed.tokens:
        if token.pos == "PROPN" and token.text[:1].isalpha() and token.ent not in _NOT_NAMES:
            if runs and runs[-1][-1] == parsed.tokens[token.i - 1].text:
                runs[-1].append(token.text)
            else:
                runs.append([token.text])
    return [_clean(" ".join(run)) for run in runs]


def _known_names(low: str, corpus: Corpus) -> list[str]:
    """Names of the sources (or their parts, or places) that a lower-case question contains."""
    found = []
    words = re.findall(r"[\w'-]+", low)
    for n in (4, 3, 2, 1):
        for i in range(len(words) - n + 1):
            phrase = " ".join(words[i:i + n])
            if phrase in STOPWORDS or len(phrase) < 3:
                continue
            if phrase in corpus.entities or (n == 1 and phrase in corpus.parts
                                             and rarity(phrase) >= NAME_RARITY):
                found.append(phrase)
    return found


def _link(text: str, label: str, corpus: Corpus | None) -> Mention:
    forms: list[str] = []
    if text.isupper() and corpus is not None:
        forms += corpus.expansions(text)
    if corpus is not None and (abbr := corpus.abbreviation_of(text)):
        forms.append(abbr)
    forms += sorted(places.related(text))
    if corpus is None:
        return Mention(text, label, True, tuple(forms))
    known = corpus.mentions(text) or any(corpus.mentions(f) for f in forms)
    if not known and " " in text:  # "Kathryn Botto" when only "Ms. Botto" is quoted
        known = all(corpus.mentions(w) for w in text.split() if len(w) > 2)
    return Mention(text, label, known, tuple(dict.fromkeys(forms)))


def _clean(text: str) -> str:
    text = _TITLES.sub("", text.strip())
    return re.sub(r"['\u2019]s$", "", text).strip(" .,?!")
