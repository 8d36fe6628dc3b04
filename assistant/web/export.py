"""Export: an answer as Markdown or JSON, named after its question and date, and the
answers a page may still ask for (copy, download, its sources again) by an unguessable token.

Each answer bubble in the chat carries its token; the page's script calls the server
functions of :mod:`.app` with it. Tokens are random (128 bits), so one visitor cannot
fetch another's answers, and only the most recent :data:`KEEP` answers are kept.

>>> download_name("When was GSOMIA signed?", dt.date(2026, 12, 5), ".md")
'when-was-gsomia-signed-2026-12-05.md'
>>> download_name("<script>?", dt.date(2026, 1, 2), ".json")
'script-2026-01-02.json'
>>> download_name("???", dt.date(2026, 1, 2), ".json")
'answer-2026-01-02.json'
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import threading
import unicodedata
from collections import OrderedDict
from typing import Any

from ..ingest import date_label
from ..qa import Answer
from .render import safe_url

KEEP = 500  # answers kept for their page's buttons, across every visitor
NAME_WORDS = 8
_WORD = re.compile(r"[a-z0-9]+")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,40}$")


def download_name(question: str, day: dt.date, suffix: str) -> str:
    """A file name from the question's first words and the date, safe on every system."""
    flat = unicodedata.normalize("NFKD", question).encode("ascii", "ignore").decode().lower()
    words = _WORD.findall(flat)[:NAME_WORDS]
    return f"{'-'.join(words) or 'answer'}-{day.isoformat()}{suffix}"


def source_line(citation: Any) -> str:
    """A citation's source in one line: title, author, outlet, date, paragraph, link."""
    meta = ", ".join(x for x in (citation.title, citation.author, citation.publisher,
                                 date_label(citation.date)) if x)
    where = f", paragraph {citation.paragraph}" if citation.kind != "document" else ""
    url = f" <{citation.url}>" if safe_url(citation.url) else ""
    return f"{meta}{where}.{url}"


def answer_markdown(answer: Answer) -> str:
    """The answer and its citations as a Markdown document (for copy and download).

    Each quote is a block quote under its source, never wrapped in quotation marks of our
    own, so a sentence that opens or closes with one shows it once.
    """
    lines = [f"# {answer.question}", "", answer.text, ""]
    if answer.abstained:
        lines += ["## Closest passages (not an answer)", ""]
        lines += [f"- {p.text}" for p in answer.passages]
    else:
        lines += ["## Sources", ""]
        for c in answer.citations:
            lines += [f"[{c.marker}] {source_line(c)}", "", f"> {' '.join(c.quote.split())}", ""]
    t = answer.timings_ms
    lines += ["", f"_Retrieval {t.get('retrieval_ms', 0):.1f} ms, "
                  f"answering {t.get('answer_ms', 0):.1f} ms._", ""]
    return "\n".join(lines)


def answer_json_text(answer: Answer) -> str:
    """The answer as ``assistant ask --json`` prints it."""
    return json.dumps(answer.to_json(), ensure_ascii=False, indent=2) + "\n"


KINDS = {"md": (".md", "text/markdown", answer_markdown),
         "json": (".json", "application/json", answer_json_text)}


class Answers:
    """The most recent answers by token, for the buttons and citation links of the page."""

    def __init__(self, keep: int = KEEP) -> None:
        self.keep = keep
        self._items: OrderedDict[str, tuple[Answer, dt.date]] = OrderedDict()
        self._lock = threading.Lock()  # two answers may be filed at once

    def add(self, answer: Answer, day: dt.date | None = None) -> str:
        token = secrets.token_urlsafe(16)
        with self._lock:
            self._items[token] = (answer, day or dt.date.today())
            while len(self._items) > self.keep:
                self._items.popitem(last=False)
        return token

    def get(self, token: object) -> tuple[Answer, dt.date] | None:
        if not isinstance(token, str) or not TOKEN.match(token):
            return None
        with self._lock:
            return self._items.get(token)

    def file(self, token: object, kind: object) -> dict[str, str] | None:
        """``{"name", "type", "text"}`` of an answer as Markdown or JSON; None if unknown."""
        found = self.get(token)
        if found is None or kind not in KINDS:
            return None
        answer, day = found
        suffix, mime, render = KINDS[str(kind)]
        return {"name": download_name(answer.question, day, suffix), "type": mime,
                "text": render(answer)}
