"""Question analysis: read a question once, into a ``Question`` record the later steps use.

Retrieval and answering take the record and never re-read the text: the query in
the context of the conversation, its terms and their weights, the names and numbers
it gives, and the kind of answer it expects are all worked out here.

>>> q = analyse("Why did Seoul want to end it?", ["When was GSOMIA signed?"])
>>> q.query
'When was GSOMIA signed? Why did Seoul want to end it?'
>>> q.follow_up, q.asks_reason, q.named
(True, True, ('gsomia', 'seoul'))
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from ..config import MAX_QUESTION_CHARS
from ..errors import QuestionError
from ..ingest import normalize_characters
from ..text import nlp, term_weights, tokenize
from ..text.lexicon import STANCE_WORDS
from ..text.nlp import Parsed
from .answer_types import asks_reason, expected_type
from .corpus import Corpus
from .documents import echoes, named_document
from .intents import Reading, classify
from .mentions import Mention, find

# Words that point back at an earlier turn ("it", "they", "that deal").
_ANAPHORA = re.compile(
    r"\b(it|its|they|them|their|theirs|this|that|these|those|he|she|him|her|his|there|then|"
    r"in response|in return|instead|afterwards|after that|before that|as a result|the same)\b",
    re.IGNORECASE,
)
# "the <noun>" points back when the turn before used that noun ("the decision").
_DEFINITE = re.compile(r"\bthe ([a-z][\w-]+)", re.IGNORECASE)
_CONNECTIVE = re.compile(r"^\s*(and|but|so|also|what about|how about|what else)\b", re.I)
_NAME = re.compile(r"(?<!^)(?<![.?!] )\b[A-Z][\w-]+")
# Markup in a question is ignored, not read as words ("<b>When</b>" asks "When").
_TAG = re.compile(r"</?[A-Za-z][^<>]{0,200}>")
# A name or number in a question (any capitalised word but the first, or digits). Dots
# stay inside the match so that "U.S." reaches the tokenizer whole, as "usa".
_NAMED = re.compile(r"(?<=\s)[A-Z][\w.-]*|\b\d+\b")


@dataclass(frozen=True)
class Previous:
    """What the answer to the turn before gave: the names it answered with (its short
    answer, the people it quoted) and the rows of the sentences it cited."""

    names: tuple[str, ...] = ()
    rows: tuple[int, ...] = ()


@dataclass(frozen=True)
class Question:
    """One question, analysed once; retrieval and answering read only this record.

    ``text`` is the validated question; ``query`` is what retrieval searches for (the
    question, prefixed by the turn(s) it leans on when it is a follow-up).
    """

    text: str  # markup removed: what is analysed
    query: str
    history: tuple[str, ...]
    follow_up: bool
    tokens: tuple[str, ...]  # the query's BM25 terms, with those of linked names
    weights: Mapping[str, float]  # the question's terms and their rarity
    query_weights: Mapping[str, float]  # the same for the query in context
    named: tuple[str, ...]  # terms of the names and numbers the query gives
    answer_type: str  # see answer_types.expected_type
    asks_reason: bool
    intent: str = "factoid"  # see intents.INTENTS
    aspect: str = ""  # of a document question: author, publisher, date, title, summary ...
    answer_types: tuple[str, ...] = ()  # entity labels that answer it, most likely first
    kind: str = ""  # "duration", "magnitude", "expansion", "yesno" or ""
    wh: str = ""  # the question word: who, what, which, where, when, how, why, ...
    focus: str = ""  # head noun of "which court", or the term a definition asks about
    speaker: str = ""  # whose view a stance question asks for ("author" for the writer's)
    mentions: tuple[Mention, ...] = ()
    relation: str = ""  # of a comparison: "after" (what happened next), "order" or ""
    predicate: tuple[str, ...] = ()  # terms of the main verb ("sign" in "when was it signed")
    document: str = ""  # id of the document the question names
    echo: str = ""  # id of the document whose title the question restates
    context_rows: tuple[int, ...] = ()  # sentences the answer to the turn before cited
    expansion: str = ""  # other names of the question's names, for retrieval
    parsed: Parsed | None = field(default=None, repr=False, compare=False)
    asked: str = ""  # the question as asked (validated, markup kept), shown back

    @property
    def in_context(self) -> bool:
        """Was the question widened by an earlier turn?"""
        return self.query != self.text

    @property
    def cue(self) -> str:
        """What a sentence must give to answer the intent ("cause", "purpose", ...)."""
        if self.kind == "purpose":
            return "purpose"
        return {"cause": "cause", "consequence": "condition", "stance": "speech"}.get(
            self.intent, "")

    @property
    def unknown(self) -> tuple[str, ...]:
        """Names the question gives that the sources never mention."""
        return tuple(m.text for m in self.mentions if not m.known)


def validate_question(question: Any) -> str:
    """The question, cleaned of invisible characters, or a clear error."""
    if not isinstance(question, str):
        raise QuestionError("The question must be text.", fix="Pass a string.")
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"The question is {len(question):,} characters long; the limit is "
            f"{MAX_QUESTION_CHARS:,}.",
            fix="Shorten it to the essential question.",
        )
    cleaned = " ".join(normalize_characters(question).split())
    if not " ".join(_TAG.sub(" ", cleaned).split()):
        raise QuestionError("The question is empty.",
                            fix='Type a question, e.g. "Who wrote this article?".')
    return cleaned


# "When did it expire, and when was it renewed?": a second question joined by "and".
_COMPOUND = re.compile(r",?\s+and\s+(?=(?:what|when|where|who|whom|whose|why|how|which|did|does|"
                       r"do|is|was|are|were|has|have|had|can|could|will|would)\b)", re.I)


def split_compound(question: str) -> list[str]:
    """The questions a compound question joins with "and" (a wh-word or an auxiliary
    after it), each standing alone; one question is returned as it is.

    >>> split_compound("When did it expire, and how long has it survived?")
    ['When did it expire?', 'how long has it survived?']
    >>> split_compound("What did Japan and Korea agree?")
    ['What did Japan and Korea agree?']
    """
    parts = [p.strip(" ,;") for p in _COMPOUND.split(question) if p.strip(" ,;")]
    if len(parts) < 2 or any(len(p.split()) < 3 for p in parts):
        return [question]
    return [p if p.endswith("?") else f"{p}?" for p in parts]


_ELLIPTIC = re.compile(r"^\s*(?:and|but|so|also|what about|how about|and what about|and how "
                       r"about)\s+(?P<np>[^?]+?)\s*\??\s*$", re.I)


def substitute(question: str, before: str, corpus: Corpus | None = None) -> str:
    """An elliptic follow-up that only names something else ("And Glosserman?", "What
    about Tokyo?") asks the turn before again, about that: "What did Klingner recommend?"
    then becomes "What did Glosserman recommend?". Anything else is returned unchanged.
    """
    match = _ELLIPTIC.match(question)
    if not match:
        return question
    phrase = match.group("np").strip()
    if any(t.pos in ("VERB", "AUX") for t in nlp.parse(phrase).tokens):
        return question  # "and the appeal being denied?" says more than a name
    names = [m.text for m in find(nlp.parse(before), corpus) if m.known or m.text[:1].isupper()]
    if not names:
        return question
    return re.sub(re.escape(names[0]), phrase, before, count=1, flags=re.I)


def unmarked(question: str) -> str:
    """The question with markup removed ("<b>When</b> was it?" asks "When was it?").

    >>> unmarked("<b>When</b> was <i>it</i> signed?")
    'When was it signed?'
    """
    return " ".join(_TAG.sub(" ", question).split())


def is_follow_up(question: str, before: str = "") -> bool:
    """Does the question lean on an earlier turn (a pronoun, a short elliptic form, or
    "the <noun>" of a noun the turn ``before`` used)?

    >>> is_follow_up("What did Japan do about it?"), is_follow_up("When was GSOMIA signed?")
    (True, False)
    >>> is_follow_up("And the US?"), is_follow_up("Why?"), is_follow_up("Who is Kim In-chul?")
    (True, True, False)
    >>> is_follow_up("Who opposed the decision?", "What did the board decide in May?")
    True
    """
    if _ANAPHORA.search(question) or _CONNECTIVE.match(question):
        return True
    earlier = set(tokenize(before))
    if any(set(tokenize(m.group(1))) & earlier for m in _DEFINITE.finditer(question)):
        return True
    return len(tokenize(question)) <= 2 and not _NAME.search(question.strip())


def contextualize(question: str, history: Sequence[str]) -> str:
    """The retrieval query: a follow-up is prefixed with the turn(s) it leans on.

    ``history`` holds the earlier questions of the conversation, oldest first.

    >>> contextualize("Why did Seoul want to end it?", ["When was GSOMIA signed?"])
    'When was GSOMIA signed? Why did Seoul want to end it?'
    >>> contextualize("When was GSOMIA signed?", ["Who is Kim?"])
    'When was GSOMIA signed?'
    """
    if not history or not is_follow_up(question, history[-1]):
        return question
    context = [history[-1]]
    if len(history) >= 2 and is_follow_up(history[-1]):
        context.insert(0, history[-2])
    return " ".join([*context, question])


def named_terms(question: str) -> list[str]:
    """The terms of the names and numbers a question gives (its first word aside).

    >>> named_terms("Did the U.S. ask Tokyo in 2019?")
    ['usa', 'tokyo', '2019']
    """
    # One letter is never a name: "U. S." or "D.C." would read as unknown names "u", "s".
    return [t for m in _NAMED.finditer(question) for t in tokenize(m.group(0)) if len(t) > 1]


def context_query(text: str, earlier: Sequence[str], previous: Previous | None = None) -> str:
    """The retrieval query of a question: a follow-up is read with the turn(s) before it
    and with the names the answer before it gave ("Where does he teach?" after "Who wrote
    it?" is searched with the author's name)."""
    query = contextualize(text, earlier)
    if query != text and previous is not None and previous.names:
        query = f"{query} {' '.join(previous.names)}"
    return query


def analyse(question: Any, history: Sequence[Any] = (), corpus: Corpus | None = None,
            previous: Previous | None = None,
            parse: Callable[[str], nlp.Parsed] = nlp.parse) -> Question:
    """Validate ``question`` (and the earlier questions) and analyse it in their context.

    With a ``corpus`` (the loaded sources), misspelt words are read as the sources' words,
    names are linked to the sources' names and the document a question names is found;
    without one, only the wording is read.
    ``previous`` is what the answer to the turn before gave, for follow-ups. ``parse``
    parses the question (the ``Assistant`` passes one that batches concurrent questions).
    """
    asked = validate_question(question)
    spell = corpus.respelled if corpus is not None else str
    text = spell(unmarked(asked))
    earlier = tuple(spell(unmarked(validate_question(h))) for h in history
                    if not isinstance(h, str) or h.strip())
    query = context_query(text, earlier, previous)
    parsed = parse(text)
    reading = classify(parsed)
    if query != text:
        reading = _inherit(reading, text, earlier[-1])
    mentions = find(parsed, corpus) if query == text else find(nlp.parse(query), corpus)
    expansion = " ".join(f for m in mentions for f in m.forms)
    if corpus is not None:  # words of like meaning that the sources use ("pact": "agreement")
        nouns = [t.text for t in parsed.tokens if t.pos == "NOUN"]
        expansion = " ".join([expansion, *corpus.neighbours(nouns)]).strip()
    documents = corpus.documents if corpus is not None else ()
    return Question(
        text=text, query=query, history=earlier, follow_up=query != text,
        tokens=tuple(tokenize(f"{query} {expansion}")), weights=term_weights(text),
        query_weights=term_weights(query), named=tuple(named_terms(query)),
        answer_type=expected_type(text), asks_reason=asks_reason(text), intent=reading.intent,
        aspect=reading.aspect, answer_types=reading.answer_types, kind=reading.kind,
        focus=reading.focus, speaker=stance_speaker(parsed, mentions), mentions=mentions,
        relation=reading.relation, wh=reading.wh, predicate=predicate_terms(parsed),
        document=named_document(query, documents), expansion=expansion, parsed=parsed,
        echo=next((d.id for d in documents if echoes(term_weights(text), d.title)), ""),
        context_rows=previous.rows if previous is not None and query != text else (),
        asked=asked)


_PERSON = re.compile(r"\b(he|she|him|her|his|hers)\b", re.I)
_ABOUT_IT = re.compile(r"^\s*(and |so |ok,? )?what('s| is| was| does) (it|this|that)"
                       r"( one)?( \w+)? (about|cover|discuss|argue)\b", re.I)


@lru_cache(maxsize=256)
def _reading_of(before: str) -> Reading:
    """The reading of an earlier turn (parsed once, though several rules may ask)."""
    return classify(nlp.parse(before))


def _inherit(reading: Reading, text: str, before: str) -> Reading:
    """An elliptic follow-up ("And Tokyo?") asks what the turn before asked; "what's it
    about?" after a question about an article asks what that article is about."""
    if _ABOUT_IT.match(text) and _reading_of(before).intent == "document":
        return Reading("document", "about", (), "", reading.focus, reading.wh)
    if (_PERSON.search(text) and reading.intent != "document"
            and _reading_of(before).aspect == "author"):  # "he" is the author: his bio answers
        return replace(reading, aspect="author")
    if reading.intent != "factoid" or reading.answer_types:
        return reading
    earlier = _reading_of(before)
    return Reading(earlier.intent, earlier.aspect, earlier.answer_types, earlier.kind,
                   reading.focus or earlier.focus, reading.wh or earlier.wh, earlier.relation)


_LIGHT = frozenset({"be", "do", "have", "say", "make", "get", "go", "happen", "take", "give",
                    "come", "think", "mean", "know", "let", "want", "see", "tell"})


def predicate_terms(parsed: Parsed) -> tuple[str, ...]:
    """The terms of the question's main verb, unless it is a light verb ("be", "do")."""
    root = parsed.root()
    if root is None or root.pos != "VERB" or root.lemma.lower() in _LIGHT:
        return ()
    return tuple(dict.fromkeys(tokenize(root.lemma) + tokenize(root.text)))


def stance_speaker(parsed: Parsed, mentions: Sequence[Mention]) -> str:
    """Whose view the question asks for: "according to X", "X's view", "what does X say".

    "the author" or "the writer" is returned as "author". Returns "" when the question
    names no one (or only people in general: "experts", "officials").
    """
    low = parsed.text.lower()
    if re.search(r"\b(the|this|that) (author|writer)\b|\bauthor's\b|\bwriter's\b", low):
        return "author"
    for token in parsed.tokens:
        if token.dep in ("nsubj", "poss", "pobj") and token.pos in ("PROPN", "NOUN"):
            head = parsed.tokens[token.head]
            stance = head.lemma.lower() in STANCE_WORDS or (
                token.dep == "pobj" and parsed.tokens[head.head].lemma.lower() == "accord")
            if stance:
                name = _mention_at(token.text, mentions)
                if name:
                    return name
    return ""


def _mention_at(word: str, mentions: Sequence[Mention]) -> str:
    low = word.lower()
    return next((m.text for m in mentions if low in m.text.lower().split()), "")
