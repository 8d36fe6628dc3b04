"""Bylines and datelines: the printed "By Name, Role" and "CITY, 12 March 2025" lines of an
article, recognised by their shape, kept out of the body and read for the author and date.

>>> parse_byline("By Jane Roe, Health Correspondent | 12 March 2025")
Byline(author='Jane Roe', role='Health Correspondent', date='2025-03-12')
>>> parse_dateline("PORT CALDER, 12 March 2025"), parse_dateline("Published March 12, 2025")
(('Port Calder', '2025-03-12'), ('', '2025-03-12'))
>>> split_dateline("LONDON (Reuters) - Talks broke up on Monday.")
('LONDON (Reuters) -', 'Talks broke up on Monday.')
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..text.dates import resolve

_BY = re.compile(r"^(?:by|words by|written by|reporting by|story by)\s*:?\s+(?P<rest>.+)$",
                 re.IGNORECASE)
_SEPARATORS = re.compile(r"\s+[|\u00b7\u2022]\s+|\s+[\u2014\u2013-]\s+")
_HONORIFIC = r"(?:Dr|Prof|Professor|Mr|Mrs|Ms|Sir|Dame|Rev)\.?"
_PARTICLE = r"(?:de|van|von|der|den|da|del|di|du|la|le|bin|al|el|ter|ten)"
_NAME_WORD = r"(?:[A-Z][\w'.-]*\.?|[A-Z]\.)"
_NAME = re.compile(rf"(?:{_HONORIFIC}\s+)?{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|{_PARTICLE})){{0,4}}")
_NAMES = re.compile(rf"{_NAME.pattern}(?:\s*(?:,|and|&)\s*{_NAME.pattern})*")
_LEAD = re.compile(r"^(?:published|updated|posted|last updated|first published)(?:\s+on)?\s*:?\s*",
                   re.IGNORECASE)
_TIME = re.compile(r"[\s,]*(?:at\s+)?\d{1,2}[:.]\d{2}\s*(?:am|pm|a\.m\.|p\.m\.)?"
                   r"(?:\s*[A-Z]{2,4})?$", re.IGNORECASE)
_WEEKDAY = re.compile(r"^(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+", re.IGNORECASE)
_PREFIX = re.compile(
    r"^(?P<place>[A-Z][A-Z'.-]{2,}(?:\s+[A-Z][A-Z'.-]+){0,3})"
    r"(?:,\s*(?P<date>[A-Za-z0-9 ,.]{3,30}?))?\s*(?:\((?P<outlet>[^)]{2,40})\))?"
    r"\s*(?:[\u2014\u2013]|--?)\s+(?=[A-Z0-9\"'])")


@dataclass(frozen=True)
class Byline:
    """A printed byline: the author, their role and any date printed with it."""

    author: str
    role: str = ""
    date: str = ""


def name_like(text: str) -> bool:
    """Is this a person's name, or names joined by "and" ("Jo Roe", "Dr A. Lee and Bo Kim")?

    >>> name_like("Dana Okafor"), name_like("View all"), name_like("staff")
    (True, False, False)
    """
    text = text.strip()
    return bool(text) and len(text) <= 80 and bool(_NAMES.fullmatch(text)) \
        and all(w[:1].isupper() or re.fullmatch(_PARTICLE, w) or w in ("and", "&")
                for w in text.replace(",", " ").split()) and not _NOT_NAMES.search(text)


_NOT_NAMES = re.compile(r"\b(View|All|Posts?|More|Staff|Share|Follow|Read|Home|News)\b")


def _sentence_like(text: str) -> bool:
    return bool(re.search(r"[.!?\"')]$", text.strip())) and len(text.split()) >= 6


def printed_date(text: str) -> str:
    """The ISO date a short line prints ("Published 12 March 2025", "Mar 3, 2024, 9:15 am"),
    or "" when it is not just a date (a year or month alone is not enough here).

    >>> printed_date("Updated: 3 February 2024 at 09:15"), printed_date("In 2019 it ended.")
    ('2024-02-03', '')
    """
    text = _WEEKDAY.sub("", _TIME.sub("", _LEAD.sub("", text.strip())).strip(" ,.")).strip()
    if not text or len(text.split()) > 4 or not re.search(r"\b[12]\d{3}\b", text):
        return ""
    span = resolve(text, None)
    return span.start if span and span.precision == "day" else ""


def parse_byline(line: str) -> Byline | None:
    """A line that is only a byline: "By Name", "By Name, Role", "By Name | date"."""
    m = _BY.match(line.strip())
    if not m or len(line) > 160:
        return None
    parts = [p.strip() for p in _SEPARATORS.split(m["rest"]) if p.strip()]
    who, _, role = parts[0].partition(",")
    who = re.sub(r"\s+in\s+[A-Z][\w ]+$", "", who.strip().rstrip("*").strip())
    name = _NAMES.fullmatch(who)
    if not name or len(who) > 80:
        return None
    dates = [d for d in (printed_date(p) for p in parts[1:]) if d]
    extra = [p for p in parts[1:] if not printed_date(p)]
    role = ", ".join(x for x in (role.strip(), *extra) if x)
    if role and (len(role.split()) > 10 or _sentence_like(role)):
        return None
    return Byline(who, role, dates[0] if dates else "")


def parse_dateline(line: str) -> tuple[str, str] | None:
    """(place, ISO date) of a line that is only a dateline: "HARWICK, 3 May 2024",
    "Published 3 May 2024", "3 May 2024"."""
    text = line.strip()
    if len(text) > 80:
        return None
    place, sep, rest = text.partition(",")
    if sep and re.fullmatch(r"[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,3}", place.strip()) \
            and (date := printed_date(rest)):
        return _place_name(place.strip()), date
    return ("", date) if (date := printed_date(text)) else None


def _place_name(place: str) -> str:
    return place.title() if place.isupper() else place


def split_dateline(paragraph: str) -> tuple[str, str]:
    """(dateline, rest) when a paragraph opens with "CITY -" or "CITY, date (Outlet) -";
    ("", paragraph) otherwise."""
    m = _PREFIX.match(paragraph)
    if not m or (m["date"] and not re.search(r"\d", m["date"])):
        return "", paragraph
    return paragraph[:m.end()].strip(), paragraph[m.end():]


@dataclass(frozen=True)
class Front:
    """What an article's front matter printed: its byline and date, and the lines taken."""

    byline: str = ""
    author: str = ""
    role: str = ""
    date: str = ""
    lines: tuple[str, ...] = ()


def read_front(lines: Sequence[str]) -> Front:
    """The byline and date among front-matter lines (headline, standfirst, byline, dateline
    and role lines, in any order); a role printed on the line under the byline joins it.

    >>> f = read_front(["A Headline", "By Jo Roe", "Science Editor", "Published 3 May 2024"])
    >>> f.byline, f.author, f.role, f.date
    ('By Jo Roe, Science Editor', 'Jo Roe', 'Science Editor', '2024-05-03')
    """
    byline, found, date = "", None, ""
    for i, line in enumerate(lines):
        if found is None and (b := parse_byline(line)):
            byline, found, date = line.strip(), b, date or b.date
            after = lines[i + 1].strip() if i + 1 < len(lines) else ""
            if not b.role and _role_like(after) and not parse_dateline(after):
                found, byline = Byline(b.author, after, b.date), f"{byline}, {after}"
        elif not date and (d := parse_dateline(line)):
            date = d[1]
    if found is None:
        return Front(date=date, lines=tuple(lines))
    return Front(byline, found.author, found.role, date, tuple(lines))


def take_front(paragraphs: Sequence[str], limit: int = 5) -> tuple[Front, list[str]]:
    """Split printed front matter off the opening paragraphs of a body.

    Among the first ``limit`` paragraphs, the last that is a byline or a dateline (with a
    short role line right after a byline) ends the front matter; everything up to it
    (headline and standfirst included) leaves the body. A dateline opening the first body
    paragraph ("CITY -") leaves it too. Without a byline or dateline nothing is taken.

    >>> front, body = take_front(["A Title", "By Jo Roe", "Reporter", "It began. It ended well."])
    >>> front.author, body
    ('Jo Roe', ['It began. It ended well.'])
    """
    paragraphs = list(paragraphs)
    end = -1
    for i, p in enumerate(paragraphs[:limit]):
        role = end == i - 1 and end >= 0 and parse_byline(paragraphs[end]) and _role_like(p)
        if parse_byline(p) or parse_dateline(p) or role:
            end = i
    front_lines, body = paragraphs[:end + 1], paragraphs[end + 1:]
    if body:
        prefix, rest = split_dateline(body[0])
        if prefix and rest.strip():
            front_lines, body = [*front_lines, prefix], [rest.strip(), *body[1:]]
    if end < 0 and len(front_lines) == 0:
        return Front(), paragraphs
    return read_front(front_lines), body


def _role_like(text: str) -> bool:
    """A short title-case line with no sentence punctuation ("Science Correspondent")."""
    words = text.split()
    return 0 < len(words) <= 8 and not re.search(r"[.!?;:]$", text) and text[:1].isupper() \
        and sum(w[:1].isupper() for w in words) >= len(words) / 2
