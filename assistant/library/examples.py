"""Example questions drawn from the library: one per document, from its title and its names.

The chat offers a few questions a newcomer can click. They come from the documents
themselves, so a library about ports offers questions about ports. For each document the
candidates are, best first (each at most :data:`MAX_CHARS` characters, so the chat shows
it whole):

1. the name its sentences mention most (an organisation, law, event, building or product):
   "What is <name>?";
2. the person it quotes most: "What did <name> say?";
3. its title, shortened at a word if need be: "What is “<title>” about?".

The web chat asks the candidates in turn and offers the first one answered from that very
document (:class:`assistant.web.examples.Examples`). On the 40 articles of
``evals/library`` (``benchmarks/library_examples.py``), the name was answered from its own
article for 35, the person for 31, the title for all 40; the examples offered were 35
names and 5 persons.

>>> from assistant.text.nlp import Entity
>>> from assistant.text.annotate import Note
>>> notes = [Note((Entity("Port Authority", "ORG", 4, 18),), (), "Ana Ruiz", ())] * 2
>>> candidates("Harbour strike ends", notes)
['What is Port Authority?', 'What did Ana Ruiz say?', 'What is “Harbour strike ends” about?']
>>> short_title("Competition watchdog opens in-depth probe into Ferrow Air merger", 30)
'Competition watchdog opens…'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ..store import IndexData
from ..text.annotate import Note

MAX_CHARS = 60  # the chat's example list shows this many characters of a question
THINGS = ("ORG", "LAW", "EVENT", "FAC", "PRODUCT")


def top_name(notes: Sequence[Note], labels: Sequence[str] = THINGS) -> str:
    """The name of those ``labels`` that the sentences mention most ("" if none)."""
    counts = Counter(" ".join(e.text.split()) for n in notes for e in n.entities
                     if e.label in labels and len(e.text) > 2
                     and not e.text.lower().startswith("the "))
    return counts.most_common(1)[0][0] if counts else ""


def top_speaker(notes: Sequence[Note]) -> str:
    """The person quoted most (a name of two words or more: "Kim", alone, is ambiguous)."""
    counts = Counter(n.speaker for n in notes if len(n.speaker.split()) >= 2)
    return counts.most_common(1)[0][0] if counts else ""


def short_title(title: str, limit: int) -> str:
    """``title``, cut at a word and marked with an ellipsis if longer than ``limit``."""
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    cut = title[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,:;–-")
    return cut + "…"


def candidates(title: str, notes: Sequence[Note], limit: int = MAX_CHARS) -> list[str]:
    """Questions about one document, best first, none longer than ``limit``."""
    title = " ".join(title.split())
    name, speaker = top_name(notes), top_speaker(notes)
    found = [f"What is {name}?"] if name else []
    if speaker:
        found.append(f"What did {speaker} say?")
    room = limit - len("What is “” about?")
    found.append(f"What is “{short_title(title, room)}” about?")
    return [q for q in found if len(q) <= limit]


def document_candidates(data: IndexData, order: Sequence[str]) -> list[tuple[str, list[str]]]:
    """(document id, its candidates) for the ids in ``order`` that the index holds."""
    notes: dict[str, list[Note]] = {}
    for sentence, note in zip(data.sentences, data.notes, strict=True):
        notes.setdefault(sentence.doc_id, []).append(note)
    titles = {d.id: d.title for d in data.documents}
    return [(doc_id, candidates(titles[doc_id], notes.get(doc_id, [])))
            for doc_id in order if doc_id in titles]
