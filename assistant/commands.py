"""Commands beyond the core three: ``serve``, ``eval``, ``bench`` and ``feedback``.

Kept apart from :mod:`assistant.cli` so that module stays a short read; each
command imports its heavy module (gradio, matplotlib) only when it runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

AddArgs = Callable[[argparse.ArgumentParser], None]

HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {}


def register(sub: Any, common: AddArgs, retrieval: AddArgs) -> None:
    """Add the extra sub-commands to the ``assistant`` parser."""
