"""Sentence annotation on an article of our own (not GSOMIA): entities, speakers, cues."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.ingest import chunk_documents, load_documents
from assistant.text import nlp
from assistant.text.annotate import Note, annotate, find_speaker
from assistant.text.lexicon import CAUSE_MARKERS, entity_labels_for, has_marker

THIRD = Path(__file__).parents[1] / "fixtures" / "third_article"


@pytest.fixture(scope="module")
def annotated() -> list[tuple[str, Note]]:
    docs = load_documents(THIRD)
    sentences, _ = chunk_documents(docs, 120, 1)
    notes = annotate(nlp.parse_many(s.text for s in sentences), [s.doc_id for s in sentences])
    return [(s.text, n) for s, n in zip(sentences, notes, strict=True)]


def _note(annotated: list[tuple[str, Note]], start: str) -> Note:
    return next(n for text, n in annotated if text.startswith(start))


@pytest.mark.parametrize(("start", "speaker"), [
    ('"The timing of the tide was everything," said Captain', "Tomasz Wójcik"),  # said X
    ("He added that", "Tomasz Wójcik"),  # a pronoun continues the quote
    ("Lieutenant General Osama Rabie, the SCA's chairman, said", "Osama Rabie"),  # X said
])
def test_speakers(annotated: list[tuple[str, Note]], start: str, speaker: str) -> None:
    assert _note(annotated, start).speaker == speaker


def test_quoted_as_saying_names_the_quoted_not_the_outlet() -> None:
    parsed = nlp.parse("The Harbour Gazette quoted Maria Lopez, a port economist, as saying "
                       "that costs would rise.")
    assert find_speaker(parsed) == ("Maria Lopez", False)


def test_according_to() -> None:
    parsed = nlp.parse("The fee was cut by half, according to Amir Haddad.")
    assert find_speaker(parsed)[0] == "Amir Haddad"


def test_a_common_noun_names_no_speaker() -> None:
    assert find_speaker(nlp.parse("Experts say the canal is vital."))[0] == ""


def test_entities_are_sentence_relative(annotated: list[tuple[str, Note]]) -> None:
    for text, note in annotated:
        for e in note.entities:
            assert text[e.start:e.end] == e.text
    dated = _note(annotated, "The Ever Given was finally refloated")
    assert any(e.label == "DATE" and "29 March" in e.text for e in dated.entities)


def test_cues(annotated: list[tuple[str, Note]]) -> None:
    assert "cause" in _note(annotated, "Because that stretch").cues
    assert "condition" in _note(annotated, '"If the ship had not moved').cues
    assert "negation" in _note(annotated, "The terms have not been disclosed").cues


def test_note_json_round_trip(annotated: list[tuple[str, Note]]) -> None:
    for _, note in annotated:
        assert Note.from_json(note.to_json()) == note


def test_lexicon_is_general_english() -> None:
    assert entity_labels_for("court")[0] == "ORG" and entity_labels_for("city")[0] == "GPE"
    assert entity_labels_for("banana") == ()
    assert has_marker("It stopped due to a storm.", CAUSE_MARKERS)
    assert not has_marker("It stopped in May.", CAUSE_MARKERS)
