"""End-to-end quality on the real sources: the question set's floors, and answer invariants."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.evaluation.metrics import contains_any, load_questions, run_set
from assistant.ingest.sources import load_documents

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

# Floors a little under the measured figures (see README, "Quality"), so a regression
# of more than a couple of questions fails the build.
FLOORS = {"hit@3": 0.85, "answer_accuracy": 0.73, "refusal_rate": 0.85}
CEILINGS = {"false_refusal_rate": 0.02}


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    index = tmp_path_factory.mktemp("quality") / "index"
    return Assistant.load(Settings(sources=ROOT / "sources", index=index))


@pytest.fixture(scope="module")
def summary(bot: Assistant) -> dict[str, float]:
    result, _ = run_set(bot, load_questions(ROOT / "evals" / "gsomia.jsonl"))
    return result


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_metric_reaches_floor(summary: dict[str, float], metric: str) -> None:
    assert summary[metric] >= FLOORS[metric], summary


@pytest.mark.parametrize("metric", sorted(CEILINGS))
def test_metric_stays_under_ceiling(summary: dict[str, float], metric: str) -> None:
    assert summary[metric] <= CEILINGS[metric], summary


def test_citations_point_at_their_quotes(bot: Assistant) -> None:
    docs = {d.id: d for d in load_documents(ROOT / "sources")}
    for q in load_questions(ROOT / "evals" / "gsomia.jsonl")[:40]:
        answer = bot.ask(q.question)
        markers = [c.marker for c in answer.citations]
        assert markers == list(range(1, len(markers) + 1))
        for c in answer.citations:
            assert docs[c.source_id].text[c.start : c.end] == c.quote
            assert c.quote in c.passage and f"[{c.marker}]" in answer.text
            assert c.passage[c.start - c.passage_start :].startswith(c.quote)


def test_same_question_same_answer(bot: Assistant) -> None:
    question = "Why did Seoul threaten to end the pact in 2019?"
    first, second = bot.ask(question), bot.ask(question)
    assert first.text == second.text and first.citations == second.citations


def test_off_topic_question_abstains_and_cites_nothing(bot: Assistant) -> None:
    answer = bot.ask("What is the best recipe for banana bread?")
    assert answer.abstained and not answer.citations
    assert "do not answer" in answer.text and answer.passages


# Questions in two parts, one answered by the 2019 analysis and one by the 2020 article,
# with accepted answers for each part (checked as `assistant eval` checks answers).
SPANNING = [
    ("When was GSOMIA due to expire in 2019, and how long has it survived for according to "
     "the 2020 article?", ["23 November 2019"], ["another year"]),
    ("When did GSOMIA expire according to the 2019 analysis and when did Seoul renew it?",
     ["23 November 2019"], ["hours before GSOMIA officially lapsed", "renewed the agreement"]),
    ("What is the notice period for leaving GSOMIA, and what right did Seoul keep in 2020?",
     ["three-month notice"], ["dissolve the deal at any time", "end the pact at any time"]),
]


@pytest.mark.parametrize(("question", "from_2019", "from_2020"), SPANNING)
def test_sources_of_different_dates_are_ordered_and_dated(
        bot: Assistant, question: str, from_2019: list[str], from_2020: list[str]) -> None:
    """An answer quoting both articles: the 2019 sentences first, each part led by its date."""
    answer = bot.ask(question)
    dates = [c.date for c in answer.citations]
    assert set(dates) == {"2019-11", "2020-08"}, answer.text  # it must quote both
    assert dates == sorted(dates)
    assert answer.text.startswith("In November 2019: ")
    assert answer.text.count("By August 2020: ") == 1
    early, late = answer.text.split("By August 2020: ")
    assert contains_any(early, from_2019) and contains_any(late, from_2020), answer.text
    for c in answer.citations:  # every quote sits under its own date
        assert f"{c.quote} [{c.marker}]" in (early if c.date == "2019-11" else late)


@pytest.mark.parametrize("question", ["???", "the of and", "Who?"])
def test_a_question_with_nothing_to_look_for_abstains(bot: Assistant, question: str) -> None:
    answer = bot.ask(question)
    assert answer.abstained and not answer.citations


def test_follow_up_is_answered_in_context(bot: Assistant) -> None:
    answer = bot.ask("When did it expire?", history=["What is GSOMIA?"])
    assert "GSOMIA" in answer.retrieval_query


def test_eval_command_gate_passes_at_the_floors(tmp_path: Path) -> None:
    """The CLI gate CI-style: `assistant eval --fail-under` exits 0 at the floors."""
    import os
    import subprocess
    import sys

    floors = [f"{k}={v}" for k, v in FLOORS.items()]
    floors += [f"{k}={v}" for k, v in CEILINGS.items()]
    env = {**os.environ, "ASSISTANT_SOURCES": str(ROOT / "sources"),
           "ASSISTANT_INDEX": str(tmp_path / "index")}
    run = subprocess.run([sys.executable, "-m", "assistant", "eval",
                          str(ROOT / "evals" / "gsomia.jsonl"), "--fail-under", *floors],
                         env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "hit@3" in run.stdout
