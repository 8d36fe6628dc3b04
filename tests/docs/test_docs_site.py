"""The documentation site: it builds with ``mkdocs build --strict`` (a broken link, anchor or
include fails), its generated reference pages match the code, and the README stays short
and carries the current headline figures.

The build takes about a second; it runs here so that ``make test`` (and CI) fails on a
broken page, as ``make docs`` would.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from doc_blocks import DOCS, PAGES, README, settings_variables
from support import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
import docs_reference
import readme_figures

MKDOCS = Path(sys.executable).with_name("mkdocs")
# Read by the entry points or the tests, not by Settings.
OTHER_VARIABLES = {"ASSISTANT_AUTH", "ASSISTANT_REQUIRE_BROWSER", "ASSISTANT_UPDATE_SCREENSHOT",
                   "ASSISTANT_TEST_KILL_AT", "ASSISTANT_TEST_GATE"}


def build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    if not MKDOCS.exists():
        pytest.fail(f"{MKDOCS} is missing: run `make setup` (mkdocs is a dev dependency)")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([str(MKDOCS), "build", "--strict", "-f", str(config), "-d", str(site)],
                          cwd=config.parent, env=env, capture_output=True, text=True,
                          timeout=120)


def test_the_site_builds_strict_with_no_warning(tmp_path: Path) -> None:
    result = build(REPO / "mkdocs.yml", tmp_path / "site")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output, output
    for page in PAGES:
        name = "index.html" if page.stem == "index" else f"{page.stem}/index.html"
        html = (tmp_path / "site" / name).read_text(encoding="utf-8")
        assert "--8<--" not in html, f"{page.name}: an include was not expanded"
        # Nothing loads from elsewhere: no web fonts, scripts or stylesheets off the site.
        assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', html), page.name


def test_a_broken_link_fails_the_build(tmp_path: Path) -> None:
    shutil.copytree(DOCS, tmp_path / "docs")
    for name in ("mkdocs.yml", "README.md"):
        shutil.copy(REPO / name, tmp_path / name)
    page = tmp_path / "docs" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[gone](no-such-page.md#nowhere)\n",
                    encoding="utf-8")
    result = build(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert result.returncode != 0
    assert "no-such-page.md" in result.stdout + result.stderr


def test_a_missing_include_fails_the_build(tmp_path: Path) -> None:
    shutil.copytree(DOCS, tmp_path / "docs")
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    (tmp_path / "docs" / "figures" / "speed.md").unlink()
    assert build(tmp_path / "mkdocs.yml", tmp_path / "site").returncode != 0


@pytest.mark.parametrize("name", ["cli.md", "api.md"])
def test_the_generated_reference_matches_the_code(name: str) -> None:
    path = docs_reference.GENERATED / name
    expected = docs_reference.pages()[path]()
    assert path.read_text(encoding="utf-8") == expected, (
        f"docs/generated/{name} is stale: run `make docs` and commit it")


def test_the_cli_reference_has_every_command_and_option() -> None:
    from assistant.cli import build_parser

    page = (docs_reference.GENERATED / "cli.md").read_text(encoding="utf-8")
    for name, _, sub in docs_reference._subcommands(build_parser()):
        assert f"### `assistant {name}`" in page
        for action in docs_reference._shown(sub):
            for option in action.option_strings:
                assert f"{option}" in page


def test_the_readme_is_short_and_has_the_current_headline_figures() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 150
    figures = readme_figures.HEADLINE.read_text(encoding="utf-8")
    assert readme_figures.block(text) == (figures if figures.endswith("\n") else figures + "\n")
    assert readme_figures.main(["--check"]) == 0


def test_the_readme_figures_script_rewrites_the_block() -> None:
    readme = "intro\n<!-- figures:headline -->\nold\n<!-- /figures:headline -->\nrest\n"
    assert readme_figures.block(readme_figures.with_block(readme, "| a |\n")) == "| a |\n"
    with pytest.raises(SystemExit):
        readme_figures.block("no markers here")


def test_every_setting_is_documented_and_every_documented_variable_exists() -> None:
    settings = settings_variables()
    page = (DOCS / "getting-started.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `(ASSISTANT_[A-Z0-9_]+)` \|", page, re.M))
    assert listed == settings, f"missing: {settings - listed}, unknown: {listed - settings}"
    for path in [README, *PAGES]:
        named = set(re.findall(r"ASSISTANT_[A-Z0-9_]*[A-Z0-9]", path.read_text("utf-8")))
        unknown = named - settings - OTHER_VARIABLES
        assert not unknown, f"{path.name} names variables that do not exist: {unknown}"


def test_every_rule_is_in_the_rules_table() -> None:
    from assistant.qa.rules import Rules

    page = (DOCS / "answering.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z_]+)` \|", page, re.M))
    assert listed == {f.name for f in dataclasses.fields(Rules)}
