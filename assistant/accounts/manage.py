"""Managing accounts: what ``assistant user add/remove/passwd/token/revoke/list`` do.

Each change reads the accounts file under its lock, changes one thing and writes the
file whole (see :mod:`.book`); a running server sees the change on its next login.

>>> import tempfile; from pathlib import Path
>>> path = Path(tempfile.mkdtemp()) / "accounts.txt"
>>> add_user(path, "alice", "long enough", "editor").role
'editor'
>>> token = create_token(path, "alice")
>>> token.startswith("gsa_"), [a.name for a in list_users(path)]
(True, ['alice'])
>>> remove_user(path, "alice"); list_users(path)
[]
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from pathlib import Path

from ..errors import UsageError
from .book import (
    ROLES,
    TOKEN_PREFIX,
    Account,
    Book,
    Token,
    change_book,
    check_name,
    check_password,
    read_book,
    token_digest,
)
from .passwords import hash_password


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise UsageError(f"Unknown role {role!r}.", fix=f"Use one of: {', '.join(ROLES)}.")
    return role


def _missing(name: str, path: Path) -> UsageError:
    return UsageError(f"There is no account {name!r} in {path}.",
                      fix="See `assistant user list` for the accounts.")


def add_user(path: Path, name: str, password: str, role: str = "reader") -> Account:
    """Add an account (refused when the name is taken)."""
    check_name(name)
    check_password(password)
    account = Account(name, _check_role(role), hash_password(password))

    def edit(book: Book) -> Book:
        if name in book.accounts:
            raise UsageError(f"The account {name!r} already exists in {path}.",
                             fix="Pick another name, or change its password with "
                                 "`assistant user passwd`.")
        return replace(book, accounts={**book.accounts, name: account})

    change_book(path, edit)
    return account


def set_password(path: Path, name: str, password: str, role: str | None = None) -> Account:
    """A new password (and optionally a new role) for an existing account."""
    check_password(password)
    new_hash = hash_password(password)

    def edit(book: Book) -> Book:
        old = book.accounts.get(name)
        if old is None:
            raise _missing(name, path)
        account = Account(name, _check_role(role) if role else old.role, new_hash)
        return replace(book, accounts={**book.accounts, name: account})

    return change_book(path, edit).accounts[name]


def remove_user(path: Path, name: str) -> None:
    """Remove an account and its API tokens."""
    def edit(book: Book) -> Book:
        if name not in book.accounts:
            raise _missing(name, path)
        return Book({k: a for k, a in book.accounts.items() if k != name},
                    {k: t for k, t in book.tokens.items() if t.user != name})

    change_book(path, edit)


def create_token(path: Path, name: str) -> str:
    """A new API token for ``name``: returned once, stored only as a hash."""
    token_id, secret = secrets.token_hex(4), secrets.token_urlsafe(32)

    def edit(book: Book) -> Book:
        if name not in book.accounts:
            raise _missing(name, path)
        token = Token(token_id, name, token_digest(secret))
        return replace(book, tokens={**book.tokens, token_id: token})

    change_book(path, edit)
    return f"{TOKEN_PREFIX}{token_id}_{secret}"


def revoke_token(path: Path, token_id: str) -> str:
    """Remove the token whose id (or whole token) is ``token_id``; its account's name."""
    wanted = split_token(token_id)[0] if token_id.startswith(TOKEN_PREFIX) else token_id
    found: list[str] = []

    def edit(book: Book) -> Book:
        token = book.tokens.get(wanted)
        if token is None:
            raise UsageError(f"There is no token {wanted!r} in {path}.",
                             fix="See `assistant user list` for the tokens' ids.")
        found.append(token.user)
        return replace(book, tokens={k: t for k, t in book.tokens.items() if k != wanted})

    change_book(path, edit)
    return found[0]


def split_token(token: str) -> tuple[str, str]:
    """(id, secret) of a token ``gsa_<id>_<secret>``; ("", "") when it is not one.

    >>> split_token("gsa_0a1b2c3d_s3cr-et_x")
    ('0a1b2c3d', 's3cr-et_x')
    """
    if not token.startswith(TOKEN_PREFIX):
        return "", ""
    token_id, sep, secret = token[len(TOKEN_PREFIX):].partition("_")
    return (token_id, secret) if sep and len(token_id) == 8 and secret else ("", "")


def list_users(path: Path) -> list[Account]:
    return list(read_book(path).accounts.values()) if Path(path).exists() else []


def list_tokens(path: Path) -> list[Token]:
    return list(read_book(path).tokens.values()) if Path(path).exists() else []
