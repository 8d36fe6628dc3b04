"""The API's login check: HTTP Basic, a bearer token or ``Bearer user:password``, against
the accounts (hashed), throttled per account name and per address."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from assistant.accounts import Accounts, Gate
from assistant.accounts.manage import add_user, create_token
from assistant.accounts.throttle import Throttle
from assistant.web.auth import check_authorization, edit_refusal, parse_authorization


def basic(text: str) -> str:
    return "Basic " + base64.b64encode(text.encode()).decode()


@pytest.fixture(scope="module")
def gate_and_token(tmp_path_factory: pytest.TempPathFactory) -> tuple[Gate, str]:
    path = tmp_path_factory.mktemp("acc") / "accounts.txt"
    add_user(path, "alice", "s3:cret-long", "editor")
    add_user(path, "bob", "pw-longer", "reader")
    token = create_token(path, "bob")
    # A huge budget: these tests are about which credentials pass, not the throttle.
    return Gate(Accounts(path), Throttle(free=10_000)), token


@pytest.mark.parametrize("header", [
    basic("alice:s3:cret-long"), basic("bob:pw-longer"), "Bearer alice:s3:cret-long",
    "bearer bob:pw-longer", "BASIC " + base64.b64encode(b"bob:pw-longer").decode(),
])
def test_right_credentials_pass(gate_and_token: tuple[Gate, str], header: str) -> None:
    assert check_authorization(gate_and_token[0], header, "127.0.0.1").ok


def test_token_passes_and_carries_the_role(gate_and_token: tuple[Gate, str]) -> None:
    gate, token = gate_and_token
    verdict = check_authorization(gate, f"Bearer {token}", "127.0.0.1")
    assert verdict.ok and verdict.account.name == "bob" and verdict.account.role == "reader"
    assert not check_authorization(gate, f"Bearer {token[:-1]}x", "127.0.0.1").ok
    assert not check_authorization(gate, f"Basic {token}", "127.0.0.1").ok


@pytest.mark.parametrize("header", [
    "", "Basic", "Bearer", basic("alice:wrong"), basic("alice"), basic("carol:pw"),
    basic("bob:s3:cret-long"), "Bearer alice", "Bearer s3:cret", "Bearer :pw",
    "Basic !!notb64", "Basic " + base64.b64encode(b"\xff\xfe:pw").decode(),
    "Digest alice:s3:cret-long", "alice:s3:cret-long", "Bearer gsa_00000000_nope",
])
def test_wrong_or_missing_credentials_fail(gate_and_token: tuple[Gate, str],
                                           header: str) -> None:
    verdict = check_authorization(gate_and_token[0], header, "127.0.0.1")
    assert verdict.status == 401 and verdict.account is None


def test_parse_authorization() -> None:
    assert parse_authorization(basic("a:b:c")) == ("password", "a", "b:c")
    assert parse_authorization("Bearer gsa_x") == ("token", "", "gsa_x")
    assert parse_authorization("Token abc") == ("", "", "")


def test_who_may_edit(gate_and_token: tuple[Gate, str]) -> None:
    gate, _ = gate_and_token
    alice, bob = gate.accounts.account("alice"), gate.accounts.account("bob")
    assert edit_refusal(gate, alice, "10.0.0.5") is None
    assert "reader" in edit_refusal(gate, bob, "127.0.0.1")
    assert "Log in" in edit_refusal(gate, None, "127.0.0.1")
    # Without any login configured: this machine only.
    assert edit_refusal(None, None, "127.0.0.1") is None
    assert edit_refusal(None, None, "::1") is None
    assert "only from this machine" in edit_refusal(None, None, "192.168.1.7")


def test_throttle_per_account_and_per_address(tmp_path: Path) -> None:
    """Six wrong passwords: the 6th is refused unchecked (429); so is a 6th from one address
    trying six names; the right password is refused while locked and works after."""
    path = tmp_path / "accounts.txt"
    add_user(path, "carol", "right-password", "reader")
    now = [0.0]
    gate = Gate(Accounts(path), Throttle(free=5, base_s=30, max_s=600, clock=lambda: now[0]))
    statuses = [gate.login("carol", f"wrong{i}", f"10.0.0.{i}").status for i in range(6)]
    assert statuses == [401] * 5 + [429]  # per account, whatever the address
    assert gate.login("carol", "right-password", "10.0.0.99").status == 429
    statuses = [gate.login(f"user{i}", "x", "10.9.9.9").status for i in range(6)]
    assert statuses == [401] * 5 + [429]  # per address, whatever the name
    now[0] = 31.0
    assert gate.login("carol", "right-password", "10.0.0.99").ok
    assert gate.throttle.failures("user:carol") == 0
