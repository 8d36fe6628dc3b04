"""Event dates on real spaCy parses: a date that times a verb or an event noun makes an
event; durations, reference points, names, titles and datelines do not. The sentences are
made up for the test (none comes from the sources)."""

from __future__ import annotations

import pytest

from assistant.text import nlp
from assistant.text.dates import parse_iso
from assistant.text.event_dates import date_mentions
from assistant.text.nlp import Entity, Parsed, Token

BASE = parse_iso("2021-07-15")


def verdicts(sentence: str) -> list[tuple[str, str, str]]:
    """(date as written, verdict, ISO start or "") of each DATE entity."""
    return [(m.entity.text, m.verdict, m.date.start if m.date else "")
            for m in date_mentions(nlp.parse(sentence), BASE)]


@pytest.mark.parametrize(("sentence", "written", "iso", "anchor"), [
    ("The two leaders met in Geneva on 4 March 2020.", "4 March 2020", "2020-03-04", "meet"),
    ("The treaty was ratified in 1998 after years of talks.", "1998", "1998", "ratify"),
    ("The ferry sank on the night of 14 April 1912.", "14 April 1912", "1912-04-14", "sink"),
    ("Exports fell sharply last year.", "last year", "2020", "fall"),
    ("The storm hit the coast yesterday, officials said.", "yesterday", "2021-07-14", "hit"),
    ("The 2018 election changed the balance of power.", "2018", "2018", "election"),
    ("The agreement of June 2017 set a price floor.", "June 2017", "2017-06", "agreement"),
    ("Parliament will vote on the bill next Monday.", "next Monday", "2021-07-19", "vote"),
    # spaCy's small model reads "lapsed" as a participle of "accord": still an event.
    ("The accord lapsed in March 2002 after a dispute.", "March 2002", "2002-03", "lapse"),
])
def test_dates_of_verbs_and_event_nouns_are_events(sentence: str, written: str, iso: str,
                                                   anchor: str) -> None:
    found = [m for m in date_mentions(nlp.parse(sentence), BASE) if m.is_event]
    assert [(m.entity.text, m.date.start, m.anchor) for m in found] == [(written, iso, anchor)]


def test_a_planned_event_resolves_forward() -> None:
    # "are expected to meet ... in September": the September after the article.
    assert verdicts("The ministers are expected to meet again in September.") == [
        ("September", "event", "2021-09")]
    assert verdicts("The ministers met again in September.") == [
        ("September", "event", "2020-09")]


@pytest.mark.parametrize(("sentence", "verdict"), [
    ("Prices have risen since 2015.", "reference point"),
    ("Before the March 2019 summit, officials met privately.", "reference point"),
    ("The ban stayed in place until 2022.", "reference point"),
    ("Talks will resume after 1 August.", "reference point"),
    ("She quoted the 2019 Defense White Paper at length.", "name"),
    ("2019 was a difficult year for the airline.", "not a time"),
    ("Updated on 12 May 2020", "no clause"),
    ("Posted on March 3, 2021 by admin", "no clause"),
])
def test_mentions_that_are_not_the_time_of_an_event(sentence: str, verdict: str) -> None:
    found = date_mentions(nlp.parse(sentence), BASE)
    assert found and found[0].verdict == verdict and not found[0].is_event


@pytest.mark.parametrize("sentence", [
    "The strike lasted three weeks.",
    "The company has operated the ferry for 30 years.",
    "Every year, thousands of ships pass through the strait.",
    "The plant reopened the same day.",
])
def test_durations_frequencies_and_anaphora_make_no_event(sentence: str) -> None:
    found = date_mentions(nlp.parse(sentence), BASE)
    assert found and all(m.verdict == "no date" for m in found)


def test_a_month_narrowing_a_duration_is_not_an_event() -> None:
    found = date_mentions(nlp.parse("They argued over who should pay for the six days in "
                                    "March when the road was shut."), BASE)
    assert [m.verdict for m in found if m.entity.text == "March"] == ["duration"]


def _cited(title: str) -> Parsed:
    """A hand-made parse of 'She cited "<title> Of 2019" in 2020' (title: one noun)."""
    text = f'She cited "{title} Of 2019" in 2020'
    at = len(title) + 11
    tokens = (Token(0, "She", "she", "PRON", "PRP", "nsubj", 1, 0, ""),
              Token(1, "cited", "cite", "VERB", "VBD", "ROOT", 1, 4, ""),
              Token(2, '"', '"', "PUNCT", "``", "punct", 1, 10, ""),
              Token(3, title, title.lower(), "NOUN", "NNS", "dobj", 1, 11, ""),
              Token(4, "Of", "of", "ADP", "IN", "prep", 3, at + 1, ""),
              Token(5, "2019", "2019", "NUM", "CD", "pobj", 4, at + 4, "DATE"),
              Token(6, '"', '"', "PUNCT", "''", "punct", 1, at + 8, ""),
              Token(7, "in", "in", "ADP", "IN", "prep", 1, at + 10, ""),
              Token(8, "2020", "2020", "NUM", "CD", "pobj", 7, at + 13, "DATE"))
    entities = (Entity("2019", "DATE", at + 4, at + 8), Entity("2020", "DATE", at + 13, at + 17))
    assert [text[e.start:e.end] for e in entities] == ["2019", "2020"]
    return Parsed(text, tokens, entities)


def test_a_date_inside_a_quoted_title_is_not_an_event() -> None:
    found = date_mentions(_cited("Election"), BASE)
    assert [(m.entity.text, m.verdict) for m in found] == [("2019", "title"), ("2020", "event")]
    parsed = _cited("Election")
    plain = Parsed(parsed.text.replace('"', " "), parsed.tokens, parsed.entities)
    assert [m.verdict for m in date_mentions(plain, BASE)] == ["event", "event"]
