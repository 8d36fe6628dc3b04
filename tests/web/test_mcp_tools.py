"""The MCP server's tools and resources in process: the SDK's own client over the real jobs
(the fixture corpus and the fake embedder: no model, no server). The transports, with the
real model and index, are tested in test_mcp.py."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from support import FakeEmbedder

from assistant.config import Settings
from assistant.qa import Assistant
from assistant.store import build_index, load_index
from assistant.web import jobs
from assistant.web.mcp_mount import mcp_reader
from assistant.web.mcp_server import LibraryServer
from assistant.web.workers import ThreadBackend

TOOLS = {"ask", "search", "list_documents", "get_passage", "timeline"}


@pytest.fixture
def bot(fast_settings: Settings, fake_embedder: FakeEmbedder) -> Assistant:
    build_index(fast_settings, fake_embedder)
    return Assistant(fast_settings, fake_embedder, load_index(fast_settings.index))


def session(bot: Assistant, body: Callable[[Client], Awaitable[None]],
            title: str = Settings.title) -> None:
    """Run ``body`` with a client connected in process to a server over ``bot``."""
    backend = ThreadBackend(bot, bot.settings)

    async def run() -> None:
        async with Client(LibraryServer(backend.submit, title)) as client:
            await body(client)

    try:
        asyncio.run(run())
    finally:
        backend.close()


def test_each_tool_is_read_only_and_described(bot: Assistant) -> None:
    async def body(client: Client) -> None:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert set(tools) == TOOLS
        for tool in tools.values():
            assert tool.description and "Use it" in tool.description, tool.name
            assert tool.output_schema and tool.annotations.read_only_hint, tool.name
        assert tools["ask"].input_schema["required"] == ["question"]
        assert set(tools["timeline"].input_schema["properties"]) == {"date_from", "date_to",
                                                                     "source"}

    session(bot, body)


def test_the_server_is_titled_as_the_library(bot: Assistant) -> None:
    async def body(client: Client) -> None:
        assert client.server_info is not None
        assert client.server_info.title == "Harbour Council Papers"

    session(bot, body, title="Harbour Council Papers")


def test_tools_answer_as_the_jobs_do(bot: Assistant) -> None:
    watcher = jobs.IndexWatcher(bot)

    def job(kind: str, payload: dict[str, Any]) -> Any:
        status, body = jobs.run(bot, watcher, kind, payload)
        assert status == 200, body
        return json.loads(body)

    async def body(client: Client) -> None:
        found = await client.call_tool("search", {"query": "export restrictions", "k": 2})
        assert found.structured_content == job("search", {"query": "export restrictions",
                                                          "k": 2})
        first = found.structured_content["passages"][0]
        assert first["rank"] == 1 and first["title"] and first["source_id"]
        passage = await client.call_tool("get_passage", {"chunk_id": first["chunk_id"]})
        assert passage.structured_content == job("passage", {"chunk_id": first["chunk_id"]})
        listed = await client.call_tool("list_documents", {})
        assert listed.structured_content == {"documents": jobs.documents(bot)}
        events = await client.call_tool("timeline", {"source": "alpha"})
        assert events.structured_content == job("timeline", {"sources": ["alpha"]})

    session(bot, body)


@pytest.mark.parametrize(("tool", "arguments", "words"), [
    ("ask", {"question": ""}, "The question is empty. Type a question"),
    ("ask", {"question": "   "}, "The question is empty."),
    ("ask", {"question": "x" * 2001}, "the limit is 2,000"),
    ("ask", {"question": "Why?", "k": 11}, "less than or equal to 10"),
    ("ask", {}, "Field required"),
    ("search", {"query": ""}, "The search query is empty."),
    ("search", {"query": "pact", "document": "nope"}, "Unknown document id 'nope'"),
    ("get_passage", {"chunk_id": "nope#3"}, "Unknown passage id 'nope#3'. Use a chunk_id"),
    ("timeline", {"date_from": "2019-13"}, "from '2019-13' is not a date"),
    ("timeline", {"source": ["alpha", "nope"]}, "Unknown source id 'nope'"),
])
def test_bad_calls_are_tool_errors_with_the_fix(bot: Assistant, tool: str,
                                                arguments: dict[str, Any], words: str) -> None:
    async def body(client: Client) -> None:
        result = await client.call_tool(tool, arguments)
        assert result.is_error and result.structured_content is None
        text = result.content[0].text
        assert words in text and "Traceback" not in text, text

    session(bot, body)


def test_each_document_is_two_read_only_resources(bot: Assistant) -> None:
    async def body(client: Client) -> None:
        uris = [r.uri for r in (await client.list_resources()).resources]
        ids = [d.id for d in bot.data.documents]
        assert uris == [u for i in ids for u in (f"library://documents/{i}",
                                                 f"library://documents/{i}/text")]
        text = await client.read_resource("library://documents/alpha/text")
        assert text.contents[0].text == bot.document("alpha").text
        assert text.contents[0].mime_type == "text/plain"
        meta = await client.read_resource("library://documents/alpha")
        assert meta.contents[0].mime_type == "application/json"
        fields = json.loads(meta.contents[0].text)
        assert fields["id"] == "alpha" and fields["title"] == bot.document("alpha").title
        assert "text" not in fields
        with pytest.raises(MCPError, match="Unknown document id 'nope'"):
            await client.read_resource("library://documents/nope")

    session(bot, body)


def test_the_login_check_for_mcp() -> None:
    """/mcp checks the JSON API's accounts (Basic, the older Bearer user:password)."""
    import asyncio

    from assistant.accounts import Accounts, Gate
    from assistant.accounts.throttle import Throttle

    gate = Gate(Accounts(pairs=[("alice", "s3:cret"), ("bob", "pw")]), Throttle(free=10_000))

    def who(header: str, checked: Gate | None = gate) -> str | None:
        scope = {"type": "http", "client": ("127.0.0.1", 5000),
                 "headers": [(b"authorization", header.encode())] if header else []}
        verdict = asyncio.run(mcp_reader(checked, scope))
        return (verdict.account.name if verdict.account else "") if verdict.ok else None

    assert who("Bearer alice:s3:cret") == "alice"
    assert who("Basic Ym9iOnB3") == "bob"  # bob:pw
    for header in ("", "Bearer alice", "Bearer alice:pw", "Basic !!", "Token bob:pw"):
        assert who(header) is None
    assert who("", None) == "" and who("Bearer x:y", None) == ""  # login off
