"""Shared test helpers and data: paths, the fixture corpus, the fake embedder, HTTP helpers.

A plain module (``from support import ...``); the fixtures built from it live in the
conftest.py files. Nothing here imports the model, gradio or the server.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import re
import socket
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
REAL_SOURCES = REPO / "sources"
ARTICLE_2020 = "korea-japan-gsomia-survives.txt"
ARTICLE_2019 = "why-did-south-korea-walk-out-of-the-gsomia.txt"
WALK_OUT = "Why did South Korea walk out of GSOMIA?"
BANANA = "What is the best recipe for banana bread?"  # off topic: must abstain

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


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http_status(url: str, timeout: float = 5.0) -> int:
    """Status code of a GET, without proxies and without raising on 4xx/5xx."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def conversation(conversation_id: str) -> Any:
    """One conversation of evals/followups.jsonl: its turns with their accepted answers."""
    from assistant.evaluation.metrics import load_conversations

    found = [c for c in load_conversations(REPO / "evals" / "followups.jsonl")
             if c.id == conversation_id]
    assert found, f"no conversation {conversation_id!r} in evals/followups.jsonl"
    return found[0]


def request(url: str, data: bytes | None = None, method: str | None = None,
            headers: dict[str, str] | None = None,
            timeout: float = 30.0) -> tuple[int, bytes, Any]:
    """(status, body, headers) without proxies, raising on no status, following no redirect.

    An event stream that the server ends without its closing chunk (Gradio does, after
    an error event) comes back with the part that arrived.
    """

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect)
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with opener.open(req, timeout=timeout) as response:
            try:
                body = response.read()
            except http.client.IncompleteRead as cut:
                body = cut.partial
            return int(response.status), body, response.headers
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read(), exc.headers


def rewrite_manifest(index: Path, change: Callable[[dict], None]) -> None:
    """Edit an index's manifest.json in place."""
    manifest = json.loads((index / "manifest.json").read_text())
    change(manifest)
    (index / "manifest.json").write_text(json.dumps(manifest))


def resign(index: Path, name: str) -> None:
    """Make the manifest agree with the current bytes of ``name`` (a forged edit)."""
    data = (index / name).read_bytes()
    entry = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    rewrite_manifest(index, lambda m: m["files"].__setitem__(name, entry))
