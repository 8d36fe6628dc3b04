"""Text: the lexical tools every stage shares (tokens, stems, stop words, rarity).

Retrieval, answering and question analysis all compare words the same way, so the
tokenizer lives here, below them all, and imports nothing else of the assistant.

>>> from assistant.text import tokenize
>>> tokenize("Seoul ended the pact")
['seoul', 'end', 'pact']
"""

from .tokens import STOPWORDS, WORD, stem, tokenize, tokenizer_fingerprint
from .weights import rarity, term_weights

__all__ = ["STOPWORDS", "WORD", "rarity", "stem", "term_weights", "tokenize",
           "tokenizer_fingerprint"]
