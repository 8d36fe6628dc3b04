"""Assembling answers: short answers, the sentences chosen by intent, document answers,
the extractive summary and the abstention signals (pure logic, no model)."""

from __future__ import annotations

import numpy as np

from assistant.ingest import Document
from assistant.qa.about import answerable
from assistant.qa.abstain import FEATURES, Model, beyond_sources
from assistant.qa.assemble import pick_span
from assistant.qa.evidence import centrality
from assistant.qa.question import analyse


def test_short_answer_is_the_first_span_of_the_most_wanted_type() -> None:
    sentence = "The ship left Ismailia, Egypt, on 7 July 2021 after a ceremony."
    spans = [("Ismailia", "GPE", 14, 22), ("Egypt", "GPE", 24, 29), ("7 July 2021", "DATE",
                                                                       34, 45)]
    assert pick_span(sentence, spans, ("DATE",), "When did it leave?") == "7 July 2021"
    assert pick_span(sentence, spans, ("GPE",), "Where did it leave from?") == "Ismailia"
    assert pick_span(sentence, spans, ("GPE",), "Where in Ismailia?") == "Egypt"  # not asked


def test_a_number_numbering_a_list_is_no_answer() -> None:
    sentence = "Seoul asks for two things: one, flexibility; two, lower costs."
    spans = [("two", "CARDINAL", 15, 18), ("one", "CARDINAL", 27, 30)]
    assert pick_span(sentence, spans, ("CARDINAL",), "How many?") == "two"
    assert pick_span(sentence, spans[1:], ("CARDINAL",), "How many?") == ""


def test_an_exact_day_needs_a_full_date_in_the_metadata() -> None:
    month_only = Document(id="a", path="a", title="T", text="x", date="2020-08")
    full = Document(id="b", path="b", title="T", text="x", date="2021-07-15")
    question = analyse("On what exact day was the article published?")
    assert question.aspect == "date"
    assert not answerable(question, [month_only]) and answerable(question, [full])


def test_centrality_favours_the_sentence_the_others_resemble() -> None:
    vectors = np.array([[1, 0, 0], [0.9, 0.1, 0], [0.8, 0.2, 0], [0, 0, 1]], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    scores = centrality(vectors)
    assert scores.argmax() in (0, 1, 2) and scores[3] == scores.min()


def test_questions_about_later_times_are_beyond_the_sources() -> None:
    assert beyond_sources(analyse("Is the ship still held today?"), "2021-07-15")
    assert beyond_sources(analyse("What happened to the canal in 2024?"), "2021-07-15")
    assert not beyond_sources(analyse("What happened to the canal in 2021?"), "2021-07-15")


def test_the_abstention_model_covers_every_feature() -> None:
    model = Model.fitted()
    assert 0 < model.threshold < 1
    quiet = {name: 0.0 for name in FEATURES}
    assert 0.0 <= model.confidence(quiet) <= 1.0
    worse = {**quiet, "unknown_name": 1.0}
    assert model.confidence(worse) < model.confidence(quiet)


def test_a_fronted_phrase_is_not_an_apposition() -> None:
    from assistant.qa.candidates import defines_term

    who = analyse("Who is Rahul Menon?")
    assert defines_term("Rahul Menon, the chief analyst, said so.", who)
    egypt = analyse("What is Egypt?")
    assert not defines_term("Outside Egypt, the cost was far larger.", egypt)


def test_a_name_inside_the_phrase_asked_about_does_not_define_it() -> None:
    from assistant.qa.candidates import defines_term

    question = analyse("What is the capital of Egypt?")
    assert not defines_term("Egypt, a country of 100 million, runs the canal.", question)


def test_remote_questions_weigh_against_answering() -> None:
    from assistant.qa.abstain import remoteness
    from assistant.qa.retrieval import Passage

    def passage(score: float) -> Passage:
        return Passage("c1", "s", "text", score, 1, score, 0.0)

    assert remoteness([passage(0.5)]) == 0.0
    assert remoteness([passage(0.0)]) == 1.0
    assert 0.0 < remoteness([passage(0.1)]) < 1.0


def test_when_wants_a_point_in_time_and_how_many_an_amount() -> None:
    from assistant.qa.candidates import answers_kind
    from assistant.text.nlp import Entity

    def date(text: str) -> Entity:
        return Entity(text, "DATE", 0, len(text))

    when = analyse("When did Seoul give Tokyo its notice?")
    assert answers_kind(date("22 August"), when) and answers_kind(date("last week"), when)
    assert not answers_kind(date("three-month"), when)
    how_many = analyse("How many years has the pact existed?")
    assert answers_kind(date("three years"), how_many)
    assert not answers_kind(date("November 2016"), how_many)
    assert not answers_kind(date("earlier this month"), how_many)
