"""Spelling: misspelt words read as the sources' words (pure logic over a vocabulary)."""

from __future__ import annotations

import pytest

from assistant.text.spelling import correction, edits, respell

VOCAB = {"klingner": 5, "korea": 40, "expire": 3, "tariffs": 9, "jobs": 9}


@pytest.mark.parametrize(("word", "meant"), [
    ("klinger", "klingner"),  # a letter dropped
    ("koera", "korea"),  # two swapped
    ("kprea", "korea"),  # one changed
    ("klingnerr", "klingner"),  # one added
])
def test_a_word_one_edit_from_the_sources_is_read_as_theirs(word: str, meant: str) -> None:
    assert correction(word, VOCAB) == meant


@pytest.mark.parametrize("word", [
    "tariff",  # a word of general English, though the sources say "tariffs"
    "jabs",  # rarer, but English: not "jobs"
    "korea",  # the sources' own word
    "kor",  # too short to tell
    "zzzzzz",  # nothing near
])
def test_words_left_as_typed(word: str) -> None:
    assert correction(word, VOCAB) == word


def test_a_tie_between_two_words_of_the_sources_is_left_as_typed() -> None:
    assert correction("caral", {"canal": 3, "coral": 3}) == "caral"
    assert correction("caral", {"canal": 3, "coral": 9}) == "coral"


def test_case_is_kept() -> None:
    assert respell("KOERA and Koera and koera", VOCAB) == "KOREA and Korea and korea"


def test_edits_are_one_step() -> None:
    near = edits("abc")
    assert {"bc", "bac", "abd", "abcd"} <= near and "abc" not in near and "cab" not in near
