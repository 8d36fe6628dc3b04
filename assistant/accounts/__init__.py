"""Accounts: who may use the chat and the API, with which role, checked and throttled.

- :mod:`.passwords`: argon2id hashing (argon2-cffi; the one module that imports it);
- :mod:`.book`: the accounts file (``name:role:hash`` lines and hashed API tokens), an old
  plain ``user:password`` file read once and rewritten hashed;
- :mod:`.manage`: what ``assistant user add/remove/passwd/token/revoke/list`` do;
- :mod:`.throttle`: wrong passwords in a row lock the account name and the address;
- :class:`Accounts` and :class:`Gate` (here): the checks a server makes, free of HTTP,
  so the web chat, the JSON API (and any other front end) share them.

Roles: ``reader`` (ask and read) and ``editor`` (also add, change and remove documents).

>>> import tempfile; from pathlib import Path
>>> from assistant.accounts.manage import add_user
>>> path = Path(tempfile.mkdtemp()) / "accounts.txt"
>>> _ = add_user(path, "ann", "a long password", "reader")
>>> gate = Gate(Accounts(path))
>>> gate.login("ann", "a long password", "127.0.0.1").account.role
'reader'
>>> gate.login("ann", "nope", "127.0.0.1").status
401
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..config import Settings
from .book import LEGACY_ROLE, ROLES, Account, Book, read_book, token_digest
from .manage import split_token
from .passwords import burn_time, hash_password, verify_password
from .throttle import Throttle, address_key, user_key

log = logging.getLogger(__name__)

CACHE_TTL_S = 300.0  # a password checked right is remembered this long (argon2 is slow)
CACHE_SIZE = 1024

__all__ = ["ROLES", "Account", "Accounts", "Gate", "Verdict"]


class Accounts:
    """The accounts file (re-read when it changes on disk) plus ``ASSISTANT_AUTH`` pairs."""

    def __init__(self, path: Path | None = None, pairs: Sequence[tuple[str, str]] = ()) -> None:
        self.path = Path(path) if path else None
        self._extra = {name: Account(name, LEGACY_ROLE, hash_password(pw)) for name, pw in pairs}
        self._stamp: tuple[int, int, int] | None = None
        self._book = Book()
        self._lock = threading.Lock()
        self._key = secrets.token_bytes(32)  # keys the cache of right passwords
        self._cache: dict[str, tuple[str, float]] = {}
        self._current()

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path) if self.path else None
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size) if st else None

    def _current(self) -> Book:
        stamp = self._stat()
        with self._lock:
            if stamp != self._stamp:
                self._book = read_book(self.path) if stamp and self.path else Book()
                self._stamp = stamp
                self._cache.clear()
            return self._book

    def account(self, name: str) -> Account | None:
        return self._current().accounts.get(name) or self._extra.get(name)

    def __len__(self) -> int:
        return len({*self._current().accounts, *self._extra})

    def check_password(self, name: str, password: str) -> Account | None:
        """The account if ``password`` is its password, else None (as slow either way)."""
        account = self.account(name)
        key = hmac.new(self._key, f"{name}\0{password}".encode(), hashlib.sha256).hexdigest()
        with self._lock:
            hit = self._cache.get(key)
        if account is not None and hit and hit[0] == name and hit[1] > time.monotonic():
            return account
        if account is None:
            burn_time(password)
            return None
        if not verify_password(account.hash, password):
            return None
        with self._lock:
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            self._cache[key] = (name, time.monotonic() + CACHE_TTL_S)
        return account

    def check_token(self, token: str) -> Account | None:
        """The account an API token belongs to, or None."""
        token_id, secret = split_token(token)
        found = self._current().tokens.get(token_id) if token_id else None
        digest = token_digest(secret)
        if found is None or not hmac.compare_digest(found.digest, digest):
            return None
        return self.account(found.user)


@dataclass(frozen=True)
class Verdict:
    """How a login attempt ended: 200 with the account, 401 refused, 429 wait first."""

    status: int
    account: Account | None = None
    retry_after: int = 0

    @property
    def ok(self) -> bool:
        return self.status == 200


class Gate:
    """Login checks with the throttle: one per server, shared by every front end."""

    def __init__(self, accounts: Accounts, throttle: Throttle | None = None) -> None:
        self.accounts = accounts
        self.throttle = throttle or Throttle()

    @classmethod
    def from_settings(cls, accounts: Accounts, settings: Settings) -> Gate:
        return cls(accounts, Throttle(settings.login_free_attempts, settings.login_delay_s,
                                      settings.login_max_delay_s))

    @staticmethod
    def keys(name: str, address: str) -> tuple[str, ...]:
        """The throttle keys of an attempt: the account name tried and the address."""
        return (user_key(name), address_key(address)) if name else (address_key(address),)

    def begin(self, name: str, address: str) -> int:
        """Seconds before this attempt may be checked (0: check it, then call :meth:`end`)."""
        wait = int(self.throttle.begin(self.keys(name, address)))
        if wait:
            log.warning("Login refused for %r from %s: too many wrong attempts; retry in %d s.",
                        name[:64], address, wait)
        return wait

    def end(self, name: str, address: str, ok: bool) -> None:
        """Record how a checked attempt ended; one log line for each failure."""
        keys = self.keys(name, address)
        delay = self.throttle.end(keys, ok)
        if not ok:
            log.warning("Login failed for %r from %s (%d wrong in a row)%s.", name[:64],
                        address, self.throttle.failures(keys[0]),
                        f"; next attempt in {delay:.0f} s" if delay else "")

    def _attempt(self, name: str, address: str, check: Callable[[], Account | None]) -> Verdict:
        wait = self.begin(name, address)
        if wait:
            return Verdict(429, retry_after=wait)
        account: Account | None = None
        try:
            account = check()
        finally:
            self.end(name, address, account is not None)
        return Verdict(200, account) if account is not None else Verdict(401)

    def login(self, name: str, password: str, address: str) -> Verdict:
        """Check a name and password from ``address``."""
        return self._attempt(name, address,
                             lambda: self.accounts.check_password(name, password))

    def token(self, token: str, address: str) -> Verdict:
        """Check an API token from ``address`` (throttled by address: it names no account)."""
        return self._attempt("", address, lambda: self.accounts.check_token(token))
