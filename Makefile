# Two commands on a fresh machine: `make run` (the web chat) and `make test`.
# Each sets up .venv itself: torch's CPU build first, so pip never pulls a CUDA build.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test test-fast setup browser index lint bench docs readme-figures clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev,milvus]'
	touch $(STAMP)

setup: $(STAMP)

# Debian's Chromium for the browser tests; skipped (and the tests say why) without root.
browser:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's chromium for the browser tests..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "chromium is missing and cannot be installed here: browser tests will be skipped"; fi

index: setup
	$(BIN)/assistant index

run: setup
	$(BIN)/assistant serve

test: setup browser
	$(BIN)/python -m pytest

# Unit tests only: no model, no server, no browser (tests marked slow or browser are skipped).
test-fast: setup
	$(BIN)/python -m pytest -m "not slow and not browser"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports

bench: setup
	$(BIN)/assistant bench

# The documentation site (docs/, mkdocs.yml) into site/: the CLI and JSON API reference pages
# are written from the code first; --strict fails on a broken link, anchor or include.
# (NO_MKDOCS_2_WARNING silences Material's banner about its own future, not a build warning.)
docs: setup
	$(BIN)/python benchmarks/docs_reference.py
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

# Copy docs/figures/headline.md into the README's headline table (GitHub has no includes).
readme-figures:
	$(PYTHON) benchmarks/readme_figures.py

clean:
	rm -rf index .index.* .pytest_cache site
