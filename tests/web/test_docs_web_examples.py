"""The docs' examples that need a running server, run against real ones: the Gradio client
and the JSON API client against the session's ``assistant serve`` (its address in place of
``http://127.0.0.1:7860``), and the MCP session against a real ``assistant mcp`` on stdio
(this interpreter's ``-m assistant mcp`` over a copy of the index, in place of
``.venv/bin/assistant mcp`` in the repository). The rest of the docs' examples are checked in
tests/docs/test_docs_examples.py.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from doc_blocks import Block, blocks
from servers import Server, copy_index
from support import REAL_SOURCES

DOC_URL = "http://127.0.0.1:7860"
LIMIT_S = 120
STDIO = 'StdioServerParameters(command=".venv/bin/assistant", args=["mcp"])'
RUN = "asyncio.run(main())"


def run(block: Block, code: str, names: dict[str, Any] | None = None) -> str:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, block.where, "exec"), {"__name__": "__docs__", **(names or {})})
    return printed.getvalue()


def client_blocks() -> list[Block]:
    return [b for b in blocks("python") if DOC_URL in b.code and "from mcp import" not in b.code]


@pytest.mark.slow
@pytest.mark.parametrize("block", client_blocks(), ids=lambda b: b.where)
def test_the_http_client_examples_run(block: Block, server: Server) -> None:
    printed = run(block, block.code.replace(DOC_URL, server.url.rstrip("/")))
    assert printed.strip(), f"{block.where} printed nothing"


def mcp_example() -> tuple[Block, list[str]]:
    """The MCP session example and the lines the page says it prints."""
    found = blocks()
    index = next(i for i, b in enumerate(found) if b.language == "python"
                 and "from mcp import" in b.code)
    printed = next(b for b in found[index + 1:] if b.language == "text")
    return found[index], printed.code.strip().splitlines()


@pytest.mark.slow
def test_the_mcp_session_example_runs_and_prints_what_the_page_says(
        built_index: tuple[Any, dict], tmp_path: Path) -> None:
    block, says = mcp_example()
    assert STDIO in block.code and RUN in block.code, "the example changed: update this test"
    index = copy_index(built_index[0].index, tmp_path)
    env = {**os.environ, "ASSISTANT_INDEX": str(index), "ASSISTANT_SOURCES": str(REAL_SOURCES),
           "HF_HUB_OFFLINE": "1"}
    code = block.code.replace(STDIO, "StdioServerParameters(command=COMMAND, args=ARGS, "
                                     "env=ENV, cwd=CWD)")
    code = code.replace(RUN, f"asyncio.run(asyncio.wait_for(main(), {LIMIT_S}))")
    printed = run(block, code, {"COMMAND": sys.executable, "ARGS": ["-m", "assistant", "mcp"],
                                "ENV": env, "CWD": tmp_path}).strip().splitlines()
    assert printed[0] == says[0]  # the tools
    assert printed[-1] == says[-1]  # the error for an empty question
    assert len(printed) > 6
