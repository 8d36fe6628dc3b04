"""Answering: composing a cited answer and scoring sentences (fake embedder, no model)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import FakeEmbedder, write_corpus

from assistant.config import Settings
from assistant.qa.answering import Answerer, compose
from assistant.qa.question import named_terms
from assistant.qa.retrieval import Retriever
from assistant.store import build_index
from assistant.store.disk import load_index


def test_compose_numbers_markers_in_order_and_names_sources() -> None:
    assert compose([("A.", "2020-08", "Lee"), ("B.", "2020-08", "Lee")]) == "A. [1] B. [2]"
    assert compose([("Later.", "2020-08", "Kim"), ("Earlier.", "2019-11", "Lee")]) == (
        "From Lee (Nov 2019): Earlier. [1] From Kim (Aug 2020): Later. [2]")
    assert compose([("Undated.", "", "Kim"), ("Dated.", "2019-11", "Lee")]) == (
        "From Lee (Nov 2019): Dated. [1] From Kim: Undated. [2]")
    # one source of one date needs no introduction; the date is the article's, not the event's
    assert "From" not in compose([("A.", "2019-11", "Lee")])


QUOTED = """Analysts weigh in

Ms. Kathryn Botto spoke about the agreement at length. She said that concrete examples
would help the public.

Mr. Bruce Klingner spoke next. "Examples are hard to find." Mr. Brad Glosserman agreed.
Policy experts rarely disagree. Ambassador Koji Tomita disagreed.

They are rare in defence policy.
"""
# Two documents: the second opens with "She", right after the first names Mr. Matsuo.
FIRST, SECOND = "Mr. Terrence Matsuo wrote this note.\n", "She disagreed with the note.\n"


def _answerer(folder: Path, files: dict[str, str], embedder: FakeEmbedder) -> Answerer:
    settings = Settings(sources=write_corpus(folder / "src", files), index=folder / "index",
                        chunk_words=200)
    build_index(settings, embedder)
    return Answerer(Retriever(load_index(settings.index)))


@pytest.fixture
def answerer(tmp_path: Path, fake_embedder: FakeEmbedder) -> Answerer:
    return _answerer(tmp_path, {"quoted.txt": QUOTED}, fake_embedder)


def _row(answerer: Answerer, opening: str) -> int:
    return next(i for i, s in enumerate(answerer.evidence.sentences) if s.text.startswith(opening))


def test_a_sentence_leaning_back_holds_the_names_before_it(answerer: Answerer) -> None:
    assert "botto" in answerer.evidence.tokens(_row(answerer, "She said"))
    assert "klingner" in answerer.evidence.tokens(_row(answerer, '"Examples'))  # a bare quote


def test_the_names_before_stay_in_their_paragraph(answerer: Answerer) -> None:
    assert "tomita" not in answerer.evidence.tokens(_row(answerer, "They are"))


def test_the_names_before_only_count_where_the_sentence_leans_back(answerer: Answerer) -> None:
    assert "glosserman" not in answerer.evidence.tokens(_row(answerer, "Policy experts"))


def test_the_names_before_stay_in_their_document(tmp_path: Path,
                                                 fake_embedder: FakeEmbedder) -> None:
    answerer = _answerer(tmp_path, {"a.txt": FIRST, "b.txt": SECOND}, fake_embedder)
    row = _row(answerer, "She disagreed")
    before = answerer.evidence.sentences[row - 1]
    assert before.text.startswith("Mr. Terrence") and before.paragraph == \
        answerer.evidence.sentences[row].paragraph  # only the document differs
    assert "matsuo" not in answerer.evidence.tokens(row)


def test_named_terms_keep_dotted_acronyms_whole() -> None:
    assert named_terms("What do policymakers tell U.S. counterparts?") == ["usa"]
    assert named_terms("Is it Japan.") == ["japan"]
    assert named_terms("what about 2016 and Moon Jae-in?") == ["2016", "moon", "jae"]  # "in" stops


def test_named_terms_drop_single_letters() -> None:
    assert named_terms("Did officials in D.C. agree?") == []
