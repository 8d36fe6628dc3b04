"""App guard: an ASGI middleware that checks API request bodies before Gradio sees them.

Three jobs, for raw HTTP callers (and, at the end, a test hook that is inert in normal
runs):

- refuse bodies over :data:`MAX_BODY` bytes on the API routes with a 413 and a message
  (Gradio would otherwise log a failing request with every input value in it);
- fill in the optional ``k`` and ``mode`` arguments of ``/ask`` when a caller sends only
  the question, as ``gradio_client`` does for them;
- refuse ``file=http(s)://...`` with a 403: Gradio's file route fetches a public URL
  for the caller and streams it back, and this app reaches no host on anyone's behalf.

>>> pad_ask_body(b'{"data": ["When was GSOMIA signed?"]}')
b'{"data": ["When was GSOMIA signed?", null, null]}'
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

USER_KEY = "assistant.user"  # in an ASGI scope: the account that logged in (mcp_mount)
MAX_BODY = 64 * 1024  # a 2,000-character question and its options fit many times over
ASK_ARGS = 3  # question, k, mode
_GUARDED = ("/call/", "/run/", "/queue/join")
_ASK = ("/call/ask", "/run/ask")
_REMOTE_FILE = re.compile(r"/file=\s*https?:", re.IGNORECASE)  # in the decoded path


def pad_ask_body(body: bytes) -> bytes:
    """The body with ``data`` padded to the three ``/ask`` arguments (``null`` = default)."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return body
    data = payload.get("data") if isinstance(payload, dict) else None
    if isinstance(data, list) and 0 < len(data) < ASK_ARGS:
        payload["data"] = data + [None] * (ASK_ARGS - len(data))
        return json.dumps(payload).encode()
    return body


class RequestGuard:
    """Size limit on API request bodies, and defaults for the optional ``/ask`` arguments."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] == "http" and _REMOTE_FILE.search(path):
            await _refuse(send, 403, "Remote files are not fetched: this app runs offline.")
            return
        if scope["type"] != "http" or scope.get("method") != "POST" or not any(
                g in path for g in _GUARDED):
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive, MAX_BODY)
        if body is None:
            await _refuse(send, 413, f"Request body too large: the limit is {MAX_BODY:,} "
                          "bytes. Questions are limited to 2,000 characters.")
            return
        if path.endswith(_ASK):
            body = pad_ask_body(body)
        await self.app(scope, _replay(body, receive), send)


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole request body, or ``None`` once it passes ``limit`` bytes."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, original: Receive) -> Receive:
    """Hand the (checked) body over once, then wait on the real connection as usual."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return await original()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _refuse(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


# --- test hook ------------------------------------------------------------------------------

GATE_ENV = "ASSISTANT_TEST_GATE"


def hold_while_gated(limit_s: float = 120.0) -> None:
    """Test hook: hold an ``/ask`` answer while the file named by ``ASSISTANT_TEST_GATE`` exists.

    Inert unless that variable is set (the tests set it; nothing else does) and the file
    exists. A held call first appends a line to ``<file>.held``, so the test knows how
    many answering workers it holds, then waits until the file is removed (at most
    ``limit_s``). The queue then fills deterministically, however fast the machine is.
    """
    gate = os.environ.get(GATE_ENV)
    if not gate or not os.path.exists(gate):
        return
    with open(gate + ".held", "a", encoding="utf-8") as held:
        held.write(f"{threading.get_ident()}\n")
    deadline = time.monotonic() + limit_s
    while os.path.exists(gate) and time.monotonic() < deadline:
        time.sleep(0.02)
