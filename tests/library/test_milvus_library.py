"""The library on the Milvus store (a real Milvus Lite database in tmp_path): adding,
replacing and removing a document embeds only that document, writes a new generation
behind the alias holding what a full build holds, and keeps the generation in use until
then, so an answer already searching it finishes there."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from support import FakeEmbedder

from assistant.config import Settings
from assistant.library import Library, Upload
from assistant.qa.retrieval import Retriever
from assistant.store import build_index, load_store
from assistant.store.milvus_index import connect, read_milvus_manifest
from assistant.text import tokenize

pytest.importorskip("pymilvus", reason="the Milvus store needs the .[milvus] extra")

DELTA = (b"Delta port report\n\nThe port of Rotterdam handled more containers in 2024 than in "
         b"any year before, officials said.\n")


def same_index(a: Any, b: Any) -> None:
    assert (a.documents, a.chunks, a.sentences) == (b.documents, b.chunks, b.sentences)
    assert [n.to_json() for n in a.notes] == [n.to_json() for n in b.notes]
    assert a.events == b.events
    np.testing.assert_array_equal(a.sentence_vectors, b.sentence_vectors)
    for key in ("sources", "counts", "model_id", "tokenizer"):
        assert a.manifest[key] == b.manifest[key], key


def test_add_replace_remove_on_milvus_equal_a_full_build(fast_settings: Settings,
                                                         tmp_path: Path) -> None:
    lite = dataclasses.replace(fast_settings, store="milvus",
                               milvus_uri=str(tmp_path / "lite.db"))
    embedder = FakeEmbedder()
    build_index(lite, embedder)
    before = load_store(lite)
    embedded: list[str] = []
    encode = embedder.encode

    def spy(texts: Any, show_progress: bool = False) -> Any:
        embedded.extend(texts)
        return encode(texts, show_progress)

    embedder.encode = spy  # type: ignore[method-assign]
    library = Library(lite, embedder)
    assert library.add(Upload("delta.txt", DELTA)).id == "delta"
    assert embedded and all("Rotterdam" in t or "Delta" in t for t in embedded)
    after = load_store(lite)
    # The generation in use before the change is kept: a search on it still works.
    assert Retriever(before).search(None, tokenize("GSOMIA"), 3, "bm25")[0]
    full = dataclasses.replace(lite, milvus_uri=str(tmp_path / "full.db"))
    build_index(full, FakeEmbedder())
    same_index(after, load_store(full))
    library.replace("delta", Upload("delta.md", b"# Delta port\n\n" + DELTA.split(b"\n\n")[1]))
    library.remove("gamma")
    build_index(full, FakeEmbedder())
    same_index(load_store(lite), load_store(full))
    names = set(read_milvus_manifest(lite)["collections"].values())
    db = connect(lite)
    try:
        present = set(db.collections())
    finally:
        db.close()
    assert names <= present and len(present) == 6  # the generation in use and the one before
