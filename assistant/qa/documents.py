"""Documents: which source a question names ("the 2019 piece", "Matsuo's post", "the KEI
blog"), read from the documents' own metadata: year, author, publisher and title.

>>> from assistant.ingest import Document
>>> docs = [Document(id="a", path="a", title="Ships", text="", author="Ann Lee",
...                  publisher="Sea Post", date="2019-11"),
...         Document(id="b", path="b", title="Trains", text="", author="Bo Kim",
...                  publisher="Rail Daily", date="2020-08")]
>>> named_document("summarize the 2020 article", docs), named_document("who is Lee?", docs)
('b', '')
>>> named_document("what does Lee's piece argue?", docs)
'a'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

from ..ingest import Document
from ..text import STOPWORDS, rarity, term_weights, tokenize
from ..text.acronyms import initials

_SMALL = frozenset({"the", "of", "and", "for", "on", "in", "to", "at", "a", "an"})
DOC_NOUNS = ("article", "piece", "post", "blog", "analysis", "essay", "op-ed", "oped",
             "column", "commentary", "story", "writeup", "write-up", "paper", "report")
_DOC_NOUN = "(?:" + "|".join(re.escape(n) for n in DOC_NOUNS) + ")s?"
# Words of a name that never single a source out: stop words and honorifics (English).
_SKIP = STOPWORDS | frozenset({"dr", "mr", "ms", "mrs", "prof"})


def named_document(question: str, documents: Sequence[Document]) -> str:
    """The id of the one document the question names, or "" (none, or no clear winner)."""
    if len(documents) < 2:
        return ""
    low = " ".join(question.lower().replace("\u2019", "'").split())
    docs = tuple(documents)
    scores = {d.id: _score(low, d, _title_words(d, docs), _other_titles(d, docs)) for d in docs}
    best = max(scores.values())
    winners = [doc_id for doc_id, score in scores.items() if score == best]
    return winners[0] if best > 0 and len(winners) == 1 else ""


def echoes(weights: Mapping[str, float], title: str) -> bool:
    """Does a question (its term weights) restate a document's title ("Why did South
    Korea walk out of GSOMIA?")? Then that document as a whole answers it.

    >>> echoes({"south": 1.0, "korea": 2.0, "walk": 1.5}, "Why Did South Korea Walk Out?")
    True
    """
    if len(weights) < 3:
        return False
    title_terms = set(tokenize(title))
    shared = sum(w for t, w in weights.items() if t in title_terms)
    return shared >= 0.75 * sum(weights.values())


def _score(low: str, doc: Document, title_words: list[str],
           taken: frozenset[str] = frozenset()) -> float:
    """How strongly the question names ``doc`` by its metadata; ``taken`` holds the words
    of the other documents' titles: an author's name that another title uses ("the
    Calloway bankruptcy article" beside a piece by R. Calloway) names neither."""
    score = 3.0 if echoes(term_weights(low), doc.title) else 0.0
    year = doc.date[:4]
    if year and re.search(rf"\b{year}\b(?:'s)? (?:[\w-]+ )?{_DOC_NOUN}\b|\b{_DOC_NOUN} "
                          rf"(?:from|of|in|published in|written in) {year}\b", low):
        score += 3
    for word in re.findall(r"[\w'-]+", doc.author.split("(")[0].lower()):
        if len(word) > 2 and word not in _SKIP and word not in taken and (
                (rarity(word) >= 3.0 and re.search(rf"\b{re.escape(word)}\b", low))
                or _near_doc_noun(low, word)):
            score += 3
    names, words = _source_phrases(doc)
    for phrase in names:
        if re.search(rf"\b{re.escape(phrase)}\b", low):
            score += 2
    for word in words:
        if _near_doc_noun(low, word):
            score += 2
    question_words = set(re.findall(r"[\w'-]+", low))
    shared = len(question_words & set(title_words))
    if len(title_words) >= 2 and shared >= 2:  # each distinctive title word the question has
        score += 1.5 * min(shared, 3)
    return score


@lru_cache(maxsize=1024)
def _other_titles(doc: Document, documents: tuple[Document, ...]) -> frozenset[str]:
    return frozenset(w for d in documents if d.id != doc.id
                     for w in re.findall(r"[\w'-]+", d.title.lower()))


@lru_cache(maxsize=1024)
def _title_words(doc: Document, documents: tuple[Document, ...]) -> list[str]:
    """Words of the title that no other document's title has ("survives", "walk")."""
    others = {w for d in documents if d.id != doc.id
              for w in re.findall(r"[\w'-]+", d.title.lower())}
    return [w for w in _name_words(doc.title) if w not in others]


def _name_words(text: str) -> list[str]:
    """Distinctive lower-cased words of a name or title (rare in English, not "the")."""
    words = re.findall(r"[\w'-]+", text.lower())
    return [w for w in words if w not in _SKIP and len(w) > 2 and rarity(w) >= 3.0]


@lru_cache(maxsize=1024)
def _source_phrases(doc: Document) -> tuple[list[str], list[str]]:
    """How a reader may call the outlet or the author's institution: (names that count
    anywhere: multi-word names and initials such as "IPCS", "KEI"; single words that
    count only beside "article", "post" ...)."""
    text = f"{doc.publisher} {doc.author[doc.author.find('('):] if '(' in doc.author else ''}"
    text = re.sub(r"['\u2019]s\b", "", text)
    phrases = [re.sub(r"^(The|A|An) ", "", p) for p in
               re.findall(r"[A-Z][\w'-]*(?: (?:of |for |and )?[A-Z][\w'-]*)+", text)]
    names = {p.lower() for p in phrases if " " in p}
    for words in (p.split() for p in phrases):  # "Korea Economic Institute" of "... of America"
        for end in range(2, len(words) + 1):
            if words[end - 1].lower() not in _SMALL and len(initials(" ".join(words[:end]))) >= 3:
                names.add(initials(" ".join(words[:end])).lower())
    names |= {w.lower() for w in re.findall(r"\b[A-Z]{2,}\b", text)}
    singles = {p.lower() for p in phrases if " " not in p} | set(_name_words(text))
    return sorted(names), sorted(singles - names)


def _near_doc_noun(low: str, word: str) -> bool:
    """Is a lone word used as a name of the source ("the Peninsula post", "Eurasia's
    analysis"), not in its everyday sense ("the Korean peninsula")?"""
    return bool(re.search(rf"\b{re.escape(word)}(?:'s)? (?:[\w-]+ )?{_DOC_NOUN}\b|"
                          rf"\b{_DOC_NOUN} (?:on|in|from|by|at) (?:the )?{re.escape(word)}\b",
                          low))
