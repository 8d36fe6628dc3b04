"""The per-label figures and their table (pure logic, no model)."""

from __future__ import annotations

from assistant.evaluation import breakdown


def _row(intent: str, answerable: bool, abstained: bool, correct: bool = False,
         topic: str = "on") -> dict:
    verdicts = {"answer_correct": correct, "hit@3": correct} if answerable else {}
    return {"intent": intent, "answerable": answerable, "abstained": abstained,
            "topic": topic, "verdicts": verdicts, "format": "pdf"}


def test_on_topic_refusal_leaves_out_the_off_topic_questions() -> None:
    rows = [_row("factoid", False, True, topic="off"), _row("factoid", False, False),
            _row("factoid", False, True)]
    figures = breakdown.figures(rows)
    assert figures["refusal_rate"] == 2 / 3
    assert figures["refusal_rate_on_topic"] == 1 / 2


def test_document_accuracy_reads_only_document_questions() -> None:
    rows = [_row("document", True, False, correct=True), _row("document", True, False),
            _row("factoid", True, False, correct=True)]
    assert breakdown.figures(rows)["document_accuracy"] == 1 / 2
    assert breakdown.figures(rows[2:])["document_accuracy"] is None


def test_the_wide_table_shows_a_missing_figure_as_a_dash() -> None:
    groups = breakdown.by_label([_row("factoid", True, False, correct=True)], "format")
    text = breakdown.table(groups, "format", breakdown.WIDE)
    header, line = text.splitlines()
    assert "on-topic ref." in header and "document q." in header and "own article" in header
    assert line.split()[0] == "pdf" and line.split()[3] == "1.000"
    assert line.split()[-3:] == ["-", "-", "-"]


def test_the_default_table_has_no_repeated_column() -> None:
    header = [h.strip() for h in breakdown.table({}, "intent").split("  ") if h.strip()]
    assert header[0] == "intent" and len(header) == len(set(header)) == 7
