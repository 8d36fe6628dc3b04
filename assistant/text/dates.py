"""Dates: turn a date as written ("22 August", "October-November 2018", "last week") into an
ISO date with its precision, resolving what the text leaves out against the article's date.

Hand-written rules over the text of a spaCy DATE entity (no date-parsing library: the
rules below are all there is, and each is unit-tested). A ``DateSpan`` is an interval of
days named at one precision:

- ``day``, ``month`` or ``year``: ``start == end``, an ISO ``YYYY-MM-DD``, ``YYYY-MM`` or
  ``YYYY``;
- ``range``: ``start`` and ``end`` differ ("October-November 2018" is ``2018-10`` to
  ``2018-11``; "last week" is the seven days of the week before the article's).

A date without a year ("on 22 August") takes the article's year, or the year before when
that would put a past event after the article (the year after for a future one).
Relative dates ("last year", "earlier this month", "on Monday") count from the article's
date, and cannot be finer than it: "on Monday" in an article dated only ``2020-08`` is
``2020-08``. Durations ("three months", "106 days"), frequencies ("every year") and
anaphora ("the same day") name no date: ``resolve`` returns ``None`` for them.

>>> base = parse_iso("2019-11")
>>> resolve("22 August", base).start, resolve("October-November 2018", base).end
('2019-08-22', '2018-11')
>>> resolve("last year", base), resolve("three-month", base)
(DateSpan(start='2018', end='2018', precision='year'), None)
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")
MONTHS = {name: i for i, name in enumerate(_MONTH_NAMES, start=1)}
MONTHS.update({name[:3]: i for name, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = {name: i for i, name in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}
_NUMBERS = {w: i for i, w in enumerate(
    ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"))}
_NUMBERS["a"] = 1
_PRECISIONS = {4: "year", 7: "month", 10: "day"}
# Words around a date that do not change which date it is ("the morning of", "early").
_NOISE = re.compile(
    r"\b(?:the|on|in|of|at|during|around|about|circa|between|from|(?:early|mid|late|end|start|beginning|"
    r"middle|morning|afternoon|evening|night|eve|dawn)(?:\s+of)?)\b")
_MONTH = r"(?P<{0}>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<{0}>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<{0}>1\d{{3}}|2\d{{3}})"
_YEARS_JOIN = r"(?:\s*[-/]\s*|\s+(?:and|to)\s+)"
_SEASON = r"(?:spring|summer|autumn|fall|winter)"
_JOIN = r"\s*-\s*|\s+(?:and|to|through|until|till)\s+"


@dataclass(frozen=True)
class DateSpan:
    """A date or a range of dates in ISO form, with its precision."""

    start: str
    end: str
    precision: str  # day | month | year | range

    @property
    def first_day(self) -> dt.date:
        return _bounds(self.start)[0]

    @property
    def last_day(self) -> dt.date:
        return _bounds(self.end)[1]

    def contains(self, other: DateSpan) -> bool:
        """Whether every day of ``other`` lies within this span."""
        return self.first_day <= other.first_day and other.last_day <= self.last_day

    def overlaps(self, other: DateSpan) -> bool:
        return self.first_day <= other.last_day and other.first_day <= self.last_day


def _bounds(iso: str) -> tuple[dt.date, dt.date]:
    parts = [int(p) for p in iso.split("-")]
    if len(parts) == 3:
        day = dt.date(*parts)
        return day, day
    if len(parts) == 2:
        last = calendar.monthrange(parts[0], parts[1])[1]
        return dt.date(parts[0], parts[1], 1), dt.date(parts[0], parts[1], last)
    return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)


def iso(year: int, month: int | None = None, day: int | None = None) -> str:
    """ISO text of a year, month or day."""
    if month is None:
        return f"{year:04d}"
    return f"{year:04d}-{month:02d}" if day is None else f"{year:04d}-{month:02d}-{day:02d}"


def parse_iso(text: str) -> DateSpan | None:
    """A ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` date, or ``None`` when it is not one.

    >>> parse_iso("2021-07-15").precision, parse_iso("2020-08").last_day.day, parse_iso("May")
    ('day', 31, None)
    """
    text = text.strip()
    if not re.fullmatch(r"\d{4}(?:-\d{2}(?:-\d{2})?)?", text):
        return None
    try:
        _bounds(text)
    except ValueError:
        return None
    return DateSpan(text, text, _PRECISIONS[len(text)])


def span(start: str, end: str) -> DateSpan:
    """The span from ``start`` to ``end`` (ISO texts), a range when they differ."""
    return DateSpan(start, end, _PRECISIONS[len(start)] if start == end else "range")


def resolve(text: str, base: DateSpan | None, tense: str = "past") -> DateSpan | None:
    """The date ``text`` names, read against the article date ``base``; ``None`` when it
    names no date (a duration, a frequency) or needs a ``base`` that is missing.

    ``tense`` ("past" or "future") of the verb the date belongs to decides which way an
    incomplete date points: "on Monday" is the Monday before the article in "met on
    Monday" and the one after it in "will meet on Monday".
    """
    words = _normalise(text)
    if not words:
        return None
    return _relative(words, base, tense) or _absolute(words, base, tense)


def _normalise(text: str) -> str:
    text = text.lower().replace("\u2013", "-").replace("\u2014", "-").replace(",", " ")
    text = _NOISE.sub(" ", text.replace("mid-", "mid "))
    return re.sub(r"\s+", " ", text).strip()


def _absolute(words: str, base: DateSpan | None, tense: str) -> DateSpan | None:
    if found := parse_iso(words):
        return found
    if m := re.fullmatch(_SEASON + r"\s+" + _YEAR.format("y"), words):
        return parse_iso(m["y"])  # a season: the year is as precise as it gets
    if m := re.fullmatch(_YEAR.format("y") + r"s", words):  # a decade: "the 1990s"
        return span(m["y"], str(int(m["y"]) + 9))
    if m := re.fullmatch(_YEAR.format("a") + _YEARS_JOIN + r"(?P<b>\d{2}|\d{4})", words):
        second = m["b"] if len(m["b"]) == 4 else m["a"][:2] + m["b"]
        return span(m["a"], second) if int(second) > int(m["a"]) else None
    parts = re.split(_JOIN, words)
    if len(parts) == 2:
        return _range(parts[0], parts[1], base, tense)
    if len(parts) == 1:
        return _single(words, base, tense)
    return None


def _range(first: str, second: str, base: DateSpan | None, tense: str) -> DateSpan | None:
    """"October-November 2018", "May and June", "3-5 March 2020": the first part borrows
    what it leaves out (year, month) from the second."""
    end = _single(second, base, tense)
    if end is None:
        return None
    year, _, rest = end.start.partition("-")
    if re.fullmatch(r"[0-3]?\d", first) and end.precision == "day":
        first = f"{first} {_MONTH_NAMES[int(rest[:2]) - 1]} {year}"
    elif not re.search(_YEAR.format("y"), first):
        first = f"{first} {year}"
    start = _single(first, base, tense)
    if start is None or len(start.start) != len(end.start) or start.first_day >= end.first_day:
        return None
    return span(start.start, end.end)


def _single(words: str, base: DateSpan | None, tense: str) -> DateSpan | None:
    patterns = (
        _DAY.format("d") + r"\s+" + _MONTH.format("m") + r"(?:\s+" + _YEAR.format("y") + ")?",
        _MONTH.format("m") + r"\s+" + _DAY.format("d") + r"(?:\s+" + _YEAR.format("y") + ")?",
        _MONTH.format("m") + r"(?:\s+" + _YEAR.format("y") + ")?",
        _YEAR.format("y"),
    )
    for pattern in patterns:
        if m := re.fullmatch(pattern, words):
            found = m.groupdict()
            month = MONTHS[found["m"]] if found.get("m") else None
            day = int(found["d"]) if found.get("d") else None
            return _place(int(found["y"]) if found.get("y") else None, month, day, base, tense)
    return None


def _place(year: int | None, month: int | None, day: int | None, base: DateSpan | None,
           tense: str) -> DateSpan | None:
    """The date, with the year taken from ``base`` when the text gives none."""
    if year is None:
        if base is None or month is None:
            return None
        year = base.first_day.year
        guess = _valid(year, month, day)
        if guess and tense != "future" and guess.first_day > base.last_day:
            year -= 1
        elif guess and tense == "future" and guess.last_day < base.first_day:
            year += 1
    return _valid(year, month, day)


def _valid(year: int, month: int | None, day: int | None) -> DateSpan | None:
    if month is not None and day is not None and day > calendar.monthrange(year, month)[1]:
        return None
    return parse_iso(iso(year, month, day))


def _relative(words: str, base: DateSpan | None, tense: str) -> DateSpan | None:
    """"last year", "earlier this month", "next week", "yesterday", "two years ago",
    "(last) Monday": counted from ``base``, never finer than it."""
    if base is None:
        return None
    words = re.sub(r"^(?:earlier|later)\s+", "", words)
    # Not "the past year" (a duration) nor "the previous year" (counted from another date).
    if m := re.fullmatch(r"(?:(last|this|next|coming)\s+)?(week|month|year)", words):
        if m[1] is None:
            return None  # "the year", "the month": which one is not said
        step = {"last": -1, "this": 0}.get(m[1], 1)
        return _shift(base, m[2], step)
    if m := re.fullmatch(r"(\d+|[a-z]+)\s+(day|week|month|year)s?\s+ago", words):
        count = int(m[1]) if m[1].isdigit() else _NUMBERS.get(m[1])
        return _shift(base, m[2], -count) if count is not None else None
    steps = {"today": 0, "yesterday": -1, "tomorrow": 1}
    if words in steps:
        return _shift(base, "day", steps[words])
    if m := re.fullmatch(r"(?:(last|this|next|coming)\s+)?(" + "|".join(WEEKDAYS) + ")", words):
        direction = "future" if m[1] in ("next", "coming") else "past" if m[1] else tense
        return _weekday(base, WEEKDAYS[m[2]], direction)
    return None


def _shift(base: DateSpan, unit: str, step: int) -> DateSpan | None:
    """The ``unit`` (day, week, month, year) ``step`` units from the article's date."""
    if unit == "year":
        return parse_iso(iso(base.first_day.year + step))
    if base.precision == "year":
        return None  # a month or day relative to an article dated only by its year
    if unit == "month":
        first = base.first_day
        index = first.year * 12 + first.month - 1 + step
        return parse_iso(iso(index // 12, index % 12 + 1))
    if base.precision != "day":
        return base if step in (0, -1, 1) and unit in ("week", "day") else None
    day = base.first_day
    if unit == "day":
        return parse_iso((day + dt.timedelta(days=step)).isoformat())
    monday = day - dt.timedelta(days=day.weekday()) + dt.timedelta(weeks=step)
    return span(monday.isoformat(), (monday + dt.timedelta(days=6)).isoformat())


def _weekday(base: DateSpan, weekday: int, direction: str) -> DateSpan | None:
    """The named weekday nearest the article's date, before it (past) or after it."""
    if base.precision == "year":
        return None
    if base.precision != "day":
        return base  # the article's month: the closest this can say
    day = base.first_day
    if direction == "future":
        ahead = (weekday - day.weekday() - 1) % 7 + 1
        return parse_iso((day + dt.timedelta(days=ahead)).isoformat())
    back = (day.weekday() - weekday - 1) % 7 + 1
    return parse_iso((day - dt.timedelta(days=back)).isoformat())


def label(date: DateSpan) -> str:
    """The span in words: "23 November 2019", "November 2019", "October–November 2018".

    >>> label(span("2021-07-05", "2021-07-11")), label(span("2018-10", "2019-01"))
    ('5–11 July 2021', 'October 2018–January 2019')
    """
    if date.precision != "range":
        return _words_of(date.start)
    first, last = date.start, date.end
    if len(first) == 10 and first[:7] == last[:7]:
        return f"{int(first[8:])}–{_words_of(last)}"
    if len(first) == 7 and first[:4] == last[:4]:
        return f"{_words_of(first)[:-5]}–{_words_of(last)}"
    return f"{_words_of(first)}–{_words_of(last)}"


def _words_of(text: str) -> str:
    parts = text.split("-")
    if len(parts) == 1:
        return text
    month = _MONTH_NAMES[int(parts[1]) - 1].capitalize()
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"
