"""Every code example of the README and the docs pages is checked.

- ``sh``: each ``assistant`` command parses with the real argparse parser; each ``make``
  target exists; each ``curl`` names a route and method of the JSON API's OpenAPI schema
  (and its ``/ask`` body is a valid request); each script run exists; any other program is
  one of a few named here.
- ``python``: every block compiles; the library examples run here against a real index
  (the real model) in tmp_path; the ones that need a server (the Gradio and JSON API
  clients, the MCP session) run in tests/web/test_docs_web_examples.py.
- ``json`` parses (the MCP client config's command line parses too), ``toml`` parses.
- ``text`` blocks are diagrams and printed output, checked where the example that prints
  them runs.
"""

from __future__ import annotations

import contextlib
import io
import json
import shlex
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
from doc_blocks import Block, assistant_argv, blocks, commands, makefile_targets
from support import REAL_SOURCES, REPO

from assistant.cli import build_parser

LANGUAGES = {"sh", "python", "json", "toml", "text"}
# Programs other than assistant, make, curl and the scripts, and why they are safe to name.
OTHER_PROGRAMS = {"export", "echo", "for", "do", "done", ".venv/bin/pytest", ".venv/bin/pip"}
SERVER_MARKERS = ("127.0.0.1:7860", "from mcp import")


def _sh_commands() -> list[tuple[str, list[str]]]:
    return [(b.where, words) for b in blocks("sh") for words in commands(b.code)]


def _schema() -> dict[str, Any]:
    import sys

    sys.path.insert(0, str(REPO / "benchmarks"))
    import docs_reference

    return docs_reference.openapi_schema()


def test_every_block_has_a_known_language() -> None:
    odd = [f"{b.where} ({b.language or 'none'})" for b in blocks()
           if b.language not in LANGUAGES]
    assert not odd, "tag these blocks with one of " + ", ".join(sorted(LANGUAGES))


@pytest.mark.parametrize(("where", "words"), _sh_commands(),
                         ids=[f"{w} {' '.join(c)[:40]}" for w, c in _sh_commands()])
def test_every_shell_command_is_real(where: str, words: list[str]) -> None:
    argv = assistant_argv(words)
    if argv is not None:
        try:
            build_parser().parse_args(argv)
        except SystemExit as exc:  # --help exits 0 after printing; a bad command exits 2
            assert exc.code == 0, f"{where}: `{shlex.join(words)}` does not parse"
    elif words[0] == "make":
        assert set(words[1:]) <= makefile_targets(), f"{where}: no such make target"
    elif words[0] == "curl":
        _check_curl(where, words)
    elif words[0] in (".venv/bin/python", "python3", "python"):
        script = next(w for w in words[1:] if not w.startswith("-"))
        assert (REPO / script).is_file(), f"{where}: {script} does not exist"
    else:
        assert words[0] in OTHER_PROGRAMS, f"{where}: unknown program {words[0]!r}"
        if words[0] == "export":
            from doc_blocks import settings_variables

            assert {w.split("=")[0] for w in words[1:]} <= settings_variables()


def _check_curl(where: str, words: list[str]) -> None:
    from assistant.web.api_models import AskRequest

    url = next(w for w in words if w.startswith("http"))
    path = url.split("/api/v1", 1)[1]
    method = words[words.index("-X") + 1] if "-X" in words else (
        "POST" if "-F" in words or "-d" in words else "GET")
    routes = _schema()["paths"]
    template = next((r for r in routes if _matches(r, path)), None)
    assert template is not None, f"{where}: no route {path}"
    assert method.lower() in routes[template], f"{where}: {method} {path} is not a route"
    if "-d" in words and template == "/ask":
        AskRequest.model_validate(json.loads(words[words.index("-d") + 1]))


def _matches(template: str, path: str) -> bool:
    parts, given = template.strip("/").split("/"), path.strip("/").split("/")
    return len(parts) == len(given) and all(
        p == g or p.startswith("{") for p, g in zip(parts, given, strict=True))


def test_json_and_toml_blocks_parse() -> None:
    for block in blocks("json"):
        config = json.loads(block.code)
        for server in config.get("mcpServers", {}).values():
            build_parser().parse_args(server["args"])
    for block in blocks("toml"):
        tomllib.loads(block.code)


@pytest.mark.parametrize("block", blocks("python"), ids=lambda b: b.where)
def test_every_python_block_compiles(block: Block) -> None:
    compile(block.code, block.where, "exec")


def library_blocks() -> list[Block]:
    return [b for b in blocks("python") if not any(m in b.code for m in SERVER_MARKERS)]


def test_every_python_block_is_run_somewhere() -> None:
    """A block runs here (the library) or with a server (tests/web); none is left out."""
    assert library_blocks(), "no library example found"
    for block in blocks("python"):
        runs_here = block in library_blocks()
        assert runs_here or any(m in block.code for m in SERVER_MARKERS), block.where


@pytest.mark.slow
def test_the_library_examples_run(built_index: tuple[Any, dict], tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """In a folder laid out as a fresh clone's (./sources, a built ./index, a my-docs copy),
    with the real model: every library example runs to the end."""
    settings, _ = built_index
    shutil.copytree(REAL_SOURCES, tmp_path / "sources")
    shutil.copytree(REAL_SOURCES, tmp_path / "my-docs")
    shutil.copytree(settings.index, tmp_path / "index")
    cache = Path(settings.index).parent / ".assistant-cache"
    if cache.is_dir():
        shutil.copytree(cache, tmp_path / ".assistant-cache")
    monkeypatch.chdir(tmp_path)
    for name in ("ASSISTANT_SOURCES", "ASSISTANT_INDEX"):
        monkeypatch.delenv(name, raising=False)
    for block in library_blocks():
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(block.code, block.where, "exec"), {"__name__": "__docs__"})
        assert printed.getvalue().strip(), f"{block.where} printed nothing"
    assert (tmp_path / "my-index" / "manifest.json").is_file()
