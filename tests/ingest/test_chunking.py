"""Chunking: offsets always slice the document, chunks never cut a sentence, overlap is one."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import REAL_SOURCES

from assistant.ingest.chunking import (
    Chunk,
    Sentence,
    chunk_document,
    chunk_documents,
    group_sentences,
    sentence_spans,
    split_sentences,
)
from assistant.ingest.cleaning import clean_text
from assistant.ingest.sources import PARAGRAPH_BREAK, Document, load_documents

PROPERTY = settings(max_examples=150, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def real_docs() -> list[Document]:
    return load_documents(REAL_SOURCES)


def check_invariants(doc: Document, sentences: Sequence[Sentence], chunks: Sequence[Chunk],
                     overlap: int) -> None:
    """Everything the index relies on, for one document."""
    text = doc.text
    assert all(s.doc_id == doc.id for s in sentences)
    assert all(c.doc_id == doc.id for c in chunks)
    # Offsets slice the document exactly.
    for s in sentences:
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start:s.end] == s.text
        assert s.text == s.text.strip()
        assert PARAGRAPH_BREAK not in s.text
        assert s.paragraph == doc.paragraph_of(s.start)
    for c in chunks:
        assert text[c.start:c.end] == c.text
    # Sentences are in order, do not overlap, and lose no visible character.
    for a, b in pairwise(sentences):
        assert a.end <= b.start
    covered = "".join(s.text for s in sentences)
    assert "".join(covered.split()) == "".join(text.split())
    # Chunks are runs of whole, consecutive sentences covering every sentence.
    by_id = {s.id: i for i, s in enumerate(sentences)}
    seen: set[str] = set()
    previous: list[int] | None = None
    for c in chunks:
        rows = [by_id[sid] for sid in c.sentence_ids]
        assert rows == list(range(rows[0], rows[-1] + 1))
        assert c.start == sentences[rows[0]].start and c.end == sentences[rows[-1]].end
        if previous is not None:
            shared = len(set(previous) & set(rows))
            assert rows[0] > previous[0]
            assert shared == min(overlap, len(previous) - 1)
        seen.update(c.sentence_ids)
        previous = rows
    assert seen == {s.id for s in sentences}


# --- the real articles ------------------------------------------------------------------

def test_real_articles_offsets_and_boundaries(real_docs: list[Document]) -> None:
    for doc in real_docs:
        sentences, chunks = chunk_document(doc, target_words=120, overlap=1)
        assert len(sentences) > 25 and len(chunks) >= 5
        check_invariants(doc, sentences, chunks, overlap=1)


def test_chunk_boundaries_are_sentence_boundaries(real_docs: list[Document]) -> None:
    for doc in real_docs:
        sentences, chunks = chunk_document(doc, target_words=60)
        starts, ends = {s.start for s in sentences}, {s.end for s in sentences}
        for c in chunks:
            assert c.start in starts and c.end in ends
            # the text just outside a chunk is whitespace or the document edge
            assert c.start == 0 or doc.text[c.start - 1].isspace()
            assert c.end == len(doc.text) or doc.text[c.end].isspace()


def test_one_sentence_overlap(real_docs: list[Document]) -> None:
    _, chunks = chunk_documents(real_docs, target_words=80, overlap=1)
    pairs = [(a, b) for a, b in pairwise(chunks) if a.doc_id == b.doc_id]
    assert pairs
    for a, b in pairs:
        assert b.sentence_ids[0] == a.sentence_ids[-1]
        assert len(set(a.sentence_ids) & set(b.sentence_ids)) == 1


def test_zero_overlap(real_docs: list[Document]) -> None:
    sentences, chunks = chunk_document(real_docs[0], target_words=80, overlap=0)
    check_invariants(real_docs[0], sentences, chunks, overlap=0)
    ids = [sid for c in chunks for sid in c.sentence_ids]
    assert ids == [s.id for s in sentences]


def test_target_size_changes_chunk_count(real_docs: list[Document]) -> None:
    counts = {n: len(chunk_documents(real_docs, target_words=n)[1]) for n in (40, 120, 400)}
    assert counts[40] > counts[120] > counts[400] >= len(real_docs)


def test_chunks_reach_the_target_size(real_docs: list[Document]) -> None:
    for target in (60, 120):
        for doc in real_docs:
            _, chunks = chunk_document(doc, target_words=target)
            for c in chunks[:-1]:  # only a document's last chunk may fall short
                assert len(c.text.split()) >= target


def test_ids_are_unique_and_stable(real_docs: list[Document]) -> None:
    sentences, chunks = chunk_documents(real_docs)
    assert len({s.id for s in sentences}) == len(sentences)
    assert len({c.id for c in chunks}) == len(chunks)
    assert (sentences, chunks) == chunk_documents(load_documents(REAL_SOURCES))


def test_sentences_never_cross_paragraphs(real_docs: list[Document]) -> None:
    for doc in real_docs:
        for s in split_sentences(doc):
            assert "\n" not in s.text


def test_abbreviations_do_not_split_sentences(real_docs: list[Document]) -> None:
    texts = {s.text for doc in real_docs for s in split_sentences(doc)}
    assert any(t.startswith('"There is no solution to these historical issues," said Col. '
                            "Maxwell") for t in texts)
    assert not any(t in {"Col.", "Mr.", "Ms.", "U.S."} for t in texts)


# --- small cases ------------------------------------------------------------------------

def test_docstring_example() -> None:
    doc = Document(id="d", path="d.txt", title="D", text="One two. Three four.\n\nFive six.")
    assert [s.text for s in split_sentences(doc)] == ["One two.", "Three four.", "Five six."]
    _, chunks = chunk_document(doc, target_words=4, overlap=1)
    assert [c.text for c in chunks] == ["One two. Three four.", "Three four.\n\nFive six."]
    assert [s.paragraph for s in split_sentences(doc)] == [1, 1, 2]


def test_sentence_spans_trim_whitespace() -> None:
    assert sentence_spans("Dr. Kim said no. It ended!") == [(0, 16), (17, 26)]
    assert sentence_spans("") == []
    assert sentence_spans("   ") == []


def test_long_sentence_makes_its_own_chunk() -> None:
    long = " ".join(["word"] * 50) + "."
    doc = Document(id="d", path="d.txt", title="D", text=f"Short one. {long} Short two.")
    sentences, chunks = chunk_document(doc, target_words=10, overlap=1)
    check_invariants(doc, sentences, chunks, overlap=1)
    assert any(c.text == long for c in chunks)


@pytest.mark.parametrize(("n", "target", "overlap"), [(5, 100, 1), (1, 10, 1), (6, 1, 1),
                                                      (6, 1, 0), (7, 150, 2), (3, 1000, 1)])
def test_group_sentences_ranges(n: int, target: int, overlap: int) -> None:
    sentences = [Sentence(str(i), "d", 0, 0, "w " * 50, 1) for i in range(n)]
    ranges = group_sentences(sentences, target_words=target, overlap=overlap)
    assert ranges[0][0] == 0 and ranges[-1][1] == n - 1
    for (a0, a1), (b0, b1) in pairwise(ranges):
        assert a0 < b0 <= a1 + 1 and b1 > a1
        assert a1 - b0 + 1 == min(overlap, a1 - a0)


def test_group_sentences_empty() -> None:
    assert group_sentences([], target_words=10, overlap=1) == []


# --- properties -------------------------------------------------------------------------

WORDS = st.sampled_from(["GSOMIA", "Seoul", "Tokyo", "the", "pact", "Dr.", "U.S.", "e.g.",
                         "No.", "1965", "3.5", "inter-", "\u201cquoted\u201d", "it\u2019s",
                         "caf\u00e9", "\u00e9t\u00e9", "\u4e2d\u6587", "\U0001f600", "...",
                         "?!", "(aside)", "[x]", "*", "-", "\u2013", "Mr", "ends."])
SEPARATORS = st.sampled_from([" ", " ", " ", "  ", "\n", "\n\n", " \n\n", "\t", "\u00a0",
                              ". ", "? ", "! ", ".\n\n", "\r\n", "\u200b"])
PROSE = st.lists(st.tuples(WORDS, SEPARATORS), max_size=80).map(
    lambda pairs: "".join(w + s for w, s in pairs))
ANY_TEXT = st.one_of(st.text(max_size=400), PROSE,
                     st.text(alphabet=st.characters(codec="utf-8"), max_size=200))


def clean_document(raw: str) -> Document | None:
    heading, paragraphs = clean_text(raw)
    if not paragraphs:
        return None
    return Document(id="h", path="h.txt", title="H", text=PARAGRAPH_BREAK.join(paragraphs),
                    heading=heading)


@PROPERTY
@given(raw=ANY_TEXT, target=st.integers(1, 60), overlap=st.integers(0, 2))
def test_property_cleaning_and_chunking_never_raise(raw: str, target: int, overlap: int) -> None:
    doc = clean_document(raw)
    if doc is None:
        return
    sentences, chunks = chunk_document(doc, target_words=target, overlap=overlap)
    assert sentences and chunks
    check_invariants(doc, sentences, chunks, overlap)


@PROPERTY
@given(paragraph=st.one_of(st.text(max_size=300), PROSE))
def test_property_sentence_spans_cover_the_paragraph(paragraph: str) -> None:
    spans = sentence_spans(paragraph)
    cursor = 0
    for start, end in spans:
        assert cursor <= start < end <= len(paragraph)
        piece = paragraph[start:end]
        assert piece == piece.strip()
        cursor = end
    covered = "".join(paragraph[s:e] for s, e in spans)
    assert "".join(covered.split()) == "".join(paragraph.split())


@PROPERTY
@given(raw=ANY_TEXT)
def test_property_cleaned_paragraphs_are_tidy(raw: str) -> None:
    heading, paragraphs = clean_text(raw)
    for p in [*paragraphs, *([heading] if heading else [])]:
        assert p and p == p.strip()
        assert "\n" not in p and "\r" not in p and "  " not in p
        assert not any(q in p for q in "\u201c\u201d\u2018\u2019\u00a0\u200b\ufeff")
