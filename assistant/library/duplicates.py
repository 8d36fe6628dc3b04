"""Duplicates: the same file, or a near-copy of a document already in the library.

Two checks, cheapest first:

1. *Content hash*: the sha256 of the file's bytes equals a document's (``Document.sha256``).
2. *Near-duplicate*: the same article saved twice, in two formats (a web page and its PDF,
   say) gives two different files whose cleaned texts share almost every run of words.
   Each text becomes its set of word 5-shingles, summarised by a MinHash (datasketch, 128
   permutations); the estimated Jaccard similarity *J* of two sets gives their overlap,
   and from it how much of the *smaller* text the other contains:
   ``containment = J (|A| + |B|) / ((1 + J) min(|A|, |B|))``. Containment rather than
   Jaccard, because one copy often carries extra furniture (a PDF's running heads, a
   page's related links) or a shorter standfirst. A containment of
   :data:`NEAR_DUPLICATE` or more is a near-copy.

On the 40 articles of ``evals/library`` (``tests/library/test_duplicates.py``): every
article against a plain-text copy of its true body scores at least 0.99 (the readers
leave little furniture), and no two different articles score over 0.04.

>>> a = signature("The council approved the bus lane plan on Tuesday after a long debate "
...               "about parking, cyclists and the cost of new signals.")
>>> b = signature("The council approved the bus lane plan on Tuesday after a long debate "
...               "about parking, cyclists and the cost of new signals. Share this story.")
>>> containment(a, b) > 0.8
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

SHINGLE = 5  # words per shingle
PERMUTATIONS = 128
NEAR_DUPLICATE = 0.7  # containment at or above which a text is a near-copy
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, eq=False)
class Signature:
    """A text's MinHash and the number of distinct shingles it summarises."""

    minhash: Any
    size: int


def shingles(text: str) -> set[str]:
    """The distinct runs of :data:`SHINGLE` words (lower-cased, punctuation dropped).

    >>> sorted(shingles("One two three four five six"))
    ['one two three four five', 'two three four five six']
    """
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def signature(text: str) -> Signature:
    """The MinHash signature of ``text``'s shingles."""
    from datasketch import MinHash

    found = shingles(text)
    minhash = MinHash(num_perm=PERMUTATIONS, seed=1)
    if found:
        minhash.update_batch([s.encode("utf-8") for s in sorted(found)])
    return Signature(minhash, len(found))


@lru_cache(maxsize=4096)
def signature_of(sha256: str, text: str) -> Signature:
    """:func:`signature`, remembered by the document's checksum and text."""
    return signature(text)


def containment(a: Signature, b: Signature) -> float:
    """The estimated share of the smaller text's shingles found in the other (0..1)."""
    if not a.size or not b.size:
        return 0.0
    jaccard = float(a.minhash.jaccard(b.minhash))
    shared = jaccard * (a.size + b.size) / (1.0 + jaccard)
    return float(np.clip(shared / min(a.size, b.size), 0.0, 1.0))
