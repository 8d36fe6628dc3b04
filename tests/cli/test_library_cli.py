"""`assistant add / remove / list` and `assistant user ...` as a user runs them: in a
subprocess, with the real model, on a copy of the fixture corpus. Each bad file prints one
line naming it, the problem and the fix (no traceback), and the folder and index stay
as they were; `assistant index` from the folder afterwards gives the same index."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from bad_files import HTML_ARTICLE, PDF_ARTICLE, bad_uploads
from servers import CACHE
from support import ALPHA, BETA, GAMMA, SOURCES_TOML, write_corpus
from test_cli import error_lines, run

from assistant.config import Settings
from assistant.store import read_manifest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def home(built_index: tuple[Settings, dict],
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A folder with sources, an index built by `assistant index`, and the ONNX export."""
    root = tmp_path_factory.mktemp("cli-lib")
    write_corpus(root / "sources", {"alpha.txt": ALPHA, "beta.md": BETA, "gamma.txt": GAMMA,
                                    "sources.toml": SOURCES_TOML})
    shutil.copytree(Path(built_index[0].index).parent / CACHE, root / CACHE)
    proc = run(["index"], root, root / "sources", root / "index")
    assert proc.returncode == 0, proc.stderr
    yield root


def state(root: Path) -> tuple[dict[str, bytes], dict]:
    files = {p.name: p.read_bytes() for p in (root / "sources").iterdir() if p.is_file()}
    return files, read_manifest(root / "index")


def cli(root: Path, *args: str, env: dict[str, str] | None = None,
        stdin: str | None = None) -> subprocess.CompletedProcess:
    """`python -m assistant ARGS` over ``root``'s sources and index."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    clean.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONIOENCODING="utf-8",
                 ASSISTANT_SOURCES=str(root / "sources"), ASSISTANT_INDEX=str(root / "index"),
                 **(env or {}))
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=root, env=clean,
                          input=stdin, capture_output=True, text=True, timeout=300)


def test_add_list_remove_and_index_gives_the_same(home: Path, tmp_path: Path) -> None:
    proc = cli(home, "add", str(HTML_ARTICLE), str(PDF_ARTICLE))
    assert proc.returncode == 0, proc.stderr
    assert "Added airline-merger-review: Competition watchdog opens" in proc.stdout
    assert "Added coral-heat-study: Corals that shrugged off" in proc.stdout
    assert (home / "sources" / "coral-heat-study.pdf").read_bytes() == PDF_ARTICLE.read_bytes()
    listed = json.loads(cli(home, "list", "--json").stdout)
    by_id = {e["id"]: e for e in listed}
    assert by_id["coral-heat-study"]["format"] == "pdf" and by_id["coral-heat-study"]["added"]
    assert by_id["airline-merger-review"]["publisher"] == "Meridian Business Post"
    table = cli(home, "list").stdout
    assert "coral-heat-study\tCorals that shrugged off" in table and "alpha\tGSOMIA Basics" in table
    # The folder is the truth: a full `assistant index` of it writes the same index.
    incremental = read_manifest(home / "index")
    proc = cli(home, "index", "--index", str(tmp_path / "full" / "index"))
    assert proc.returncode == 0, proc.stderr
    full = read_manifest(tmp_path / "full" / "index")
    for manifest in (incremental, full):
        manifest.pop("created_at")
    assert incremental == full
    proc = cli(home, "remove", "airline-merger-review")
    assert proc.returncode == 0 and "Removed airline-merger-review" in proc.stdout
    assert not (home / "sources" / "airline-merger-review.html").exists()


def test_metadata_options(home: Path, tmp_path: Path) -> None:
    note = tmp_path / "ferry note.md"
    note.write_text("# Ferry fares\n\nThe ferry company cut its fares to the islands by a "
                    "tenth for the winter, its chief executive Mara Lind said.\n")
    proc = cli(home, "add", str(note), "--title", "Ferry fares fall", "--author", "Ola Berg",
               "--date", "2025-11-02")
    assert proc.returncode == 0, proc.stderr
    entry = {e["id"]: e for e in json.loads(cli(home, "list", "--json").stdout)}["ferry-note"]
    assert (entry["title"], entry["author"], entry["date"]) == ("Ferry fares fall", "Ola Berg",
                                                                "2025-11-02")
    proc = cli(home, "add", str(note), str(note), "--title", "x")
    assert proc.returncode == 2 and "describe one file" in error_lines(proc)[0]
    proc = cli(home, "add", str(note), "--date", "soon")
    assert proc.returncode == 2 and "YYYY" in error_lines(proc)[0]


def test_each_bad_file_gets_one_line_and_changes_nothing(home: Path, tmp_path: Path) -> None:
    before = state(home)
    paths = []
    for name, (data, _words) in bad_uploads(1).items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    duplicate = tmp_path / "alpha copy.txt"
    duplicate.write_text(ALPHA)
    proc = cli(home, "add", *map(str, paths), str(duplicate), str(tmp_path / "missing.txt"),
               env={"ASSISTANT_MAX_FILE_MB": "1"})
    lines = error_lines(proc)
    assert proc.returncode in (1, 2) and len(lines) == len(paths) + 2, lines
    for name, (_data, words) in bad_uploads(1).items():
        line = next(x for x in lines if f"/{name}: " in x)
        assert all(w in line for w in words) and ".staging" not in line, line
    assert any("alpha copy.txt" in x and "already in the library" in x and "(alpha)" in x
               for x in lines), lines
    assert any("missing.txt does not exist" in x for x in lines), lines
    assert state(home) == before


def test_remove_unknown_id(home: Path) -> None:
    proc = cli(home, "remove", "no-such-doc")
    assert proc.returncode == 2 and "no document 'no-such-doc'" in error_lines(proc)[0]


def test_user_commands(tmp_path: Path) -> None:
    accounts = tmp_path / "team.txt"
    accounts.write_text("old:plain-password\n")  # an old plain file: read once, rewritten
    proc = cli(tmp_path, "user", "list", "--file", str(accounts))
    assert proc.returncode == 0 and "old\teditor" in proc.stdout
    assert "plain-password" not in accounts.read_text() and "$argon2id$" in accounts.read_text()
    proc = cli(tmp_path, "user", "add", "ann", "--role", "editor", "--password-stdin",
               "--file", str(accounts), stdin="a long password\n")
    assert proc.returncode == 0 and "Added ann (editor)" in proc.stdout
    assert oct(accounts.stat().st_mode & 0o777) == "0o600"
    proc = cli(tmp_path, "user", "add", "ann", "--password-stdin", "--file", str(accounts),
               stdin="another password\n")
    assert proc.returncode == 2 and "already exists" in error_lines(proc)[0]
    proc = cli(tmp_path, "user", "add", "bo", "--password-stdin", "--file", str(accounts),
               stdin="short\n")
    assert proc.returncode == 2 and "shorter than 8" in error_lines(proc)[0]
    token = cli(tmp_path, "user", "token", "ann", "--file", str(accounts)).stdout.strip()
    assert token.startswith("gsa_") and token[4:12] in accounts.read_text()
    assert token not in accounts.read_text()  # stored hashed
    proc = cli(tmp_path, "user", "passwd", "ann", "--role", "reader", "--password-stdin",
               "--file", str(accounts), stdin="a new long password\n")
    assert proc.returncode == 0 and "(reader)" in proc.stdout
    proc = cli(tmp_path, "user", "revoke", token[4:12], "--file", str(accounts))
    assert proc.returncode == 0 and "Revoked the token of ann" in proc.stdout
    assert cli(tmp_path, "user", "remove", "ann", "--file", str(accounts)).returncode == 0
    proc = cli(tmp_path, "user", "remove", "ann", "--file", str(accounts))
    assert proc.returncode == 2 and "no account 'ann'" in error_lines(proc)[0]
    # Without --file: ASSISTANT_AUTH_FILE, else ./accounts.txt.
    proc = cli(tmp_path, "user", "add", "cy", "--password-stdin", stdin="long enough pw\n")
    assert proc.returncode == 0 and "cy:reader:$argon2id$" in (
        tmp_path / "accounts.txt").read_text()
