"""GSOMIA Assistant: cited question answering over a folder of source articles.

>>> from assistant import Assistant          # doctest: +SKIP
>>> answer = Assistant.load().ask("When was GSOMIA signed?")  # doctest: +SKIP
>>> answer.text                              # doctest: +SKIP
'Signed in 2016, South Korea almost let the GSOMIA lapse last year ... [1]'

One package per pipeline stage, imports flowing only downward (import-linter checks it):
``text`` (lexical tools) <- ``ingest`` (read, clean, chunk) <- ``store`` (embed, index
on disk) <- ``qa`` (question analysis, retrieval, answering, the ``Assistant``) <-
``evaluation``; the entry points ``cli`` and ``web`` sit on top, and nothing imports
them. See docs/architecture.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .config import Settings
from .errors import AssistantError

if TYPE_CHECKING:
    from .qa import Assistant

__all__ = ["Assistant", "AssistantError", "Settings"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # Lazy, so that `assistant --help` does not pay for numpy and friends.
    if name == "Assistant":
        from .qa import Assistant

        return Assistant
    raise AttributeError(name)
