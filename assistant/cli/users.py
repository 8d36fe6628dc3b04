"""``assistant user``: the accounts of the web chat and the JSON API.

    assistant user add NAME [--role reader|editor]   ask for a password, store its hash
    assistant user passwd NAME [--role ROLE]          a new password (and role)
    assistant user remove NAME                        the account and its tokens
    assistant user token NAME                         a new API token, printed once
    assistant user revoke ID                          remove a token
    assistant user list                               accounts and token ids

Every command takes ``--file`` (``ASSISTANT_AUTH_FILE``; ``./accounts.txt``) and reads a
password from the terminal (twice), or with ``--password-stdin`` one line from stdin.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import UsageError


def register(sub: Any) -> None:
    p = sub.add_parser("user", help="manage the accounts of the chat and the API")
    actions = p.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    for name, helptext, extra in (
            ("add", "add an account (asks for its password)", ("role",)),
            ("passwd", "set an account's password (and --role)", ("role",)),
            ("remove", "remove an account and its API tokens", ()),
            ("token", "create an API token for an account (printed once)", ()),
            ("revoke", "remove an API token by its id", ()),
            ("list", "list the accounts and token ids", ())):
        a = actions.add_parser(name, help=helptext)
        a.set_defaults(handler=cmd_user)
        if name == "revoke":
            a.add_argument("name", metavar="ID", help="the token's id (or the whole token)")
        elif name != "list":
            a.add_argument("name", metavar="NAME", help="the account's name")
        if "role" in extra:
            a.add_argument("--role", choices=("reader", "editor"),
                           default="reader" if name == "add" else None,
                           help="reader: ask and read; editor: also add, change and remove "
                                "documents" + (" (default reader)" if name == "add" else ""))
        if name in ("add", "passwd"):
            a.add_argument("--password-stdin", action="store_true",
                           help="read the password from the first line of stdin")
        a.add_argument("--file", type=Path, metavar="FILE",
                       help="the accounts file (ASSISTANT_AUTH_FILE; ./accounts.txt)")


def read_password(from_stdin: bool) -> str:
    """A new password: one line of stdin, or typed twice at the terminal."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UsageError("No terminal to type a password in.",
                         fix="Pass --password-stdin and send the password on stdin.")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise UsageError("The two passwords differ.", fix="Type the same password twice.")
    return first


def cmd_user(args: argparse.Namespace) -> int:
    from ..accounts import manage

    path = args.file or Settings.from_env().auth_file
    action = args.user_command
    if action == "add":
        account = manage.add_user(path, args.name, read_password(args.password_stdin),
                                  args.role)
        print(f"Added {account.name} ({account.role}) to {path}.")
    elif action == "passwd":
        account = manage.set_password(path, args.name, read_password(args.password_stdin),
                                      args.role)
        print(f"Changed the password of {account.name} ({account.role}) in {path}.")
    elif action == "remove":
        manage.remove_user(path, args.name)
        print(f"Removed {args.name} and its tokens from {path}.")
    elif action == "token":
        token = manage.create_token(path, args.name)
        print(token)
        print(f"An API token for {args.name}: send it as 'Authorization: Bearer <token>'. "
              "It is shown only now.", file=sys.stderr)
    elif action == "revoke":
        owner = manage.revoke_token(path, args.name)
        print(f"Revoked the token of {owner}.")
    else:
        _print_list(path, manage.list_users(path), manage.list_tokens(path))
    return 0


def _print_list(path: Path, accounts: list[Any], tokens: list[Any]) -> None:
    if not accounts:
        print(f"No accounts in {path}. Add one with `assistant user add NAME --role editor`.")
        return
    for account in accounts:
        ids = [t.id for t in tokens if t.user == account.name]
        print(f"{account.name}\t{account.role}\t" + (f"tokens: {', '.join(ids)}" if ids else ""))
