"""Lexicon: general-English word lists that tell what a sentence does or a question asks.

Verbs of saying mark an attributed sentence; connectives mark a cause or a condition;
head nouns of "which court?" map to the kind of named entity that answers them. None
of these lists comes from the source articles: they describe English, so they hold
for any article dropped into the sources folder.

>>> entity_labels_for("court"), entity_labels_for("year")
(('ORG', 'FAC', 'GPE'), ('DATE',))
>>> "warn" in SPEECH_VERBS
True
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Verbs that attribute a statement or a view to someone ("X said", "X warned").
SPEECH_VERBS = _words("""
    say tell add warn recommend argue note suggest emphasize emphasise stress insist
    believe think expect predict explain claim contend write state report quote announce
    confirm acknowledge observe caution urge propose comment describe call reiterate
    repeat maintain assert point mention reply respond answer concede agree disagree
    doubt fear hope worry complain criticize criticise accuse deny admit allege estimate
    forecast advise counsel recall remark declare testify signal
""")

# The verbs that report speech, as opposed to belief or expectation.
REPORTING_VERBS = _words("""
    say tell add warn recommend argue note suggest emphasize emphasise stress insist
    explain claim contend write state quote announce confirm acknowledge comment caution
    urge reiterate repeat reply respond declare remark
""")

# Words of a question that ask for a view rather than a fact ("what does X think").
STANCE_WORDS = _words("""
    say tell think argue warn recommend suggest believe view views position stance opinion
    take feel advise advice propose urge claim contend expect predict react reaction
    respond response consider see criticize criticise describe characterize
    characterise assess assessment verdict concern worry fear hope want stress emphasize
    emphasise insist note
""")

# Connectives and verbs that give a cause or a motive.
CAUSE_MARKERS = (
    "because", "due to", "owing to", "as a result of", "thanks to", "on the grounds",
    "on the basis", "in response to", "in retaliation", "in order to", "so that", "amid",
    "after", "stemming from", "stems from", "driven by", "out of", "reason",
    "reasons", "cause", "caused", "causes", "motive", "motivated", "motivating",
    "motivation", "led to", "leading to", "prompted", "triggered", "sparked", "resulted",
    "why", "since", "therefore", "hence", "thus", "grounds", "blame", "blamed", "blames",
    "attributed to", "put down to", "responsible for", "the result of", "a result of",
)
# Connectives, modals and verbs that give a consequence, a condition or a hypothesis.
CONSEQUENCE_MARKERS = (
    "if", "unless", "would", "could", "might", "will", "may", "result in", "results in",
    "lead to", "leads to", "led to", "cause", "causes", "effect", "effects", "impact",
    "consequence", "consequences", "mean", "means", "backfire", "damage", "depend",
    "condition", "on the condition", "as long as", "provided", "otherwise", "so that",
    "therefore", "thus", "affect", "affects", "affected", "harm", "hurt", "risk",
)
# Words that give a purpose ("the goal of X was to ...", "intended to").
PURPOSE_MARKERS = (
    "goal", "goals", "aim", "aims", "aimed", "purpose", "intended", "designed", "meant to",
    "in order to", "so that", "so as to", "to allow", "to enable", "to ensure", "objective",
    "mission", "to help", "to let",
)
NEGATIONS = frozenset({"not", "no", "never", "n't", "without", "neither", "nor", "none"})

# The kinds of named entity (spaCy labels) that answer "which/what <noun>?".
_HEADS: dict[str, tuple[str, ...]] = {
    "PERSON": ("person", "people", "man", "woman", "official", "minister", "president",
               "leader", "analyst", "expert", "researcher", "scholar", "professor", "author",
               "writer", "spokesman", "spokeswoman", "spokesperson", "diplomat", "envoy",
               "ambassador", "director", "secretary", "chairman", "chair", "chief", "head",
               "captain", "judge", "lawyer", "economist", "journalist", "correspondent",
               "politician", "commentator", "reporter", "consultant", "founder", "owner",
               "scientist", "doctor", "teacher", "executive", "mayor", "councillor",
               "councilor", "governor", "senator", "player", "coach", "manager"),
    "ORG": ("organisation", "organization", "institute", "institution", "agency", "company",
            "firm", "corporation", "group", "university", "court", "ministry", "department",
            "council", "government", "outlet", "newspaper", "paper", "service",
            "publication", "magazine", "foundation", "center", "centre", "body", "authority",
            "party", "administration", "bank", "union", "association", "committee",
            "office", "publisher", "broadcaster", "charity", "club", "team", "school",
            "hospital", "regulator", "business"),
    "GPE": ("country", "countries", "nation", "city", "town", "capital", "province",
            "place", "village"),
    "LOC": ("sea", "ocean", "river", "lake", "region", "mountain", "valley", "island",
            "coast"),
    "DATE": ("year", "month", "date", "day", "week", "decade", "century", "time", "period",
             "season", "anniversary"),
    "MONEY": ("amount", "sum", "price", "cost", "fee", "fine", "compensation", "payment",
              "revenue", "money", "budget", "salary", "wage", "profit", "loss", "grant"),
    "PERCENT": ("percentage", "proportion"),
    "LAW": ("law", "act", "bill", "statute", "regulation"),
    "NORP": ("nationality",),
    "CARDINAL": ("number", "count", "total", "figure"),
    "WORK_OF_ART": ("journal", "book", "film", "novel", "song", "play"),
}
HEAD_LABELS: dict[str, tuple[str, ...]] = {}
for _label, _nouns in _HEADS.items():
    for _noun in _nouns:
        HEAD_LABELS.setdefault(_noun, ())
        HEAD_LABELS[_noun] = (*HEAD_LABELS[_noun], _label)
# Where an entity of one kind is often tagged as another by a small model.
_ALSO = {"WORK_OF_ART": ("ORG",), "ORG": ("FAC", "GPE"), "GPE": ("LOC", "FAC"),
         "LOC": ("GPE", "FAC"),
         "PERSON": ("ORG",), "MONEY": ("CARDINAL", "QUANTITY"),
         "CARDINAL": ("QUANTITY", "MONEY", "PERCENT")}


def entity_labels_for(noun: str) -> tuple[str, ...]:
    """The entity labels that answer "which <noun>?", most likely first ("" if none)."""
    labels = HEAD_LABELS.get(noun.lower(), ())
    out: list[str] = []
    for label in labels:
        for name in (label, *_ALSO.get(label, ())):
            if name not in out:
                out.append(name)
    return tuple(out)


def has_marker(text: str, markers: tuple[str, ...]) -> bool:
    """Does the lower-cased, space-padded text contain one of the markers as whole words?

    >>> has_marker("It ended because of a row.", CAUSE_MARKERS)
    True
    """
    padded = " " + "".join(c if c.isalnum() or c == "'" else " " for c in text.lower()) + " "
    return any(f" {m} " in padded for m in markers)


def markers_in(text: str, markers: tuple[str, ...]) -> list[str]:
    """The markers the text contains, as whole words."""
    padded = " " + "".join(c if c.isalnum() or c == "'" else " " for c in text.lower()) + " "
    return [m for m in markers if f" {m} " in padded]
