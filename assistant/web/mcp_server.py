"""MCP server: the assistant as Model Context Protocol tools and resources, for AI agents.

The one module that imports the MCP SDK (``mcp``, declared with its ``MCPServer``), so
it loads only when MCP is used: by ``assistant mcp`` (:func:`serve_stdio`, over stdio,
for desktop clients) and by the first request to ``/mcp`` on ``assistant serve``
(:mod:`.mcp_mount`, which puts the login, the size limits and the API's in-flight
limit in front of :func:`http_app`).

Tools: ``ask``, ``search``, ``list_documents``, ``get_passage`` and ``timeline``, all
read-only, each returning structured output (the schemas are in :mod:`.api_models`).
Resources: each document's metadata (JSON) and its cleaned text, the text that
citations' ``start``/``end`` point into. Every tool and resource runs as a job
(:mod:`.jobs`) through a ``Runner``: the JSON API's backend and in-flight limit over
HTTP, a thread pool of this process over stdio, so both transports answer as
``/api/v1`` does. A job's error (``{"error", "fix"}``) becomes a tool error with that
text, or a resource error for a resource.

>>> import asyncio
>>> async def runner(kind, payload):  # a stand-in for the jobs: every one is refused
...     return 400, b'{"error": "No.", "fix": "Ask again."}'
>>> server = LibraryServer(runner)
>>> sorted(tool.name for tool in asyncio.run(server.list_tools()))
['ask', 'get_passage', 'list_documents', 'search', 'timeline']
>>> asyncio.run(server.call_tool("get_passage", {"chunk_id": "x#0"}))
Traceback (most recent call last):
...
mcp.server.mcpserver.exceptions.ToolError: Error executing tool get_passage: No. Ask again.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Annotated, Any, Literal
from urllib.parse import quote

from mcp.server import MCPServer
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.auth.provider import AccessToken
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError, ToolError
from mcp.types import Resource, ToolAnnotations
from pydantic import Field

from .. import __version__
from ..config import Settings
from . import api_models as m
from .guard import MAX_BODY, USER_KEY, ASGIApp, Receive, Scope, Send
from .jobs import Result
from .workers import ThreadBackend

Runner = Callable[[str, dict[str, Any]], Awaitable[Result]]
DOCUMENT_URI = "library://documents/{doc_id}"
TEXT_URI = "library://documents/{doc_id}/text"
READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True,
                            open_world_hint=False)
INSTRUCTIONS = (
    "Cited, extractive answers from a fixed library of documents. Use `ask` for questions: "
    "every sentence of its answer is quoted from a document and cited, and when the "
    "documents do not answer it abstains (abstained: true) instead of guessing; say so "
    "rather than answering from memory. Use `search` and `get_passage` to read more, "
    "`list_documents` for what the library holds, and `timeline` for dated events.")

Question = Annotated[str, Field(description="The question, at most 2,000 characters.")]
History = Annotated[list[str] | None, Field(
    max_length=m.MAX_HISTORY, description="The conversation's earlier questions, oldest first.")]
K = Annotated[int | None, Field(ge=1, le=m.MAX_K, description="Passages to retrieve (1-10).")]
Mode = Annotated[Literal["hybrid", "dense", "bm25"] | None, Field(
    description="Retrieval mode (default hybrid).")]
DateBound = Annotated[str | None, Field(description="YYYY, YYYY-MM or YYYY-MM-DD.")]


async def call(runner: Runner, kind: str, payload: dict[str, Any],
               failure: type[Exception] = ToolError) -> dict[str, Any]:
    """Run one job; its ``{"error", "fix"}`` becomes a ``failure`` with that text."""
    status, body = await runner(kind, payload)
    data: dict[str, Any] = json.loads(body)
    if status == 200:
        return data
    text = f"{data.get('error', 'The request failed.')} {data.get('fix', '')}".strip()
    if failure is ResourceError and status == 404:
        raise ResourceNotFoundError(text)
    raise failure(text)


class Tools:
    """The tools; each method's docstring is what an agent reads to choose it."""

    def __init__(self, runner: Runner) -> None:
        self.runner = runner

    async def ask(self, question: Question, history: History = None, k: K = None,
                  mode: Mode = None) -> m.AskResponse:
        """Answer a question from the library's documents, every sentence quoted and cited.

        Use it for any question the documents may answer (who, what, when, where, why,
        what happened next, who wrote an article). Pass the conversation's earlier
        questions in `history`, oldest first, so a follow-up ("What did Japan do in
        response?") is read in context. Each sentence of `answer` is quoted from a
        document and carries a [n] marker; `citations[n-1]` gives the exact `quote`,
        its document (`source_id`, `title`, `date`, `url`) and where it is (`start`/`end`
        in the document's text, `paragraph`, and `chunk_id` for get_passage).
        `short_answer` is the name, date or number asked for, when there is one. When
        the documents do not answer, `abstained` is true and `citations` is empty: tell
        the user the library does not say, rather than answering from memory.
        """
        data = await call(self.runner, "ask", {"question": question, "history": history or [],
                                               "k": k, "mode": mode})
        return m.AskResponse.model_validate(data)

    async def search(self, query: Annotated[str, Field(description="Words to look for.")],
                     k: K = None, document: Annotated[str | None, Field(
                         description="Only this document (an id from list_documents).")] = None,
                     ) -> m.SearchResults:
        """Find the passages that best match some words, ranked, without composing an answer.

        Use it to see what the library says about a topic, to gather more context than
        ask's citations give, or to look inside one document (`document`). Each passage
        has its `chunk_id` (for get_passage), its document's `source_id` and `title`, and
        its `score` (higher is better).
        """
        data = await call(self.runner, "search", {"query": query, "k": k, "document": document})
        return m.SearchResults.model_validate(data)

    async def list_documents(self) -> m.Documents:
        """List the library's documents: id, title, author, publisher, date, url and size.

        Use it to learn what the library holds, and for the ids that search's `document`,
        timeline's `source` and the document resources take.
        """
        return m.Documents.model_validate(await call(self.runner, "documents", {}))

    async def get_passage(self, chunk_id: Annotated[str, Field(
            description="A chunk_id from ask (citations, passages) or search.")],
            ) -> m.PassageText:
        """Read one passage by its id, with its document's metadata and where it stands.

        Use it to read around a citation: `start`/`end` and `paragraph` place it in the
        document, and `previous_chunk_id`/`next_chunk_id` name the passages before and
        after it, to read on.
        """
        data = await call(self.runner, "passage", {"chunk_id": chunk_id})
        return m.PassageText.model_validate(data)

    async def timeline(self, date_from: DateBound = None, date_to: DateBound = None,
                       source: Annotated[str | list[str] | None, Field(
                           description="A document id, or a list of them.")] = None,
                       ) -> m.TimelineEvents:
        """List the dated events the documents tell, in date order, each with its sentence.

        Use it for "what happened when" and to put events in order. `date_from` and
        `date_to` keep the events whose date reaches into that range; `source` keeps
        those of one document (or several). An event told by several documents is listed
        once, with one citation per document.
        """
        sources = [source] if isinstance(source, str) else list(source or [])
        data = await call(self.runner, "timeline",
                          {"from": date_from, "to": date_to, "sources": sources})
        return m.TimelineEvents.model_validate(data)


class LibraryServer(MCPServer):
    """The MCP server: the tools, and each document as two read-only resources."""

    def __init__(self, runner: Runner, title: str = Settings.title) -> None:
        # The title agents show is the library's (ASSISTANT_TITLE), as the chat's is.
        super().__init__("gsomia-assistant", title=title, version=__version__,
                         instructions=INSTRUCTIONS)
        self.runner = runner
        tools = Tools(runner)
        for tool in (tools.ask, tools.search, tools.list_documents, tools.get_passage,
                     tools.timeline):
            self.add_tool(tool, description=inspect.cleandoc(tool.__doc__ or ""),
                          annotations=READ_ONLY, structured_output=True)
        self.resource(DOCUMENT_URI, name="document", mime_type="application/json",
                      description="A document's metadata (JSON).")(self.metadata)
        self.resource(TEXT_URI, name="document-text", mime_type="text/plain",
                      description="A document's cleaned text; citations' start/end index "
                                  "into it.")(self.text)

    async def _document(self, doc_id: str) -> dict[str, Any]:
        return await call(self.runner, "document", {"id": doc_id}, ResourceError)

    async def metadata(self, doc_id: str) -> str:
        data = await self._document(doc_id)
        return json.dumps({k: v for k, v in data.items() if k != "text"}, ensure_ascii=False)

    async def text(self, doc_id: str) -> str:
        return str((await self._document(doc_id))["text"])

    async def list_resources(self) -> list[Resource]:
        """Each document of the index loaded now (it may be rebuilt while serving)."""
        data = await call(self.runner, "documents", {}, ResourceError)
        found = []
        for doc in data["documents"]:
            name = quote(doc["id"], safe="")
            found += [
                Resource(uri=DOCUMENT_URI.format(doc_id=name), name=doc["id"],
                         title=doc["title"], mime_type="application/json",
                         description=f"Metadata of {doc['title']!r}"),
                Resource(uri=TEXT_URI.format(doc_id=name), name=f"{doc['id']}/text",
                         title=doc["title"], mime_type="text/plain",
                         description=f"Text of {doc['title']!r} ({doc['characters']:,} "
                                     "characters)")]
        return found


def http_app(server: MCPServer, settings: Settings,
             ) -> tuple[ASGIApp, Callable[[], AbstractAsyncContextManager[None]]]:
    """Streamable HTTP for ``server``: the ASGI app and the session manager's ``run``
    (the caller keeps it running while serving). A session is bound to the account that
    opened it (``USER_KEY`` in the scope): another account's requests to it get 404."""
    server.streamable_http_app(host=settings.host, max_request_body_size=MAX_BODY)
    manager = server.session_manager

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        user = scope.get(USER_KEY)
        if user:
            token = AccessToken(token="", client_id=user, scopes=["reader"])
            scope = {**scope, "user": AuthenticatedUser(token)}
        await manager.handle_request(scope, receive, send)

    return app, manager.run


def serve_stdio(assistant: Any, settings: Settings) -> int:
    """``assistant mcp``: serve over stdin/stdout until the client closes them."""
    backend = ThreadBackend(assistant, settings)
    try:
        LibraryServer(backend.submit, settings.title).run("stdio")
    finally:
        backend.close()
    return 0
