"""Tests of ``assistant eval``: metrics, question-file validation, reports, the CI gate."""

from __future__ import annotations

import argparse
import json
import math
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from assistant.cli import eval as eval_command
from assistant.cli import main as cli_main
from assistant.errors import UsageError
from assistant.evaluation import metrics as ev
from assistant.evaluation import reports

REPO = Path(__file__).parents[2]


# --- metric functions on hand-computed cases ----------------------------------------------

def test_mrr_of_known_rankings() -> None:
    assert ev.mrr([True, False, False]) == 1.0
    assert ev.mrr([False, False, True]) == pytest.approx(1 / 3)
    assert ev.mrr([False, False]) == 0.0


def test_ndcg_of_known_ranking() -> None:
    # relevant at ranks 2 and 3, two relevant in the corpus:
    # DCG = 1/log2(3) + 1/log2(4); ideal = 1/log2(2) + 1/log2(3)
    dcg = 1 / math.log2(3) + 0.5
    ideal = 1 + 1 / math.log2(3)
    assert ev.ndcg([False, True, True], n_relevant=2, k=3) == pytest.approx(dcg / ideal)
    assert ev.ndcg([True, True], n_relevant=2, k=2) == pytest.approx(1.0)
    assert ev.ndcg([False, False, True], n_relevant=1, k=2) == 0.0  # beyond k
    assert ev.ndcg([False], n_relevant=0, k=5) == 0.0


def test_token_f1_and_fold() -> None:
    assert ev.token_f1("signed in November 2016", "November 2016") == pytest.approx(2 / 3)
    assert ev.token_f1("the cat", "the cat") == 1.0
    assert ev.token_f1("nothing", "else") == 0.0
    assert ev.contains_any("It  expires on\n23 NOVEMBER 2019.", ["23 november 2019"])


def test_percentile_nearest_rank() -> None:
    assert ev.percentile([10, 20, 30, 40], 50) == 20
    assert ev.percentile(list(range(1, 101)), 95) == 95
    assert ev.percentile([], 95) == 0.0


# --- question files -----------------------------------------------------------------------

GOOD = {"id": "a", "question": "When?", "answers": ["2016"], "evidence": ["in 2016"],
        "answerable": True}


def _jsonl(tmp_path: Path, rows: list[Any], name: str = "set.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    return path


@pytest.mark.parametrize(("bad", "field"), [
    ({k: v for k, v in GOOD.items() if k != "evidence"}, "evidence"),
    ({**GOOD, "answers": "2016"}, "answers"),
    ({**GOOD, "answerable": "yes"}, "answerable"),
    ({**GOOD, "question": "  "}, "question"),
])
def test_malformed_jsonl_names_line_and_field(tmp_path: Path, bad: dict, field: str) -> None:
    path = _jsonl(tmp_path, [GOOD, {**bad, "id": "b"}])
    with pytest.raises(ev.EvalFileError, match=rf"line 2: field '{field}'"):
        ev.load_questions(path)


def test_invalid_json_line(tmp_path: Path) -> None:
    with pytest.raises(ev.EvalFileError, match="line 3: invalid JSON"):
        ev.load_questions(_jsonl(tmp_path, [GOOD, "", "{not json"]))


CSV_HEAD = "id,question,answers,evidence,answerable\n"


def test_csv_with_pipe_lists_loads(tmp_path: Path) -> None:
    path = tmp_path / "set.csv"
    path.write_text(CSV_HEAD + 'a,When?,2016|November 2016,in 2016,true\n'
                    'b,"Who, then?",,,false\n')
    first, second = ev.load_questions(path)
    assert first.answers == ("2016", "November 2016") and first.answerable
    assert second.question == "Who, then?" and second.answers == () and not second.answerable


def test_malformed_csv_names_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "set.csv"
    path.write_text(CSV_HEAD + "a,When?,2016,in 2016,true\nb,Why?,x,y,maybe\n")
    with pytest.raises(ev.EvalFileError, match="line 3: field 'answerable'"):
        ev.load_questions(path)


# --- a fake assistant: fast tests of the command -------------------------------------------

CHUNKS = ["GSOMIA was signed in November 2016 by both sides.",
          "Seoul said in August 2019 it would end the pact.",
          "The weather in Bangkok was warm."]


class FakeAnswer:
    def __init__(self, text: str, abstained: bool, ranked: list[str]) -> None:
        self.text, self.abstained, self.confidence = text, abstained, 0.2 if abstained else 0.9
        self.passages = [SimpleNamespace(text=t, chunk_id=f"c{i}", source_id="s", score=1.0)
                         for i, t in enumerate(ranked)]
        cite = SimpleNamespace(quote=ranked[0], passage=ranked[0])
        self.citations = [] if abstained else [cite]

    def to_json(self) -> dict[str, Any]:
        return {"question": "q", "answer": self.text, "abstained": self.abstained,
                "confidence": self.confidence,
                "citations": [{"marker": 1, "quote": c.quote, "chunk_id": "c0", "source_id": "s",
                               "passage": c.passage} for c in self.citations],
                "passages": [{"chunk_id": p.chunk_id, "source_id": "s", "text": p.text,
                              "score": p.score} for p in self.passages],
                "timings_ms": {}}


class FakeAssistant:
    """Answers "signed" questions right, abstains on the rest; records every call."""

    def __init__(self) -> None:
        self.settings = SimpleNamespace(top_k=3, chunk_words=120, mode="hybrid")
        self.data = SimpleNamespace(chunks=[SimpleNamespace(text=t) for t in CHUNKS])
        self.calls: list[tuple[str, int, str | None, tuple[str, ...]]] = []

    def ask(self, question: str, k: int | None = None, mode: str | None = None,
            history: Any = ()) -> FakeAnswer:
        self.calls.append((question, k or 0, mode, tuple(history)))
        if "signed" in question:
            return FakeAnswer(f"It was signed in November 2016. [1] {mode}", False, CHUNKS)
        return FakeAnswer("The sources do not answer this question.", True, CHUNKS[::-1])


QUESTIONS = [
    {"id": "q1", "question": "When was it signed?", "answers": ["November 2016"],
     "evidence": ["signed in November 2016"], "answerable": True},
    {"id": "q2", "question": "When did Seoul say it would end it?", "answers": ["August 2019"],
     "evidence": ["in August 2019 it would end"], "answerable": True},
    {"id": "q3", "question": "What is the capital of Mars?", "answers": [], "evidence": [],
     "answerable": False},
]


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="assistant")
    sub = parser.add_subparsers(dest="command")
    eval_command.register(sub)
    return parser.parse_args(["eval", *argv])


def _run(fake: FakeAssistant, *argv: str) -> int:
    return eval_command.run_eval(_args(*argv), lambda: fake)


@pytest.fixture
def qset(tmp_path: Path) -> Path:
    return _jsonl(tmp_path, QUESTIONS)


def test_scores_of_fake_run(qset: Path) -> None:
    summary, records = ev.run_set(FakeAssistant(), ev.load_questions(qset))
    assert summary["hit@1"] == 0.5 and summary["hit@3"] == 1.0  # q2's evidence is at rank 2
    assert summary["mrr"] == pytest.approx(0.75)
    assert summary["answer_accuracy"] == 0.5 and summary["false_refusal_rate"] == 0.5
    assert summary["refusal_rate"] == 1.0 and summary["citation_precision"] == 1.0
    assert [p["rank"] for p in records[0]["passages"]] == [1, 2, 3]


def test_fail_under_exits_1_below_floor(qset: Path, capsys: pytest.CaptureFixture) -> None:
    assert _run(FakeAssistant(), str(qset), "--fail-under", "hit@3=0.9",
                "answer_accuracy=0.6") == 1
    err = capsys.readouterr().err
    assert "answer_accuracy = 0.5 is below its floor 0.6" in err and "hit@3" not in err


def test_fail_under_exits_0_above_floor(qset: Path, capsys: pytest.CaptureFixture) -> None:
    assert _run(FakeAssistant(), str(qset), "--fail-under", "hit@3=0.9",
                "answer_accuracy=0.5", "latency_ms_p95=60000") == 0
    out = capsys.readouterr().out
    assert "hit@3" in out and "1 with evidence split" not in out


def test_lower_is_better_metrics_are_ceilings(qset: Path) -> None:
    assert _run(FakeAssistant(), str(qset), "--fail-under", "false_refusal_rate=0.4") == 1
    assert _run(FakeAssistant(), str(qset), "--fail-under", "false_refusal_rate=0.5") == 0


def test_unknown_metric_is_usage_error_before_loading(qset: Path) -> None:
    def load() -> None:
        raise AssertionError("must not load the assistant")

    with pytest.raises(UsageError, match="unknown metric 'hit@7'") as info:
        eval_command.run_eval(_args(str(qset), "--fail-under", "hit@7=0.5"), load)
    assert info.value.exit_code == 2
    assert cli_main(["eval", str(qset), "--fail-under", "bogus=1"]) == 2


def test_bad_file_exits_2_and_runs_nothing(tmp_path: Path,
                                           capsys: pytest.CaptureFixture) -> None:
    path = _jsonl(tmp_path, [QUESTIONS[0], {**QUESTIONS[1], "evidence": None}])
    assert cli_main(["eval", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "line 2: field 'evidence'" in err[0]


def test_compare_runs_each_mode(qset: Path, capsys: pytest.CaptureFixture) -> None:
    fake = FakeAssistant()
    assert _run(fake, str(qset), "--compare", "dense,bm25,hybrid") == 0
    assert [c[2] for c in fake.calls] == ["dense"] * 3 + ["bm25"] * 3 + ["hybrid"] * 3
    header = capsys.readouterr().out.splitlines()[1].split()
    assert header == ["metric", "dense", "bm25", "hybrid"]
    with pytest.raises(UsageError, match="unknown mode 'sparse'"):
        _run(fake, str(qset), "--compare", "dense,sparse")


def test_json_report_validates_against_schema(qset: Path, tmp_path: Path) -> None:
    out = tmp_path / "r" / "report.json"
    md, png = tmp_path / "r.md", tmp_path / "r.png"
    _run(FakeAssistant(), str(qset), "--json", str(out), "--markdown", str(md),
         "--plot", str(png))
    report = json.loads(out.read_text())
    assert reports.validate(report, reports.REPORT_SCHEMA) == []
    assert set(report["summary"]) == set(ev.METRICS) and len(report["questions"]) == 3
    broken = {**report, "summary": {**report["summary"], "mrr": 1.5}}
    assert reports.validate(broken, reports.REPORT_SCHEMA) == ["$.summary.mrr: 1.5 is above 1"]
    text = md.read_text()
    assert "## Failing questions (1)" in text and "q2" in text and "wrongly abstained" in text
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_json_report_validates_with_jsonschema_when_installed(qset: Path,
                                                              tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    out = tmp_path / "report.json"
    _run(FakeAssistant(), str(qset), "--json", str(out))
    jsonschema.validate(json.loads(out.read_text()), reports.REPORT_SCHEMA)


def test_conversation_file_is_scored_with_history(tmp_path: Path) -> None:
    turns = [{**QUESTIONS[1], "id": "t1"}, {**QUESTIONS[0], "id": "t2"},
             {**QUESTIONS[2], "id": "t3"}]
    path = _jsonl(tmp_path, [{"id": "c1", "turns": turns[:2]}, {"id": "c2", "turns": turns[2:]}])
    fake, out = FakeAssistant(), tmp_path / "conv.json"
    assert _run(fake, str(path), "--json", str(out)) == 0
    assert [c[3] for c in fake.calls] == [(), (QUESTIONS[1]["question"],), ()]
    records = json.loads(out.read_text())["questions"]
    assert [(r["conversation"], r["history"]) for r in records] == [
        ("c1", []), ("c1", [QUESTIONS[1]["question"]]), ("c2", [])]


def test_conversations_option_scores_a_second_file(qset: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture) -> None:
    conv = _jsonl(tmp_path, [{"id": "c1", "turns": QUESTIONS[:2]}], "conv.jsonl")
    fake = FakeAssistant()
    assert _run(fake, str(qset), "--conversations", str(conv)) == 0
    assert fake.calls[-1][3] == (QUESTIONS[0]["question"],)
    assert "(conversations)" in capsys.readouterr().out


def test_real_files_load() -> None:
    assert len(ev.load_questions(REPO / "evals" / "gsomia.jsonl")) >= 80
    assert ev.is_conversation_file(REPO / "evals" / "followups.jsonl")
    assert len(ev.load_conversations(REPO / "evals" / "followups.jsonl")) >= 15


# --- the real assistant on a 10-question subset --------------------------------------------

@pytest.mark.slow
def test_real_assistant_on_subset(built_index: tuple, tmp_path: Path) -> None:
    from assistant.qa import Assistant

    settings, _manifest = built_index
    lines = (REPO / "evals" / "gsomia.jsonl").read_text().splitlines()
    rows = [json.loads(x) for x in lines]
    subset = [r for r in rows if r["answerable"]][:7] + [r for r in rows
                                                        if not r["answerable"]][:3]
    path, out = _jsonl(tmp_path, subset), tmp_path / "real.json"
    assistant = Assistant.load(settings)
    code = eval_command.run_eval(_args(str(path), "--json", str(out),
                                       "--fail-under", "hit@5=0.5"), lambda: assistant)
    report = json.loads(out.read_text())
    assert code == 0 and reports.validate(report, reports.REPORT_SCHEMA) == []
    assert report["summary"]["hit@5"] >= 0.5 and len(report["questions"]) == 10


def test_question_sets_are_checked_against_the_articles() -> None:
    """Every evidence string of the three question sets is in an article body."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    run = subprocess.run([sys.executable, str(root / "evals" / "check_evals.py"),
                          "--sources", str(root / "sources")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-3000:]
    assert "heldout.jsonl: answerable=30" in run.stdout


@pytest.mark.parametrize("name", ["tune", "test", "third"])
def test_the_intent_question_sets_pass_their_checkers(name: str) -> None:
    """Every evidence and answer string is in the article (or its metadata table), ids are
    unique, the counts per intent and the paraphrased share are met (evals/intents/)."""
    import subprocess
    import sys

    checker = REPO / "evals" / "intents" / f"check_{name}.py"
    run = subprocess.run([sys.executable, str(checker)], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert re.search(r"\b0 errors?\b|errors: 0", run.stdout), run.stdout[-500:]


def test_the_sets_load_with_their_labels() -> None:
    questions = ev.load_questions(REPO / "evals" / "intents" / "tune.jsonl")
    assert {q.intent for q in questions} >= {"factoid", "cause", "document", "comparison"}
    assert {q.topic for q in questions if not q.answerable} == {"on", "off"}


def test_markdown_report_lists_a_metadata_question_without_evidence(tmp_path: Path) -> None:
    """A question answered from metadata alone has no evidence, so no hit@k verdicts;
    the failure list must still say why it failed (it once raised a KeyError)."""
    rows = [{**QUESTIONS[0], "evidence": [], "answers": ["nowhere in the answer"]}]
    md = tmp_path / "r.md"
    _run(FakeAssistant(), str(_jsonl(tmp_path, rows)), "--markdown", str(md))
    text = md.read_text()
    assert "## Failing questions (1)" in text and "wrong answer" in text
