#!/usr/bin/env python3
"""Lines of hand-written rules and lists in ``assistant/qa`` and ``assistant/text``, now and
at an earlier commit: code lines only (no blank lines, comments or docstrings), with the
learned verifier's own modules counted apart.

    .venv/bin/python benchmarks/rule_lines.py [--before COMMIT]   # default: 1f650c8
"""

from __future__ import annotations

import argparse
import ast
import io
import subprocess
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("assistant/qa", "assistant/text")
# the verifier's loader, features and tree walker, and the word-vector resource
LEARNED = ("verifier.py", "verifier_features.py", "trees.py", "neighbours.py")
PLUMBING = ("lookup.py",)  # passages and documents by id for the API and MCP: no rules


def code_lines(source: str) -> int:
    """Lines holding code: not blank, not only a comment, not in a docstring."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return 0
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(
                body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            skip.update(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
    lines: set[int] = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                            tokenize.DEDENT, tokenize.ENDMARKER):
            lines.update(range(tok.start[0], tok.end[0] + 1))
    return len(lines - skip)


def files_at(commit: str | None) -> dict[str, str]:
    if commit is None:
        return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8")
                for pkg in PACKAGES for p in sorted((ROOT / pkg).glob("*.py"))}
    names = subprocess.run(["git", "ls-tree", "-r", "--name-only", commit, *PACKAGES],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    return {n: subprocess.run(["git", "show", f"{commit}:{n}"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout for n in names if n.endswith(".py")}


def count(commit: str | None) -> tuple[int, int]:
    rules = learned = 0
    for name, source in files_at(commit).items():
        n = code_lines(source)
        if Path(name).name in LEARNED:
            learned += n
        elif Path(name).name not in PLUMBING:
            rules += n
    return rules, learned


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", default="1f650c8")
    args = ap.parse_args()
    before, now = count(args.before), count(None)
    print("| qa/ and text/ | before (" + args.before + ") | now |\n|---|---|---|")
    print(f"| hand-written rules and lists (code lines) | {before[0]} | {now[0]} |")
    print("| the learned verifier's loader, features and tree walker; the word vectors | "
          f"{before[1]} | {now[1]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
