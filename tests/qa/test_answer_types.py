"""Answer types: what a question asks for and whether a sentence offers it (no model)."""

from __future__ import annotations

import pytest

from assistant.qa.answer_types import expected_type, has_new_name, offers_reason, offers_type


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many troops are stationed there?", "number"),
        ("How much does Seoul pay?", "number"),
        ("What is the value of the shares?", "number"),
        ("How long is the notice period?", "duration"),
        ("When was GSOMIA signed?", "time"),
        ("On what date did Seoul give notice?", "time"),
        ("Who is Kathryn Botto?", "person"),
        ("who is Col. David Maxwell?", "person"),
        ("Who wrote the analysis?", "name"),
        ("Who was South Korea's foreign minister during the dispute?", "name"),
        ("Which US Secretary of Defense urged Seoul to stay?", "name"),
        ("What is the full official name of the 1965 agreement?", "name"),
        ("How big a role does GSOMIA play?", ""),
        ("What did the Japanese official say?", ""),
        ("What was the general reaction in Tokyo?", ""),
        ("What chief concern did Seoul raise?", ""),
        ("Which Japanese official said so?", "name"),
        ("Who is Tarō Kōno?", "person"),
        ("Why did Seoul end the pact?", ""),
    ],
)
def test_expected_type(question: str, kind: str) -> None:
    assert expected_type(question) == kind


def test_a_list_marker_is_not_a_count() -> None:
    listing = "Seoul would like: one, more flexibility; two, less cost; and three, restraint."
    assert not offers_type(listing, "number", "How many troops are there?")
    assert offers_type("About 28,500 troops are there.", "number", "How many troops are there?")
    assert offers_type("It needs a three-month notice.", "number", "How much notice is needed?")


def test_a_duration_may_be_a_span_of_time() -> None:
    question = "How long has the pact survived?"
    assert offers_type("It survived for two years.", "duration", question)
    assert offers_type("It was renewed for 12 months.", "duration", question)
    assert not offers_type("It survived the dispute.", "duration", question)


def test_a_name_must_be_new_and_rare() -> None:
    assert has_new_name("Ms. Botto said so.", "What did the analyst say?")
    assert has_new_name("It depends on Abe and Moon.", "Whose leadership is needed?")
    assert not has_new_name("Ms. Botto said so.", "What did Botto say?")
    assert not has_new_name("The Heritage Foundation said so.", "Who said so?")


def test_a_named_title_must_appear_beside_the_name() -> None:
    question = "Who was the foreign minister?"
    assert not offers_type("A post by Nayoon Lee says so.", "name", question)
    assert offers_type("Foreign Minister Kang Kyung-wha said so.", "name", question)
    # A generic role ("official") may be held by a titled person the sentence names.
    assert offers_type("Chief Cabinet Secretary Yoshihide Suga said so.", "name",
                       "Which Japanese official said so?")


def test_describing_a_person_accepts_a_role() -> None:
    assert offers_type("Bruce Klingner, a senior research fellow, said so.", "person",
                       "Who is Bruce Klingner?")
    assert not offers_type("Bruce Klingner said so.", "person", "Who is Bruce Klingner?")


def test_names_are_compared_without_possessives_and_beyond_ascii() -> None:
    assert not has_new_name("Abe\u2019s government blamed Seoul.",
                            "Whom did Abe\u2019s government blame?")
    assert not has_new_name("Klingner's paper was cited.", "Who cited Klingner's paper?")
    assert has_new_name("It was Tar\u014d K\u014dno.", "Who was it?")


def test_a_lone_capital_opening_a_sentence_is_not_a_name() -> None:
    assert not has_new_name("Reauthorization was in doubt.", "Who decided?")
    assert has_new_name("Kathryn Botto decided.", "Who decided?")


def test_the_agreement_s_own_name_asks_for_no_title() -> None:
    question = "Who said Seoul would leave the General Security of Military Information Agreement?"
    assert offers_type("Deputy Director Kim You-geun said so.", "name", question)


def test_how_much_may_be_answered_by_a_magnitude() -> None:
    question = "How much information has been shared?"
    assert offers_type("There has been little sharing so far.", "number", question)
    assert not offers_type("Sharing goes on.", "number", question)
    assert not offers_type("Sharing has been little.", "number", "How many were shared?")
    assert not offers_type("It was little.", "number", "How much little data?")


def test_a_why_question_prefers_a_sentence_giving_a_cause() -> None:
    assert offers_reason("Seoul quit after Tokyo imposed export curbs.", "Why did Seoul quit?")
    assert offers_reason("It ended because trust broke down.", "What led Seoul to end it?")
    assert not offers_reason("Seoul quit in August.", "Why did Seoul quit?")
    assert not offers_reason("It ended after the curbs.", "Why did it end after the curbs?")
    assert not offers_reason("It ended because trust broke down.", "When did it end?")


def test_reason_questions_in_other_words_and_time_words_that_are_not_causes() -> None:
    assert offers_reason("It ended because trust broke down.", "And why did it end?")
    assert offers_reason("It ended because trust broke down.", "What reasons did Seoul give?")
    assert not offers_reason("It has existed since 2016.", "Why does it matter?")
    assert not offers_reason("Talks went on over two days.", "Why did talks fail?")
