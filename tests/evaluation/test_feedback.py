"""Feedback log: entries, reading, the thumbs-down export and `assistant feedback export`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.cli import main
from assistant.errors import AssistantError, ConfigError
from assistant.evaluation import feedback

# The fields of a question-set line, as `assistant eval` reads them.
FIELDS = ("id", "question", "answers", "evidence", "answerable")


def answer_json(question: str = "When was GSOMIA signed?", text: str = "In 2016. [1]",
                abstained: bool = False) -> dict[str, Any]:
    citation = {"marker": 1, "source_id": "korea", "title": "GSOMIA Survives", "author": "T. M.",
                "publisher": "The Peninsula", "date": "2020-08", "quote": "Signed in 2016.",
                "start": 10, "end": 25, "passage": "x" * 400, "passage_start": 0,
                "paragraph": 2, "chunk_id": "korea-0001", "url": ""}
    return {"question": question, "answer": text, "abstained": abstained,
            "citations": [] if abstained else [citation], "passages": [], "timings_ms": {}}


def test_make_entry_keeps_question_answer_citations_verdict_and_time() -> None:
    entry = feedback.make_entry(answer_json(), liked=False)
    assert entry["verdict"] == "down"
    assert entry["question"] == "When was GSOMIA signed?"
    assert entry["answer"] == "In 2016. [1]"
    assert entry["citations"] == [{"marker": 1, "source_id": "korea", "title": "GSOMIA Survives",
                                   "quote": "Signed in 2016.", "chunk_id": "korea-0001",
                                   "paragraph": 2}]
    assert "passage" not in entry["citations"][0]  # the log stays small
    assert entry["time"].endswith("+00:00") and "T" in entry["time"]
    assert feedback.make_entry(answer_json(), liked=True)["verdict"] == "up"


def test_append_then_read_round_trips_one_line_per_entry(tmp_path: Path) -> None:
    log = tmp_path / "nested" / "feedback.jsonl"
    first = feedback.make_entry(answer_json(), liked=True)
    second = feedback.make_entry(answer_json("Q2 <script>?"), liked=False)
    feedback.append_entry(log, first)
    feedback.append_entry(log, second)
    lines = log.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and all(json.loads(line) for line in lines)
    assert feedback.read_entries(log) == [first, second]


def test_read_skips_broken_lines_with_a_warning(tmp_path: Path,
                                                caplog: pytest.LogCaptureFixture) -> None:
    log = tmp_path / "feedback.jsonl"
    good = feedback.make_entry(answer_json(), liked=False)
    log.write_text("not json\n\n[1, 2]\n" + json.dumps(good) + "\n", encoding="utf-8")
    assert feedback.read_entries(log) == [good]
    assert "line 1" in caplog.text and "line 3" in caplog.text


def test_missing_log_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        feedback.read_entries(tmp_path / "nope.jsonl")
    assert "no feedback log" in info.value.message.lower()
    assert "--log" in info.value.fix


def test_unwritable_log_is_an_assistant_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(AssistantError, match="Cannot write the feedback log"):
        feedback.append_entry(blocker / "feedback.jsonl", {"question": "q"})


def test_skeleton_keeps_distinct_thumbs_down_questions_in_order() -> None:
    entries = [
        feedback.make_entry(answer_json("Liked?"), liked=True),
        feedback.make_entry(answer_json("Why did Seoul end it?", "Wrong. [1]"), liked=False),
        feedback.make_entry(answer_json("why did  Seoul end it?"), liked=False),  # duplicate
        feedback.make_entry(answer_json("Banana bread?", abstained=True,
                                        text="The sources do not answer this question."),
                            liked=False),
    ]
    records = feedback.skeleton(entries)
    assert [r["question"] for r in records] == ["Why did Seoul end it?", "Banana bread?"]
    assert [r["id"] for r in records] == ["feedback-001", "feedback-002"]
    for record in records:
        assert set(FIELDS) <= set(record) and set(record) - set(FIELDS) == {"note"}
        assert record["answers"] == [] and record["evidence"] == []
        assert record["answerable"] is True
    assert "Wrong. [1]" in records[0]["note"]


def test_export_skeleton_writes_json_lines(tmp_path: Path) -> None:
    log, out = tmp_path / "feedback.jsonl", tmp_path / "out" / "skeleton.jsonl"
    feedback.append_entry(log, feedback.make_entry(answer_json("Q1?"), liked=False))
    feedback.append_entry(log, feedback.make_entry(answer_json("Q2?"), liked=True))
    assert feedback.export_skeleton(log, out) == 1
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["question"] for r in rows] == ["Q1?"]


def test_cli_feedback_export(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                             monkeypatch: pytest.MonkeyPatch) -> None:
    log, out = tmp_path / "log.jsonl", tmp_path / "skeleton.jsonl"
    feedback.append_entry(log, feedback.make_entry(answer_json("Q1?"), liked=False))
    assert main(["feedback", "export", "--log", str(log), "--out", str(out)]) == 0
    assert "Added 1 new thumbs-down question" in capsys.readouterr().out
    assert json.loads(out.read_text(encoding="utf-8"))["question"] == "Q1?"
    # The log path also comes from ASSISTANT_FEEDBACK_LOG.
    monkeypatch.setenv("ASSISTANT_FEEDBACK_LOG", str(log))
    assert main(["feedback", "export", "--out", str(tmp_path / "again.jsonl")]) == 0


def test_cli_feedback_export_without_log_fails_cleanly(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["feedback", "export", "--log", str(tmp_path / "none.jsonl"),
                 "--out", str(tmp_path / "o.jsonl")])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: There is no feedback log") and "Traceback" not in err


def _export(tmp_path: Path, questions: list[str], out: Path) -> int:
    log = tmp_path / "feedback.jsonl"
    log.unlink(missing_ok=True)
    for q in questions:
        feedback.append_entry(log, feedback.make_entry(answer_json(q), liked=False))
    return feedback.export_skeleton(log, out)


def test_skeleton_note_says_what_eval_needs_and_filled_lines_load(tmp_path: Path) -> None:
    from assistant.evaluation.metrics import EvalFileError, load_questions

    out = tmp_path / "feedback-questions.jsonl"
    _export(tmp_path, ["When was GSOMIA signed?", "Who won the 1999 World Cup?"], out)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    note = rows[0]["note"]
    assert note.startswith("TO FILL IN: `assistant eval` refuses this line until")
    assert '"answers"' in note and '"answerable" is set to false' in note
    with pytest.raises(EvalFileError, match=r"line 1: field 'answers' is empty"):
        load_questions(out)  # an unfilled skeleton is refused, with its line
    rows[0].update(answers=["November 2016"], evidence=["signed in November 2016"])
    rows[1].update(answerable=False)  # the notes stay
    out.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    questions = load_questions(out)
    assert [(q.id, q.answers, q.answerable) for q in questions] == [
        ("feedback-001", ("November 2016",), True), ("feedback-002", (), False)]


def test_export_again_keeps_filled_lines_and_appends_only_new_questions(tmp_path: Path) -> None:
    out = tmp_path / "feedback-questions.jsonl"
    assert _export(tmp_path, ["Q one?", "Q two?"], out) == 2
    lines = out.read_text(encoding="utf-8").splitlines()
    filled = json.loads(lines[0]) | {"answers": ["one"], "id": "my-own-id"}
    hand_edited = json.dumps(filled, indent=None, separators=(",", ":"))  # exact bytes kept
    out.write_text(f"{hand_edited}\n{lines[1]}", encoding="utf-8")  # no final newline
    assert _export(tmp_path, ["q  ONE?", "Q two?", "Q three?"], out) == 1
    after = out.read_text(encoding="utf-8").splitlines()
    assert after[:2] == [hand_edited, lines[1]]
    added = json.loads(after[2])
    assert added["question"] == "Q three?" and added["id"] == "feedback-003"
    assert _export(tmp_path, ["Q three?"], out) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3


def test_new_records_never_reuse_an_id() -> None:
    existing = [{"id": "feedback-002", "question": "A?"}, {"id": "feedback-004",
                                                          "question": "B?"}]
    exported = feedback.skeleton([feedback.make_entry(answer_json(q), liked=False)
                                  for q in ("A?", "C?", "D?")])
    assert [(r["id"], r["question"]) for r in feedback.new_records(existing, exported)] == [
        ("feedback-005", "C?"), ("feedback-006", "D?")]


def test_export_into_a_malformed_file_leaves_it_untouched(tmp_path: Path) -> None:
    out = tmp_path / "feedback-questions.jsonl"
    out.write_text('{"id": "a", "question": "Q?"}\nnot json\n', encoding="utf-8")
    before = out.read_bytes()
    with pytest.raises(ConfigError, match=r"line 2: not a question-set object"):
        _export(tmp_path, ["New?"], out)
    assert out.read_bytes() == before
