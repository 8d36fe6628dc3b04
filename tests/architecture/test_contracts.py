"""The architecture contracts: stages import only downward, heavy libraries stay in one module.

``lint-imports`` checks the contracts in pyproject.toml; these tests run it on the
package as it is, and on a copy with a forbidden import added, to show it catches one.
Import cycles are checked separately over every import, function-level ones included.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parents[2]
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    if not LINT.exists():
        pytest.fail(f"{LINT} is missing: run `make setup` (import-linter is a dev dependency)")
    env = {"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"}
    return subprocess.run([str(LINT), "--no-cache"], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def test_every_contract_is_kept() -> None:
    result = _lint(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
    kept = result.stdout.count(" KEPT")
    assert kept >= 4, result.stdout


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "assistant", tmp_path / "assistant",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("qa/retrieval.py", "from ..web import render", "Pipeline stages import only downward"),
    ("text/tokens.py", "from ..store import disk", "Pipeline stages import only downward"),
    ("qa/answering.py", "import faiss", "faiss only in the store's FAISS module"),
    ("ingest/readers.py", "import torch", "torch only in the embedder"),
    ("evaluation/reports.py", "import gradio", "gradio only in web"),
    ("web/render.py", "from ..cli import common", "independent of each other"),
    ("web/jobs.py", "import mcp", "The MCP SDK only in web.mcp_server"),
    ("cli/core.py", "import mcp_types", "The MCP SDK only in web.mcp_server"),
])
def test_a_forbidden_import_breaks_its_contract(tmp_path: Path, module: str, line: str,
                                                contract: str) -> None:
    root = _copy(tmp_path)
    path = root / "assistant" / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    result = _lint(root)
    assert result.returncode != 0
    broken = [row for row in result.stdout.splitlines() if " BROKEN" in row]
    assert any(contract in row for row in broken), result.stdout


def _cycles() -> list[list[str]]:
    """Strongly connected groups of modules (Tarjan), over every import grimp finds."""
    import grimp

    graph = grimp.build_graph("assistant")
    edges = {m: sorted(x for x in graph.find_modules_directly_imported_by(m)
                       if x.startswith("assistant")) for m in graph.modules
             if m.startswith("assistant")}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = stack[stack.index(v):]
            del stack[stack.index(v):]
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(edges):
        if module not in index:
            visit(module)
    return groups


def test_no_import_cycles_anywhere() -> None:
    """grimp reads every import statement, those inside functions included."""
    assert _cycles() == []
