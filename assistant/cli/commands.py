"""Commands beyond the core three: ``serve`` and ``feedback export`` (and later ones).

Each command imports its heavy module (gradio, the model) only when it runs.

    assistant serve [--host H] [--port P] [--auth-file FILE] [--workers N]
                                                              the chat and the JSON API
    assistant mcp                                              MCP server over stdio
    assistant feedback export [--log PATH] [--out PATH]        thumbs-down -> question set
    assistant bench [--json OUT] [--quick] [--scale N,...]     performance figures
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import ConfigError
from .common import add_common, add_retrieval, positive, say, settings_from

DEFAULT_EXPORT = Path("feedback-questions.jsonl")


def register(sub: Any) -> None:
    """Add ``serve``, ``feedback`` and ``bench`` to the ``assistant`` parser."""
    p = sub.add_parser("serve", help="start the web chat (http://127.0.0.1:7860)")
    p.set_defaults(handler=cmd_serve)
    p.add_argument("--host", help="address to bind (ASSISTANT_HOST; 127.0.0.1). Anything "
                   "but loopback exposes the app to your network")
    p.add_argument("--port", type=int, help="port (ASSISTANT_PORT; 7860)")
    p.add_argument("--auth-file", type=Path, metavar="FILE",
                   help="require a login: the accounts file of `assistant user` "
                        "(ASSISTANT_AUTH_FILE; ./accounts.txt when it exists; or "
                        "ASSISTANT_AUTH=user:password)")
    p.add_argument("--workers", type=positive, metavar="N",
                   help="processes answering the JSON API (ASSISTANT_WORKERS; 1: this one)")
    add_common(p)
    add_retrieval(p)
    p = sub.add_parser("mcp", help="serve the assistant to AI agents over MCP (stdio)",
                       description="A Model Context Protocol server on stdin/stdout, for "
                       "desktop MCP clients; `assistant serve` also serves MCP at /mcp.")
    p.set_defaults(handler=cmd_mcp)
    add_common(p)
    add_retrieval(p)
    p = sub.add_parser("feedback", help="work with the web chat's thumbs up/down log")
    p.set_defaults(handler=cmd_feedback)
    actions = p.add_subparsers(dest="feedback_command", required=True, metavar="ACTION")
    e = actions.add_parser("export", help="write thumbs-down questions as a question-set "
                           "skeleton for evaluation")
    e.add_argument("--log", type=Path, help="feedback log (ASSISTANT_FEEDBACK_LOG; "
                   "./feedback.jsonl)")
    e.add_argument("--out", type=Path, default=DEFAULT_EXPORT,
                   help=f"adds new thumbs-down questions to this JSON Lines file, keeping the "
                   f"lines already there (default {DEFAULT_EXPORT}); fill in answers and "
                   "evidence, or set answerable to false, before `assistant eval` loads them")
    _register_bench(sub)


def _register_bench(sub: Any) -> None:
    p = sub.add_parser("bench", help="measure start-up, latency, indexing and memory")
    p.set_defaults(handler=cmd_bench)
    p.add_argument("--json", type=Path, metavar="OUT", dest="json_out",
                   help="also write the figures to this JSON file")
    p.add_argument("--quick", action="store_true", help="fewer runs and questions")
    p.add_argument("--questions", type=Path, default=Path("evals/gsomia.jsonl"),
                   help="question set (default evals/gsomia.jsonl)")
    p.add_argument("--scale", metavar="N,N,...",
                   help="instead: FAISS index types (or with --store milvus, Milvus) on "
                        "synthetic corpora of these sizes")
    p.add_argument("--data", choices=("uniform", "lowrank"),
                   help="--scale vectors: uniform on the sphere (worst case; the default) or "
                        "low-rank (the default with --store milvus)")
    p.add_argument("--hnsw-m", type=positive, default=32, metavar="M",
                   help="--scale: HNSW links per node (default 32, as the index uses)")
    p.add_argument("--ef-construction", type=positive, default=64, metavar="N",
                   help="--scale: HNSW build breadth (default 64, as the index uses)")
    p.add_argument("--backends", metavar="B,B,...",
                   help="instead: compare embedding backends, e.g. torch,torch:1,onnx,onnx-int8")
    from .http_bench import add_arguments

    add_arguments(p)  # --http and its options
    add_common(p)


def parse_auth(text: str, origin: str) -> list[tuple[str, str]]:
    """``user:password`` pairs, one per line; blank lines and ``#`` comments ignored."""
    pairs = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        user, sep, password = line.partition(":")
        if not sep or not user.strip() or not password:
            raise ConfigError(f"{origin}, line {number}: expected user:password.",
                              fix="Write one user:password pair per line.")
        pairs.append((user.strip(), password))
    if not pairs:
        raise ConfigError(f"{origin} holds no user:password pair.",
                          fix="Add one, or drop --auth-file / ASSISTANT_AUTH.")
    return pairs


def load_gate(settings: Settings, auth_file: Path | None, env_value: str | None) -> Any:
    """The login gate: the accounts of ``--auth-file`` (else the settings' accounts file,
    when it exists) and of ``ASSISTANT_AUTH``; None when neither names an account."""
    from ..accounts import Accounts, Gate

    if auth_file is not None and not Path(auth_file).is_file():
        raise ConfigError(f"The accounts file {auth_file} does not exist.",
                          fix="Create it with `assistant user add NAME --file FILE`, or pass "
                              "another --auth-file.")
    path = auth_file or (settings.auth_file if settings.auth_file.is_file() else None)
    pairs = parse_auth(env_value, "ASSISTANT_AUTH") if env_value else []
    if path is None and not pairs:
        return None
    accounts = Accounts(path, pairs)
    if not len(accounts):
        raise ConfigError(f"{path} holds no account.",
                          fix="Add one with `assistant user add NAME`, or drop --auth-file.")
    return Gate.from_settings(accounts, settings)


def cmd_serve(args: argparse.Namespace) -> int:
    settings = settings_from(args).replace(host=args.host, port=args.port,
                                           workers=args.workers)
    if not 1 <= settings.port <= 65535:
        raise ConfigError(f"Port {settings.port} is out of range.",
                          fix="Pass --port (or ASSISTANT_PORT) between 1 and 65535.")
    gate = load_gate(settings, args.auth_file, os.environ.get("ASSISTANT_AUTH"))
    from ..qa import Assistant

    assistant = Assistant.load(settings, progress=say)  # before launch: no cold first answer
    say("Starting the web chat...")
    from ..web import serve

    return serve(assistant, settings, gate)


def cmd_mcp(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    from ..qa import Assistant

    # Progress goes to stderr: stdout carries the protocol.
    assistant = Assistant.load(settings, progress=say)
    from ..web.mcp_server import serve_stdio

    return serve_stdio(assistant, settings)


def cmd_feedback(args: argparse.Namespace) -> int:
    from ..config import Settings
    from ..evaluation.feedback import export_skeleton

    log_path = args.log or Settings.from_env().feedback_log
    count = export_skeleton(log_path, args.out)
    print(f"Added {count} new thumbs-down question{'s' if count != 1 else ''} from {log_path} "
          f"to {args.out}.", file=sys.stdout)
    if count:
        print("Fill in each one's answers and evidence before evaluating with it.")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if args.scale and settings.store == "milvus":
        from .milvus_scale import print_milvus_scale, run_milvus_scale
        from .scale import parse_sizes

        result: Any = run_milvus_scale(parse_sizes(args.scale), settings.replace(
            hnsw_m=args.hnsw_m), progress=say, data=args.data or "lowrank")
        print_milvus_scale(result)
    elif args.scale:
        from .scale import parse_sizes, print_scale, run_scale

        result = run_scale(parse_sizes(args.scale), progress=say, data=args.data or "uniform",
                           m=args.hnsw_m, ef_construction=args.ef_construction)
        print_scale(result)
    elif args.http:
        from .http_bench import run_http

        result = run_http(settings, args, say)
    elif args.backends:
        from .bench import compare_backends

        result = compare_backends(settings, args.questions, args.backends.split(","), say)
    else:
        from .bench import print_report, run

        result = run(settings, args.questions, args.quick, say)
        print_report(result)
    if args.json_out:
        import json

        Path(args.json_out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"Wrote {args.json_out}.")
    return 0
