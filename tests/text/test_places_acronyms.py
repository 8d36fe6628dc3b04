"""World knowledge tables and abbreviation finding: general, not from any article."""

from __future__ import annotations

from assistant.text import places
from assistant.text.acronyms import defined, expand, initials


def test_capitals_demonyms_and_countries_link() -> None:
    assert places.country_of("Alexandria") == "egypt" and places.country_of("polish") == "poland"
    assert "cairo" in places.related("egypt") and "egyptian" in places.related("egypt")
    assert "egypt" in places.related("cairo")  # a capital stands for its country


def test_a_city_that_is_not_a_capital_stands_only_for_itself() -> None:
    assert places.related("gdansk") == frozenset()
    assert places.related("atlantis") == frozenset() and not places.known("atlantis")


def test_abbreviations_defined_in_brackets() -> None:
    text = ("The Suez Canal Authority (SCA), the state body, and the Cairo Centre for "
            "Economic Policy (CCEP) disagreed.")
    assert defined(text) == {"SCA": "Suez Canal Authority",
                             "CCEP": "Cairo Centre for Economic Policy"}


def test_initials_with_and_without_small_words() -> None:
    assert initials("General Security of Military Information Agreement") == "GSMIA"
    assert initials("General Security of Military Information Agreement", small=True) == "GSOMIA"
    assert defined("the General Security of Military Information Agreement (GSOMIA) held") == {
        "GSOMIA": "General Security of Military Information Agreement"}


def test_expand_finds_spans_by_initials_and_ignores_two_letters() -> None:
    texts = ["Officials of the Maritime Resilience Forum met the Chief Cabinet Secretary."]
    assert expand("MRF", texts) == ["Maritime Resilience Forum"]
    assert expand("CCS", texts) == ["Chief Cabinet Secretary"]
    assert expand("MR", texts) == []  # too short to tell apart
