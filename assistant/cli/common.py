"""Common: what every command module shares (options, settings from arguments, output).

Command modules import this one and nothing else of the CLI, so they never import
each other; :mod:`.main` registers them all.

>>> import argparse
>>> parser = argparse.ArgumentParser()
>>> add_common(parser); add_retrieval(parser)
>>> settings_from(parser.parse_args(["-k", "7", "--mode", "bm25"])).top_k
7
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from ..config import MODES, STORES, Settings

EXAMPLE = "Why did Seoul threaten to end the pact in 2019?"
AddArgs = Callable[[argparse.ArgumentParser], None]
Handler = Callable[[argparse.Namespace], int]
_NOISY = ("httpx", "urllib3", "sentence_transformers", "transformers", "faiss", "bm25s",
          "gradio", "asyncio", "matplotlib", "PIL", "pymilvus", "milvus_lite", "grpc",
          "mcp", "sse_starlette")


def add_common(parser: argparse.ArgumentParser) -> None:
    """``--sources``, ``--index``, ``--model-path``, ``--store`` and ``--milvus-uri``:
    where things live."""
    parser.add_argument("--sources", type=Path,
                        help="sources folder (ASSISTANT_SOURCES; ./sources)")
    parser.add_argument("--index", type=Path, help="index folder (ASSISTANT_INDEX; ./index)")
    parser.add_argument("--model-path", help="sentence-transformers model folder "
                        "(ASSISTANT_MODEL_PATH; the bundled all-MiniLM-L6-v2)")
    parser.add_argument("--store", choices=STORES,
                        help="index backend (ASSISTANT_STORE; faiss files in --index)")
    parser.add_argument("--milvus-uri", metavar="URI",
                        help="--store milvus: a .db file (Milvus Lite) or http://host:19530 "
                             "(ASSISTANT_MILVUS_URI; <index>.milvus.db)")


def add_retrieval(parser: argparse.ArgumentParser) -> None:
    """``-k`` and ``--mode``: how many passages, and how they are ranked."""
    parser.add_argument("-k", "--top-k", type=int, dest="top_k", metavar="N",
                        help="passages to retrieve (default 5)")
    parser.add_argument("--mode", choices=MODES, help="retrieval mode (default hybrid)")


def positive(text: str) -> int:
    """A whole number above zero, for argparse (its message names the option)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def settings_from(args: argparse.Namespace) -> Settings:
    """``Settings`` from the environment, overridden by the options given."""
    return Settings.from_env().replace(
        sources=getattr(args, "sources", None),
        index=getattr(args, "index", None),
        model_path=getattr(args, "model_path", None),
        store=getattr(args, "store", None),
        milvus_uri=getattr(args, "milvus_uri", None),
        top_k=getattr(args, "top_k", None),
        mode=getattr(args, "mode", None),
    )


def say(message: str) -> None:
    """Progress for people: on stderr, so stdout stays the command's result."""
    print(message, file=sys.stderr, flush=True)


def configure_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, stream=sys.stderr,
                        format="assistant: %(message)s")
    for noisy in _NOISY:
        logging.getLogger(noisy).setLevel(logging.WARNING)
