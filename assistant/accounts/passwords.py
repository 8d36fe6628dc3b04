"""Passwords: argon2id hashes, with argon2-cffi (the one module that imports it).

A password is never stored or compared in plain text: :func:`hash_password` makes a salted
argon2id hash (argon2-cffi's defaults: 64 MiB, 3 passes, 4 lanes; about 0.15 s on one
core), and :func:`verify_password` checks a password against one. An unknown user is
checked against a fixed hash, so a wrong user name takes as long as a wrong password.

>>> stored = hash_password("correct horse")
>>> stored.startswith("$argon2id$"), verify_password(stored, "correct horse")
(True, True)
>>> verify_password(stored, "wrong"), verify_password("not a hash", "x")
(False, False)
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

PREFIX = "$argon2"
_DUMMY_LOCK = threading.Lock()
_dummy: list[str] = []


@lru_cache(maxsize=1)
def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()


def is_hash(text: str) -> bool:
    """Does ``text`` look like an argon2 hash (rather than a plain password)?

    >>> is_hash("$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"), is_hash("s3cret")
    (True, False)
    """
    return text.startswith(PREFIX) and text.count("$") >= 4


def hash_password(password: str) -> str:
    """A new salted argon2id hash of ``password``."""
    return str(_hasher().hash(password))


def verify_password(stored: str, password: str) -> bool:
    """Whether ``password`` matches the hash ``stored`` (False for a malformed hash)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(stored, password))
    except (VerificationError, InvalidHashError, ValueError):
        return False


def burn_time(password: str) -> None:
    """Spend what one verification costs, for a user who does not exist."""
    with _DUMMY_LOCK:
        if not _dummy:
            _dummy.append(hash_password("no such user"))
    verify_password(_dummy[0], password)
