"""Spelling: a question's misspelt words read as the words the sources use.

People type "Klinger" for "Klingner", "koera" for "korea", "expier" for "expire". Such a
word matches nothing in the index, and a name the sources never give is a reason to
refuse. So a word that is neither in the sources nor a word of general English (its Zipf
frequency, from ``wordfreq``, is low) is read as the one word of the sources that is one
edit away (a letter dropped, added, changed, or two swapped), the most frequent one when
several are; a word with no such neighbour, or with two equally likely, is left as typed.
Nothing here knows any article: the vocabulary is the loaded sources'.

>>> vocab = {"klingner": 5, "korea": 40, "expire": 3, "tariffs": 9}
>>> respell("What did Klinger say about Koera?", vocab)
'What did Klingner say about Korea?'
>>> respell("is the tariff set to expier", vocab)  # "tariff" is English: left alone
'is the tariff set to expire'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from .weights import rarity

_WORD = re.compile(r"[A-Za-z]+")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# Below this Zipf frequency a word is rare in general English: most typos score 0, the
# common "goverment" and a surname typed for another ("Klinger") 2.7; real words the
# sources do not use, like "jabs" or "wetter" (2.9) and "tariff" (3.5), stay as typed.
KNOWN_ZIPF = 2.8
MIN_LENGTH = 4  # shorter words have too many neighbours one edit away


def edits(word: str) -> set[str]:
    """Every string one edit away from ``word`` (Damerau-Levenshtein distance 1).

    >>> sorted({"wrod", "wordy", "wore", "ord", "word", "sword"} & edits("word"))
    ['ord', 'sword', 'wordy', 'wore', 'wrod']
    """
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    changes = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return (deletes | swaps | changes | inserts) - {word}


@lru_cache(maxsize=4096)
def _zipf(word: str) -> float:
    """The word's Zipf frequency in general English (exact below 5; wordfreq's, via
    :func:`rarity`, which keeps wordfreq in one module)."""
    return 7.0 - rarity(word)


def correction(word: str, vocabulary: Mapping[str, int]) -> str:
    """The sources' word that ``word`` (lower case) is a misspelling of, or ``word``."""
    if len(word) < MIN_LENGTH or word in vocabulary or _zipf(word) >= KNOWN_ZIPF:
        return word
    near = sorted(((vocabulary[w], w) for w in edits(word) if w in vocabulary), reverse=True)
    if not near or (len(near) > 1 and near[0][0] == near[1][0]):
        return word
    return near[0][1]


def _cased(new: str, old: str) -> str:
    if old.isupper() and len(old) > 1:
        return new.upper()
    return new.capitalize() if old[0].isupper() else new


def respell(text: str, vocabulary: Mapping[str, int]) -> str:
    """``text`` with each misspelt word replaced by the sources' word (case kept)."""
    def fix(match: re.Match[str]) -> str:
        old = match.group(0)
        new = correction(old.lower(), vocabulary)
        return old if new == old.lower() else _cased(new, old)

    return _WORD.sub(fix, text)
