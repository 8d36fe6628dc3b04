"""The code examples of README.md and docs/*.md, read for the tests that check them.

A plain module (``from doc_blocks import ...``). :func:`blocks` finds every fenced block with
its language and line; :func:`commands` splits an ``sh`` block into simple commands (lines
joined at ``\\``, comments dropped, split at ``&&``, ``;`` and ``|``), without the
``VAR=value`` assignments in front of them.

>>> [b.language for b in blocks_of("x.md", "a\\n```sh\\nls\\n```\\n```python\\npass\\n```\\n")]
['sh', 'python']
>>> commands("ASSISTANT_STORE=milvus .venv/bin/assistant index && make run  # two\\n")
[['.venv/bin/assistant', 'index'], ['make', 'run']]
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from support import REPO

DOCS = REPO / "docs"
# The pages a reader sees; docs/generated/ and docs/figures/ are included into them.
PAGES = sorted(DOCS.glob("*.md"))
README = REPO / "README.md"
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```[ \t]*$", re.M | re.S)
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


@dataclass(frozen=True)
class Block:
    """One fenced code block: where it is, its language and its text."""

    path: str
    line: int
    language: str
    code: str

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def blocks_of(path: str, text: str) -> list[Block]:
    return [Block(path, text.count("\n", 0, m.start()) + 1, m.group(1), m.group(2))
            for m in FENCE.finditer(text)]


def blocks(language: str | None = None) -> list[Block]:
    """Every block of the README and the docs pages (of one language, if given)."""
    found = []
    for path in [README, *PAGES]:
        found += blocks_of(str(path.relative_to(REPO)), path.read_text(encoding="utf-8"))
    return [b for b in found if language is None or b.language == language]


def _lines(code: str) -> list[str]:
    """Logical lines: continuations joined, comments and blank lines dropped."""
    joined = re.sub(r"\\\n\s*", " ", code)
    out = []
    for line in joined.splitlines():
        words = shlex.shlex(line, posix=True, punctuation_chars=";&|")
        words.whitespace_split, words.commenters = True, "#"
        out.append(list(words))
    return [w for w in out if w]


def commands(code: str) -> list[list[str]]:
    """The simple commands of a shell snippet, each as its words."""
    found: list[list[str]] = []
    for words in _lines(code):
        current: list[str] = []
        for word in [*words, ";"]:
            if word in (";", "&&", "|", "||", "&"):
                while current and ASSIGNMENT.match(current[0]):
                    current.pop(0)
                if current:
                    found.append(current)
                current = []
            else:
                current.append(word)
    return found


def assistant_argv(words: list[str]) -> list[str] | None:
    """The arguments of an ``assistant`` command line, or None for another program."""
    if words[0] in (".venv/bin/assistant", "assistant") or words[0].endswith("/bin/assistant"):
        return words[1:]
    if words[:3] in (["python", "-m", "assistant"], ["python3", "-m", "assistant"]):
        return words[3:]
    return None


def makefile_targets() -> set[str]:
    text = (REPO / "Makefile").read_text(encoding="utf-8")
    return {m.group(1) for m in re.finditer(r"^([A-Za-z][\w-]*):", text, re.M)}


def settings_variables() -> set[str]:
    import dataclasses

    from assistant.config import Settings

    return {f"ASSISTANT_{f.name.upper()}" for f in dataclasses.fields(Settings)}


def relative(path: Path) -> str:
    return str(path.relative_to(REPO))
