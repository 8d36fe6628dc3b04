"""Text: the lexical tools every stage shares (tokens, stems, stop words, synonyms, rarity).

Retrieval, answering and question analysis all compare words the same way, so the
tokenizer lives here, below them all, and imports nothing else of the assistant.

>>> from assistant.text import tokenize
>>> tokenize("Seoul ended the pact")
['south', 'korea', 'end', 'agreement']
"""

from .tokens import STOPWORDS, SYNONYMS, WORD, stem, tokenize, tokenizer_fingerprint
from .weights import rarity, term_weights

__all__ = ["STOPWORDS", "SYNONYMS", "WORD", "rarity", "stem", "term_weights", "tokenize",
           "tokenizer_fingerprint"]
