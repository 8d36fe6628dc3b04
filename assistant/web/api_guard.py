"""API guard: the JSON API's request bodies are bounded in size and in time.

An ASGI middleware in front of the ``/api/v1`` app. A body over ``MAX_BODY`` gets 413
(at once when ``Content-Length`` says so, else as soon as it passes the limit); a body
that stops arriving gets 408 after ``BODY_TIMEOUT_S``; a client that disconnects
mid-body gets nothing and costs nothing. The checked body is then handed to the app.
Uploads to the library (``POST``/``PUT`` on ``/documents``) may be as large as the file
size limit (``ASSISTANT_MAX_FILE_MB``) plus :data:`FORM_SLACK` for the form around the
file, and get :data:`UPLOAD_TIMEOUT_S` to arrive.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from typing import Any

from .guard import MAX_BODY, ASGIApp, Message, Receive, Scope, Send

BODY_TIMEOUT_S = 10.0
UPLOAD_TIMEOUT_S = 300.0
FORM_SLACK = 64 * 1024  # the multipart headers and the metadata fields around the file


class BodyGuard:
    """Size and time limits on request bodies; errors as JSON ``{"error", "fix"}``."""

    def __init__(self, app: ASGIApp, upload_bytes: int = 20 * 2**20) -> None:
        self.app = app
        self.upload_bytes = upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        upload = scope.get("method") in ("POST", "PUT") and "/documents" in str(
            scope.get("path", ""))
        limit = self.upload_bytes + FORM_SLACK if upload else MAX_BODY
        timeout = UPLOAD_TIMEOUT_S if upload else BODY_TIMEOUT_S
        too_large = _too_large_upload(self.upload_bytes) if upload else _too_large()
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await reply(send, 413, too_large)
            return
        outcome, body = await _read(receive, limit, timeout)
        if outcome == "gone":
            return
        if outcome == "large":
            await reply(send, 413, too_large)
            return
        if outcome == "slow":
            await reply(send, 408, {
                "error": f"The request body did not arrive within {timeout:.0f} s.",
                "fix": "Send the whole body at once, with a correct Content-Length."})
            return
        await self.app(scope, _replay(body, receive), send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _read(receive: Receive, limit: int = MAX_BODY,
                timeout: float = BODY_TIMEOUT_S) -> tuple[str, bytes]:
    """("ok", body), or ("gone" | "large" | "slow", b"")."""
    chunks: list[bytes] = []
    size, deadline = 0, time.monotonic() + timeout
    while True:
        try:
            message = await asyncio.wait_for(receive(), max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            return "slow", b""
        if message["type"] == "http.disconnect":
            return "gone", b""
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return "large", b""
        chunks.append(chunk)
        if not message.get("more_body", False):
            return "ok", b"".join(chunks)


def _replay(body: bytes, original: Receive) -> Receive:
    """The checked body once, then the real connection (so a disconnect is still seen)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return await original()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _too_large_upload(limit: int) -> dict[str, str]:
    return {"error": f"The upload is over the {limit / 2**20:.0f} MB limit.",
            "fix": "Split the file or shrink its images, or raise ASSISTANT_MAX_FILE_MB."}


def _too_large() -> dict[str, str]:
    return {"error": f"The request body is over {MAX_BODY // 1024} KB.",
            "fix": "Questions are at most 2,000 characters; send a smaller body."}


async def reply(send: Send, status: int, payload: dict[str, Any],
                headers: Sequence[tuple[bytes, bytes]] = ()) -> None:
    """Send ``payload`` as a JSON error response, and close the connection."""
    body = json.dumps(payload).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close"), *headers]})
    await send({"type": "http.response.body", "body": body})
