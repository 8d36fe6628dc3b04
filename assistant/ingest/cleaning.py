"""Cleaning: turn raw extracted text into whole paragraphs, free of page furniture.

Part of the ``sources`` stage, kept apart because every function here is pure and
tested on its own. The usual order is :func:`clean_text`:

>>> raw = "A title split over\\n\\ntwo lines\\n The first para- \\n\\ngraph wraps \\n\\nhere.\\n"
>>> clean_text(raw)
('A title split over two lines', ['The first paragraph wraps here.'])
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# Web-page furniture seen on article sites; sources.toml adds per-file patterns.
DEFAULT_FURNITURE: tuple[str, ...] = (
    r"^ISSN[ :]+\d{4}-\d{3}[\dXx]$",
    r"^Click here to have .{0,80}newsletter",
    r"^Leave a (Reply|Comment)\b",
    r"^Your email address will not be published",
    r"^This site uses Akismet to reduce spam",
    r"^(Share|Like) this( article| story| post| page)?:?$",
    r"^Required fields are marked",
    r"^Subscribe to our newsletter",
    r"^(Read|See) (more|also)( here)?\s*[:|\u2013\u2014-]",  # a teaser linking elsewhere
)
# A line that ends the story in newsroom and press-release convention; what follows is
# boilerplate ("About the company", media contacts).
END_MARKER = re.compile(r"^\s*(#{3}|-\s*30\s*-|-*\s*ends?\s*-*|\*{3})\s*$", re.IGNORECASE)
# Headings of a list of other stories: the short, unpunctuated lines under one (headlines,
# links) go with it, up to the next sentence.
LIST_HEADINGS: tuple[str, ...] = (
    r"^Related( Posts| Articles| Stories| Reading| Coverage)?:?$",
    r"^(Read|See) (more|also):?$",
    r"^(More (from|on|in) .{1,40}|You (may|might) also like|Most (read|popular)|"
    r"Recommended( for you)?|Further reading):?$",
)
_LIST_HEADINGS = [re.compile(p, re.IGNORECASE) for p in LIST_HEADINGS]
_LIST_ITEM_WORDS = 16

_QUOTES = str.maketrans(
    {
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u2033": '"',
    }
)
# Zero-width and control characters (except newline and tab) carry no text.
_INVISIBLE = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200d\u2060\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_TERMINAL = re.compile(r"[.!?:;\"')\]\u201d\u2019*]$")
# A line ending in a function word cannot end a title or a sentence.
_DANGLING = re.compile(
    r"\b(a|an|the|of|over|amid|and|or|in|on|at|to|for|with|by|from|as|after|before|between)$",
    re.IGNORECASE,
)
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def normalize_characters(text: str) -> str:
    """Unify newlines, quotes and odd spaces; drop invisible characters.

    >>> normalize_characters("\\u201cIt\\u2019s\\u00a0here\\u201d\\r\\n")
    '"It\\'s here"\\n'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n").replace("\x85", "\n")
    text = _SURROGATES.sub("", _INVISIBLE.sub("", text))
    return text.translate(_QUOTES).replace("\u00a0", " ")


def collapse_spaces(text: str) -> str:
    """Collapse runs of spaces (including odd Unicode ones) to one and strip the ends.

    >>> collapse_spaces("  two\\u00a0  words ")
    'two words'
    """
    return _SPACES.sub(" ", text).strip()


def _uses_trailing_space_wraps(lines: Sequence[str]) -> bool:
    """PDF extractions often mark a soft wrap with a trailing space: trust it only then."""
    filled = [line for line in lines if line.strip()]
    wrapped = sum(1 for line in filled if line.endswith(" "))
    return len(filled) >= 4 and wrapped >= 0.3 * len(filled)


def _paragraph_per_line(lines: Sequence[str]) -> bool:
    """A web page saved as text puts one paragraph on each line: its lines are far longer
    than the 60-100 characters of a hard-wrapped (PDF or e-mail) text.

    >>> _paragraph_per_line(["Title", "x" * 200, "y" * 300, "By Me"])
    True
    >>> _paragraph_per_line(["A wrapped line of a PDF", "goes on here", "and ends."])
    False
    """
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    return len(lengths) >= 3 and lengths[len(lengths) // 2] > 150


def _continues(prev: str, line: str, blank_between: bool, space_wraps: bool) -> bool:
    """Does ``line`` continue the paragraph that ``prev`` (a raw line) belongs to?"""
    if line[:1].isspace():
        return False  # an indented line opens a paragraph
    if not blank_between:
        return True
    tail, head = prev.rstrip(), line.lstrip()
    if re.search(r"[^\W\d_]-$", tail) and head[:1].islower():
        return True
    if space_wraps and prev.endswith(" "):
        return True
    return not _TERMINAL.search(tail) and head[:1].islower()


def join_wrapped(first: str, second: str) -> str:
    """Join two wrapped pieces, rejoining a word hyphenated across the break: the hyphen
    goes when the joined word is an English word, and stays in a compound.

    >>> join_wrapped("inter-", "national"), join_wrapped("South-", "Korean"), join_wrapped("a", "b")
    ('international', 'South-Korean', 'a b')
    >>> join_wrapped("a long-", "term plan"), join_wrapped("colo-", "nies")
    ('a long-term plan', 'colonies')
    """
    first, second = first.rstrip(), second.lstrip()
    if re.search(r"[^\W\d_]-$", first) and second[:1].isalpha():
        if not second[:1].islower():
            return first + second
        head = re.search(r"[^\W\d_]+-$", first)
        tail = re.match(r"[^\W\d_]+", second)
        if head and tail and _is_compound(head[0][:-1], tail[0]):
            return first + second
        return first[:-1] + second
    return f"{first} {second}" if first and second else first + second


def _is_compound(head: str, tail: str) -> bool:
    """Is "head-tail" a hyphenated compound rather than one word broken at a line end?
    Both halves are words, and the joined form is rarer in English than either half
    (wordfreq's Zipf scale: "longterm" is rare, "colonies" common)."""
    from wordfreq import zipf_frequency

    joined = zipf_frequency((head + tail).lower(), "en")
    if joined >= 3.0:
        return False
    return min(zipf_frequency(head.lower(), "en"), zipf_frequency(tail.lower(), "en")) >= 2.5


def unwrap_lines(text: str) -> list[str]:
    """Rebuild paragraphs from hard-wrapped lines, one string per paragraph.

    >>> unwrap_lines("One para\\nwrapped.\\n\\nTwo.")
    ['One para wrapped.', 'Two.']
    """
    lines = text.split("\n")
    if _paragraph_per_line(lines):
        return [collapse_spaces(line) for line in lines if collapse_spaces(line)]
    space_wraps = _uses_trailing_space_wraps(lines)
    paragraphs: list[str] = []
    prev, blank_between = "", False
    for line in lines:
        if not line.strip():
            blank_between = True
            continue
        if paragraphs and _continues(prev, line, blank_between, space_wraps):
            paragraphs[-1] = join_wrapped(paragraphs[-1], line)
        else:
            paragraphs.append(line.strip())
        prev, blank_between = line, False
    return [collapse_spaces(p) for p in paragraphs if collapse_spaces(p)]


def join_split_title(paragraphs: Sequence[str]) -> list[str]:
    """Join a title broken over two short lines (the first ends mid-phrase).

    >>> join_split_title(["Pact Survives Amid Disputes over", "Trade Issues", "Body text."])
    ['Pact Survives Amid Disputes over Trade Issues', 'Body text.']
    """
    out = list(paragraphs)
    short = len(out) >= 3 and all(len(p) < 100 and not _TERMINAL.search(p) for p in out[:2])
    if short and (_DANGLING.search(out[0]) or out[1][:1].islower()):
        out[:2] = [f"{out[0]} {out[1]}"]
    return out


def compile_patterns(patterns: Iterable[str]) -> list[re.Pattern[str]]:
    """Compile furniture patterns, case-insensitively."""
    return [re.compile(p, re.IGNORECASE) for p in patterns]


def drop_furniture(paragraphs: Sequence[str], patterns: Sequence[re.Pattern[str]]) -> list[str]:
    """Drop every paragraph that a furniture pattern matches (``re.search``).

    A list heading (:data:`LIST_HEADINGS`) takes the list under it along ("Related
    articles" and the headlines that follow, up to the next sentence).

    >>> drop_furniture(["ISSN 2330-717X", "Body."], compile_patterns(DEFAULT_FURNITURE))
    ['Body.']
    >>> drop_furniture(["It rained.", "Related articles", "Storm names change", "Dams fill up"],
    ...                compile_patterns(DEFAULT_FURNITURE))
    ['It rained.']
    """
    out: list[str] = []
    in_list = False
    for p in paragraphs:
        if END_MARKER.match(p) and out:
            break
        if any(rx.search(p) for rx in _LIST_HEADINGS):
            in_list = True
            continue
        if any(rx.search(p) for rx in patterns):
            continue
        if in_list and len(p.split()) <= _LIST_ITEM_WORDS and not _TERMINAL.search(p):
            continue
        in_list = False
        out.append(p)
    return out


def split_heading(paragraphs: Sequence[str]) -> tuple[str, list[str]]:
    """Take a leading headline (short, no closing full stop) off the body.

    A headline is kept out of the body so that it is never quoted as an answer.

    >>> split_heading(["Why Did It End? - Analysis", "It ended in 2019."])
    ('Why Did It End? - Analysis', ['It ended in 2019.'])
    """
    if len(paragraphs) >= 2:
        first = paragraphs[0]
        if len(first) <= 200 and not re.search(r"[.!:;\"']$", first) and "." not in first[:-1]:
            return first, list(paragraphs[1:])
    return "", list(paragraphs)


def clean_text(raw: str, furniture: Iterable[str] = DEFAULT_FURNITURE) -> tuple[str, list[str]]:
    """Raw extracted text to ``(heading, paragraphs)``, furniture removed."""
    paragraphs = unwrap_lines(normalize_characters(raw))
    paragraphs = drop_furniture(paragraphs, compile_patterns(furniture))
    return split_heading(join_split_title(paragraphs))
