"""Near-duplicates on the 40 real articles: each article against a plain-text copy of its
true body is a near-copy; no two different articles come close."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from bad_files import ARTICLES

from assistant.ingest.sources import SourceMeta, load_document, read_metadata
from assistant.library.duplicates import NEAR_DUPLICATE, containment, shingles, signature


def test_articles_and_their_plain_copies(tmp_path: Path) -> None:
    shared, metas = read_metadata(ARTICLES)
    docs = {p.stem: load_document(p, metas.get(p.name, SourceMeta()), shared)
            for p in sorted(ARTICLES.iterdir())
            if p.suffix in (".txt", ".md", ".html", ".pdf", ".docx")}
    assert len(docs) == 40
    signatures = {k: signature(d.text) for k, d in docs.items()}
    different = max(containment(signatures[a], signatures[b])
                    for a, b in itertools.combinations(signatures, 2))
    assert different <= 0.04, different
    copies = []
    for slug in docs:
        truth = json.loads((ARTICLES / f"{slug}.truth.json").read_text(encoding="utf-8"))
        copy = tmp_path / f"{slug}.txt"
        copy.write_text(truth["title"] + "\n\n" + truth["body"], encoding="utf-8")
        copies.append(containment(signatures[slug],
                                  signature(load_document(copy, SourceMeta()).text)))
    assert min(copies) >= 0.99 > NEAR_DUPLICATE > different


def test_shingles_ignore_case_and_punctuation() -> None:
    assert shingles("One, two. THREE four five!") == {"one two three four five"}
    assert shingles("") == set()
