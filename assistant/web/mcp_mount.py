"""MCP mount: ``/mcp`` (MCP's streamable HTTP) on the chat's server, behind the JSON API's
login, size limits and in-flight limit.

:class:`McpEndpoint` is an ASGI app that ``serve`` routes ``/mcp`` to. It checks the
login first (:func:`mcp_reader`), so a caller without credentials gets a 401 and loads
nothing; the first request that passes loads the MCP SDK (:mod:`.mcp_server`, off the
event loop), builds the server over the API's job runner (``Api.job``: the same
backend, workers and in-flight count as ``/api/v1``) and starts its session manager,
which then runs as long as the server's event loop. Bodies pass through the API's
:class:`.api_guard.BodyGuard` (64 KB, 10 s). ``assistant serve`` therefore imports
the SDK only once an MCP client calls.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from .api import REALM, Api, account_of
from .api_guard import BodyGuard, reply
from .guard import USER_KEY, ASGIApp, Receive, Scope, Send

ROUTE = "/mcp"


def mcp_reader(authorization: str, accounts: Sequence[tuple[str, str]]) -> str | None:
    """Who may use ``/mcp``: the account (reader role) whose credentials the
    ``Authorization`` header holds, "" for anyone when login is off, or None (401).

    The one place MCP over HTTP checks a login. Today every account of ``--auth-file`` /
    ``ASSISTANT_AUTH`` may read, through HTTP Basic or ``Bearer user:password``, as in
    ``/api/v1``; point this function at other accounts, roles or API tokens and ``/mcp``
    follows.

    >>> mcp_reader("", [])
    ''
    >>> mcp_reader("Bearer alice:pw", [("alice", "pw")]), mcp_reader("", [("alice", "pw")])
    ('alice', None)
    """
    if not accounts:
        return ""
    return account_of(authorization, accounts)


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return ""


class McpEndpoint:
    """``/mcp``: the login check, then the MCP app (built and started on first use)."""

    def __init__(self, api: Api, accounts: Sequence[tuple[str, str]] | None) -> None:
        self.api = api
        self.accounts = list(accounts or [])
        self._app: ASGIApp | None = None
        self._lock: asyncio.Lock | None = None
        self._keeper: asyncio.Task[None] | None = None  # runs the session manager

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        user = mcp_reader(_header(scope, b"authorization"), self.accounts)
        if user is None:
            await reply(send, 401, {
                "error": "Login required: no or wrong credentials.",
                "fix": "Send one of the chat's accounts: HTTP Basic, or "
                       "'Authorization: Bearer user:password'."},
                [(b"www-authenticate", REALM.encode())])
            return
        app = self._app or await self._start()
        await BodyGuard(app)({**scope, USER_KEY: user}, receive, send)

    async def _start(self) -> ASGIApp:
        if self._lock is None:  # made here: it belongs to the server's event loop
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._app is None:
                module = await asyncio.to_thread(_load)
                server = module.LibraryServer(self.api.job)
                app, run = module.http_app(server, self.api.settings)
                await self._run_manager(run)
                self._app = app
        return self._app

    async def _run_manager(self, run: Callable[[], AbstractAsyncContextManager[None]]) -> None:
        """Start the session manager on a task of its own, and wait until it runs."""
        ready = asyncio.Event()

        async def keep() -> None:
            async with run():
                ready.set()
                await asyncio.Event().wait()  # until the server's loop stops

        self._keeper = asyncio.create_task(keep(), name="mcp-sessions")
        waiting = asyncio.ensure_future(ready.wait())
        await asyncio.wait({self._keeper, waiting}, return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()
        if self._keeper.done():  # it failed to start: raise its error here
            self._keeper.result()
            raise RuntimeError("The MCP session manager stopped at once.")


def _load() -> Any:
    """The SDK module (imported on a worker thread: it takes a moment)."""
    from . import mcp_server

    return mcp_server

