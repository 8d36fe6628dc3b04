"""The web chat's server as clients meet it: start-up, the `/ask` API, the file routes.

A session-scoped fixture starts ``assistant serve --port <free port>`` against the real
``sources/`` and an index folder this test owns (a copy of ./index when there is one),
waits (at most two minutes) until the address answers and stops the process at the end.
The helpers here (``start_server``, ``http_status``...) are reused by test_app_browser.py.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).parents[2]
START_TIMEOUT_S = 120
WALK_OUT = "Why did South Korea walk out of GSOMIA?"
BANANA = "What is the best recipe for banana bread?"


@dataclass
class Server:
    """One running ``assistant serve`` process and the files it owns."""

    url: str
    port: int
    proc: subprocess.Popen[bytes]
    root: Path
    log: Path
    feedback_log: Path
    index: Path
    ready_s: float
    first_timings: dict[str, float] | None = None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http_status(url: str, timeout: float = 5.0) -> int:
    """Status code of a GET, without proxies and without raising on 4xx/5xx."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def assistant_command() -> str:
    here = Path(sys.executable).parent / "assistant"
    return str(here if here.exists() else REPO / ".venv" / "bin" / "assistant")


def _wait_until_up(server: Server, started: float) -> None:
    while time.monotonic() - started < START_TIMEOUT_S:
        if server.proc.poll() is not None:
            pytest.fail(f"assistant serve exited early:\n{server.log.read_text()[-3000:]}")
        try:
            if http_status(server.url, timeout=2) == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"assistant serve did not answer in {START_TIMEOUT_S} s:\n"
                f"{server.log.read_text()[-3000:]}")


def start_server(root: Path, sources: Path, index_from: Path | None) -> Server:
    """Start `assistant serve` on a free port with its own index, log and temp folders."""
    index = root / "index"
    if index_from is not None and (index_from / "manifest.json").exists():
        shutil.copytree(index_from, index)
    port = free_port()
    env = {**os.environ, "ASSISTANT_INDEX": str(index), "ASSISTANT_SOURCES": str(sources),
           "ASSISTANT_FEEDBACK_LOG": str(root / "feedback.jsonl"), "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1", "GRADIO_TEMP_DIR": str(root / "gradio"),
           "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
    for name in ("ASSISTANT_AUTH", "ASSISTANT_HOST", "ASSISTANT_PORT", "GRADIO_ALLOWED_PATHS"):
        env.pop(name, None)
    log = root / "serve.log"
    started = time.monotonic()
    with log.open("wb") as out:
        proc = subprocess.Popen([assistant_command(), "serve", "--port", str(port)], cwd=root,
                                env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}/", port, proc, root, log,
                    root / "feedback.jsonl", index, 0.0)
    _wait_until_up(server, started)
    server.ready_s = time.monotonic() - started
    return server


def stop_server(server: Server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait(timeout=10)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    from gradio_client import Client

    running = start_server(tmp_path_factory.mktemp("serve"), REPO / "sources", REPO / "index")
    try:  # the very first answer of this process, to compare with later ones
        first = Client(running.url, verbose=False).predict(WALK_OUT, api_name="/ask")
        running.first_timings = first["timings_ms"]
        yield running
    finally:
        stop_server(running)


@pytest.fixture(scope="session")
def client(server: Server) -> Any:
    from gradio_client import Client

    return Client(server.url, verbose=False)


# --- process, API and file routes ---------------------------------------------------------

pytestmark = pytest.mark.slow


def test_serve_prints_its_address_and_starts_in_bounded_time(server: Server) -> None:
    assert f"GSOMIA Assistant is running at http://127.0.0.1:{server.port}/" in \
        server.log.read_text(encoding="utf-8")
    assert server.ready_s < START_TIMEOUT_S
    assert "Traceback" not in server.log.read_text(encoding="utf-8")


def test_first_answer_is_as_fast_as_later_ones(server: Server, client: Any) -> None:
    assert server.first_timings is not None
    fresh = ("Who was the Japanese Defence Minister mentioned in the IPCS article?",
             "How much notice is needed to walk out of GSOMIA?",
             "Are South Korea's other similar agreements active?",
             "Which US administration did the Moon Jae-in government try to bring on board?",
             "When did South Korean courts demand compensation for Korean forced labour?")
    later = [client.predict(q, api_name="/ask")["timings_ms"] for q in fresh]  # not cached
    for stage in ("retrieval_ms", "answer_ms"):
        typical = sorted(t[stage] for t in later)[2]
        # Cold caches cost hundreds of ms; allow for a busy machine, not for a cold start.
        assert server.first_timings[stage] <= 5 * typical + 50, (stage, server.first_timings)


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
           "ASSISTANT_SOURCES": str(REPO / "sources")}
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
    from assistant.web.eval_tab import MAX_UPLOAD_BYTES

    assert _upload_status(server.url, 1000) == 200
    assert _upload_status(server.url, MAX_UPLOAD_BYTES + 1) == 413
