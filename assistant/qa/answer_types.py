"""Answer types: what kind of answer a question asks for, and does a sentence offer one?

A "when" question wants a date, "how many" a count, "who wrote it?" a name. The answerer
gives a small bonus to sentences that hold the kind asked for, and the abstention test
weighs whether the best sentence does:

>>> expected_type("When was GSOMIA signed?")
'time'
>>> offers_type("It was signed in November 2016.", "time", "When was GSOMIA signed?")
True
"""

from __future__ import annotations

import re

from ..text import rarity

_MONTH = (r"January|February|March|April|May|June|July|August|September|October|November|"
          r"December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday")
# Titles a sentence names when it names the holder ("Defence Minister Jeong"), and
# generic roles it often does not ("an official" may be "Chief Cabinet Secretary Suga").
_TITLES = (r"minister|president|spokes(?:man|woman|person)|director|secretary|professor|"
           r"ambassador|chancellor|governor|mayor")
_ROLES = rf"{_TITLES}|official|analyst|expert|researcher|leader"
_TITLE = re.compile(rf"\b({_TITLES})s?\b", re.I)
# "Which official said ...?" names a role; "What did the official say?" does not ask for one.
_NOT_MODIFIER = (r"(?!(?:is|was|are|were|did|does|do|has|have|had|will|would|can|could|"
                 r"should|might|the|a|an|of)\b)")
# A figure or a number word: what an answer to "how many" must hold ("three years",
# "18,000"; not "earlier this month" or a year).
NUMERAL = re.compile(r"\b(?!(?:1[89]|20)\d\d\b)\d|\b(one|two|three|four|five|six|seven|"
                     r"eight|nine|ten|eleven|twelve|\w+teen|twenty|thirty|forty|fifty|"
                     r"sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|"
                     r"billions?|trillions?|dozens?|half|several)\b", re.I)
_CALENDAR = re.compile(rf"\b({_MONTH})\b|\b(1[89]|20)\d\d\b", re.I)


_SPAN_OF_TIME = re.compile(r"\b(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|"
                           r"twelve|several|a few|many)[ -](hour|day|week|month|year|"
                           r"decade)s?\b", re.I)


def is_point_in_time(text: str) -> bool:
    """Does a date entity say when (a day, a month, a year, "last week"), not how long?

    >>> is_point_in_time("22 August"), is_point_in_time("three-month")
    (True, False)
    >>> is_point_in_time("two years ago"), is_point_in_time("the three months to May 2019")
    (True, True)
    """
    return bool(_CALENDAR.search(text)) or not _SPAN_OF_TIME.search(text) or bool(
        re.search(r"\b(ago|earlier|later|before|after|last|next|this)\b", text, re.I))


def is_amount(text: str) -> bool:
    """Does an entity give an amount (a count, a sum, a span), not a point in time?

    >>> is_amount("three years"), is_amount("23 November 2019"), is_amount("this month")
    (True, False, False)
    """
    return bool(NUMERAL.search(text)) and not _CALENDAR.search(text)


# What kind of answer a question asks for, and how to spot one in a sentence. A number
# word followed by a comma is a list marker ("one, more flexibility; two, ..."), not a count.
_TYPES: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = (
    ("number", re.compile(r"\bhow (many|much|often)\b|\bwhat (percentage|share|"
                          r"number)\b|\bwhat (is|was|were|are) the (value|cost|price|amount|"
                          r"size|total|number)\b", re.I),
     re.compile(r"\b(?!(?:1[89]|20)\d\d\b)\d[\d,.]*\b|\b(two|three|four|five|six|seven|"
                r"eight|nine|ten|dozen|hundred|thousand|million|billion|several)\b(?!\s*[,:;)])",
                re.I)),
    # "How long ...?" is answered by a count or a span of time ("another year").
    ("duration", re.compile(r"\bhow long\b|\bfor how many (years|months|weeks|days)\b", re.I),
     re.compile(r"\b(?!(?:1[89]|20)\d\d\b)\d[\d,.]*\b|\b(a|an|one|two|three|four|five|six|"
                r"seven|eight|nine|ten|several|many|few)[ -](year|month|week|day|decade|"
                r"hour)s?\b|\b(years|months|weeks|decades)\b", re.I)),
    ("time", re.compile(r"^\s*when\b|\b(what|which) (year|month|day|date)\b|\bsince when\b"
                        r"|\bon what date\b", re.I),
     re.compile(rf"\b(1[89]|20)\d\d\b|\b({_MONTH})\b|\b(year|month|week|decade)s?\b|"
                r"\bago\b", re.I)),
    # "Who is Kathryn Botto?" asks what someone is: a role or another name will do.
    ("person", re.compile(r"^\s*who (is|was|are|were) (?:(?:Mr|Ms|Mrs|Dr|Col|Gen)\.? )?"
                          r"(?P<who>[^\W\d_][\w.'\u2019-]*(?: [^\W\d_][\w.'\u2019-]*){0,3})"
                          r"\s*\??\s*$", re.I),
     re.compile(rf"\b({_ROLES}|fellow|chief|head)s?\b", re.I)),
    # "Who wrote it?" and "Which minister ...?" ask for a name; a role word alone is not one.
    ("name", re.compile(rf"^\s*(who|whom|whose)\b|\b(which|what) {_NOT_MODIFIER}"
                        rf"([\w-]+ ){{0,3}}?({_ROLES})s?\b|"
                        r"\bwhat (is|was|are|were) (the |its |their )?((full|official|formal|"
                        r"exact) )*names?\b", re.I), re.compile(r"(?!)")),
)
# "How much ...?" may be answered by a word of degree rather than a figure: English
# quantifiers, not words taken from any article.
MAGNITUDE = re.compile(r"\b(little|much|more|less|most|least|none|few|many|several|plenty|"
                       r"hardly|barely|scarcely)\b", re.I)
# "Why ...?" is answered by a cause. These cues are loose ("after" also tells time), so a
# sentence holding one earns a small preference, not a verdict.
_ASKS_REASON = re.compile(r"\bwhy\b|\bwhat (led|made|caused|prompted|drove|motivated)\b|"
                          r"\b(for )?what reasons?\b|\bwhat (is|was|are|were) the (reason|"
                          r"cause|motive)s?\b", re.I)
# "since" and "over" are left out: far more often time ("since 2016") than cause.
_REASON = re.compile(r"\b(because|due to|owing to|as a result|in response|in retaliation|after|"
                     r"amid|so that|in order to|reasons?|caused?|motivat\w*|led to|"
                     r"triggered|prompted)\b", re.I)
# A run of capitalised words is a name when one of its words is rare in general English
# ("Kathryn Botto", "Abe"), not when all are common ("General Security", "Heritage").
_NAME_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")
NAME_RARITY = 3.2  # 7 - Zipf frequency: "Maxwell" (3.77) and rarer count as names


def expected_type(question: str) -> str:
    """The kind of answer a question wants: "number", "duration", "time", "person" (what
    someone is), "name" (who did something) or "".

    >>> expected_type("How many countries?"), expected_type("When was it signed?")
    ('number', 'time')
    """
    for name, asks, _ in _TYPES:
        match = asks.search(question)
        if match and (name != "person" or all(_capitalised(w) for w in
                                               match.group("who").split())):
            return name
    return ""


def offers_type(sentence: str, kind: str, question: str) -> bool:
    """Does the sentence hold an answer of ``kind`` that the question did not already give?

    >>> offers_type("It was signed in 2016.", "time", "When was it signed?")
    True
    >>> offers_type("It was signed.", "time", "When was it signed in 2016?")
    False
    >>> offers_type("Kathryn Botto wrote it.", "name", "Who wrote it?")
    True
    >>> offers_type("The General Security Agreement.", "name", "Who signed it?")
    False
    >>> offers_type("A post by Nayoon Lee.", "name", "Who was the foreign minister?")
    False
    >>> offers_type("Little has been shared.", "number", "How much was shared?")
    True
    """
    if not kind:
        return True
    if kind == "name":  # a role the question names ("foreign minister") must be there too
        roles = {m.group(1).lower() for m in _TITLE.finditer(question)}
        present = {m.group(1).lower() for m in _TITLE.finditer(sentence)}
        return roles <= present and has_new_name(sentence, question)
    pattern = next(p for name, _, p in _TYPES if name == kind)
    if _new_match(pattern, sentence, question):
        return True
    if kind == "number" and re.search(r"\bhow much\b", question, re.I):
        return _new_match(MAGNITUDE, sentence, question)
    return kind == "person" and has_new_name(sentence, question)


def asks_reason(question: str) -> bool:
    """Does the question ask for a cause ("why", "what led to", "for what reason")?

    >>> asks_reason("Why did Seoul quit?"), asks_reason("When did Seoul quit?")
    (True, False)
    """
    return bool(_ASKS_REASON.search(question))


def gives_reason(sentence: str, question: str) -> bool:
    """Does the sentence give a cause the question did not already state?

    >>> gives_reason("It quit after Tokyo imposed export curbs.", "Why did Seoul quit?")
    True
    """
    return _new_match(_REASON, sentence, question)


def offers_reason(sentence: str, question: str) -> bool:
    """Does a "why" question meet a sentence that gives a cause it did not already state?

    >>> offers_reason("It quit after Tokyo imposed export curbs.", "Why did Seoul quit?")
    True
    >>> offers_reason("It quit after Tokyo imposed export curbs.", "When did Seoul quit?")
    False
    """
    return asks_reason(question) and gives_reason(sentence, question)


def _new_match(pattern: re.Pattern[str], sentence: str, question: str) -> bool:
    """Does ``pattern`` match something in the sentence that it does not match in the question?"""
    asked = {m.group(0).lower() for m in pattern.finditer(question)}
    return any(m.group(0).lower() not in asked for m in pattern.finditer(sentence))


def has_new_name(sentence: str, question: str) -> bool:
    """Does the sentence name someone (or something) the question does not?

    >>> has_new_name("It depends on Abe and Moon.", "Whose leadership is needed?")
    True
    >>> has_new_name("Mr. Klingner said so.", "What did Klingner say?")
    False
    >>> has_new_name("Reauthorization was in doubt.", "Who decided?")  # opens the sentence
    False
    """
    asked = {part for word in _NAME_WORD.findall(question) for part in _name_parts(word)}
    for run in _capitalised_runs(sentence):
        parts = [part for word in run for part in _name_parts(word) if part not in asked]
        if any(rarity(part) >= NAME_RARITY for part in parts):
            return True
    return False


def _capitalised(word: str) -> bool:
    """Capitalised, not an acronym: "Botto", "Ōno", but not "TISA" or "it"."""
    return word[0].isupper() and not (len(word) > 1 and word.isupper())


def _name_parts(word: str) -> list[str]:
    """Lower-cased pieces of a word, possessive dropped: "Kyeong-doo's" -> kyeong, doo."""
    word = re.sub(r"['\u2019]s$", "", word.lower())
    return [part for part in re.split(r"[-'\u2019]", word) if part]


def _capitalised_runs(sentence: str) -> list[list[str]]:
    """Runs of adjacent capitalised words. A lone capital opening the sentence is only
    its first word ("Reauthorization was ..."), so such a run needs a second word."""
    runs: list[list[str]] = []
    starts: list[int] = []
    end = -1
    for match in _NAME_WORD.finditer(sentence):
        word = match.group(0)
        if not _capitalised(word):
            end = -1
            continue
        if runs and match.start() == end + 1 and sentence[end] == " ":
            runs[-1].append(word)
        else:
            runs.append([word])
            starts.append(match.start())
        end = match.end()
    first = _NAME_WORD.search(sentence)
    if runs and first and starts[0] == first.start() and len(runs[0]) == 1:
        runs.pop(0)
    return runs
