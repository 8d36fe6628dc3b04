"""The login of the real server (``assistant serve --auth-file``): what it guards, and how.

Without a session every data route refuses and the page is only the login form;
gradio_client cannot ask; a wrong password is refused and the right one opens ``/config``.
The auth file is an old plain ``user:password`` file: the server rewrites it hashed. Wrong
passwords in a row are throttled, on the chat's login form and on the API alike: 429 with
``Retry-After`` from the 6th, a delay that grows, and the right password working again
once the delay has passed.
"""

from __future__ import annotations

import base64
import json
import time
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
                          args=["--auth-file", str(auth)], env={"ASSISTANT_LOGIN_DELAY_S": "3"})
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


def login_form(server: Server, password: str) -> tuple[int, Any]:
    form = urllib.parse.urlencode({"username": USER, "password": password}).encode()
    status, _, headers = request(server.url + "login", data=form, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded"})
    return status, headers


def api_sources(server: Server, password: str) -> tuple[int, Any]:
    token = base64.b64encode(f"{USER}:{password}".encode()).decode()
    status, _, headers = request(server.url + "api/v1/sources",
                                 headers={"Authorization": f"Basic {token}"})
    return status, headers


def wait(headers: Any) -> int:
    """Sleep for a 429's Retry-After (plus a little); the seconds it said."""
    seconds = int(headers["Retry-After"])
    assert 1 <= seconds <= 60
    time.sleep(seconds + 0.3)
    return seconds


@pytest.mark.parametrize("attempt", [login_form, api_sources], ids=["chat login", "API"])
def test_wrong_passwords_are_throttled_and_the_right_one_works_after_the_delay(
        guarded: Server, attempt: Any) -> None:
    """20 wrong passwords in a row: refused (400 form, 401 API) five times, then 429 with
    Retry-After every time, unchecked; the right one is refused too while locked, works
    once the delay has passed, and a further miss locks for longer."""
    refused = 400 if attempt is login_form else 401
    replies = [attempt(guarded, f"wrong-{n}") for n in range(20)]
    assert [status for status, _ in replies] == [refused] * 5 + [429] * 15
    assert all(int(headers["Retry-After"]) >= 1 for _, headers in replies[5:])
    assert attempt(guarded, PASSWORD)[0] == 429  # locked: not even checked
    first = wait(replies[-1][1])
    assert attempt(guarded, "wrong-again")[0] == refused  # checked once the lock passed...
    status, headers = attempt(guarded, PASSWORD)
    assert status == 429 and int(headers["Retry-After"]) > first  # ...and locked longer
    wait(headers)
    assert attempt(guarded, PASSWORD)[0] == 200
    assert attempt(guarded, "one slip")[0] == refused  # the count started afresh
    assert attempt(guarded, PASSWORD)[0] == 200
    log = guarded.log.read_text(encoding="utf-8")
    assert log.count(f"Login failed for {USER!r} from 127.0.0.1") >= 7  # one line each


def test_the_plain_auth_file_was_rewritten_hashed(guarded: Server) -> None:
    text = (guarded.root / "auth.txt").read_text(encoding="utf-8")
    assert PASSWORD not in text and f"{USER}:editor:$argon2id$" in text
