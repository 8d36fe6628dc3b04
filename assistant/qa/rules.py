"""Rules: the hand-written rules around the learned verifier that can be switched off, so
that each is kept only while it pays for itself on ``dev`` (``benchmarks/ablate_rules.py``
measures every one; the README shows the table).

>>> Rules.without("typed_lead, continuations").typed_lead
False
>>> Rules.without("") == Rules()
True
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from ..errors import ConfigError


@dataclass(frozen=True)
class Rules:
    """Which of the optional rules are on (all, by default)."""

    type_ranking: bool = True  # retrieval: a ranking of chunks holding the asked-for type
    cue_ranking: bool = True  # retrieval: chunks with a cause, condition or quote, as asked
    document_ranking: bool = True  # retrieval: chunks of the document the question names
    unknown_figure: bool = True  # refuse a question naming a year or figure never given
    unknown_name: bool = True  # refuse a question naming someone or something never named
    unknown_attribute: bool = True  # refuse "the population of X" when no source says it
    typed_lead: bool = True  # a typed factoid rests on a sentence holding that type
    reason_follows: bool = True  # a why answer that restates the question takes the next one
    continuations: bool = True  # a quote's continuation ("She added ...") comes with it
    title_gist: bool = True  # a question restating a title is answered by the gist
    across_documents: bool = True  # a comparison quotes the best sentence of each document
    what_next: bool = True  # "what happened next" quotes what follows the event

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @classmethod
    def without(cls, names: str) -> Rules:
        """All rules but the comma-separated ``names`` (``ASSISTANT_ABLATE``)."""
        off = [n.strip() for n in names.split(",") if n.strip()]
        unknown = [n for n in off if n not in cls.names()]
        if unknown:
            raise ConfigError(f"Unknown rule {unknown[0]!r} in ASSISTANT_ABLATE.",
                              fix=f"Use names from: {', '.join(cls.names())}.")
        return replace(cls(), **dict.fromkeys(off, False))
