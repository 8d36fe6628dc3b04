"""Auth on the web: credentials from HTTP requests, checked by the accounts' :class:`Gate`.

Small functions free of Gradio and FastAPI, so every front end (the chat, the JSON API,
and others later) checks logins, throttles them and decides who may edit alike:

- :func:`check_authorization`: an ``Authorization`` header (HTTP Basic, a bearer API
  token, or the older ``Bearer user:password``) -> a :class:`~assistant.accounts.Verdict`
  (200 with the account, 401, or 429 with ``retry_after``);
- :func:`edit_refusal`: why a caller may not add, change or remove documents (``None``
  when they may): editors may; without any login configured, only callers on loopback;
- :class:`LoginThrottle`: an ASGI middleware that throttles the chat's own login form
  (Gradio's ``POST /login``) with the same gate: 429 with ``Retry-After`` while locked.

>>> parse_authorization("Basic YWxpY2U6czNjcmV0")
('password', 'alice', 's3cret')
>>> parse_authorization("Bearer gsa_0a1b2c3d_secret")
('token', '', 'gsa_0a1b2c3d_secret')
>>> is_loopback("127.0.0.1"), is_loopback("::ffff:127.0.0.1"), is_loopback("10.0.0.2")
(True, True, False)
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import ipaddress
import json
from collections.abc import Awaitable, Callable
from typing import Any

from ..accounts import Account, Gate, Verdict
from ..accounts.book import TOKEN_PREFIX
from .guard import ASGIApp, Message, Receive, Scope, Send

LOGIN_PATHS = ("/login", "/login/")
MAX_LOGIN_BODY = 16 * 1024


def is_loopback(address: str) -> bool:
    """Is ``address`` this machine (127.0.0.0/8, ::1, or IPv4 loopback mapped into IPv6)?"""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address == "localhost"
    mapped = getattr(ip, "ipv4_mapped", None)
    return bool(ip.is_loopback or (mapped is not None and mapped.is_loopback))


def client_address(scope: Scope) -> str:
    """The peer's address of an ASGI connection ("" when unknown)."""
    client = scope.get("client")
    return str(client[0]) if client else ""


def parse_authorization(header: str) -> tuple[str, str, str]:
    """("password", user, password), ("token", "", token), or ("", "", "") if unusable."""
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer" and value.startswith(TOKEN_PREFIX):
        return "token", "", value
    if scheme.lower() == "basic":
        try:
            value = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return "", "", ""
    elif scheme.lower() != "bearer":
        return "", "", ""
    user, sep, password = value.partition(":")
    return ("password", user, password) if sep and user else ("", "", "")


def check_authorization(gate: Gate, header: str, address: str) -> Verdict:
    """The verdict on a request's ``Authorization`` header; slow (argon2): run it off the
    event loop. A missing or malformed header is a 401 that costs no attempt."""
    kind, user, secret = parse_authorization(header)
    if kind == "token":
        return gate.token(secret, address)
    if kind == "password":
        return gate.login(user, secret, address)
    return Verdict(401)


def edit_refusal(gate: Gate | None, account: Account | None, address: str) -> str | None:
    """Why this caller may not change the library, or None when they may."""
    if gate is None:
        if is_loopback(address):
            return None
        return ("Documents can be added, changed or removed only from this machine while "
                "the server has no login.")
    if account is not None and account.can_edit:
        return None
    if account is None:
        return "Log in to add, change or remove documents."
    return (f"The account {account.name!r} is a reader: it can ask and read, not add, change "
            "or remove documents.")


def gradio_auth(gate: Gate) -> Callable[[str, str], Awaitable[bool]]:
    """The chat's login check for Gradio (throttled by :class:`LoginThrottle` around it)."""

    async def check(username: str, password: str) -> bool:
        found = await asyncio.to_thread(gate.accounts.check_password, username, password)
        return found is not None

    return check


class LoginThrottle:
    """Throttles Gradio's ``POST /login`` with the gate: 429 and ``Retry-After`` while the
    account name or the address is locked; each answer (200 right, 400 wrong) is counted."""

    def __init__(self, app: ASGIApp, gate: Gate | None = None) -> None:
        self.app, self.gate = app, gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (self.gate is None or scope["type"] != "http" or scope.get("method") != "POST"
                or scope.get("path") not in LOGIN_PATHS):
            await self.app(scope, receive, send)
            return
        body = await _body(receive, MAX_LOGIN_BODY)
        if body is None:
            await _json(send, 413, {"error": "The login form is too large.",
                                    "fix": "Send a user name and a password."})
            return
        name, address = await _username(scope, body, receive), client_address(scope)
        wait = self.gate.begin(name, address)
        if wait:
            await _json(send, 429, {"error": "Too many wrong passwords in a row.",
                                    "fix": f"Wait {wait} s, then try again."},
                        {"retry-after": str(wait)})
            return
        status: list[int] = []

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(int(message["status"]))
            await send(message)

        try:
            await self.app(scope, _replay(body, receive), watch)
        finally:
            self.gate.end(name, address, ok=bool(status) and status[0] == 200)


async def _body(receive: Receive, limit: int) -> bytes | None:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if size > limit:
            return None
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, original: Receive) -> Receive:
    """The buffered body once, then the real connection (so a disconnect is still seen)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return await original()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _username(scope: Scope, body: bytes, receive: Receive) -> str:
    """The ``username`` field of the login form (multipart or URL-encoded)."""
    from starlette.requests import Request

    try:
        form = await Request(scope, _replay(body, receive)).form()
        value: Any = form.get("username", "")
    except Exception:  # a malformed form: Gradio answers it; throttle it by address alone
        return ""
    return value.strip() if isinstance(value, str) else ""


async def _json(send: Send, status: int, payload: dict[str, str],
                headers: dict[str, str] | None = None) -> None:
    body = json.dumps(payload).encode()
    extra = [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *extra]})
    await send({"type": "http.response.body", "body": body})
