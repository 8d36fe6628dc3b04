"""MCP mount: ``/mcp`` (MCP's streamable HTTP) on the chat's server, behind the JSON API's
login, size limits and in-flight limit.

:class:`McpEndpoint` is an ASGI app that ``serve`` routes ``/mcp`` to. It checks the
login first (:func:`mcp_reader`: the JSON API's accounts, tokens and throttle), so a
caller without credentials gets a 401 and loads nothing; the first request that passes
loads the MCP SDK (:mod:`.mcp_server`, off the event loop), builds the server over the
API's job runner (``Api.job``: the same backend, workers and in-flight count as
``/api/v1``) and starts its session manager,
which then runs as long as the server's event loop. Bodies pass through the API's
:class:`.api_guard.BodyGuard` (64 KB, 10 s). ``assistant serve`` therefore imports
the SDK only once an MCP client calls.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from ..accounts import Gate, Verdict
from .api import Api, realm
from .api_guard import BodyGuard, reply
from .auth import check_authorization, client_address
from .guard import USER_KEY, ASGIApp, Receive, Scope, Send

ROUTE = "/mcp"


async def mcp_reader(gate: Gate | None, scope: Scope) -> Verdict:
    """Who may use ``/mcp``: the JSON API's login (HTTP Basic, a bearer API token, or the
    older ``Bearer user:password``), with its throttle. Every role may read; without a
    login configured, anyone may. The one place MCP over HTTP checks a login.

    The argon2 check runs on a thread, off the event loop.
    """
    if gate is None:
        return Verdict(200)
    header = _header(scope, b"authorization")
    if not header.strip():
        return Verdict(401)
    return await asyncio.to_thread(check_authorization, gate, header, client_address(scope))


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return ""


class McpEndpoint:
    """``/mcp``: the login check, then the MCP app (built and started on first use)."""

    def __init__(self, api: Api, gate: Gate | None) -> None:
        self.api = api
        self.gate = gate
        self._app: ASGIApp | None = None
        self._lock: asyncio.Lock | None = None
        self._keeper: asyncio.Task[None] | None = None  # runs the session manager

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        verdict = await mcp_reader(self.gate, scope)
        if verdict.status == 429:
            await reply(send, 429, {"error": "Too many wrong credentials in a row.",
                                    "fix": f"Wait {verdict.retry_after} s, then try again."},
                        [(b"retry-after", str(verdict.retry_after).encode())])
            return
        if not verdict.ok:
            await reply(send, 401, {
                "error": "Login required: no or wrong credentials.",
                "fix": "Send an account's user name and password (HTTP Basic) or an API "
                       "token ('Authorization: Bearer <token>')."},
                [(b"www-authenticate", realm(self.api.settings).encode())])
            return
        user = verdict.account.name if verdict.account is not None else ""
        app = self._app or await self._start()
        await BodyGuard(app)({**scope, USER_KEY: user}, receive, send)

    async def _start(self) -> ASGIApp:
        if self._lock is None:  # made here: it belongs to the server's event loop
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._app is None:
                module = await asyncio.to_thread(_load)
                server = module.LibraryServer(self.api.job, self.api.settings.title)
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

