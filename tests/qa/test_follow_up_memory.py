"""A follow-up's answer must not depend on which process answered the turns before it
(`serve --workers N` spreads a conversation over processes): a fresh assistant that never
saw the earlier turns answers the last one exactly as the one that answered them all."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import Assistant, Settings

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

# evals/followups.jsonl c08: four turns, the last leaning on the third.
TURNS = ["Who is Brad Glosserman?", "Why does he think Seoul keeps GSOMIA as leverage?",
         "What would happen if it actually ended the deal?",
         "And how do US officials feel about it, according to him?"]


def test_a_fresh_process_answers_the_last_turn_alike(tmp_path: Path) -> None:
    settings = Settings(sources=ROOT / "sources", index=tmp_path / "index")
    warm = Assistant.load(settings)
    asked = [warm.ask(q, history=TURNS[:i]) for i, q in enumerate(TURNS)]
    fresh = Assistant.load(settings)
    alone = fresh.ask(TURNS[-1], history=TURNS[:-1])
    assert alone.text == asked[-1].text
    assert [(c.source_id, c.start) for c in alone.citations] == [
        (c.source_id, c.start) for c in asked[-1].citations]
