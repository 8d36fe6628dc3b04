"""API: the JSON API under ``/api/v1``, on the same server and port as the chat.

A FastAPI app mounted beside the Gradio app (``build_app`` passes it to Gradio's own
FastAPI app as its first route), with:

    POST /api/v1/ask       {"question", "k"?, "mode"?, "history"?} -> `assistant ask --json`
    GET  /api/v1/health    the index (fresh/stale), model, counts, version, each worker
    GET  /api/v1/sources   the documents with their metadata
    POST /api/v1/refresh   rebuild the index if the sources changed (one process rebuilds,
                           the others see the swap)
    GET|POST /api/v1/documents, PATCH|PUT|DELETE /api/v1/documents/{id}
                           the library (:mod:`.api_documents`)
    GET  /api/v1/openapi.json, /api/v1/docs   the schema and interactive docs (offline)

Every error is JSON ``{"error", "fix"}``: 422 malformed body or wrong type (naming the
field), 400 a bad question, 413 a body over 64 KB (an upload: over the file limit), 408 a
body that stops arriving, 503 with ``Retry-After`` when ``api_max_inflight`` questions
are already in hand; when login is on, 401 without valid credentials (HTTP Basic, a
bearer API token from ``assistant user token``, or ``Bearer user:password``), 429 with
``Retry-After`` after too many wrong ones (:mod:`.auth`), 403 a reader changing the
library. The event loop only parses, checks and awaits: answering runs on the workers'
thread pools (:mod:`.workers`), library changes on the desk's thread (:mod:`.documents`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException

from .. import __version__
from ..accounts import Account, Gate, Verdict
from ..config import Settings
from . import api_models as m
from .api_documents import add_document_routes
from .api_guard import BodyGuard
from .auth import check_authorization, client_address, edit_refusal
from .documents import Desk
from .jobs import Result, dumps, error_body
from .workers import GONE, ProcessBackend, ThreadBackend, Ticket

log = logging.getLogger(__name__)

PREFIX = "/api/v1"
RETRY_AFTER_S = 1
Backend = ThreadBackend | ProcessBackend
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": m.Error, "description": text} for code, text in (
        (400, "A bad question (empty, blank, too long)"), (401, "Login required"),
        (403, "Not allowed for this account (or, without login, from this address)"),
        (429, "Too many wrong credentials in a row; retry after Retry-After seconds"),
        (408, "The body stopped arriving"), (413, "Body over 64 KB"),
        (422, "Malformed body or a wrong type; names the field"),
        (503, "Too many questions in hand; retry after Retry-After seconds"))}


def realm(settings: Settings) -> str:
    name = settings.title.replace('"', "'")
    return f'Basic realm="{name} API", charset="UTF-8"'


def error(status: int, message: str, fix: str, headers: dict[str, str] | None = None,
          ) -> JSONResponse:
    return JSONResponse({"error": message, "fix": fix}, status_code=status, headers=headers)


class Api:
    """The routes' state: the backend, the in-flight count and the accounts."""

    def __init__(self, backend: Backend, settings: Settings, gate: Gate | None) -> None:
        self.backend = backend
        self.settings = settings
        self.gate = gate
        self.inflight = 0
        self.finished = 0  # questions done since start, answered or skipped
        self.skipped = 0  # of those, skipped because the client left before they started

    async def login(self, request: Request) -> Account | None:
        """Dependency: the caller's account; 401 without valid credentials, 429 while their
        name or address is locked after wrong ones (when login is on; else None).

        ``async`` so FastAPI runs it on the event loop; the argon2 check (slow on a first
        sight of a password) runs on a thread.
        """
        if self.gate is None:
            return None
        header = request.headers.get("authorization", "")
        verdict = Verdict(401)
        if header.strip():
            verdict = await asyncio.to_thread(check_authorization, self.gate, header,
                                              client_address(request.scope))
        if verdict.status == 429:
            raise HTTPException(429, "Too many wrong credentials in a row.",
                                headers={"Retry-After": str(verdict.retry_after)})
        if not verdict.ok:
            raise HTTPException(401, "Login required: no or wrong credentials.",
                                headers={"WWW-Authenticate": realm(self.settings)})
        return verdict.account

    async def editor(self, request: Request) -> Account | None:
        """Dependency: the caller may change the library (an editor; or, without any login,
        a caller on this machine); else 403 saying why."""
        account = await self.login(request)
        refusal = edit_refusal(self.gate, account, client_address(request.scope))
        if refusal:
            raise HTTPException(403, refusal)
        return account

    def busy(self) -> tuple[str, str] | None:
        """The message and fix when ``api_max_inflight`` jobs are in hand, else None."""
        if self.inflight < self.settings.api_max_inflight:
            return None
        return (f"The server is answering {self.inflight} questions already.",
                f"Retry after {RETRY_AFTER_S} s.")

    async def job(self, kind: str, payload: dict[str, Any]) -> Result:
        """One job through the same in-flight limit, for callers with no request to watch
        (the MCP tools): 503 and the message when the server is busy."""
        if (full := self.busy()) is not None:
            return 503, error_body(*full)
        self.inflight += 1
        try:
            return await self.backend.submit(kind, payload)
        finally:
            self.inflight -= 1
            self.finished += 1

    async def run(self, request: Request, kind: str, payload: dict[str, Any]) -> Response:
        """One job through the in-flight limit; skipped if the client leaves first."""
        if (full := self.busy()) is not None:
            return error(503, *full, {"Retry-After": str(RETRY_AFTER_S)})
        self.inflight += 1
        started = time.perf_counter()
        ticket = Ticket()
        job = asyncio.ensure_future(self.backend.submit(kind, payload, ticket))
        gone = asyncio.ensure_future(_disconnected(request))
        try:
            await asyncio.wait({job, gone}, return_when=asyncio.FIRST_COMPLETED)
            if not job.done():  # the client left: skip the job if it has not started
                ticket.abandoned = True
                status, body = await job
            else:
                status, body = job.result()
        finally:
            gone.cancel()
            self.inflight -= 1
            self.finished += 1
        if (status, body) == GONE:
            self.skipped += 1
            return Response(status_code=499)
        # Time in this server (queue, pool, answer): tells clients' latency from the server's.
        spent = f"app;dur={(time.perf_counter() - started) * 1e3:.1f}"
        return Response(body, status_code=status, media_type="application/json",
                        headers={"Server-Timing": spent})


async def _disconnected(request: Request) -> None:
    """Returns when the client closes the connection (the body was already read)."""
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        if err.get("type") == "json_invalid":
            return f"The body is not valid JSON ({err.get('ctx', {}).get('error', 'invalid')})."
        if where == "body" and err.get("type") in ("model_attributes_type", "dict_type"):
            return ("The body must be a JSON object, sent with "
                    "'Content-Type: application/json'.")
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "Invalid request: " + "; ".join(parts) + "."


def _handlers(app: FastAPI) -> None:
    fix_body = ('Send JSON like {"question": "What is the report about?", "k": 5, '
                '"mode": "hybrid", "history": []}; see /api/v1/docs.')

    fix_upload = ('Send multipart/form-data with the file in the field "file" (and optional '
                  "title, author, publisher, date, url fields); see /api/v1/docs.")

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        upload = "/documents" in request.url.path
        return error(422, _validation_message(exc), fix_upload if upload else fix_body)

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        fixes = {401: "Log in with one of the chat's accounts: HTTP Basic, or "
                      "'Authorization: Bearer <token>' with a token from `assistant user "
                      "token NAME`.",
                 403: "Ask for an editor account (`assistant user add NAME --role editor`), "
                      "or, on a server without login, work from the server's own machine.",
                 429: "Wait for the Retry-After seconds, then send the right credentials.",
                 404: "See /api/v1/docs for the endpoints.",
                 405: "See /api/v1/docs for each endpoint's method."}
        return error(exc.status_code, str(exc.detail),
                     fixes.get(exc.status_code, "See /api/v1/docs."), exc.headers)

    @app.exception_handler(Exception)
    async def crashed(_request: Request, exc: Exception) -> JSONResponse:
        log.error("API request failed: %r", exc)
        return error(500, "Something went wrong; the error was logged.",
                     "Try again; if it keeps failing, check the server log.")


def build_api(backend: Backend, settings: Settings, gate: Gate | None = None,
              desk: Desk | None = None) -> FastAPI:
    """The ``/api/v1`` app (mount it at ``PREFIX``); with ``desk``, the library routes."""
    api = Api(backend, settings, gate)
    app = FastAPIOffline(
        title=f"{settings.title} API", version=__version__, redoc_url=None,
        description=f"{settings.tagline} Every error is JSON {{error, fix}}.",
        static_url="/static")
    app.state.api = api
    app.add_middleware(BodyGuard, upload_bytes=settings.max_file_mb * 2**20)
    _handlers(app)
    login = [Depends(api.login)]
    if desk is not None:
        add_document_routes(app, desk, api.login, api.editor)

    @app.post("/ask", response_model=m.AskResponse, responses=_ERRORS, dependencies=login)
    async def ask(request: Request, body: m.AskRequest) -> Response:
        """Answer a question with citations: the object of `assistant ask --json`."""
        return await api.run(request, "ask", body.model_dump())

    @app.get("/health", response_model=m.Health)
    async def health() -> Response:
        """Liveness and the index state; open without login, for load balancers."""
        return await _health(api)

    @app.get("/sources", response_model=m.Sources, dependencies=login,
             responses={401: _ERRORS[401]})
    async def sources(request: Request) -> Response:
        """The documents the answers come from, with their metadata."""
        return await api.run(request, "sources", {})

    @app.post("/refresh", response_model=m.Refreshed, dependencies=login,
              responses={401: _ERRORS[401], 409: {"model": m.Error}})
    async def refresh(request: Request) -> Response:
        """Rebuild the index if the sources changed; every worker then answers from it."""
        return await api.run(request, "refresh", {})

    return app


async def _health(api: Api) -> Response:
    """Each worker's index (in ``--workers 1``, this process's); 503 if one is missing."""
    results = await api.backend.broadcast("status")
    workers = [json.loads(body) for status, body in results if status == 200]
    ok = bool(workers) and len(workers) == api.backend.workers
    main = workers[0] if workers else {}
    payload = {"status": "ok" if ok else "degraded", "version": __version__,
               "model": main.get("model", ""), "index": main, "workers": workers,
               "inflight": api.inflight, "max_inflight": api.settings.api_max_inflight,
               "finished": api.finished, "skipped": api.skipped}
    return Response(dumps(payload), status_code=200 if ok else 503,
                    media_type="application/json")
