"""MCP against the real index, through the MCP SDK's own client: ``assistant mcp`` over stdio
and ``/mcp`` on a real ``assistant serve`` (127.0.0.1) over streamable HTTP.

Both transports run one scenario: list the tools and call each one, check that the answers
equal ``Assistant.ask``'s (on a copy of the same index in this process), read the
resources, and check the errors. Over HTTP: the login (the JSON API's accounts), a
session bound to its account, the size limit, the in-flight limit shared with the JSON
API, and that ``serve`` loads the SDK only when an MCP client calls. Every wait is
bounded.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import httpx2
import pytest
from mcp import Client, StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError
from servers import copy_index, serve_copy
from support import REAL_SOURCES, WALK_OUT

from assistant import Assistant, Settings
from assistant.accounts.manage import add_user, create_token
from assistant.cli.http_bench import Server
from assistant.qa.timeline import parse_bound, timeline_json

pytestmark = pytest.mark.slow
TOOLS = {"ask", "search", "list_documents", "get_passage", "timeline"}
FOLLOW = "What did Japan do in response?"
ALICE, BOB = ("alice", "s3cret:pw"), ("bob", "hunter2")
LIMIT_S = 240  # any one MCP conversation in these tests
INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-06-18", "capabilities": {},
    "clientInfo": {"name": "test", "version": "1"}}}
ACCEPT = {"Accept": "application/json, text/event-stream"}


def start(root: Path, index: Path, env: dict[str, str]) -> Server:
    """``assistant serve`` over a copy of ``index`` (never the developer's ./index)."""
    return serve_copy(root, index, REAL_SOURCES, env=env)


@pytest.fixture(scope="module")
def local(built_index: tuple[Settings, dict], tmp_path_factory: pytest.TempPathFactory,
          ) -> Assistant:
    """The same index in this process: what every MCP answer must equal."""
    index = copy_index(built_index[0].index, tmp_path_factory.mktemp("mcp-local"))
    return Assistant.load(Settings(sources=REAL_SOURCES, index=index))


@pytest.fixture(scope="module")
def plain(built_index: tuple[Settings, dict], tmp_path_factory: pytest.TempPathFactory,
          ) -> Iterator[tuple[Server, str]]:
    """A server without login that logs its imports; and its log before any MCP call."""
    server = start(tmp_path_factory.mktemp("mcp-plain"), built_index[0].index,
                   {"PYTHONPROFILEIMPORTTIME": "1"})
    yield server, server.log.read_text(encoding="utf-8", errors="replace")
    server.stop()


@pytest.fixture(scope="module")
def guarded(built_index: tuple[Settings, dict], tmp_path_factory: pytest.TempPathFactory,
            ) -> Iterator[Server]:
    """Login on (two accounts), at most 2 jobs in hand, one answering thread."""
    server = start(tmp_path_factory.mktemp("mcp-login"), built_index[0].index, {
        "ASSISTANT_AUTH": "\n".join(":".join(a) for a in (ALICE, BOB)),
        "ASSISTANT_API_MAX_INFLIGHT": "2", "ASSISTANT_API_THREADS": "1",
        "ASSISTANT_QUERY_CACHE": "0"})
    yield server
    server.stop()


@contextlib.asynccontextmanager
async def over_http(url: str, headers: dict[str, str] | None = None,
                    mode: str = "auto") -> AsyncIterator[Client]:
    async with (httpx2.AsyncClient(headers=headers or {}, timeout=60, trust_env=False) as http,
                Client(streamable_http_client(f"{url}/mcp", http_client=http),
                       mode=mode) as client):
        yield client


def bearer(account: tuple[str, str]) -> dict[str, str]:
    return {"Authorization": "Bearer " + ":".join(account)}


def bounded(body: Callable[[], Awaitable[Any]]) -> Any:
    return asyncio.run(asyncio.wait_for(body(), LIMIT_S))


def untimed(answer: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in answer.items() if k != "timings_ms"}


# --- the scenario both transports run -----------------------------------------------------

async def check_tools_and_ask(client: Client, local: Assistant) -> dict[str, Any]:
    tools = {t.name: t for t in (await client.list_tools()).tools}
    assert set(tools) == TOOLS
    assert all(t.annotations.read_only_hint and t.output_schema for t in tools.values())
    first = await client.call_tool("ask", {"question": WALK_OUT})
    assert not first.is_error, first.content
    assert untimed(first.structured_content) == untimed(local.ask(WALK_OUT).to_json())
    assert first.structured_content["citations"] and not first.structured_content["abstained"]
    follow = await client.call_tool("ask", {"question": FOLLOW, "history": [WALK_OUT],
                                            "k": 3, "mode": "bm25"})
    expected = local.ask(FOLLOW, k=3, mode="bm25", history=[WALK_OUT]).to_json()
    assert untimed(follow.structured_content) == untimed(expected)
    return dict(first.structured_content)


async def check_lookups(client: Client, local: Assistant, answer: dict[str, Any]) -> None:
    found = (await client.call_tool("search", {"query": "export controls", "k": 3}))
    hits = found.structured_content["passages"]
    assert [(h["chunk_id"], h["score"], h["rank"]) for h in hits] == [
        (p.chunk_id, round(p.score, 6), p.rank) for p in local.search("export controls", k=3)]
    listed = await client.call_tool("list_documents", {})
    ids = [d["id"] for d in listed.structured_content["documents"]]
    assert ids == [d.id for d in local.data.documents]
    inside = await client.call_tool("search", {"query": "export controls", "document": ids[1]})
    assert {h["source_id"] for h in inside.structured_content["passages"]} == {ids[1]}
    cited = answer["citations"][0]
    passage = await client.call_tool("get_passage", {"chunk_id": cited["chunk_id"]})
    assert passage.structured_content == local.passage(cited["chunk_id"]).to_json()
    assert cited["quote"] in passage.structured_content["text"]
    events = await client.call_tool("timeline", {"date_from": "2019", "date_to": "2019"})
    year = parse_bound("2019", "from")
    assert events.structured_content == timeline_json(local.timeline.entries((), year, year))
    assert events.structured_content["events"]


async def check_errors(client: Client) -> None:
    for tool, arguments, words in (
            ("ask", {"question": ""}, "The question is empty."),
            ("get_passage", {"chunk_id": "no-such-document#0"}, "Unknown passage id"),
            ("timeline", {"date_from": "2020", "date_to": "2019"}, "is after")):
        result = await client.call_tool(tool, arguments)
        assert result.is_error and words in result.content[0].text, result.content


async def check_resources(client: Client, local: Assistant, answer: dict[str, Any]) -> None:
    uris = {r.uri for r in (await client.list_resources()).resources}
    assert len(uris) == 2 * len(local.data.documents)
    for cited in answer["citations"]:  # citations point into the text resources
        text = await client.read_resource(f"library://documents/{cited['source_id']}/text")
        assert text.contents[0].text[cited["start"]:cited["end"]] == cited["quote"]
    meta = await client.read_resource(f"library://documents/{answer['citations'][0]['source_id']}")
    assert json.loads(meta.contents[0].text)["title"] == answer["citations"][0]["title"]
    with pytest.raises(MCPError, match="Unknown document id"):
        await client.read_resource("library://documents/no-such-document")


async def scenario(client: Client, local: Assistant) -> None:
    answer = await check_tools_and_ask(client, local)
    await check_lookups(client, local, answer)
    await check_errors(client)
    await check_resources(client, local, answer)


# --- the transports -----------------------------------------------------------------------

def test_stdio(local: Assistant, built_index: tuple[Settings, dict], tmp_path: Path) -> None:
    index = copy_index(built_index[0].index, tmp_path)
    env = {**os.environ, "ASSISTANT_INDEX": str(index), "ASSISTANT_SOURCES": str(REAL_SOURCES),
           "HF_HUB_OFFLINE": "1"}
    params = StdioServerParameters(command=sys.executable, args=["-m", "assistant", "mcp"],
                                   env=env, cwd=tmp_path)

    async def body() -> None:
        with (tmp_path / "mcp.log").open("w") as log:
            async with Client(stdio_client(params, errlog=log)) as client:
                await scenario(client, local)

    bounded(body)
    assert "Traceback" not in (tmp_path / "mcp.log").read_text()


@pytest.mark.parametrize("mode", ["auto", "legacy"])  # 2026 per-request; 2025 sessions
def test_streamable_http(plain: tuple[Server, str], local: Assistant, mode: str) -> None:
    async def body() -> None:
        async with over_http(plain[0].url, mode=mode) as client:
            await scenario(client, local)

    bounded(body)


def imported(log: str) -> set[str]:
    """Top-level modules that ``-X importtime`` lines show imported (an attempt under 50 us
    found the module blocked, as gradio's import finds the SDK)."""
    found = set()
    for line in log.splitlines():
        if line.startswith("import time:"):
            _self, cumulative, name = (part.strip() for part in line[12:].split("|"))
            if cumulative.isdigit() and int(cumulative) >= 50:
                found.add(name.split(".")[0])
    return found


def test_serve_loads_the_sdk_only_when_mcp_is_used(plain: tuple[Server, str]) -> None:
    server, before = plain
    assert "gradio" in imported(before)  # the measurement works
    assert not imported(before) & {"mcp", "mcp_types"}
    health = httpx.get(f"{server.url}/api/v1/health", timeout=30).json()

    async def body() -> None:
        async with over_http(server.url) as client:
            assert not (await client.call_tool("ask", {"question": WALK_OUT})).is_error

    bounded(body)
    assert {"mcp", "mcp_types"} <= imported(server.log.read_text(errors="replace"))
    after = httpx.get(f"{server.url}/api/v1/health", timeout=30).json()
    assert after["finished"] == health["finished"] + 1  # counted as the API's jobs are


# --- login, sessions, limits --------------------------------------------------------------

def test_login_on_needs_an_account(guarded: Server, local: Assistant) -> None:
    for headers in ({}, bearer(("alice", "wrong")), {"Authorization": "Token alice:s3cret:pw"}):
        response = httpx.post(f"{guarded.url}/mcp", json=INIT, headers={**ACCEPT, **headers},
                              timeout=30)
        assert response.status_code == 401 and response.headers["www-authenticate"]
        assert set(response.json()) == {"error", "fix"}

    async def refused() -> None:
        async with over_http(guarded.url) as client:
            await client.list_tools()

    with pytest.raises(Exception) as caught:  # the SDK's client fails: no token
        bounded(refused)
    assert "Traceback" not in str(caught.value)

    async def allowed() -> None:
        basic = "Basic " + base64.b64encode(":".join(BOB).encode()).decode()
        for headers in (bearer(ALICE), {"Authorization": basic}):
            async with over_http(guarded.url, headers) as client:
                result = await client.call_tool("ask", {"question": WALK_OUT})
                assert untimed(result.structured_content) == untimed(
                    local.ask(WALK_OUT).to_json())

    bounded(allowed)


def test_an_api_token_opens_an_mcp_session(built_index: tuple[Settings, dict], tmp_path: Path,
                                          local: Assistant) -> None:
    """An account file's API token (``assistant user token``) works on /mcp as on the API."""
    accounts = tmp_path / "accounts.txt"
    add_user(accounts, "carol", "a-long-passphrase", "reader")
    token = create_token(accounts, "carol")
    root = tmp_path / "server"
    root.mkdir()
    server = start(root, built_index[0].index, {"ASSISTANT_AUTH_FILE": str(accounts),
                                                "ASSISTANT_QUERY_CACHE": "0"})
    try:
        wrong = httpx.post(f"{server.url}/mcp", json=INIT, timeout=30, headers={
            **ACCEPT, "Authorization": "Bearer " + token[:-4] + "xxxx"})
        assert wrong.status_code == 401 and set(wrong.json()) == {"error", "fix"}

        async def allowed() -> None:
            async with over_http(server.url, {"Authorization": f"Bearer {token}"}) as client:
                result = await client.call_tool("ask", {"question": WALK_OUT})
                assert untimed(result.structured_content) == untimed(
                    local.ask(WALK_OUT).to_json())

        bounded(allowed)
    finally:
        server.stop()


def test_a_session_belongs_to_the_account_that_opened_it(guarded: Server) -> None:
    with httpx.Client(base_url=guarded.url, timeout=30) as http:
        opened = http.post("/mcp", json=INIT, headers={**ACCEPT, **bearer(ALICE)})
        assert opened.status_code == 200, opened.text
        session = {"mcp-session-id": opened.headers["mcp-session-id"],
                   "mcp-protocol-version": "2025-06-18", **ACCEPT}
        note = {"jsonrpc": "2.0", "method": "notifications/initialized"}
        assert http.post("/mcp", json=note, headers={**session, **bearer(BOB)}
                         ).status_code == 404
        assert http.post("/mcp", json=note, headers={**session, **bearer(ALICE)}
                         ).status_code == 202


def test_bodies_over_64_kb_are_413(guarded: Server) -> None:
    big = {**INIT, "params": {**INIT["params"], "padding": "x" * 70_000}}
    response = httpx.post(f"{guarded.url}/mcp", json=big, headers={**ACCEPT, **bearer(ALICE)},
                          timeout=30)
    assert response.status_code == 413 and set(response.json()) == {"error", "fix"}


def test_the_api_in_flight_limit_refuses_extra_calls(guarded: Server) -> None:
    long = " ".join(["Seoul and Tokyo argued about export controls and history."] * 30)
    questions = [f"{long} {q}" for q in (WALK_OUT, FOLLOW, "When was GSOMIA signed?")]

    async def flood() -> list[Any]:
        async with contextlib.AsyncExitStack() as stack:
            clients = [await stack.enter_async_context(over_http(guarded.url, bearer(ALICE)))
                       for _ in range(6)]
            calls = [c.call_tool("ask", {"question": q}) for c in clients for q in questions]
            return list(await asyncio.gather(*calls))

    results = bounded(flood)
    refused = [r for r in results if r.is_error]
    assert refused and len(results) - len(refused) >= 2, [r.content for r in results]
    for result in refused:
        text = result.content[0].text
        assert "questions already" in text and "Retry after" in text, text

    async def later() -> None:
        async with over_http(guarded.url, bearer(ALICE)) as client:
            assert not (await client.call_tool("ask", {"question": WALK_OUT})).is_error

    bounded(later)

