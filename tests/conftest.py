"""Shared fixtures: a tiny corpus, the real sources, a fake embedder and the real index."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from assistant.config import Settings

REPO = Path(__file__).parents[1]
REAL_SOURCES = REPO / "sources"
ARTICLE_2020 = "korea-japan-gsomia-survives.txt"
ARTICLE_2019 = "why-did-south-korea-walk-out-of-the-gsomia.txt"

# Page furniture of the 2019 article that must never reach a document, chunk or sentence.
FURNITURE = (
    "ISSN 2330-717X",
    "Click here to have Eurasia Review's newsletter",
    "IPCS (Institute for Peace and Conflict Studies) conducts independent research",
    "Leave a Reply",
    "Your email address will not be published",
    "Akismet",
)

ALPHA = """\
GSOMIA Basics

The General Security of Military Information Agreement was signed in November 2016.
It lets South Korea and Japan share military secrets directly.

Seoul announced in August 2019 that it would end the pact. Tokyo had imposed export
restrictions a month earlier.

Subscribe to our newsletter
"""

BETA = """\
# Trilateral sharing

Both countries are part of the **Trilateral Information Sharing Agreement** with the
[United States](https://example.org/us). Intelligence is shared indirectly through it.

Advertisement

In November 2019 South Korea reversed course and renewed the agreement.
"""

GAMMA = "A third note about GSOMIA. It mentions the agreement once more.\n"

SOURCES_TOML = """\
drop_patterns = ["^Advertisement$"]

["alpha.txt"]
title = "GSOMIA Basics"
author = "A. Writer"
publisher = "Test Press"
date = "2019-11"
url = "https://example.org/alpha"

["beta.md"]
title = "Trilateral Sharing"
author = "B. Writer"
publisher = "Test Press"
date = "2020-08"
"""


class FakeEmbedder:
    """Deterministic hashed bag-of-words vectors with the ``Embedder`` interface."""

    model_id = "test/fake-hashed-bow"

    def __init__(self, dimension: int = 32) -> None:
        self.dimension = dimension
        self.calls = 0

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dimension, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
            vec[h % self.dimension] += 1.0 if (h >> 32) & 1 else -1.0
        norm = float(np.linalg.norm(vec))
        if norm == 0.0:
            vec[0], norm = 1.0, 1.0
        return vec / norm

    def encode(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        self.calls += 1
        rows = [self._vector(t) for t in texts]
        if not rows:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.ascontiguousarray(np.stack(rows), dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]


def write_corpus(folder: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (name -> text or bytes) into ``folder`` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


@pytest.fixture
def fixture_corpus(tmp_path: Path) -> Path:
    """A small sources folder: two documents with metadata, one without, and sources.toml."""
    return write_corpus(tmp_path / "sources", {
        "alpha.txt": ALPHA, "beta.md": BETA, "gamma.txt": GAMMA, "sources.toml": SOURCES_TOML,
    })


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def fast_settings(fixture_corpus: Path, tmp_path: Path) -> Settings:
    """Settings over the fixture corpus with a small chunk size and an index in tmp_path."""
    return Settings(sources=fixture_corpus, index=tmp_path / "out" / "index", chunk_words=12)


@pytest.fixture(scope="session")
def real_sources() -> Path:
    return REAL_SOURCES


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, dict]:
    """The real index, built once from the real sources with the real model."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from assistant.store import build_index
    from assistant.store.embedding import Embedder

    settings = Settings(sources=REAL_SOURCES, index=tmp_path_factory.mktemp("real") / "index")
    manifest = build_index(settings, Embedder())
    return settings, manifest
