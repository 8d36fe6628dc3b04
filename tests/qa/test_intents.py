"""Question intents and expected answer types, read from wording and the spaCy parse.

Questions about two subjects (the GSOMIA articles and our own Suez Canal article) show
that the rules describe English, not one article.
"""

from __future__ import annotations

import pytest

from assistant.qa.intents import Reading, classify
from assistant.text import nlp


def read(question: str) -> Reading:
    return classify(nlp.parse(question))


@pytest.mark.parametrize(("question", "intent"), [
    ("When was the Ever Given refloated?", "factoid"),
    ("Which court ordered the ship seized?", "factoid"),
    ("how many vessels were stuck in the queue", "factoid"),
    ("What does SCA stand for?", "definition"),
    ("Who is Rahul Menon?", "definition"),
    ("Rabie?", "definition"),  # a bare name asks who or what it is
    ("Why did the ship veer off course?", "cause"),
    ("what led to the seizure of the vessel", "cause"),
    ("What would have happened if the tide had not come?", "consequence"),
    ("What effect did the closure have on shipping costs?", "consequence"),
    ("What does Fiona Grant recommend governments do?", "stance"),
    ("what's Wójcik's take on the salvage?", "stance"),
    ("Is the ship still held in Egypt?", "status"),
    ("Did the owner pay the full claim?", "status"),
    ("How did the SCA's demand change over time?", "comparison"),
    ("Was the ship seized before or after it was refloated?", "comparison"),
    ("What happened after the ship was refloated?", "comparison"),
    ("Who wrote this article?", "document"),
    ("summarize the piece for me", "document"),
    ("When was the article published?", "document"),
    ("what is the gist of the Global Trade Monitor piece", "document"),
    ("what is the canal supposed to achieve?", "definition"),  # a purpose
])
def test_intents(question: str, intent: str) -> None:
    assert read(question).intent == intent


@pytest.mark.parametrize(("question", "labels"), [
    ("When did the ship leave?", ("DATE", "TIME")),
    ("Where did the ceremony take place?", ("GPE", "LOC", "FAC", "ORG")),
    ("Who refloated the ship?", ("PERSON", "ORG", "NORP", "GPE")),
    ("How much was the claim?", ("MONEY", "PERCENT", "QUANTITY", "CARDINAL", "DATE")),
    ("How much did the owners pay?", ("MONEY", "CARDINAL")),  # paying asks for money
    ("How many containers did it carry?", ("CARDINAL",)),  # a count, not a measure
    ("How many days was it stuck?", ("DATE", "TIME", "CARDINAL")),
    ("How many metres long is it?", ("QUANTITY", "CARDINAL")),
    ("What year was the canal opened?", ("DATE", "TIME")),
])
def test_answer_types_by_question_word(question: str, labels: tuple[str, ...]) -> None:
    assert read(question).answer_types == labels


def test_how_long_asks_a_duration() -> None:
    # No list of nouns that last: "how long" reads as time; a length question leaves the
    # choice of sentence to the answer verifier.
    assert read("How long was the delay?").kind == "duration"
    assert read("How long did the blockage last?").kind == "duration"


def test_what_year_asks_for_a_year() -> None:
    assert read("In what year was the canal opened?").kind == "year"
    assert read("When was the canal opened?").kind == ""


def test_which_noun_picks_the_entity_type_and_focus() -> None:
    reading = read("Which court ordered the ship seized?")
    assert reading.focus == "court" and reading.answer_types[0] == "ORG"
    assert read("In which year was the second lane opened?").answer_types[0] == "DATE"


def test_document_aspects() -> None:
    assert read("Who wrote the 2021 piece?").aspect == "author"
    assert read("Which outlet ran the article?").aspect == "publisher"
    assert read("What's the headline of the article?").aspect == "title"
    assert read("tl;dr of the post").aspect == "summary"


def test_how_many_inside_a_clause_is_not_the_question_word() -> None:
    """"What does X say about how much ..." asks for X's view, not a figure."""
    assert read("What does Menon say about how much stock firms hold?").intent == "stance"


def test_what_happened_next_is_a_sequence() -> None:
    assert read("what happened after the settlement?").relation == "after"
