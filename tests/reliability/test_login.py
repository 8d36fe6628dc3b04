"""The login of the real server (``assistant serve --auth-file``): what it guards, and how.

Without a session every data route refuses and the page is only the login form;
gradio_client cannot ask; a wrong password is refused and the right one opens ``/config``.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
from servers import Server, start_server
from support import REAL_SOURCES, WALK_OUT, request

from assistant.config import Settings

pytestmark = pytest.mark.slow

USER, PASSWORD = "analyst", "correct horse battery staple"


@pytest.fixture(scope="module")
def guarded(built_index: tuple[Settings, dict],
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("rel-auth")
    auth = root / "auth.txt"
    auth.write_text(f"# who may log in\n{USER}:{PASSWORD}\n", encoding="utf-8")
    server = start_server(root, REAL_SOURCES, built_index[0].index,
                          args=["--auth-file", str(auth)])
    try:
        yield server
    finally:
        server.stop()


PROTECTED = [("GET", "config"), ("GET", "gradio_api/info"),
             ("GET", "gradio_api/info?all_endpoints=true"), ("GET", "gradio_api/queue/status"),
             ("POST", "gradio_api/queue/join"), ("POST", "gradio_api/call/ask"),
             ("GET", "gradio_api/call/ask/abc"), ("POST", "gradio_api/run/ask"),
             ("POST", "gradio_api/upload"), ("GET", "gradio_api/queue/data?session_hash=x"),
             ("GET", "gradio_api/file=/etc/passwd"), ("GET", "gradio_api/file=/tmp"),
             ("GET", "gradio_api/upload_progress?upload_id=x"), ("POST", "gradio_api/like"),
             ("GET", "monitoring")]


def test_every_data_route_refuses_unauthenticated_requests(guarded: Server) -> None:
    body = json.dumps({"data": [WALK_OUT, None, None], "fn_index": 0,
                       "session_hash": "abc"}).encode()
    for method, route in PROTECTED:
        status, reply, _ = request(guarded.url + route, data=body if method == "POST" else None,
                                   method=method, headers={"Content-Type": "application/json"})
        assert status in (401, 403, 404), (route, status, reply[:200])
        assert b"GSOMIA" not in reply and b"root:" not in reply, route
    # The page itself is the login form: it carries no app config, questions or sources.
    status, page, _ = request(guarded.url)
    assert status == 200 and b"gs-chat" not in page and b"When was GSOMIA" not in page


def test_gradio_client_cannot_ask_without_login(guarded: Server) -> None:
    from gradio_client import Client
    from gradio_client.exceptions import AuthenticationError

    with pytest.raises(AuthenticationError, match="credentials were not provided"):
        Client(guarded.url, verbose=False, analytics_enabled=False).predict(
            WALK_OUT, api_name="/ask")


def test_wrong_password_is_refused_and_right_one_works(guarded: Server) -> None:
    def login(password: str) -> tuple[int, Any]:
        form = urllib.parse.urlencode({"username": USER, "password": password}).encode()
        status, _, headers = request(guarded.url + "login", data=form, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded"})
        return status, headers

    status, _ = login("wrong")
    assert status in (400, 401, 403)
    status, headers = login(PASSWORD)
    assert status == 200
    cookie = "; ".join(v.split(";", 1)[0] for v in headers.get_all("Set-Cookie") or [])
    assert cookie
    status, _, _ = request(guarded.url + "config", headers={"Cookie": cookie})
    assert status == 200
