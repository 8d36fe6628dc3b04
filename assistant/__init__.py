"""GSOMIA Assistant: cited question answering over a folder of source articles.

>>> from assistant import Assistant          # doctest: +SKIP
>>> answer = Assistant.load().ask("When was GSOMIA signed?")  # doctest: +SKIP
>>> answer.text                              # doctest: +SKIP
'Signed in 2016, South Korea almost let the GSOMIA lapse last year ... [1]'

Pipeline stages, each one module, imports flowing only this way:
``sources`` (with ``readers`` and ``cleaning``) -> ``chunking`` -> ``embedding`` ->
``store`` -> ``retrieval`` -> ``answering`` -> ``pipeline``; entry points ``cli``,
``app`` and ``evaluation`` sit on top.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .config import Settings
from .errors import AssistantError

if TYPE_CHECKING:
    from .pipeline import Assistant

__all__ = ["Assistant", "AssistantError", "Settings"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # Lazy, so that `assistant --help` does not pay for numpy and friends.
    if name == "Assistant":
        from .pipeline import Assistant

        return Assistant
    raise AttributeError(name)
