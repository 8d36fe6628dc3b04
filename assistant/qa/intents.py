"""Intents: what kind of question this is, and what kind of answer it expects.

Read from the question's wording and its spaCy parse, in order of precedence: a question
about a document (its author, outlet, date, title, gist), a comparison or sequence across
dates, a consequence or condition, a cause, a stance, a definition, a yes/no question on
status, and otherwise a typed factoid (who, which court, where, when, how many).

>>> from assistant.text import nlp
>>> classify(nlp.parse("Why did Seoul end the pact?")).intent      # doctest: +SKIP
'cause'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text.lexicon import STANCE_WORDS, entity_labels_for
from ..text.nlp import Parsed, Token

INTENTS = ("factoid", "definition", "cause", "consequence", "stance", "status", "comparison",
           "document")
PERSONISH = ("PERSON", "ORG", "NORP", "GPE")
PLACE = ("GPE", "LOC", "FAC", "ORG")
TIME = ("DATE", "TIME")
COUNT = ("CARDINAL", "QUANTITY", "MONEY", "PERCENT")
MAGNITUDE_LABELS = ("MONEY", "PERCENT", "QUANTITY", "CARDINAL", "DATE")  # "how much notice"
MONEY_FIRST = ("MONEY", "CARDINAL")
# "How much" asks for money when it speaks of paying or costing (English, not any article's).
_MONEY = re.compile(r"\b(pa(y|id|ys|ying)|cost\w*|worth|spen[dt]\w*|charg\w*|compensat\w*|"
                    r"price\w*|fees?|fined?|revenue|money|dollars?|euros?|pounds?|salar\w*|"
                    r"earn\w*|budget\w*|funding|invest\w*|bill)\b")
# Units a count of "how many <unit>" is measured in: time spans, and measures.
_TIME_UNITS = frozenset({"second", "minute", "hour", "day", "week", "month", "year", "decade",
                         "century"})
_MEASURES = frozenset({"metre", "meter", "kilometre", "kilometer", "mile", "foot", "feet",
                       "inch", "yard", "tonne", "ton", "kilogram", "kilo", "pound", "litre",
                       "liter", "gallon", "barrel", "acre", "hectare", "degree", "knot"})

_DOC_NOUN = (r"(article|piece|post|blog ?post|analysis|essay|op-?ed|column|commentary|"
             r"story|write-?up|paper)")
_DOC_ASPECTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("summary", re.compile(r"\b(summar\w*|tl;? ?dr|gist|nutshell|key points|main points|"
                           r"recap|overview)\b")),
    ("argument", re.compile(rf"\b(main|central|key) (argument|point|claim|message|"
                            rf"thesis|takeaway|idea)\b|\b{_DOC_NOUN}'?s? (argue|conclude|"
                            rf"claim|contend)|\bwhat does (the )?{_DOC_NOUN} (argue|conclude|"
                            rf"say|claim|contend)\b|\bthesis\b")),
    ("author", re.compile(rf"\b(who (wrote|authored|penned|is behind)|author|writer|"
                          rf"written by|byline)\b.*\b{_DOC_NOUN}\b|\b{_DOC_NOUN}\b.*\b("
                          rf"author|writer|written by|who wrote)\b|^\s*who wrote\b|"
                          rf"\bauthor of\b")),
    ("publisher", re.compile(rf"\b(outlet|publication|publisher|published (it|by)|(which|"
                             rf"what) (site|website|blog|magazine|newspaper|journal|outlet)|"
                             rf"where (was|is) ([\w'-]+ ){{0,4}}?({_DOC_NOUN}|it) (published|"
                             rf"posted|run|printed|carried)|(ran|carried|put out|released) "
                             rf"(the |this |that )?([\w'-]+ ){{0,4}}{_DOC_NOUN}|who('s| is) "
                             rf"behind|who (published|ran|runs|puts out) (the )?([\w'-]+ )"
                             rf"{{0,3}}(blog|site|outlet|{_DOC_NOUN}))\b")),
    ("date", re.compile(rf"^\s*(when|(in |on )?(what|which) (\w+ )?(date|day|month|year))\b.*\b("
                        rf"publish\w*|written|posted|come out|came out|appear\w*|dated|go up|"
                        rf"went up)\b|^\s*(when|(in |on )?(what|which) (\w+ )?(date|day))\b.*"
                        rf"\b(run|ran|write|post|put out) (the |this |that |its |their )?"
                        rf"([\w'-]+ ){{0,3}}{_DOC_NOUN}s?\b|"
                        rf"\b{_DOC_NOUN}'?s? date\b|\bpublication date\b|"
                        rf"\bwritten first\b")),
    ("role", re.compile(r"\b(job( title)?|role|position|beat|title)\b.{0,30}\b(reporter|"
                        r"journalist|writer|author|correspondent)\b|\b(reporter|journalist|"
                        r"writer|author|correspondent)('s)? (job( title)?|role|position|beat)\b|"
                        r"\bwhat (does|did) (the )?(reporter|journalist|writer|author) do\b")),
    ("title", re.compile(r"\b(headline|title)\b")),
    ("about", re.compile(rf"\b(what('s| is| was)|what does) (the |this |that |his |her )?"
                         rf"([\w'-]+ ){{0,4}}{_DOC_NOUN} (about|cover|discuss)\b|\b{_DOC_NOUN}"
                         rf" (about|on)\?|\btopic of\b|^\s*(what|whats|what's)\b.*\b{_DOC_NOUN}s?"
                         rf"\b.*\b(about|cover|discuss)\b,?( in short| actually| exactly| really|"
                         rf" briefly| in a nutshell)?\s*\??\s*$")),
)
# Words that make even a yes/no question a comparison ("was it signed before or after ...?").
_STRONG_COMPARISON = re.compile(
    r"\b(compar\w*|differ\w*|versus|vs\.?|before or after|which (came|happened|was) "
    r"(first|earlier|later)|in (what|which) order|put .* in order|sequence|timeline|"
    r"(earlier|later) than)\b")
_COMPARISON = re.compile(
    r"\b(chang\w*|evolv\w*|shift\w*|what came (first|next|after)|what (actually )?"
    r"happened (next|after|then|later|before)|what happened\b.*\b(between|after|in the years)|"
    r"what did .* do (after|next|then|once)|both (articles|pieces)|the two (articles|pieces)|"
    r"between (19|20)\d\d and|from (19|20)\d\d to|(still|anymore|any more) .* (19|20)\d\d|"
    r"do .* agree)\b")
# "What happened next?": the answer is what the text tells after the event asked about.
# "Who said that?": the speaker of what the answer before quoted.
_SOURCE = re.compile(r"\bwho (said|says|made|claims?|claimed|argued|argues|thinks|stated) "
                     r"(that|this|it)\b|\bwho('s| is| was) (the )?source\b|\bsource (for|of) "
                     r"(that|this)\b|\bwho('s| is| was) (being )?quoted\b|\bwho (is|was) "
                     r"that\b|\bwhose (words|view|quote)\b")
_AFTER = re.compile(r"\bwhat (actually )?happened (next|after|then|later)\b|\bwhat came (next|"
                    r"after)\b|\bwhat did .* do (after|next|then|once)\b|\bwhat happened .*"
                    r"\b(after|then)\b|\bafter that\b|\bnext\?")
# "What is X for?", "what is X supposed to achieve?": a purpose.
_PURPOSE = re.compile(r"\b(purpose|goal|aim|objective|point) of\b|\b(meant|supposed|designed|"
                      r"intended) to (do|achieve|accomplish)\b|\bwhat (is|was|are|were) .* "
                      r"for\??$|\b(achieve|accomplish)\b|\bwhat for\b|\bset up (for|to)\b")
_CONSEQUENCE = re.compile(
    r"\b(what (happens|happened|would happen|will happen|could happen|might happen)|what if|"
    r"what would .* (mean|do)|what (does|did|do|will|would|could) .* (mean|lead to|result in|"
    r"do to|come to)|what (effect|impact|consequence|result|outcome|upshot|fallout)s?\b|"
    r"(effect|impact|consequence|result|outcome|upshot|fallout)s? (of|for|on)|under what|"
    r"on what condition|conditions?\b|how did .* end up|what came of|if\b.*\?|"
    r"what could .* (do|happen)|what might)")
_CAUSE = re.compile(
    r"^\s*(why|how come)\b|\bwhy\b|\bwhat (led|prompted|caused|drove|motivated|made|"
    r"triggered|sparked|set off|kicked off|pushed|persuaded)\b|\breasons?\b|\bon what "
    r"(grounds|basis)\b|\bwhat('s| is| was| were) behind\b|\bmotiv\w*\b|\brationale\b|"
    r"\bwhat for\b|\bin the first place\b|\bwhat (was|were) .* (really )?after\b|"
    r"\bgrounds\b|\bjustif\w*\b|\bcause[sd]?\b")
_YES_NO = re.compile(r"^\s*(so |and |but )?(did|does|do|is|was|are|were|has|have|had|can|"
                     r"could|will|would|should|shall|may|might|must|isn't|wasn't|didn't|"
                     r"doesn't|hasn't|haven't|aren't|weren't)\b", re.I)
_DEFINITION = re.compile(
    r"^\s*(and |so )?(what|who)('s|'re| is| are| was| were) (a |an |the )?(?P<x>[^?]{1,60}?)"
    r"\s*\??\s*$|\bwhat does (?P<y>[^?]+?) (stand for|mean|refer to|do)\b|\bstand for\b|"
    r"\bwhat (kind|sort|type) of\b|\bdefin\w*\b|\bmeaning of\b|\bmeant by\b|\bwhat role\b|"
    r"\brole of\b|\bwhat exactly is\b|\bpart of\?")


@dataclass(frozen=True)
class Reading:
    """The intent of a question, and for typed answers what types of entity answer it."""

    intent: str
    aspect: str = ""  # for document questions: author, publisher, date, title, summary, ...
    answer_types: tuple[str, ...] = ()  # spaCy entity labels, most likely first
    kind: str = ""  # "duration", "magnitude", "yesno" or ""
    focus: str = ""  # head noun of "which court", or the term a definition asks about
    wh: str = ""  # the question word: who, what, which, where, when, how, why, ...
    relation: str = ""  # "after" (what happened next), "order", "source" (who said it) or ""


def classify(parsed: Parsed) -> Reading:
    """The reading of one parsed question."""
    text = parsed.text.strip()
    low = " ".join(text.lower().replace("\u2019", "'").split())
    wh, types, kind, focus = expected(parsed, low)
    if _bare_name(parsed):  # "Botto?" asks who or what Botto is
        return Reading("definition", "", (), "", text.strip(" ?!."), "what")
    if _SOURCE.search(low):
        return Reading("factoid", "", PERSONISH, "", "", "who", "source")
    aspect = _document_aspect(low)
    if aspect:
        return Reading("document", aspect, types, kind, focus, wh)
    relation = "after" if _AFTER.search(low) else ""
    if _STRONG_COMPARISON.search(low):
        return Reading("comparison", "", types, kind, focus, wh, "order")
    if (term := _acronym_question(low)):
        return Reading("definition", "", (), "expansion", term, wh)
    if _PURPOSE.search(low):
        return Reading("definition", "", (), "purpose", focus, wh)
    yes_no = bool(_YES_NO.match(text))
    typed = bool(types) and wh in ("which", "where", "when", "how", "what")
    for intent, pattern in (("comparison", _COMPARISON), ("consequence", _CONSEQUENCE),
                            ("cause", _CAUSE)):
        if pattern.search(low) and not (yes_no and intent == "comparison") and not (
                typed and intent == "consequence"):
            return Reading(intent, "", types, kind, focus, wh,
                           relation if intent == "comparison" else "")
    if not typed and not yes_no and _is_stance(parsed, low):
        return Reading("stance", "", types, kind, focus, wh)
    definition = _DEFINITION.search(low)
    if definition and not (types and wh in ("which", "where", "when", "how")):
        term = definition.group("x") or definition.group("y") or focus
        if _names_something(parsed, term):
            return Reading("definition", "", types, kind, term.strip(" ?"), wh)
    if _YES_NO.match(text):
        return Reading("status", "", (), "yesno", focus, wh)
    return Reading("factoid", "", types, kind, focus, wh)


def _bare_name(parsed: Parsed) -> bool:
    """A question that is only a name or a short noun phrase ("Botto?", "TISA")."""
    words = [t for t in parsed.tokens if t.pos != "PUNCT"]
    return 0 < len(words) <= 4 and all(t.pos in ("PROPN", "NOUN", "ADJ", "DET", "NUM")
                                       for t in words) and any(t.pos == "PROPN" for t in words)


def _acronym_question(low: str) -> str:
    """The X of "what does X stand for / mean" when X is a short term ("what does CCS mean")."""
    match = re.search(r"\bwhat (does|do|did) (the )?(?P<x>[\w.'-]+( [\w.'-]+){0,2}) "
                      r"(stand for|mean|refer to)\b(?! for)", low)
    return match.group("x") if match else ""


# A study, trial or survey that an article reports is not the article: "which journal
# published the study?" and "when did the trial end?" are answered from the text.
_REPORTED_WORK = re.compile(r"\b(stud(y|ies)|research|trials?|surveys?|findings)\b")
_TEXT_ITSELF = re.compile(r"\b(article|piece|story|post|blog|column|op-?ed|essay|commentary|"
                          r"write-?up|coverage)s?\b")


def _document_aspect(low: str) -> str:
    """The aspect of a question about an article itself ("" for any other question).

    >>> _document_aspect("which journal published the wheat study"), _document_aspect(
    ...     "who wrote the piece on the wheat study")
    ('', 'author')
    """
    for aspect, pattern in _DOC_ASPECTS:
        if pattern.search(low):
            reported = (re.search(r"\bjournals?\b", low) if aspect == "publisher"
                        else _REPORTED_WORK.search(low) if aspect in ("author", "date")
                        else None)
            if reported and not _TEXT_ITSELF.search(low):
                return ""
            return aspect
    return ""


def _is_stance(parsed: Parsed, low: str) -> bool:
    """"What does X say / think / recommend", "X's view / take / position"."""
    if re.search(r"\b(according to|in (his|her|their|the author's|the writer's) (view|"
                 r"opinion|eyes)|'s (view|take|position|stance|line|opinion|verdict|"
                 r"assessment|argument|point|reading)|point of view|how did .* (react|"
                 r"respond|rate|see|view|describe)|how do(es)? .* (see|view|feel|describe|"
                 r"rate|characteri[sz]e))\b", low):
        return True
    lemmas = [t.lemma.lower() for t in parsed.tokens]
    return any(lemma in STANCE_WORDS for lemma in lemmas[1:]) and bool(
        re.match(r"^\s*(what|how)\b", low))


def _names_something(parsed: Parsed, term: str) -> bool:
    """A definition asks about a thing with a name or a short noun phrase, not a clause."""
    words = term.split()
    if not words or len(words) > 7:
        return False
    verbs = [t for t in parsed.tokens if t.pos == "VERB" and t.lemma.lower() not in (
        "be", "mean", "stand", "refer", "call", "do", "know", "base")]
    return not verbs or term.lower().endswith(("stand for", "mean"))


def expected(parsed: Parsed, low: str) -> tuple[str, tuple[str, ...], str, str]:
    """(question word, entity labels that answer it, special kind, head noun)."""
    tokens = parsed.tokens
    wh = next((t for t in tokens if t.tag in ("WDT", "WP", "WP$", "WRB")), None)
    word = wh.lower if wh else ""
    after = tokens[wh.i + 1].lower if wh is not None and wh.i + 1 < len(tokens) else ""
    if (word == "how" and after == "long") or re.search(r"\bfor how many (years|months|"
                                                     r"weeks|days)\b", low):
        return "how", TIME, "duration", ""
    if word == "how" and after in ("many", "often"):
        head = _head_after(parsed, wh)
        return "how", count_labels(head), "", head
    if word == "how" and after == "much":
        money = bool(_MONEY.search(low))
        return "how", MONEY_FIRST if money else MAGNITUDE_LABELS, "magnitude", ""
    if re.search(r"\b(what|which|in what|in which) year\b", low):
        return word or "when", TIME, "year", ""
    if word in ("when",) or re.search(r"\b(what|which) (year|month|date|day|time)\b|"
                                      r"\bsince when\b|\bon what date\b", low):
        return word or "when", TIME, "", ""
    if word == "where":
        return word, PLACE, "", ""
    if word in ("who", "whom", "whose"):
        return word, PERSONISH, "", ""
    if word in ("which", "what") and wh is not None:
        head = _head_after(parsed, wh)
        return word, entity_labels_for(head) if head else (), "", head
    return word, (), "", ""


def count_labels(head: str) -> tuple[str, ...]:
    """The entity labels that answer "how many <head>?": a count of things is a cardinal
    number, not a measure ("18,000 containers", not "a 400-metre ship").

    >>> count_labels("container"), count_labels("day")[0], count_labels("metre")[0]
    (('CARDINAL',), 'DATE', 'QUANTITY')
    """
    if head in _TIME_UNITS:
        return ("DATE", "TIME", "CARDINAL")
    if head in _MEASURES:
        return ("QUANTITY", "CARDINAL")
    if head in ("percent", "percentage", "per cent"):
        return ("PERCENT",)
    return ("CARDINAL",) if head else COUNT


def _head_after(parsed: Parsed, wh: Token | None) -> str:
    """The noun a question word determines: "which *court*", "what *year*"."""
    if wh is None:
        return ""
    head = parsed.tokens[wh.head]
    if wh.dep == "det" and head.pos in ("NOUN", "PROPN"):
        return head.lemma.lower()
    nxt = parsed.tokens[wh.i + 1] if wh.i + 1 < len(parsed.tokens) else None
    if nxt is not None and nxt.pos in ("NOUN", "ADJ"):
        chain = [nxt]
        while chain[-1].i + 1 < len(parsed.tokens) and parsed.tokens[chain[-1].i + 1].pos == "NOUN":
            chain.append(parsed.tokens[chain[-1].i + 1])
        return chain[-1].lemma.lower()
    return ""
