"""The web chat's server as clients meet it: start-up, the `/ask` API, the file routes.

The session's ``server`` (tests/web/conftest.py) is ``assistant serve --port <free port>``
over the real ``sources/`` and a copy of the index the session built from them.
"""

from __future__ import annotations

import json
import os
import subprocess
import urllib.error
import urllib.request
from typing import Any

import pytest
from servers import Server, assistant_command
from support import BANANA, REAL_SOURCES, REPO, WALK_OUT, http_status

from assistant.config import Settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(server: Server) -> Any:
    from gradio_client import Client

    return Client(server.url, verbose=False, analytics_enabled=False)


# --- process, API and file routes ---------------------------------------------------------

def test_serve_prints_its_address_and_no_traceback(server: Server) -> None:
    log = server.log.read_text(encoding="utf-8")
    # The title is the settings' (ASSISTANT_TITLE): nothing in it is fixed to one library.
    assert f"Library Assistant is running at http://127.0.0.1:{server.port}/" in log
    assert "only from this machine" in log  # no login: the server says who may edit
    assert "Traceback" not in log


def test_ask_endpoint_returns_the_documented_json(client: Any) -> None:
    result = client.predict("When was GSOMIA signed?", api_name="/ask")
    assert {"question", "answer", "abstained", "citations", "passages", "timings_ms"} <= set(
        result)
    assert result["question"] == "When was GSOMIA signed?" and "[1]" in result["answer"]
    assert result["abstained"] is False and result["citations"]
    for c in result["citations"]:
        assert {"marker", "source_id", "title", "author", "publisher", "date", "quote", "start",
                "end", "passage"} <= set(c)
        assert c["quote"] in c["passage"]
    for p in result["passages"]:
        assert {"chunk_id", "source_id", "text", "score"} <= set(p)
    assert {"retrieval_ms", "answer_ms"} <= set(result["timings_ms"])


def test_ask_endpoint_takes_k_and_mode(client: Any) -> None:
    question = "When was GSOMIA signed?"
    assert len(client.predict(question, 3, "dense", api_name="/ask")["passages"]) == 3
    assert len(client.predict(question, 1, "hybrid", api_name="/ask")["passages"]) == 1
    assert client.predict(question, 2, "bm25", api_name="/ask")["passages"]
    banana = client.predict(BANANA, api_name="/ask")
    assert banana["abstained"] is True and banana["citations"] == []


def test_ask_endpoint_matches_the_cli_json(server: Server, client: Any) -> None:
    question = "Under which clause of the pact can either side pull out?"
    via_http = client.predict(question, api_name="/ask")
    env = {**os.environ, "ASSISTANT_INDEX": str(server.index), "HF_HUB_OFFLINE": "1",
           "ASSISTANT_SOURCES": str(REAL_SOURCES)}
    out = subprocess.run([assistant_command(), "ask", "--json", question], env=env, cwd=REPO,
                         capture_output=True, text=True, timeout=180, check=True).stdout
    via_cli = json.loads(out)
    via_http.pop("timings_ms"), via_cli.pop("timings_ms")
    assert via_http == via_cli


def test_concurrent_requests_are_all_answered(client: Any) -> None:
    questions = ["When was GSOMIA signed?", "What is TISA?", WALK_OUT, BANANA] * 2
    jobs = [client.submit(q, api_name="/ask") for q in questions]
    results = [job.result(timeout=60) for job in jobs]
    assert [r["question"] for r in results] == questions


@pytest.mark.parametrize(("question", "message"), [
    ("x" * 2001, "limit is 2,000"),
    ("   ", "The question is empty"),
])
def test_ask_endpoint_refuses_bad_questions(client: Any, question: str, message: str) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError) as info:
        client.predict(question, api_name="/ask")
    assert message in str(info.value) and "Traceback" not in str(info.value)


def test_only_the_ask_endpoint_is_public(client: Any) -> None:
    api = client.view_api(print_info=False, return_format="dict")
    assert set(api["named_endpoints"]) == {"/ask"}
    assert api["unnamed_endpoints"] == {}


def _refused_paths(server: Server) -> list[str]:
    repo_index = next((REPO / "index").glob("*.json*"), REPO / "index" / "manifest.json")
    return [str(server.index / "manifest.json"), str(server.index / "chunks.jsonl"),
            str(repo_index), "index/manifest.json", str(REPO / "sources" / "sources.toml"),
            str(REPO / "sources" / "korea-japan-gsomia-survives.txt"), "sources/sources.toml",
            "/etc/passwd", "../../../../etc/passwd", "%2Fetc%2Fpasswd"]


@pytest.mark.parametrize("route", ["gradio_api/file=", "file=", "gradio_api/file/", "file/"])
def test_file_routes_refuse_index_sources_and_system_files(server: Server, route: str) -> None:
    for path in _refused_paths(server):
        status = http_status(server.url + route + path)
        assert status in (403, 404), (route, path, status)
    assert http_status(server.url) == 200


def _upload_status(url: str, size: int) -> int:
    """POST one file of ``size`` bytes to Gradio's upload route; the status code."""
    boundary = "gsomia-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; "
            f"filename=\"set.jsonl\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            ).encode() + b"x" * size + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(url + "gradio_api/upload", data=body, method="POST",
                                     headers={"Content-Type": f"multipart/form-data; "
                                              f"boundary={boundary}"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_uploads_over_the_size_limit_are_refused(server: Server) -> None:
    """Gradio takes files up to twice the library's file limit (so the Documents tab can
    say in words that one is a little over it; the Evaluate tab checks its own 2 MB), and
    refuses anything larger before it is stored."""
    limit = 2 * Settings().max_file_mb * 2**20
    assert _upload_status(server.url, 1000) == 200
    assert _upload_status(server.url, limit + 1) == 413
