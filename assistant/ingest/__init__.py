"""Ingest: read the sources folder, clean each file into a ``Document``, split and chunk it.

Readers turn ``.txt``, ``.md``, ``.html`` and ``.pdf`` files into text; cleaning rejoins
hard-wrapped lines and drops page furniture; chunking splits paragraphs into
``Sentence`` records and groups them into overlapping ``Chunk`` records, every one
carrying its character offsets into the cleaned document.

>>> from assistant.ingest import Document, split_sentences
>>> doc = Document(id="d", path="d.txt", title="T", text="It began. It ended.")
>>> [s.text for s in split_sentences(doc)]
['It began.', 'It ended.']
"""

from .chunking import Chunk, Sentence, chunk_documents, split_sentences, with_header
from .cleaning import clean_text, normalize_characters
from .sources import (
    INGEST_VERSION,
    PARAGRAPH_BREAK,
    Document,
    date_label,
    fingerprint,
    load_documents,
    sha256_file,
)

__all__ = ["INGEST_VERSION", "PARAGRAPH_BREAK", "Chunk", "Document", "Sentence",
           "chunk_documents", "clean_text",
           "date_label", "fingerprint", "load_documents", "normalize_characters", "sha256_file",
           "split_sentences", "with_header"]
