"""The Evaluate tab's report HTML (pure rendering, no model, no server): the summary table,
the failing questions, and hostile strings rendered inert."""

from __future__ import annotations

from typing import Any

from html_checks import XSS, assert_inert, elements

from assistant.evaluation.metrics import METRICS
from assistant.web import eval_render as r


def record(qid: str, answerable: bool = True, **changes: Any) -> dict[str, Any]:
    verdicts = {"abstained": False, "citations_correct": [True], "hit@1": True, "hit@3": True,
                "hit@5": True, "mrr": 1.0, "ndcg": 1.0, "answer_correct": True,
                "answer_f1": 0.5, "covered": True} if answerable else {
                    "abstained": True, "citations_correct": []}
    base = {"id": qid, "question": f"Question {qid}?", "answer": "An answer. [1]",
            "abstained": not answerable, "confidence": 0.8,
            "citations": [{"marker": 1}] if answerable else [],
            "passages": [{"rank": 1, "chunk_id": "doc-a-0001", "source_id": "doc-a",
                          "text": "Passage text.", "score": 0.5}],
            "verdicts": verdicts, "latency_ms": 12.0, "answerable": answerable,
            "evidence_split": False}
    return {**base, **changes}


SUMMARY = {m: 0.5 for m in METRICS} | {"latency_ms_p50": 12.4, "latency_ms_p95": 30.6}
SETTINGS = {"file": "set.jsonl", "mode": "hybrid", "k": 5, "threshold": 0.5}


def test_summary_table_has_every_metric_and_marks_what_does_not_apply() -> None:
    html = r.render_eval_summary(SUMMARY, SETTINGS, [record("a"), record("b")])
    for name in METRICS:
        assert f'data-metric="{name}"' in html
    assert "12 ms" in html and "31 ms" in html and "0.500" in html
    # no unanswerable question in the set
    assert not_applicable(html) == {"refusal_rate", "refusal_rate_on_topic"}
    only_unanswerable = r.render_eval_summary(SUMMARY, SETTINGS, [record("u", False)])
    # Only the refusal rates and the latencies mean anything without answerable questions.
    assert not_applicable(only_unanswerable) == set(METRICS) - {
        "refusal_rate", "refusal_rate_on_topic", "latency_ms_p50", "latency_ms_p95"}
    assert_inert(html)


def not_applicable(html: str) -> set[str]:
    """The metrics whose row in the summary table says n/a."""
    rows = {str(e.attrs["data-metric"]): e.text for e in elements(html)
            if e.tag == "tr" and e.attrs.get("data-metric")}
    assert sorted(rows) == sorted(METRICS)
    return {name for name, text in rows.items() if "n/a" in text}


def test_failing_questions_show_why_answer_and_what_was_retrieved() -> None:
    failing = record("f", answer="Wrong. [1]", verdicts={
        **record("f")["verdicts"], "answer_correct": False, "hit@5": False})
    wrongly_answered = record("u", False, abstained=False)
    html = r.render_eval_result(SUMMARY, SETTINGS, [record("ok"), failing, wrongly_answered],
                                expected=[("2016",), ("November 2016", "2016"), ()])
    assert "Failing questions (2)" in html and html.count('<details class="gs-fail">') == 2
    assert "wrong answer; missed evidence (not in the top 5)" in html
    assert "answered an unanswerable question" in html
    assert "Accepted answers:</strong> November 2016 | 2016" in html
    assert "doc-a-0001 · score 0.500" in html and "Passage text." in html
    assert "Question ok?" not in html  # passing questions are not listed
    passed = r.render_eval_result(SUMMARY, SETTINGS, [record("ok")])
    assert "Failing questions (0)" in passed and "Every question passed." in passed


def test_hostile_strings_in_every_field_render_inert() -> None:
    evil = record(XSS, question=XSS, answer=XSS, history=[XSS],
                  passages=[{"rank": 1, "chunk_id": XSS, "text": XSS, "score": 0.1}],
                  verdicts={**record("x")["verdicts"], "answer_correct": False})
    html = r.render_eval_result(SUMMARY, {**SETTINGS, "file": XSS, "mode": XSS}, [evil],
                                expected=[(XSS,)])
    assert_inert(html)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert_inert(r.render_eval_error(XSS))


def test_only_the_first_hundred_failures_are_listed() -> None:
    records = [record(f"q{i}", verdicts={**record("x")["verdicts"], "answer_correct": False})
               for i in range(r.SHOWN_FAILURES + 5)]
    html = r.render_eval_result(SUMMARY, SETTINGS, records)
    assert html.count('<details class="gs-fail">') == r.SHOWN_FAILURES
    assert "5 more are in the JSON report." in html
