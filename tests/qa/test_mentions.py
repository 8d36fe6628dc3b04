"""Names in questions linked to the names the sources use (on our own fixture article)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.ingest import chunk_documents, load_documents
from assistant.qa.corpus import Corpus
from assistant.qa.documents import echoes, named_document
from assistant.qa.mentions import find
from assistant.text import nlp, term_weights
from assistant.text.annotate import annotate

THIRD = Path(__file__).parents[1] / "fixtures" / "third_article"


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    docs = load_documents(THIRD)
    sentences, _ = chunk_documents(docs, 120, 1)
    notes = annotate(nlp.parse_many(s.text for s in sentences), [s.doc_id for s in sentences])
    return Corpus.build(docs, sentences, notes)


def linked(question: str, corpus: Corpus) -> dict[str, tuple[bool, tuple[str, ...]]]:
    return {m.text: (m.known, m.forms) for m in find(nlp.parse(question), corpus)}


def test_an_abbreviation_links_to_what_the_article_spells_out(corpus: Corpus) -> None:
    known, forms = linked("What did the SCA demand?", corpus)["SCA"]
    assert known and "Suez Canal Authority" in forms


def test_a_spelled_out_name_links_to_its_abbreviation(corpus: Corpus) -> None:
    assert corpus.abbreviation_of("Maritime Resilience Forum") == "MRF"


def test_a_country_links_to_the_capital_the_article_names(corpus: Corpus) -> None:
    known, forms = linked("What happened in Egypt in July?", corpus)["Egypt"]
    assert known and "cairo" in forms


def test_lower_case_names_are_found_by_the_sources_names(corpus: Corpus) -> None:
    assert "rahul menon" in linked("what does rahul menon recommend?", corpus)


def test_names_the_sources_never_mention_are_unknown(corpus: Corpus) -> None:
    found = linked("What did Elon Musk say to Rahul Menon?", corpus)
    assert found["Elon Musk"][0] is False
    assert found["Rahul Menon"][0] is True


def test_a_year_the_sources_never_give_is_unknown(corpus: Corpus) -> None:
    found = linked("Was the canal closed in 1967?", corpus)
    assert found["1967"][0] is False


def test_a_lower_case_everyday_word_is_not_an_unknown_name(corpus: Corpus) -> None:
    assert all(m.known for m in find(nlp.parse("what's the intel on the canal?"), corpus))


def test_a_question_restating_the_title_echoes_it(corpus: Corpus) -> None:
    title = corpus.documents[0].title
    assert echoes(term_weights("How did six days in the Suez Canal expose the fragility of "
                               "global trade?"), title)
    assert not echoes(term_weights("When was the ship refloated?"), title)


def test_named_document_needs_more_than_one_document(corpus: Corpus) -> None:
    assert named_document("summarize the Global Trade Monitor piece", corpus.documents) == ""
