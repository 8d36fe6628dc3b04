"""The JSON API's library routes, in process (Starlette's test client drives the real
FastAPI app, the real library and index code; the fake embedder keeps it fast): every
route, every bad input as JSON 4xx with the same ``{"error", "fix"}`` as ``/ask``, the
roles, tokens and the throttle, and who may change the library without a login.

The same routes through a real ``assistant serve`` (multipart over uvicorn, the body
limit, a reader's 403) are in test_library_browser.py.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bad_files import HTML_ARTICLE, PDF_ARTICLE, SCRIPT_HTML, XSS_TITLE, bad_uploads
from fastapi.testclient import TestClient
from support import FakeEmbedder

from assistant.accounts import Accounts, Gate
from assistant.accounts.manage import add_user, create_token
from assistant.accounts.throttle import Throttle
from assistant.config import Settings
from assistant.library import Library
from assistant.store import build_index, read_manifest
from assistant.web.api import build_api
from assistant.web.documents import Desk

EDITOR, READER = ("ed", "editor password"), ("rita", "reader password")
LOOPBACK, ELSEWHERE = ("127.0.0.1", 50000), ("10.1.2.3", 50000)


def make_api(settings: Settings, gate: Gate | None) -> Any:
    build_index(settings, FakeEmbedder())
    desk = Desk(Library(settings, FakeEmbedder()), gate)
    return build_api(None, settings, gate, desk)  # type: ignore[arg-type]  # no /ask here


@pytest.fixture
def accounts(tmp_path: Path) -> Path:
    path = tmp_path / "accounts.txt"
    add_user(path, *EDITOR, role="editor")
    add_user(path, *READER, role="reader")
    return path


@pytest.fixture
def api(fast_settings: Settings, accounts: Path) -> Iterator[TestClient]:
    gate = Gate(Accounts(accounts), Throttle(free=5, base_s=30))
    with TestClient(make_api(fast_settings.replace(max_file_mb=1), gate),
                    base_url="http://127.0.0.1", client=ELSEWHERE) as client:
        yield client


def upload(client: TestClient, name: str, data: bytes, auth: Any = EDITOR,
           method: str = "POST", path: str = "/documents", **fields: str) -> Any:
    return client.request(method, path, files={"file": (name, data)}, data=fields, auth=auth)


def assert_error(response: Any, status: int, *words: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) >= {"error", "fix"} and body["error"] and body["fix"], body
    assert all(w in body["error"] for w in words), body
    assert "Traceback" not in response.text and ".staging" not in response.text
    return body


def test_every_route(api: TestClient, fast_settings: Settings) -> None:
    listed = api.get("/documents", auth=READER)
    assert listed.status_code == 200
    assert [d["id"] for d in listed.json()["documents"]] == ["alpha", "beta", "gamma"]
    made = upload(api, HTML_ARTICLE.name, HTML_ARTICLE.read_bytes())
    assert made.status_code == 201, made.text
    doc = made.json()  # the document as read from the file itself
    assert (doc["id"], doc["title"], doc["author"], doc["publisher"], doc["date"],
            doc["format"]) == ("airline-merger-review", "Competition watchdog opens in-depth "
                               "probe into Ferrow Air and Lanmark Airways merger",
                               "Niamh Calloway", "Meridian Business Post", "2025-09-18", "html")
    assert doc["words"] > 900 and doc["passages"] > 5 and doc["added"]
    patched = api.patch("/documents/airline-merger-review", auth=EDITOR,
                        json={"title": "Airline merger probe", "date": "2025-09"})
    assert patched.status_code == 200 and patched.json()["title"] == "Airline merger probe"
    replaced = upload(api, PDF_ARTICLE.name, PDF_ARTICLE.read_bytes(), method="PUT",
                      path="/documents/airline-merger-review")
    assert replaced.status_code == 200, replaced.text
    assert (replaced.json()["format"], replaced.json()["title"]) == ("pdf",
                                                                     "Airline merger probe")
    removed = api.delete("/documents/airline-merger-review", auth=EDITOR)
    assert removed.status_code == 200 and removed.json()["id"] == "airline-merger-review"
    assert not list(Path(fast_settings.sources).glob("airline-merger-review.*"))


def test_the_schema_lists_the_routes(api: TestClient) -> None:
    schema = api.get("/openapi.json").json()
    routes = schema["paths"]
    assert set(routes["/documents"]) == {"get", "post"}
    assert set(routes["/documents/{doc_id}"]) == {"patch", "put", "delete"}
    post = routes["/documents"]["post"]
    assert "multipart/form-data" in post["requestBody"]["content"]
    assert {"201", "401", "403", "409", "413", "415", "422", "429"} <= set(post["responses"])


@pytest.mark.parametrize("name", list(bad_uploads(1)))
def test_bad_files_are_json_4xx_and_change_nothing(api: TestClient, fast_settings: Settings,
                                                   name: str) -> None:
    before = read_manifest(fast_settings.index)
    data, words = bad_uploads(1)[name]
    status = {"tool.exe": 415, "huge.txt": 413}.get(name, 422)
    assert_error(upload(api, name, data), status, *words)
    assert read_manifest(fast_settings.index) == before


def test_other_bad_requests(api: TestClient, fast_settings: Settings) -> None:
    assert_error(api.post("/documents", data={"title": "x"}, auth=EDITOR), 422, "file")
    assert_error(upload(api, "note.txt", b"Some text.", date="next week"), 400, "YYYY")
    assert_error(api.patch("/documents/nope", json={"title": "x"}, auth=EDITOR), 404, "nope")
    assert_error(api.delete("/documents/nope", auth=EDITOR), 404)
    assert_error(api.patch("/documents/alpha", json={"colour": "red"}, auth=EDITOR), 422,
                 "colour")
    assert_error(api.patch("/documents/alpha", json={"url": "javascript:x"}, auth=EDITOR),
                 400, "http")
    assert_error(upload(api, "..", b"text"), 415)
    over = b"x" * (2 * 2**20)  # past the body limit itself: refused before it is read
    assert_error(upload(api, "big.txt", over), 413, "1 MB limit")


def test_duplicates_are_409_naming_the_document(api: TestClient) -> None:
    first = upload(api, "delta.txt", b"Delta harbour\n\nThe harbour board met on Monday and "
                   b"agreed a new schedule for the pilots of the port.\n")
    assert first.status_code == 201
    again = upload(api, "delta copy.txt", b"Delta harbour\n\nThe harbour board met on Monday "
                   b"and agreed a new schedule for the pilots of the port.\n")
    body = assert_error(again, 409, "already in the library", "delta")
    assert body["existing"] == {"id": "delta", "title": "Delta harbour"}
    near = upload(api, "delta.md", b"# Delta harbour\n\nThe harbour board met on Monday and "
                  b"agreed a new schedule for the pilots of the port!\n")
    assert assert_error(near, 409, "near-copy")["existing"]["id"] == "delta"
    replaced = upload(api, "delta.md", b"# Delta harbour\n\nThe harbour board met on Monday "
                      b"and agreed a new schedule for the pilots of the port!\n",
                      method="PUT", path="/documents/delta")
    assert replaced.status_code == 200  # a near-copy of itself is a fine replacement


def test_names_with_paths_stay_in_the_folder(api: TestClient, fast_settings: Settings) -> None:
    made = upload(api, "../../escape.txt", b"Escape\n\nA note that tried to leave the folder.\n")
    assert made.status_code == 201 and made.json()["path"] == "escape.txt"
    assert (Path(fast_settings.sources) / "escape.txt").exists()
    assert not (Path(fast_settings.sources).parent / "escape.txt").exists()
    assert not (Path(fast_settings.sources).parent.parent / "escape.txt").exists()


def test_html_with_script_keeps_its_markup_as_text(api: TestClient) -> None:
    made = upload(api, "pilots.html", SCRIPT_HTML.encode())
    assert made.status_code == 201 and made.json()["title"] == XSS_TITLE
    assert made.headers["content-type"].startswith("application/json")


def test_two_uploads_at_once_both_land(api: TestClient) -> None:
    texts = {"one.txt": b"One\n\nThe ferry to the islands will run twice a day from May.\n",
             "two.txt": b"Two\n\nThe city will plant four hundred trees along the river.\n"}
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda item: upload(api, *item), texts.items()))
    assert [r.status_code for r in results] == [201, 201]
    ids = {d["id"] for d in api.get("/documents", auth=EDITOR).json()["documents"]}
    assert {"one", "two"} <= ids


def test_roles_tokens_and_missing_credentials(api: TestClient, accounts: Path) -> None:
    note = b"Ferries\n\nThe ferry company added a night sailing to the island.\n"
    assert_error(upload(api, "n.txt", note, auth=None), 401, "Login required")
    body = assert_error(upload(api, "n.txt", note, auth=READER), 403, "reader")
    assert "editor" in body["fix"]
    assert_error(api.delete("/documents/alpha", auth=READER), 403)
    assert api.get("/documents", auth=READER).status_code == 200
    assert_error(api.get("/documents"), 401)
    token = create_token(accounts, "ed")
    made = api.post("/documents", files={"file": ("n.txt", note)},
                    headers={"Authorization": f"Bearer {token}"})
    assert made.status_code == 201, made.text
    reader_token = create_token(accounts, "rita")
    refused = api.delete("/documents/n", headers={"Authorization": f"Bearer {reader_token}"})
    assert_error(refused, 403)


def test_wrong_passwords_are_throttled_on_the_api(api: TestClient) -> None:
    statuses = [api.get("/documents", auth=("ed", f"wrong {i}")) for i in range(7)]
    assert [r.status_code for r in statuses] == [401] * 5 + [429] * 2
    assert int(statuses[-1].headers["Retry-After"]) >= 1
    assert_error(statuses[-1], 429, "Too many")
    assert api.get("/documents", auth=EDITOR).status_code == 429  # locked, even when right


def test_without_login_only_this_machine_may_change(fast_settings: Settings) -> None:
    app = make_api(fast_settings, None)
    note = b"Buses\n\nThe night bus will stop at the hospital from June.\n"
    with TestClient(app, base_url="http://127.0.0.1", client=ELSEWHERE) as far:
        assert far.get("/documents").status_code == 200  # reading is open
        body = assert_error(far.post("/documents", files={"file": ("b.txt", note)}), 403,
                            "only from this machine")
        assert "assistant user add" in body["fix"] or "editor" in body["fix"]
    with TestClient(app, base_url="http://127.0.0.1", client=LOOPBACK) as near:
        assert near.post("/documents", files={"file": ("b.txt", note)}).status_code == 201
