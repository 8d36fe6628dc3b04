"""The web chat's Evaluate tab without a server: upload checks, limits, the run, its HTML.

The browser test (a real upload in Chromium) is in test_app_browser.py, and the
server's refusal of an oversized upload in test_app_server.py.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from html_checks import XSS, assert_inert

from assistant.config import Settings
from assistant.errors import UsageError
from assistant.evaluation import reports
from assistant.qa.answering import Answer, Citation
from assistant.qa.question import validate_question
from assistant.qa.retrieval import Passage
from assistant.web import app, eval_sets
from assistant.web import eval_tab as app_eval

REPO = Path(__file__).parents[2]
SIGNED = "GSOMIA was signed in November 2016."


def row(qid: str, question: str, answers: Sequence[str] = ("2016",),
        evidence: Sequence[str] = ("signed in November 2016",), answerable: bool = True
        ) -> dict[str, Any]:
    return {"id": qid, "question": question, "answers": list(answers),
            "evidence": list(evidence), "answerable": answerable}


def write_jsonl(path: Path, rows: Sequence[Any]) -> Path:
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in rows),
                    encoding="utf-8")
    return path


@dataclass
class Chunk:
    text: str


@dataclass
class Data:
    chunks: list[Chunk] = field(default_factory=lambda: [Chunk(SIGNED), Chunk("Other text.")])
    documents: list[Any] = field(default_factory=list)


class FakeAssistant:
    """Answers "signed" questions from the one passage that holds the evidence; else abstains.

    Echoes the question into its answer and passage, as a real assistant may quote a source
    that holds markup.
    """

    def __init__(self) -> None:
        self.data = Data()
        self.settings = Settings(top_k=4, mode="hybrid")
        self.calls: list[tuple[str, int | None, str | None, list[str]]] = []

    def ask(self, question: str, k: int | None = None, mode: str | None = None,
            history: Sequence[str] = ()) -> Answer:
        question = validate_question(question)
        self.calls.append((question, k, mode, list(history)))
        if "signed" in question:
            cite = Citation(1, "doc-a", "GSOMIA Survives", "", "", "2020-08", SIGNED, 0,
                            len(SIGNED), SIGNED, 0, 1, "doc-a-0000")
            return Answer(question, f"{SIGNED} [1]", False, (cite,),
                          (Passage("doc-a-0000", "doc-a", SIGNED, 0.9, 1, 0.8, 3.0),),
                          {"retrieval_ms": 2.0, "answer_ms": 1.0})
        echo = f"Unrelated passage quoting {question}"
        return Answer(question, "The sources do not answer this question.", True, (),
                      (Passage("doc-b-0001", "doc-b", echo, 0.1, 1, 0.1, 0.2),),
                      {"retrieval_ms": 2.0, "answer_ms": 1.0})


@pytest.fixture
def tab() -> tuple[app_eval.EvalTab, FakeAssistant, list[dict[str, str]]]:
    fake = FakeAssistant()
    saved: list[dict[str, str]] = []
    downloads = app.Downloads()

    def save(prefix: str, texts: Any) -> list[str]:
        saved.append(dict(texts))
        return downloads.save(prefix, texts)

    return app_eval.EvalTab(fake, fake.settings, save, app.check_k), fake, saved  # type: ignore[arg-type]


def no_progress(*_args: Any, **_kwargs: Any) -> None:
    return None


# --- validating the upload ----------------------------------------------------------------

def test_malformed_line_gives_the_line_number_and_no_temp_path(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "mine.jsonl", [row("a", "When was it signed?"),
                                                 {"id": "b", "question": "Q?"}])
    with pytest.raises(UsageError) as info:
        app_eval.load_upload(path)
    message = str(info.value)
    assert message.startswith("mine.jsonl, line 2: field 'answers' is missing.")
    assert str(tmp_path) not in message
    bad_json = write_jsonl(tmp_path / "broken.jsonl", [row("a", "Q?"), "", "{not json"])
    with pytest.raises(UsageError, match=r"broken.jsonl, line 3: invalid JSON"):
        app_eval.load_upload(bad_json)


def test_csv_and_conversation_files_load(tmp_path: Path) -> None:
    csv = tmp_path / "set.csv"
    csv.write_text("id,question,answers,evidence,answerable\n"
                   "a,When was it signed?,2016|November 2016,signed in November 2016,true\n"
                   "b,Who won the 1999 World Cup?,,,false\n", encoding="utf-8")
    kind, questions, history_of, _ = app_eval.load_upload(csv)
    assert kind == "questions" and [q.id for q in questions] == ["a", "b"] and history_of is None
    kind, questions, history_of, owners = app_eval.load_upload(REPO / "evals" / "followups.jsonl")
    assert kind == "conversations" and len(questions) == len(owners) >= 30
    assert history_of is not None and history_of(1) == [questions[0].question]


def test_wrong_suffix_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "set.txt"
    path.write_text(json.dumps(row("a", "Q?")) + "\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"set.txt is not a .jsonl or .csv file"):
        app_eval.load_upload(path)


def test_file_over_the_size_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text("x" * (app_eval.MAX_UPLOAD_BYTES + 1), encoding="utf-8")
    with pytest.raises(UsageError, match=r"big.jsonl is 2.0 MB; the limit here is 2 MB"):
        app_eval.load_upload(path)


def test_more_questions_than_the_cap_are_refused(tmp_path: Path) -> None:
    cap = app_eval.MAX_QUESTIONS
    rows = [row(f"q{i}", f"Question {i}?") for i in range(cap + 1)]
    path = write_jsonl(tmp_path / "many.jsonl", rows)
    with pytest.raises(UsageError) as info:
        app_eval.load_upload(path)
    assert f"many.jsonl has {cap + 1:,} questions; the limit here is {cap} per run" in str(
        info.value)
    write_jsonl(path, rows[:cap])
    assert len(app_eval.load_upload(path)[1]) == cap  # exactly at the cap is fine


def test_a_question_the_chat_would_refuse_stops_the_run(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "long.jsonl", [row("ok", "Q?"), row("long", "x" * 2001)])
    with pytest.raises(UsageError, match=r"long.jsonl, question 'long': .*limit is 2,000"):
        app_eval.load_upload(path)


# --- the handler --------------------------------------------------------------------------

def test_run_scores_the_set_and_offers_reports(tab: Any, tmp_path: Path) -> None:
    handler, fake, saved = tab
    path = write_jsonl(tmp_path / "set.jsonl", [
        row("signed", "When was GSOMIA signed?"),
        row("xss", f"Why {XSS}?", answers=[XSS], evidence=[XSS]),
        row("off", "Who won the 1999 World Cup?", [], [], answerable=False),
    ])
    ticks: list[tuple[Any, dict[str, Any]]] = []
    html, json_up, md_up = handler.run("upload", str(path), 3, "bm25",
                                       progress=lambda *a, **k: ticks.append((a, k)))
    assert json_up["interactive"] is True and md_up["interactive"] is True
    json_path, md_path = json_up["value"], md_up["value"]
    assert [c[1:3] for c in fake.calls] == [(3, "bm25")] * 3
    assert [t[0][0] for t in ticks] == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert "set.jsonl" in html and "3 questions (2 answerable, 1 unanswerable), 1 failing" in html
    assert 'data-metric="refusal_rate"' in html and "Failing questions (1)" in html
    assert "<code>xss</code>" in html and "wrongly abstained" in html
    assert_inert(html)
    report = json.loads(Path(json_path).read_text(encoding="utf-8"))
    assert reports.validate(report, reports.REPORT_SCHEMA) == []
    assert report["settings"]["file"] == "set.jsonl" and report["settings"]["k"] == 3
    assert [q["id"] for q in report["questions"]] == ["signed", "xss", "off"]
    assert report["questions"][1]["question"] == validate_question(f"Why {XSS}?")
    assert Path(md_path).read_text(encoding="utf-8").startswith("# Evaluation of `set.jsonl`")
    assert len(saved) == 1


def test_run_uses_the_settings_when_k_and_mode_are_empty(tab: Any, tmp_path: Path) -> None:
    handler, fake, _ = tab
    path = write_jsonl(tmp_path / "set.jsonl", [row("a", "When was GSOMIA signed?")])
    handler.run("upload", str(path), None, None, progress=no_progress)
    assert fake.calls[0][1:3] == (4, "hybrid")


def test_conversations_are_asked_with_their_history(tab: Any, tmp_path: Path) -> None:
    handler, fake, _ = tab
    turns = [row("t1", "When was GSOMIA signed?"), row("t2", "And who agreed to it?")]
    path = write_jsonl(tmp_path / "conv.jsonl", [{"id": "c1", "turns": turns}])
    html, json_up, _ = handler.run("upload", str(path), 2, "dense", progress=no_progress)
    json_path = json_up["value"]
    assert [c[3] for c in fake.calls] == [[], ["When was GSOMIA signed?"]]
    records = json.loads(Path(json_path).read_text(encoding="utf-8"))["questions"]
    assert records[1]["conversation"] == "c1" and records[1]["history"] == [
        "When was GSOMIA signed?"]
    assert "Asked after:" in html


@pytest.mark.parametrize(("upload", "k", "mode", "message"), [
    (None, 5, "hybrid", "Choose a question set"),
    ("set.jsonl", 0, "hybrid", "k must be between 1 and 10"),
    ("set.jsonl", 5, "<b>x</b>", "Unknown retrieval mode"),
    ("bad.jsonl", 5, "hybrid", "bad.jsonl, line 1: field 'answerable' is missing."),
])
def test_refusals_show_a_message_and_run_nothing(tab: Any, tmp_path: Path, upload: str | None,
                                                 k: int, mode: str, message: str) -> None:
    handler, fake, saved = tab
    write_jsonl(tmp_path / "set.jsonl", [row("a", "When was GSOMIA signed?")])
    write_jsonl(tmp_path / "bad.jsonl", [{"id": "a", "question": "Q?", "answers": ["x"],
                                          "evidence": []}])
    path = str(tmp_path / upload) if upload else None
    html, json_up, md_up = handler.run("upload", path, k, mode, progress=no_progress)
    assert message in html.replace("&#x27;", "'") and "Nothing was run." in html
    assert 'class="gs-error"' in html
    assert json_up == md_up == {"__type__": "update", "value": None, "interactive": False}
    assert fake.calls == [] and saved == []
    assert_inert(html)


def test_unexpected_failures_show_no_traceback(tab: Any, tmp_path: Path) -> None:
    handler, fake, _ = tab

    def boom(*_a: Any, **_k: Any) -> None:
        raise RuntimeError("secret internals")

    fake.ask = boom
    path = write_jsonl(tmp_path / "set.jsonl", [row("a", "When was GSOMIA signed?")])
    html, json_up, _ = handler.run("upload", str(path), 5, "hybrid", progress=no_progress)
    assert "Something went wrong" in html and "secret internals" not in html
    assert json_up["value"] is None


# --- the shipped sets and the test library ------------------------------------------------

def test_the_shipped_sets_are_listed_with_their_sizes() -> None:
    sets = {s.value: s.label for s in eval_sets.shipped_sets()}
    assert sets["gsomia.jsonl"] == "gsomia.jsonl: 128 questions"
    assert sets["followups.jsonl"].endswith("19 conversations, 60 turns")
    assert "intents/test.jsonl" in sets and "intents/tune_conversations.jsonl" in sets
    assert sets[eval_sets.LIBRARY_CHOICE].startswith("Test library, dev split: its 8 articles")
    assert not any("check" in v or v.endswith(".py") for v in sets)


def test_a_shipped_set_runs_by_its_name_and_nothing_else_is_opened(tab: Any,
                                                                   tmp_path: Path) -> None:
    handler, fake, _ = tab
    evals = tmp_path / "evals"
    (evals / "intents").mkdir(parents=True)
    write_jsonl(evals / "mine.jsonl", [row("a", "When was GSOMIA signed?")])
    write_jsonl(evals / "intents" / "more.jsonl", [row("b", "When was it signed?")])
    (evals / "notes.jsonl").write_text("not json\n", encoding="utf-8")  # not a set: not listed
    handler.evals = evals
    assert [v for _, v in handler.choices()] == ["mine.jsonl", "intents/more.jsonl", "upload"]
    html, json_up, _ = handler.run("intents/more.jsonl", None, 2, "bm25", progress=no_progress)
    assert "<strong>intents/more.jsonl</strong>: 1 question" in html
    assert fake.calls[0][0] == "When was it signed?"
    for bad in ("../secret.jsonl", "notes.jsonl", str(evals / "mine.jsonl"), "library:dev"):
        html, json_up, _ = handler.run(bad, None, 2, "bm25", progress=no_progress)
        assert "is not one of the listed question sets" in html or "library" in html
        assert json_up["value"] is None
    assert len(fake.calls) == 1


LIBRARY_ARTICLE = """\
The Harbor Bridge opened to traffic in March 2021 after four years of work.

The bridge carries six lanes and a cycle path across the estuary.
"""


@pytest.mark.slow
def test_the_library_split_is_indexed_beside_the_sources_and_asked(
        tmp_path: Path, fast_settings: Settings, fake_embedder: Any) -> None:
    """The dev split, as `assistant eval --library DIR --split dev` runs it: its articles
    copied beside the sources, indexed once (with the chat's embedder) and every question
    and conversation turn asked of that index; a second run reuses the index."""
    from assistant.qa import Assistant
    from assistant.store import build_index, load_index

    build_index(fast_settings, fake_embedder)
    bot = Assistant(fast_settings, fake_embedder, load_index(fast_settings.index))
    evals = tmp_path / "evals"
    folder = evals / "library"
    (folder / "articles").mkdir(parents=True)
    (folder / "questions").mkdir()
    (folder / "splits.toml").write_text('[articles.harbor-bridge]\nsplit = "dev"\n'
                                        'format = "txt"\n', encoding="utf-8")
    (folder / "articles" / "harbor-bridge.txt").write_text(LIBRARY_ARTICLE, encoding="utf-8")
    write_jsonl(folder / "questions" / "harbor-bridge.jsonl", [
        {**row("h1", "When did the Harbor Bridge open?", ["March 2021"],
               ["opened to traffic in March 2021"]), "article": "harbor-bridge"}])
    write_jsonl(folder / "questions" / "harbor-bridge.conversations.jsonl", [
        {"id": "hc", "turns": [row("h2", "How many lanes does the Harbor Bridge carry?",
                                   ["six"], ["six lanes"]),
                               row("h3", "And what else does it carry?", ["cycle path"],
                                   ["a cycle path"])]}])
    handler = app_eval.EvalTab(bot, fast_settings, app.Downloads().save, app.check_k, evals)
    assert handler.choices()[-2] == (
        "Test library, dev split: its 1 articles indexed beside this library's sources",
        "library:dev")
    messages: list[str] = []
    html, json_up, _ = handler.run("library:dev", None, 3, "hybrid",
                                   progress=lambda *a, **k: messages.append(k.get("desc", "")))
    assert "<strong>test library, dev split</strong>: 3 questions" in html
    report = json.loads(Path(json_up["value"]).read_text(encoding="utf-8"))
    assert [q["id"] for q in report["questions"]] == ["h1", "h2", "h3"]
    assert report["questions"][2]["history"] == ["How many lanes does the Harbor Bridge carry?"]
    work = fast_settings.index.parent / ".assistant-cache" / "library-dev"
    assert sorted(p.name for p in (work / "sources").iterdir()) == sorted(
        [*(p.name for p in fast_settings.sources.iterdir()), "harbor-bridge.txt"])
    built = handler._library
    handler.run("library:dev", None, 3, "hybrid", progress=no_progress)
    assert handler._library is built  # fresh: reused, not rebuilt
    assert bot.data.documents == load_index(fast_settings.index).documents  # the chat's own


# --- wiring -------------------------------------------------------------------------------

def test_evaluate_event_is_private_queued_and_limited(tmp_path: Path) -> None:
    fake = FakeAssistant()
    settings = Settings(feedback_log=tmp_path / "f.jsonl")
    demo = app.build_app(fake, settings)  # type: ignore[arg-type]
    fns = [f for f in demo.fns.values() if getattr(f.fn, "__name__", "") == "run"]
    assert len(fns) == 1
    run = fns[0]
    assert run.api_visibility == "private" and run.queue is not False
    assert run.concurrency_id == "evaluate"
    assert run.concurrency_limit == app_eval.EVAL_CONCURRENCY == 1
