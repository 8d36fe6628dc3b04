"""Date normalisation: absolute dates, ranges, dates without a year, relative dates."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.text.dates import DateSpan, label, parse_iso, resolve, span

NOV_2019 = parse_iso("2019-11")
AUG_2020 = parse_iso("2020-08")
THURSDAY = parse_iso("2021-07-15")  # the fixture article's date, a Thursday


@pytest.mark.parametrize(("text", "expected"), [
    ("23 November 2019", ("2019-11-23", "2019-11-23", "day")),
    ("November 23, 2019", ("2019-11-23", "2019-11-23", "day")),
    ("Nov. 23rd 2019", ("2019-11-23", "2019-11-23", "day")),
    ("November 2016", ("2016-11", "2016-11", "month")),
    ("August of 2019", ("2019-08", "2019-08", "month")),
    ("1965", ("1965", "1965", "year")),
    ("the 1990s", ("1990", "1999", "range")),
    ("2019-20", ("2019", "2020", "range")),
    ("the morning of 23 March 2021", ("2021-03-23", "2021-03-23", "day")),
    ("the end of 2019", ("2019", "2019", "year")),
    ("summer of 2019", ("2019", "2019", "year")),
    ("2019-11-23", ("2019-11-23", "2019-11-23", "day")),
])
def test_absolute_dates(text: str, expected: tuple[str, str, str]) -> None:
    assert resolve(text, None) == DateSpan(*expected)
    assert resolve(text, NOV_2019) == DateSpan(*expected)  # the article's date changes nothing


@pytest.mark.parametrize(("text", "base", "expected"), [
    ("October-November 2018", NOV_2019, ("2018-10", "2018-11")),
    ("October–November 2018", NOV_2019, ("2018-10", "2018-11")),
    ("March-April 2021", THURSDAY, ("2021-03", "2021-04")),
    ("May and June", THURSDAY, ("2021-05", "2021-06")),
    ("between May and June", THURSDAY, ("2021-05", "2021-06")),
    ("3-5 March 2020", None, ("2020-03-03", "2020-03-05")),
    ("October 2018 to January 2019", None, ("2018-10", "2019-01")),
])
def test_ranges(text: str, base: DateSpan | None, expected: tuple[str, str]) -> None:
    assert resolve(text, base) == DateSpan(*expected, "range")


@pytest.mark.parametrize(("text", "base", "expected"), [
    ("22 August", NOV_2019, "2019-08-22"),  # the article's year
    ("17 November", NOV_2019, "2019-11-17"),  # within the article's month
    ("August 3", AUG_2020, "2020-08-03"),
    ("29 March", THURSDAY, "2021-03-29"),
    ("early April", THURSDAY, "2021-04"),
    ("mid-April", THURSDAY, "2021-04"),
    ("December 12", NOV_2019, "2018-12-12"),  # in the past: the year before the article
])
def test_dates_without_a_year_take_the_article_year(text: str, base: DateSpan,
                                                    expected: str) -> None:
    assert resolve(text, base).start == expected


def test_a_future_date_without_a_year_points_forward() -> None:
    assert resolve("February", NOV_2019, tense="future").start == "2020-02"
    assert resolve("February", NOV_2019, tense="past").start == "2019-02"


@pytest.mark.parametrize(("text", "base", "expected"), [
    ("last year", AUG_2020, ("2019", "2019", "year")),
    ("this year", AUG_2020, ("2020", "2020", "year")),
    ("next year", AUG_2020, ("2021", "2021", "year")),
    ("two years ago", THURSDAY, ("2019", "2019", "year")),
    ("earlier this month", AUG_2020, ("2020-08", "2020-08", "month")),
    ("later this month", THURSDAY, ("2021-07", "2021-07", "month")),
    ("last month", THURSDAY, ("2021-06", "2021-06", "month")),
    ("last month", parse_iso("2021-01-10"), ("2020-12", "2020-12", "month")),
    ("last week", THURSDAY, ("2021-07-05", "2021-07-11", "range")),
    ("yesterday", THURSDAY, ("2021-07-14", "2021-07-14", "day")),
    ("on Monday", THURSDAY, ("2021-07-12", "2021-07-12", "day")),
    ("Thursday", THURSDAY, ("2021-07-08", "2021-07-08", "day")),  # a week before, not today
    ("next Monday", THURSDAY, ("2021-07-19", "2021-07-19", "day")),
    # Never finer than the article's date: a month-dated article places "Monday" in its month.
    ("Monday", AUG_2020, ("2020-08", "2020-08", "month")),
    ("last week", AUG_2020, ("2020-08", "2020-08", "month")),
])
def test_relative_dates_count_from_the_article(text: str, base: DateSpan,
                                               expected: tuple[str, str, str]) -> None:
    assert resolve(text, base) == DateSpan(*expected)


def test_weekday_of_a_future_verb_is_the_next_one() -> None:
    assert resolve("on Monday", THURSDAY, tense="future").start == "2021-07-19"


@pytest.mark.parametrize("text", [
    "three-month", "six days", "the six days", "more than 100 days", "106-day", "another year",
    "the past year", "the previous year", "decades", "months", "the weeks", "every year",
    "each day", "the same day", "the next decade", "centuries-old", "weekly", "the year",
    "the first spring", "75th anniversary", "",
])
def test_durations_frequencies_and_anaphora_name_no_date(text: str) -> None:
    assert resolve(text, THURSDAY) is None


def test_relative_dates_need_the_article_date() -> None:
    assert resolve("last year", None) is None
    assert resolve("22 August", None) is None
    assert resolve("earlier this month", parse_iso("2020")) is None  # a year says no month
    assert resolve("last year", parse_iso("2020")) == DateSpan("2019", "2019", "year")


def test_impossible_dates_are_rejected() -> None:
    assert resolve("31 February 2020", None) is None
    assert resolve("2020-02-30", None) is None
    assert resolve("November-October 2018", None) is None  # a range must run forwards
    assert parse_iso("2019-13") is None and parse_iso("19-11") is None


def test_span_bounds_and_containment() -> None:
    year, month, day = parse_iso("2016"), parse_iso("2016-11"), parse_iso("2016-11-04")
    assert (month.first_day, month.last_day) == (dt.date(2016, 11, 1), dt.date(2016, 11, 30))
    assert year.contains(month) and month.contains(day) and not day.contains(month)
    assert span("2018-10", "2018-11").overlaps(month) is False
    assert span("2016-10", "2016-12").contains(month)


@pytest.mark.parametrize(("start", "end", "text"), [
    ("2019-11-23", "2019-11-23", "23 November 2019"),
    ("2019-11", "2019-11", "November 2019"),
    ("2019", "2019", "2019"),
    ("2018-10", "2018-11", "October–November 2018"),
    ("2021-07-05", "2021-07-11", "5–11 July 2021"),
])
def test_labels(start: str, end: str, text: str) -> None:
    assert label(span(start, end)) == text
