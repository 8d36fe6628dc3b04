"""Weights: how informative a word is, from its frequency in general English.

A word the question shares with a sentence matters more when it is rare ("Tomita")
than when it is common ("said"); corpus statistics are too thin to tell on a few articles.

>>> rarity("the") < rarity("signed") < rarity("tomita")
True
"""

from __future__ import annotations

from functools import lru_cache

from .tokens import USA, WORD, tokenize


def rarity(word: str) -> float:
    """7 minus the word's Zipf frequency (``wordfreq``), clipped to 0.5..5."""
    from wordfreq import zipf_frequency

    return min(5.0, max(0.5, 7.0 - zipf_frequency(word, "en")))


@lru_cache(maxsize=8192)
def term_weights(text: str) -> dict[str, float]:
    """Each distinct indexed term of ``text`` with the rarity of the word it came from.

    >>> w = term_weights("Who recalled Ambassador Koji Tomita?")
    >>> w["tomita"] > w["recal"]
    True
    """
    weights: dict[str, float] = {}
    for word in WORD.findall(USA.sub("USA", text)):
        for term in tokenize(word):
            weights[term] = max(weights.get(term, 0.0), rarity(word.lower()))
    return weights
