"""Copy the headline figures (docs/figures/headline.md) into README.md, between the markers
``<!-- figures:headline -->`` and ``<!-- /figures:headline -->``: GitHub renders the README
without pymdownx.snippets, so the table is copied, and a test checks the copy is current.

    python benchmarks/readme_figures.py  # rewrite the README's block (make readme-figures)
    python benchmarks/readme_figures.py --check  # exit 1 if the README's block differs

>>> with_block("a\\n<!-- figures:headline -->\\nold\\n<!-- /figures:headline -->\\nb\\n", "new\\n")
'a\\n<!-- figures:headline -->\\nnew\\n<!-- /figures:headline -->\\nb\\n'
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
HEADLINE = REPO / "docs" / "figures" / "headline.md"
START, END = "<!-- figures:headline -->", "<!-- /figures:headline -->"


def block(readme: str) -> str:
    """The text between the markers (each on its own line), without them."""
    if readme.count(START) != 1 or readme.count(END) != 1:
        raise SystemExit(f"error: README.md must hold {START} and {END} once each. "
                         "Put them around the headline table.")
    return readme.split(START + "\n", 1)[1].split(END, 1)[0]


def with_block(readme: str, figures: str) -> str:
    """``readme`` with the text between the markers replaced by ``figures``."""
    head, rest = readme.split(START + "\n", 1)
    tail = rest.split(END, 1)[1]
    body = figures if figures.endswith("\n") else figures + "\n"
    return f"{head}{START}\n{body}{END}{tail}"


def main(argv: list[str]) -> int:
    readme, figures = README.read_text(encoding="utf-8"), HEADLINE.read_text(encoding="utf-8")
    block(readme)  # the markers are there, once
    updated = with_block(readme, figures)
    if argv == ["--check"]:
        if updated != readme:
            print("error: README.md's headline table differs from docs/figures/headline.md. "
                  "Run `make readme-figures` and commit README.md.", file=sys.stderr)
            return 1
        return 0
    README.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
