"""The JSON API (/api/v1) against a real `assistant serve` on 127.0.0.1, through httpx.

Three servers, each over its own copy of the index: the default one (no login, one
process), one with login on and an in-flight limit of 2 (the 401 and overload paths),
and one with `--workers 2` over a copy of the sources (answers and the index swap
across processes). Every loop is bounded in count and in time.
"""

from __future__ import annotations

import asyncio
import base64
import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from servers import serve_copy as start

from assistant import Assistant, Settings
from assistant.cli.http_bench import Server
from assistant.web.api_guard import BODY_TIMEOUT_S

REPO = Path(__file__).parents[2]
WALK_OUT = "Why did South Korea walk out of GSOMIA?"
SIGNED = "When was GSOMIA signed?"
ACCOUNT = ("alice", "s3cret:pw")
NEW_DOC = ("The Zorblatt Accord on lunar intelligence sharing was signed in Reykjavik "
           "on 3 March 2031 by the two governments.\n")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory,
          built_index: tuple[Settings, dict]) -> Iterator[Server]:
    server = start(tmp_path_factory.mktemp("api-plain"), built_index[0].index)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def http(plain: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=plain.url, timeout=30, trust_env=False) as client:
        yield client


@pytest.fixture(scope="module")
def local(plain: Server, tmp_path_factory: pytest.TempPathFactory,
          built_index: tuple[Settings, dict]) -> Assistant:
    """The same index in this process: what every HTTP answer must equal."""
    index = tmp_path_factory.mktemp("api-local") / "index"
    shutil.copytree(built_index[0].index, index)
    return Assistant.load(Settings(sources=REPO / "sources", index=index))


def same(answer: dict[str, Any], expected: dict[str, Any]) -> bool:
    strip = ("timings_ms",)
    return ({k: v for k, v in answer.items() if k not in strip}
            == {k: v for k, v in expected.items() if k not in strip})


def schema_check(openapi: dict[str, Any], name: str, value: Any) -> None:
    document = {**openapi, "$ref": f"#/components/schemas/{name}"}
    jsonschema.Draft202012Validator(document).validate(value)


def is_error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "fix"} and body["error"] and body["fix"], body
    assert "Traceback" not in response.text
    return body


# --- endpoints ----------------------------------------------------------------------------

def test_ask_returns_the_object_of_ask_json(http: httpx.Client, local: Assistant) -> None:
    response = http.post("/api/v1/ask", json={"question": WALK_OUT})
    assert response.status_code == 200
    assert same(response.json(), local.ask(WALK_OUT).to_json())
    schema_check(http.get("/api/v1/openapi.json").json(), "AskResponse", response.json())


def test_ask_takes_k_mode_and_history(http: httpx.Client, local: Assistant) -> None:
    body = {"question": "What did Japan do in response?", "k": 3, "mode": "bm25",
            "history": [WALK_OUT]}
    answer = http.post("/api/v1/ask", json=body).json()
    assert same(answer, local.ask(body["question"], k=3, mode="bm25",
                                  history=[WALK_OUT]).to_json())
    assert len(answer["passages"]) == 3


def test_health_sources_openapi_and_docs(http: httpx.Client, plain: Server) -> None:
    openapi = http.get("/api/v1/openapi.json").json()
    assert {"/ask", "/health", "/sources", "/refresh"} <= set(openapi["paths"])
    assert openapi["servers"] == [{"url": "/api/v1"}]
    health = http.get("/api/v1/health").json()
    schema_check(openapi, "Health", health)
    assert health["status"] == "ok" and health["index"]["state"] == "fresh"
    assert health["index"]["counts"]["documents"] == 2 and health["version"]
    assert health["workers"][0]["pid"] == plain.proc.pid
    sources = http.get("/api/v1/sources").json()
    schema_check(openapi, "Sources", sources)
    titles = {d["title"] for d in sources["documents"]}
    assert "Korea-Japan GSOMIA Survives Amid Disputes over Historical, Trade Issues" in titles
    docs = http.get("/api/v1/docs")
    assert docs.status_code == 200 and "/api/v1/openapi.json" in docs.text
    assert "cdn" not in docs.text.lower()  # offline: the Swagger files are served here
    assert http.get("/api/v1/static/swagger-ui-bundle.js").status_code == 200


def test_the_chat_and_its_gradio_ask_still_work(plain: Server, http: httpx.Client) -> None:
    from gradio_client import Client

    assert http.get("/").status_code == 200
    client = Client(plain.url + "/", verbose=False, analytics_enabled=False)
    result = client.predict(SIGNED, api_name="/ask")
    assert result["citations"] and same(result, http.post(
        "/api/v1/ask", json={"question": SIGNED}).json())


# --- errors -------------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "named"), [
    (b'{"question": "When', "not valid JSON"),
    (b"[1, 2]", "JSON object"),
    (b'{"question": 42}', "question"),
    (b'{"question": "x", "k": "five"}', "k"),
    (b'{"question": "x", "k": 2.5}', "k"),
    (b'{"question": "x", "k": true}', "k"),
    (b'{"question": "x", "k": 11}', "k"),
    (b'{"question": "x", "mode": "fast"}', "mode"),
    (b'{"question": "x", "history": "not a list"}', "history"),
    (b'{"question": "x", "history": [1]}', "history"),
    (b'{"questoin": "x"}', "question"),
    (b"", "body"),
])
def test_malformed_bodies_and_wrong_types_are_422(http: httpx.Client, body: bytes,
                                                  named: str) -> None:
    response = http.post("/api/v1/ask", content=body,
                         headers={"content-type": "application/json"})
    assert named in is_error(response, 422)["error"]


@pytest.mark.parametrize(("question", "message"), [
    ("", "The question is empty."),
    ("   \n", "empty"),
    ("x" * 2001, "2,001 characters"),
])
def test_bad_questions_are_400_with_the_message_and_fix(http: httpx.Client, question: str,
                                                        message: str) -> None:
    body = is_error(http.post("/api/v1/ask", json={"question": question}), 400)
    assert message in body["error"]


def test_bodies_over_64_kb_are_413(http: httpx.Client) -> None:
    big = json.dumps({"question": "x" * 70_000}).encode()
    is_error(http.post("/api/v1/ask", content=big,
                       headers={"content-type": "application/json"}), 413)

    def chunks() -> Iterator[bytes]:  # no Content-Length: caught while reading
        for _ in range(20):
            yield b" " * 4096

    is_error(http.post("/api/v1/ask", content=chunks(),
                       headers={"content-type": "application/json"}), 413)


def test_unknown_routes_and_methods_are_json(http: httpx.Client) -> None:
    is_error(http.get("/api/v1/nothing-here"), 404)
    is_error(http.get("/api/v1/ask"), 405)


def _raw(port: int, data: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=BODY_TIMEOUT_S + 20)
    sock.sendall(data)
    return sock


def _head(length: int) -> bytes:
    return (f"POST /api/v1/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
            f"\r\nContent-Length: {length}\r\n\r\n").encode()


def test_a_body_cut_off_mid_request(http: httpx.Client, plain: Server) -> None:
    body = json.dumps({"question": WALK_OUT}).encode()
    _raw(plain.port, _head(len(body)) + body[:10]).close()  # the client gives up
    stalled = _raw(plain.port, _head(len(body)) + body[:10])  # the client goes quiet
    chunks: list[bytes] = []
    try:  # the server answers, then closes: read to the end (headers and body may part)
        for _ in range(100):
            chunk = stalled.recv(4096)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        stalled.close()
    reply = b"".join(chunks).decode()
    assert reply.startswith("HTTP/1.1 408"), reply
    assert '"fix"' in reply
    assert http.post("/api/v1/ask", json={"question": SIGNED}).status_code == 200
    assert "Traceback" not in plain.log.read_text(errors="replace")


def test_a_client_that_leaves_before_its_answer(http: httpx.Client, plain: Server) -> None:
    body = json.dumps({"question": "x" * 1900 + " " + WALK_OUT}).encode()
    before = http.get("/api/v1/health").json()["finished"]
    for _ in range(8):
        _raw(plain.port, _head(len(body)) + body).close()
    # Wait until the server has seen all eight and let go of them (an in-flight count of 0
    # alone is also what it shows before the requests arrive).
    health: dict[str, Any] = {}
    for _ in range(150):
        health = http.get("/api/v1/health").json()
        if health["finished"] - before >= 8 and health["inflight"] == 0:
            break
        time.sleep(0.2)
    assert health["finished"] - before == 8, health
    assert health["inflight"] == 0, health
    assert http.post("/api/v1/ask", json={"question": SIGNED}).status_code == 200
    assert "Traceback" not in plain.log.read_text(errors="replace")


# --- concurrency --------------------------------------------------------------------------

QUESTIONS = [SIGNED, WALK_OUT, "What is TISA?", "Who is Shinzo Abe?",
             "What is the best recipe for banana bread?", "When did Japan restrict exports?",
             "What did the United States want?", "Why did Seoul reverse its decision?"]


async def _many(url: str, bodies: list[dict[str, Any]], **headers: str) -> list[httpx.Response]:
    async with httpx.AsyncClient(base_url=url, timeout=60, trust_env=False,
                                 limits=httpx.Limits(max_connections=len(bodies))) as client:
        return list(await asyncio.wait_for(asyncio.gather(*(
            client.post("/api/v1/ask", json=b, headers=headers) for b in bodies)), 120))


def test_16_concurrent_requests_answer_as_sequential_ones(http: httpx.Client,
                                                         plain: Server) -> None:
    bodies = [{"question": q} for q in QUESTIONS * 2]
    sequential = [http.post("/api/v1/ask", json=b).json() for b in bodies]
    concurrent = asyncio.run(_many(plain.url, bodies))
    assert [r.status_code for r in concurrent] == [200] * 16
    for got, expected in zip(concurrent, sequential, strict=True):
        assert same(got.json(), expected)


# --- login and overload -------------------------------------------------------------------

@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory, plain: Server,
            built_index: tuple[Settings, dict]) -> Iterator[Server]:
    server = start(tmp_path_factory.mktemp("api-login"), built_index[0].index, env={
        "ASSISTANT_AUTH": ":".join(ACCOUNT), "ASSISTANT_API_MAX_INFLIGHT": "2",
        "ASSISTANT_API_THREADS": "1", "ASSISTANT_QUERY_CACHE": "0"})
    yield server
    server.stop()


def _basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_login_on_needs_the_chats_accounts(guarded: Server) -> None:
    with httpx.Client(base_url=guarded.url, timeout=30, trust_env=False) as client:
        for headers in ({}, _basic("alice", "wrong"), _basic("mallory", "s3cret:pw"),
                        {"Authorization": "Basic !!!"}, {"Authorization": "Bearer alice"},
                        {"Authorization": "Token alice:s3cret:pw"}):
            response = client.post("/api/v1/ask", json={"question": SIGNED}, headers=headers)
            is_error(response, 401)
            assert response.headers["www-authenticate"].startswith("Basic")
            is_error(client.get("/api/v1/sources", headers=headers), 401)
        for headers in (_basic(*ACCOUNT), {"Authorization": "Bearer alice:s3cret:pw"}):
            assert client.post("/api/v1/ask", json={"question": SIGNED},
                               headers=headers).status_code == 200
            assert client.get("/api/v1/sources", headers=headers).status_code == 200
        assert client.get("/api/v1/health").status_code == 200  # for load balancers
        assert client.get("/config").status_code == 401  # the chat still wants its login


def test_login_off_needs_nothing(http: httpx.Client) -> None:
    assert http.get("/api/v1/sources").status_code == 200
    assert http.post("/api/v1/ask", json={"question": SIGNED},
                     headers=_basic("anyone", "x")).status_code == 200


def test_overload_is_refused_with_retry_after(guarded: Server) -> None:
    long = " ".join(["Seoul and Tokyo argued about export controls and history."] * 30)
    bodies = [{"question": f"{long} {q}"} for q in QUESTIONS * 5]
    responses = asyncio.run(_many(guarded.url, bodies, **_basic(*ACCOUNT)))
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {200, 503}, statuses
    assert statuses.count(503) > 0 and statuses.count(200) >= 2, statuses
    for response in responses:
        if response.status_code == 503:
            is_error(response, 503)
            assert int(response.headers["retry-after"]) >= 1
    with httpx.Client(base_url=guarded.url, timeout=30, trust_env=False) as client:
        assert client.post("/api/v1/ask", json={"question": SIGNED},
                           headers=_basic(*ACCOUNT)).status_code == 200


# --- worker processes and the index swap --------------------------------------------------

@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory, plain: Server,
        built_index: tuple[Settings, dict]) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("api-workers")
    shutil.copytree(REPO / "sources", root / "sources")
    server = start(root, built_index[0].index, sources=root / "sources", workers=2)
    yield server
    server.stop()


def test_two_workers_answer_alike(two: Server, local: Assistant) -> None:
    health = httpx.get(two.url + "/api/v1/health", trust_env=False, timeout=30).json()
    pids = {w["pid"] for w in health["workers"]}
    assert len(pids) == 2 and two.proc.pid not in pids
    responses = asyncio.run(_many(two.url, [{"question": q} for q in QUESTIONS * 2]))
    for response, question in zip(responses, QUESTIONS * 2, strict=True):
        assert response.status_code == 200 and same(response.json(),
                                                     local.ask(question).to_json())


def test_mcp_is_answered_by_the_workers_too(two: Server, local: Assistant) -> None:
    """/mcp's jobs go to the worker processes as /api/v1's do (the MCP tests are in
    test_mcp.py; this one only needs the two-worker server)."""
    from mcp import Client

    async def body() -> list[Any]:
        async with Client(f"{two.url}/mcp") as client:
            return [await client.call_tool("ask", {"question": q}) for q in QUESTIONS]

    results = asyncio.run(asyncio.wait_for(body(), 120))
    for result, question in zip(results, QUESTIONS, strict=True):
        assert not result.is_error and same(result.structured_content,
                                            local.ask(question).to_json())


def test_a_refresh_in_one_worker_is_seen_by_the_other(two: Server) -> None:
    url = two.url + "/api/v1"
    question = {"question": "Where was the Zorblatt Accord signed?"}
    before = httpx.get(url + "/health", trust_env=False, timeout=30).json()
    (Path(two.log).parent / "sources" / "zorblatt.txt").write_text(NEW_DOC, encoding="utf-8")
    failures: list[str] = []
    stop = threading.Event()

    def keep_asking() -> None:  # answers during the rebuild come from the old or new index
        with httpx.Client(timeout=60, trust_env=False) as client:
            for _ in range(400):
                if stop.is_set():
                    return
                response = client.post(url + "/ask", json={"question": WALK_OUT})
                if response.status_code != 200:
                    failures.append(response.text[:200])

    asker = threading.Thread(target=keep_asking)
    asker.start()
    try:
        refreshed = httpx.post(url + "/refresh", trust_env=False, timeout=120).json()
    finally:
        stop.set()
        asker.join(timeout=120)
    assert not asker.is_alive(), "a request during the rebuild never came back"
    assert not failures, failures
    assert refreshed["rebuilt"] is True
    assert refreshed["index"]["counts"]["documents"] == 3
    created = refreshed["index"]["created_at"]
    assert created != before["index"]["created_at"]
    health: dict[str, Any] = {}
    for _ in range(20):  # each status request makes a worker look at the manifest
        health = httpx.get(url + "/health", trust_env=False, timeout=30).json()
        if all(w["created_at"] == created for w in health["workers"]):
            break
        time.sleep(0.5)
    assert [w["created_at"] for w in health["workers"]] == [created, created], health
    answers = asyncio.run(_many(two.url, [question] * 6))
    for response in answers:
        cited = {c["source_id"] for c in response.json()["citations"]}
        assert "zorblatt" in cited, response.json()["answer"]
