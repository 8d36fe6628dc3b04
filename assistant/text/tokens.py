"""Tokens: the lower-cased, stemmed content words that BM25 and word overlap compare.

>>> tokenize("Why did Seoul threaten to end the pact's renewal?")
['seoul', 'threaten', 'end', 'pact', 'renew']

There is no synonym table: words that name the same thing ("pact", "agreement") are linked
by the dense retrieval and the answer verifier, and a capital to its country by the
gazetteer (:mod:`.places`), never by a list taken from an article.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import Any

_STOP_TEXT = """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing done down during
    each either else ever few for from further get got had has have having he her here
    hers him his how i if in into is it its itself just let like made make many may me
    might more most much must my no nor not now of off on once only or other our out over
    own per please same say said says shall she should since so some such tell than that
    the their them then there these they this those through thus to too under until up
    upon us very was way we were what when where whether which while who whom whose why
    will with within without would yet you your
"""
STOPWORDS = frozenset(_STOP_TEXT.split())
WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*", re.UNICODE)
# "US" would otherwise fall to the stop word "us".
USA = re.compile(r"\bU\.\s?S\.(?=[\s,;:)'\"]|$)|\bUS\b|\bU\.S\b")
TOKENIZER_VERSION = 2  # bump when tokenize() changes in a way the fingerprint misses


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=4096)
def stem(word: str) -> str:
    """The Snowball stem of one lower-cased word: ``stem("renewal") == "renew"``."""
    return str(_stemmer().stemWord(word))


def tokenize(text: str) -> list[str]:
    """Lower-cased, stemmed content words (stop words and possessive 's dropped).

    >>> tokenize("the U.S. and the US")
    ['usa', 'usa']
    """
    words = (w.lower() for w in WORD.findall(USA.sub("USA", text)))
    words = (re.sub(r"['\u2019]s$", "", w) for w in words)
    return [stem(w) for w in words if w and w not in STOPWORDS]


def tokenizer_fingerprint() -> str:
    """A digest of everything stored BM25 terms depend on; when it changes, the index
    is stale and rebuilt (queries would otherwise be tokenised unlike the stored terms)."""
    from importlib.metadata import version

    parts = [str(TOKENIZER_VERSION), _STOP_TEXT, WORD.pattern, USA.pattern, version("bm25s"),
             version("PyStemmer")]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]
