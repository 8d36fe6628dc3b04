"""The library as the web sees it: one :class:`Desk` shared by the Documents tab and the API.

Changes run one at a time on the desk's own thread (the library's lock serialises them
across processes too), so the threads that answer questions are never taken by an
upload; a change installs its new index in the chat's assistant, and the API's worker
processes see the swap on disk. :func:`error_status` gives each library error its HTTP
status, and :func:`error_payload` its JSON (a duplicate names the document it copies).

>>> from assistant.errors import DuplicateError, TooLargeError
>>> error_status(TooLargeError("big", fix="smaller")), error_status(DuplicateError("dup"))
(413, 409)
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from ..accounts import Account, Gate
from ..errors import (
    AssistantError,
    DuplicateError,
    NotFoundError,
    SourceError,
    TooLargeError,
    UnsupportedTypeError,
    UsageError,
)
from ..library import Library
from .auth import edit_refusal

log = logging.getLogger(__name__)
T = TypeVar("T")
_STATUS: tuple[tuple[type[AssistantError], int], ...] = (
    (DuplicateError, 409), (NotFoundError, 404), (TooLargeError, 413),
    (UnsupportedTypeError, 415), (SourceError, 422), (UsageError, 400))


def error_status(exc: AssistantError) -> int:
    """The HTTP status of a library error (500 for the index or store failing)."""
    return next((status for kind, status in _STATUS if isinstance(exc, kind)), 500)


def error_payload(exc: AssistantError) -> dict[str, Any]:
    payload: dict[str, Any] = {"error": exc.message, "fix": exc.fix}
    if isinstance(exc, DuplicateError):
        payload["existing"] = exc.existing
    return payload


class Desk:
    """Reads and changes the library for the web; one change at a time."""

    def __init__(self, library: Library, gate: Gate | None) -> None:
        self.library, self.gate = library, gate
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="library")

    def refusal(self, account: Account | None, address: str) -> str | None:
        """Why this caller may not change the library (None when they may)."""
        return edit_refusal(self.gate, account, address)

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` on the desk's thread."""
        return await asyncio.get_running_loop().run_in_executor(self.pool, lambda: fn(*args))

    def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` on the desk's thread, waited for from a plain thread."""
        return self.pool.submit(fn, *args).result()

    def warm(self) -> None:
        """Pay a first change's one-off costs on a background thread."""
        def warm() -> None:
            try:
                self.library.warm()
            except Exception as exc:  # only a head start: the first change pays instead
                log.debug("Warming the library failed: %s", exc)

        threading.Thread(target=warm, name="library-warm", daemon=True).start()

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
