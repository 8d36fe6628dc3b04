"""Acronyms: find what an abbreviation stands for, in the text or by initials.

An article usually spells a name out once ("the Trilateral Information Sharing Agreement
(TISA)") and abbreviates it later; a reader may use either. Both forms are then searched.

>>> defined("Both are part of the Trilateral Information Sharing Agreement (TISA) with the US.")
{'TISA': 'Trilateral Information Sharing Agreement'}
>>> initials("Korea Economic Institute of America")
'KEIA'
>>> expand("KEI", ["The Korea Economic Institute of America's blog"])
['Korea Economic Institute']
"""

from __future__ import annotations

import re
from collections.abc import Iterable

SMALL = frozenset({"of", "for", "and", "the", "on", "in", "de", "&", "to", "at"})
_ABBR = r"[A-Z][A-Z&.]{1,9}"
_WORD = re.compile(r"[A-Z][\w'\u2019-]*|[a-z&]+")
_DEFINED = re.compile(rf"(?P<long>(?:[A-Z][\w'\u2019-]*[ -](?:(?:of|for|and|the|on|in|to|"
                      rf"at|&) )?){{1,9}}[A-Z][\w'\u2019-]*) \((?P<abbr>{_ABBR})s?\)")
_RUN = re.compile(r"[A-Z][\w'\u2019-]*(?:[ -](?:(?:of|for|and|the|on|in|to|at|&) )?"
                  r"[A-Z][\w'\u2019-]*)*")


def initials(phrase: str, small: bool = False) -> str:
    """Upper-case first letters of the capitalised words; with ``small``, of "of", "for" too."""
    words = re.split(r"[\s-]+", re.sub(r"['\u2019]s\b", "", phrase))
    return "".join(w[0].upper() for w in words
                   if w and (w[0].isupper() or (small and w.lower() in SMALL - {"the", "&"})))


def _fits(phrase: str, abbr: str) -> bool:
    target = abbr.replace(".", "").upper()
    return target in (initials(phrase), initials(phrase, small=True))


def defined(text: str) -> dict[str, str]:
    """Abbreviations defined in ``text`` as "Long Name (LN)", checked by initials."""
    out: dict[str, str] = {}
    for match in _DEFINED.finditer(text):
        abbr = match.group("abbr").replace(".", "")
        words = match.group("long").split()
        for start in range(len(words)):  # the longest tail whose initials fit
            tail = " ".join(words[start:])
            if words[start].lower() not in SMALL and _fits(tail, abbr):
                out.setdefault(abbr, tail)
                break
    return out


def runs(texts: Iterable[str]) -> list[str]:
    """Runs of capitalised words ("Korea Economic Institute of America"), deduplicated."""
    seen: dict[str, None] = {}
    for text in texts:
        for match in _RUN.finditer(text):
            run = re.sub(r"['\u2019]s$", "", match.group(0))
            if " " in run or "-" in run:
                seen.setdefault(run)
    return list(seen)


def expand(abbr: str, texts: Iterable[str]) -> list[str]:
    """Every span of capitalised words in ``texts`` whose initials are ``abbr``.

    Only for abbreviations of three letters or more: two letters fit far too many spans.
    """
    target = abbr.replace(".", "").upper()
    if len(target) < 3:
        return []
    found: dict[str, None] = {}
    for run in runs(texts):
        words = run.replace("-", " ").split()
        for i in range(len(words)):
            for j in range(i + 1, len(words) + 1):
                span = words[i:j]
                if (span[0].lower() in SMALL or span[-1].lower() in SMALL
                        or len(span) < 2):
                    continue
                if _fits(" ".join(span), target):
                    found.setdefault(" ".join(span))
    return list(found)
