"""The JSON API's login check: HTTP Basic or a bearer token, against the chat's accounts."""

from __future__ import annotations

import base64

import pytest

from assistant.web.api import credentials_ok

ACCOUNTS = [("alice", "s3:cret"), ("bob", "pw")]


def basic(text: str) -> str:
    return "Basic " + base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize("header", [
    basic("alice:s3:cret"), basic("bob:pw"), "Bearer alice:s3:cret", "bearer bob:pw",
    "BASIC " + base64.b64encode(b"bob:pw").decode(),
])
def test_right_credentials_pass(header: str) -> None:
    assert credentials_ok(header, ACCOUNTS)


@pytest.mark.parametrize("header", [
    "", "Basic", "Bearer", basic("alice:wrong"), basic("alice"), basic("carol:pw"),
    basic("bob:s3:cret"), "Bearer alice", "Bearer s3:cret", "Bearer :pw", "Basic !!notb64",
    "Basic " + base64.b64encode(b"\xff\xfe:pw").decode(), "Digest alice:s3:cret",
    "alice:s3:cret",
])
def test_wrong_or_missing_credentials_fail(header: str) -> None:
    assert not credentials_ok(header, ACCOUNTS)
