"""The ``assistant`` command: a thin argparse entry point over the library.

    assistant index | ask | status | serve | mcp | eval | feedback | bench | timeline | user
    assistant add | remove | list

Errors print one line naming the problem and the fix; usage errors exit with 2.
Heavy libraries load only inside the command that needs them, so ``--help`` is instant.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..errors import AssistantError
from . import commands, core, library, timeline, users
from . import eval as eval_command
from .common import EXAMPLE, Handler, configure_logging


def build_parser() -> argparse.ArgumentParser:
    """The parser with every sub-command; each sets ``handler`` in the parsed arguments."""
    parser = argparse.ArgumentParser(
        prog="assistant",
        description="GSOMIA Assistant: cited answers from source articles.",
        epilog=f'Example: assistant ask "{EXAMPLE}"',
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (core, library, commands, eval_command, timeline, users):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose)
    handler: Handler = args.handler
    try:
        return handler(args)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
