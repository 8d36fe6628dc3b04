"""Chunking: split documents into sentences and sentence-aligned, overlapping chunks.

Every ``Sentence`` and ``Chunk`` keeps character offsets into its cleaned document,
so that ``document.text[start:end] == record.text`` always holds.

>>> from assistant.ingest import Document
>>> doc = Document(id="d", path="d.txt", title="D", text="One two. Three four.\\n\\nFive six.")
>>> [s.text for s in split_sentences(doc)]
['One two.', 'Three four.', 'Five six.']
>>> [c.text for c in chunk_document(doc, target_words=4, overlap=1)[1]]
['One two. Three four.', 'Three four.\\n\\nFive six.']
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .sources import PARAGRAPH_BREAK, Document, date_label


@dataclass(frozen=True)
class Sentence:
    """One sentence of a document; ``paragraph`` is 1-based."""

    id: str
    doc_id: str
    start: int
    end: int
    text: str
    paragraph: int


@dataclass(frozen=True)
class Chunk:
    """A run of whole sentences: the unit that is embedded and retrieved."""

    id: str
    doc_id: str
    start: int
    end: int
    text: str
    sentence_ids: tuple[str, ...]


@lru_cache(maxsize=1)
def _segmenter():  # type: ignore[no-untyped-def]
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


_FALLBACK = re.compile(r"[^.!?]+(?:[.!?]+[\"')\]]*|$)")


def sentence_spans(paragraph: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in one paragraph, whitespace trimmed.

    >>> sentence_spans("Dr. Kim said no. It ended!")
    [(0, 16), (17, 26)]
    """
    try:
        pieces = _segmenter().segment(paragraph)
    except Exception:  # pysbd has crashed on odd input; a regex split is good enough then
        pieces = _FALLBACK.findall(paragraph)
    spans, cursor = [], 0
    for piece in pieces:
        piece = piece.strip()
        at = paragraph.find(piece, cursor) if piece else -1
        if at == -1:
            continue  # pysbd changed the text; its words are covered by the gap fill below
        spans.append((at, at + len(piece)))
        cursor = at + len(piece)
    return _fill_gaps(paragraph, spans)


def _fill_gaps(paragraph: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Attach any text the splitter skipped to a neighbouring sentence, so none is lost."""
    out: list[tuple[int, int]] = []
    cursor = 0
    for start, end in [*spans, (len(paragraph), len(paragraph))]:
        gap = paragraph[cursor:start]
        if gap.strip():
            lead = cursor + len(gap) - len(gap.lstrip())
            if out:
                out[-1] = (out[-1][0], lead + len(gap.strip()))
            else:
                out.append((lead, lead + len(gap.strip())))
        if end > start:
            out.append((start, end))
        cursor = max(cursor, end)
    return out


def _paragraphs(text: str) -> Iterator[tuple[int, str]]:
    pos = 0
    for para in text.split(PARAGRAPH_BREAK):
        yield pos, para
        pos += len(para) + len(PARAGRAPH_BREAK)


def split_sentences(doc: Document) -> list[Sentence]:
    """Every sentence of ``doc``, in order; sentences never cross paragraphs."""
    sentences: list[Sentence] = []
    for number, (offset, para) in enumerate(_paragraphs(doc.text), start=1):
        for start, end in sentence_spans(para):
            s, e = offset + start, offset + end
            sid = f"{doc.id}:s{len(sentences)}"
            sentences.append(Sentence(sid, doc.id, s, e, doc.text[s:e], number))
    return sentences


def _word_count(text: str) -> int:
    return len(text.split())


def group_sentences(
    sentences: Sequence[Sentence], target_words: int, overlap: int
) -> list[tuple[int, int]]:
    """Index ranges ``[first, last]`` of sentences per chunk.

    A chunk takes sentences until it reaches ``target_words``; the next chunk starts
    ``overlap`` sentences before the previous one ended.

    >>> s = [Sentence(str(i), "d", 0, 0, "w " * 50, 1) for i in range(5)]
    >>> group_sentences(s, target_words=100, overlap=1)
    [(0, 1), (1, 2), (2, 3), (3, 4)]
    """
    ranges: list[tuple[int, int]] = []
    first = 0
    while first < len(sentences):
        last, words = first, _word_count(sentences[first].text)
        while last + 1 < len(sentences) and words < target_words:
            last += 1
            words += _word_count(sentences[last].text)
        ranges.append((first, last))
        if last == len(sentences) - 1:
            break
        first = max(last + 1 - overlap, first + 1)
    return ranges


def chunk_document(
    doc: Document, target_words: int = 120, overlap: int = 1
) -> tuple[list[Sentence], list[Chunk]]:
    """Sentences and chunks of one document."""
    sentences = split_sentences(doc)
    chunks = []
    for n, (first, last) in enumerate(group_sentences(sentences, target_words, overlap)):
        start, end = sentences[first].start, sentences[last].end
        ids = tuple(s.id for s in sentences[first : last + 1])
        chunks.append(Chunk(f"{doc.id}#{n}", doc.id, start, end, doc.text[start:end], ids))
    return sentences, chunks


def chunk_documents(
    docs: Sequence[Document], target_words: int = 120, overlap: int = 1
) -> tuple[list[Sentence], list[Chunk]]:
    """Sentences and chunks of every document, in document order."""
    all_sentences: list[Sentence] = []
    all_chunks: list[Chunk] = []
    for doc in docs:
        sentences, chunks = chunk_document(doc, target_words, overlap)
        all_sentences.extend(sentences)
        all_chunks.extend(chunks)
    return all_sentences, all_chunks


def with_header(text: str, doc: Document) -> str:
    """Text prefixed with its document's title, publisher and date, for indexing.

    A chunk alone rarely names its source; the header lets a question such as
    "what did the 2020 piece say" find it.

    >>> with_header("It ended.", Document("d", "d.txt", "Pact Ends", "It ended.", date="2019-11"))
    'Pact Ends (November 2019).\\nIt ended.'
    """
    source = ", ".join(x for x in (doc.publisher, date_label(doc.date)) if x)
    return f"{doc.title}{f' ({source})' if source else ''}.\n{text}"
