"""Rules: the hand-written rules around the learned verifier that can be switched off, so
that each is kept only while it pays for itself on ``dev`` (``benchmarks/ablate_rules.py``
measures every one; docs/eval.md shows the table). Rules that cost nothing to drop there
were deleted: a retrieval ranking of chunks holding the asked-for type, a typed sentence
leading a factoid, a title's question answered by the article's gist, a comparison quoting
each document's best sentence.

>>> Rules.without("cue_ranking, continuations").cue_ranking
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

    cue_ranking: bool = True  # retrieval: chunks with a cause, condition or quote, as asked
    document_ranking: bool = True  # retrieval: chunks of the document the question names
    unknown_figure: bool = True  # refuse a question naming a year or figure never given
    unknown_name: bool = True  # refuse a question naming someone or something never named
    unknown_attribute: bool = True  # refuse "the population of X" when no source says it
    reason_follows: bool = True  # a why answer that restates the question takes the next one
    continuations: bool = True  # a quote's continuation ("She added ...") comes with it
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
