"""The accounts file: who may log in, with which role, and the API tokens, all hashed.

One line per account or token (``assistant user`` writes it; mode 0600)::

    # name:role:argon2 hash of the password
    alice:editor:$argon2id$v=19$m=65536,t=3,p=4$...
    # token:id:name:sha256 of the token's secret
    token:3f9a0c1d:alice:5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8

An old file of plain ``user:password`` lines (the ``--auth-file`` of earlier versions) is
read once and rewritten with hashes: each such user becomes an ``editor``, as they could
do everything before roles existed.

>>> book = parse_book("# old style\\nalice:s3:cret\\n", "auth.txt")
>>> [(a.name, a.role) for a in book.accounts.values()], book.plain
([('alice', 'editor')], 1)
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import ConfigError, UsageError
from ..ingest.files import locked, replace_file
from .passwords import hash_password, is_hash

log = logging.getLogger(__name__)

ROLES = ("reader", "editor")
LEGACY_ROLE = "editor"
TOKEN_PREFIX = "gsa_"
MIN_PASSWORD = 8
HEADER = ("# Accounts of the assistant's web chat and JSON API, written by `assistant user`.\n"
          "# name:role:argon2 hash of the password; token:id:name:sha256 of its secret.\n")
_NAME = re.compile(r"[A-Za-z0-9._@+-]{1,64}")


@dataclass(frozen=True)
class Account:
    """One login: its name, role (reader or editor) and argon2 password hash."""

    name: str
    role: str
    hash: str

    @property
    def can_edit(self) -> bool:
        return self.role == "editor"


@dataclass(frozen=True)
class Token:
    """One API token: its public id, its account, and the sha256 of its secret part."""

    id: str
    user: str
    digest: str


@dataclass(frozen=True)
class Book:
    """What an accounts file holds; ``plain`` counts lines that held a plain password."""

    accounts: Mapping[str, Account] = field(default_factory=dict)
    tokens: Mapping[str, Token] = field(default_factory=dict)
    plain: int = 0


def check_name(name: str) -> str:
    """A valid account name, or a UsageError saying what is allowed.

    >>> check_name("alice")
    'alice'
    """
    if not _NAME.fullmatch(name) or name == "token":
        raise UsageError(f"{name!r} is not a valid account name.",
                         fix="Use 1-64 letters, digits or . _ @ + - (not 'token').")
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"The password is shorter than {MIN_PASSWORD} characters.",
                         fix="Choose a longer password (a few words make a good one).")
    return password


def token_digest(secret: str) -> str:
    """sha256 of a token's secret: tokens are random, so a fast hash is enough."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def parse_book(text: str, origin: str) -> Book:
    """Accounts and tokens from the file's text; plain ``user:password`` lines are hashed."""
    accounts: dict[str, Account] = {}
    tokens: dict[str, Token] = {}
    plain = 0
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("token:"):
            parts = line.split(":")
            if len(parts) != 4 or not re.fullmatch(r"[0-9a-f]{64}", parts[3]):
                raise ConfigError(f"{origin}, line {number}: a malformed token line.",
                                  fix="Remove it, and create the token again with "
                                      "`assistant user token NAME`.")
            tokens[parts[1]] = Token(parts[1], parts[2], parts[3])
            continue
        name, role, rest = [*line.split(":", 2), "", ""][:3]
        if role in ROLES and is_hash(rest):
            accounts[name] = Account(name, role, rest)
            continue
        user, sep, password = line.partition(":")
        if not sep or not user.strip() or not password:
            raise ConfigError(f"{origin}, line {number}: expected name:role:hash or "
                              "user:password.", fix="Manage the file with `assistant user`.")
        accounts[user.strip()] = Account(user.strip(), LEGACY_ROLE, hash_password(password))
        plain += 1
    known = {t.id: t for t in tokens.values() if t.user in accounts}
    return Book(accounts, known, plain)


def format_book(book: Book) -> str:
    lines = [f"{a.name}:{a.role}:{a.hash}" for a in book.accounts.values()]
    lines += [f"token:{t.id}:{t.user}:{t.digest}" for t in book.tokens.values()]
    return HEADER + "".join(line + "\n" for line in lines)


def read_book(path: Path) -> Book:
    """The accounts file at ``path``, rewritten with hashes if it held plain passwords."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Cannot read the accounts file {path} ({exc}).",
                          fix="Pass a readable file, or create one with "
                              "`assistant user add NAME`.") from None
    book = parse_book(text, str(path))
    if book.plain:
        try:
            with locked(_lock_of(path)):
                replace_file(Path(path), format_book(book).encode("utf-8"), 0o600)
        except OSError as exc:
            log.warning("Could not rewrite %s with hashed passwords (%s); its plain passwords "
                        "stay on disk.", path, exc)
        else:
            log.warning("Rewrote %d plain password(s) in %s as argon2 hashes (role %s).",
                        book.plain, path, LEGACY_ROLE)
    return replace(book, plain=0)


def _lock_of(path: Path) -> Path:
    return Path(path).with_name(f".{Path(path).name}.lock")


def change_book(path: Path, edit: object) -> Book:
    """Apply ``edit`` (a function Book -> Book) to the file under its lock; the new book."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with locked(_lock_of(path)):
        book = read_book(path) if path.exists() else Book()
        new = edit(book)  # type: ignore[operator]
        replace_file(path, format_book(new).encode("utf-8"), 0o600)
    return new  # type: ignore[no-any-return]
