"""The web chat's Python-level handlers: sessions, follow-ups, errors, feedback, wiring.

The fast tests drive :class:`assistant.web.app.ChatApp` with a stand-in assistant; the
slow ones run real follow-up chains through :func:`assistant.web.app.ask_in_session`
and ``ChatApp.respond`` (the functions the web page calls) with the real model, and
launch the app on a free port.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gradio as gr
import pytest
from support import REPO, free_port, http_status

from assistant.accounts import Accounts, Gate
from assistant.cli.commands import load_gate, parse_auth
from assistant.config import Settings
from assistant.errors import ConfigError, UsageError
from assistant.ingest.sources import Document
from assistant.qa import IndexStatus
from assistant.qa.answering import Answer, Citation
from assistant.qa.question import validate_question
from assistant.qa.retrieval import Passage
from assistant.web import app, server

EVIL = "<img src=x onerror=alert(1)> [x](javascript:alert(1))"


@dataclass
class FakeData:
    documents: list[Document]
    chunks: list[Any] = field(default_factory=list)


@dataclass
class FakeChunk:
    doc_id: str


class FakeAssistant:
    """Validates like the real one and records the history each question came with."""

    def __init__(self, fail: Exception | None = None) -> None:
        self.calls: list[tuple[str, int | None, str | None, list[str]]] = []
        self.fail = fail
        self.refreshed = 0
        self.settings = Settings(sources=REPO / "sources")
        self.data = FakeData([Document("doc-a", "a.txt", "GSOMIA Survives", "t", date="2020-08")],
                             [FakeChunk("doc-a"), FakeChunk("doc-a")])

    def ask(self, question: str, k: int | None = None, mode: str | None = None,
            history: Sequence[str] = ()) -> Answer:
        question = validate_question(question)
        if self.fail:
            raise self.fail
        self.calls.append((question, k, mode, list(history)))
        passage = "GSOMIA was signed in 2016. It survived."
        cite = Citation(1, "doc-a", "GSOMIA Survives", "T. M.", "The Peninsula", "2020-08",
                        "GSOMIA was signed in 2016.", 0, 26, passage, 0, 1, "doc-a-0000")
        return Answer(question, f"Answer to {question} [1]", False, (cite,),
                      (Passage("doc-a-0000", "doc-a", passage, 0.9, 1, 0.8, 3.0),),
                      {"retrieval_ms": 5.0, "answer_ms": 1.0})

    def status(self) -> IndexStatus:
        return IndexStatus("fresh", "", "2026-11-25T15:25:04+00:00", {"documents": 1})

    def refresh(self) -> bool:
        self.refreshed += 1
        return False


@pytest.fixture
def chat(tmp_path: Path) -> tuple[app.ChatApp, FakeAssistant]:
    fake = FakeAssistant()
    settings = Settings(sources=REPO / "sources", index=tmp_path / "index",
                        feedback_log=tmp_path / "feedback.jsonl")
    return app.ChatApp(fake, settings), fake  # type: ignore[arg-type]


def test_respond_answers_escapes_and_keeps_the_session(chat: tuple[app.ChatApp, Any]) -> None:
    chat_app, fake = chat
    box, messages, session, panel = chat_app.respond(EVIL, [], app.new_session(), 3, "bm25")
    assert box == ""
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assert "<img" not in messages[0]["content"] and "&lt;img" in messages[0]["content"]
    assert "[1]" in messages[1]["content"] and "gs-timings" in messages[1]["content"]
    assert session["questions"] == [validate_question(EVIL)]
    assert set(session["answers"]) == {"1"}
    token = session["answers"]["1"]["token"]
    assert f'href="#gs-c-{token}-1"' in messages[1]["content"]  # [1] links to its sentence
    assert f'id="gs-a-{token}"' in messages[1]["content"]  # the answer's buttons
    assert f'id="gs-c-{token}-1"' in panel and "GSOMIA was signed in 2016.</mark>" in panel
    assert fake.calls == [(validate_question(EVIL), 3, "bm25", [])]
    md = chat_app.answer_file([token, "md"])
    assert md is not None and md["text"].startswith("# ") and "## Sources" in md["text"]
    assert md["name"].endswith(".md") and md["type"] == "text/markdown"
    js = chat_app.answer_file([token, "json"])
    assert js is not None and json.loads(js["text"])["question"] == session["questions"][0]
    for bad in ([token, "exe"], ["not-a-token", "md"], [None, "md"], "x", [{"a": 1}, "md"]):
        assert chat_app.answer_file(bad) is None
    assert "Sources of an earlier answer" in chat_app.answer_sources([token])
    assert "no longer kept" in chat_app.answer_sources(["unknown-token-123"])


def test_follow_ups_carry_the_earlier_questions(chat: tuple[app.ChatApp, Any]) -> None:
    chat_app, fake = chat
    state = app.new_session()
    messages: list[dict[str, Any]] = []
    for question in ("When was GSOMIA signed?", "Why did Seoul want to end it?",
                     "What did Japan do in response?"):
        _, messages, state, *_ = chat_app.respond(question, messages, state, None, None)
    assert [call[3] for call in fake.calls] == [
        [], ["When was GSOMIA signed?"],
        ["When was GSOMIA signed?", "Why did Seoul want to end it?"]]
    assert sorted(state["answers"]) == ["1", "3", "5"]
    assert chat_app.clear()[2] == app.new_session()


@pytest.mark.parametrize(("question", "expected"), [
    ("   ", "The question is empty."),
    ("x" * 2001, "limit is 2,000"),
])
def test_refused_questions_get_a_friendly_message(chat: tuple[app.ChatApp, Any], question: str,
                                                  expected: str) -> None:
    chat_app, fake = chat
    state = app.new_session()
    box, messages, new_state, panel = chat_app.respond(question, [], state, None, None)
    assert expected in messages[-1]["content"] and "gs-error" in messages[-1]["content"]
    assert "gs-actions" not in messages[-1]["content"]  # nothing to copy or download
    assert new_state == {**state, "failed": True} and fake.calls == []
    assert "gs-card" not in panel and "not answered" in panel  # the old sources go
    assert box == question  # kept, so it can be shortened


def test_unexpected_failures_never_show_a_traceback(tmp_path: Path) -> None:
    chat_app = app.ChatApp(FakeAssistant(fail=RuntimeError("secret internals")),  # type: ignore[arg-type]
                           Settings(feedback_log=tmp_path / "f.jsonl"))
    _, messages, *_ = chat_app.respond("When was GSOMIA signed?", [], None, None, None)
    text = messages[-1]["content"]
    assert "Something went wrong" in text
    assert "secret internals" not in text and "Traceback" not in text


def test_bad_settings_values_are_refused(chat: tuple[app.ChatApp, Any]) -> None:
    chat_app, _ = chat
    _, messages, *_ = chat_app.respond("When?", [], None, 0, None)
    assert "k must be between 1 and 10" in messages[-1]["content"]
    assert app.check_k("4") == 4 and app.check_k(None) is None
    with pytest.raises(UsageError):
        app.check_k("many")


def test_thumbs_append_to_the_feedback_log(chat: tuple[app.ChatApp, Any]) -> None:
    chat_app, _ = chat
    _, _, state, *_ = chat_app.respond("When was GSOMIA signed?", [], None, None, None)
    note = chat_app.like(state, gr.LikeData(None, {"index": 1, "value": ["x"], "liked": False}))
    token = state["answers"]["1"]["token"]
    assert f'data-token="{token}"' in note and 'data-saved="yes"' in note and ">Saved<" in note
    for liked, index in (("", 1), (True, 0)):  # cleared; the user's own message
        skipped = chat_app.like(state, gr.LikeData(None, {"index": index, "value": ["x"],
                                                          "liked": liked}))
        assert skipped == gr.skip()
    lines = chat_app.settings.feedback_log.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["verdict"] == "down" and entry["question"] == "When was GSOMIA signed?"
    assert entry["answer"] == "Answer to When was GSOMIA signed? [1]"
    assert entry["citations"][0]["quote"] == "GSOMIA was signed in 2016."


def test_feedback_that_cannot_be_written_says_not_saved(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x", encoding="utf-8")  # the log's folder is a file
    chat_app = app.ChatApp(FakeAssistant(),  # type: ignore[arg-type]
                           Settings(feedback_log=tmp_path / "a-file" / "feedback.jsonl"))
    _, _, state, _ = chat_app.respond("When was GSOMIA signed?", [], None, None, None)
    note = chat_app.like(state, gr.LikeData(None, {"index": 1, "value": ["x"], "liked": True}))
    assert ">Not saved<" in note and 'data-saved="no"' in note


def test_api_ask_returns_the_cli_json_and_raises_gr_error(chat: tuple[app.ChatApp, Any]) -> None:
    chat_app, _ = chat
    result = chat_app.api_ask("When was GSOMIA signed?")
    assert set(result) == {"question", "answer", "short_answer", "intent", "read_as",
                           "abstained", "confidence", "citations",
                           "passages", "timings_ms"}
    for bad in ("", "x" * 2001):
        with pytest.raises(gr.Error):
            chat_app.api_ask(bad)
    with pytest.raises(gr.Error, match="k must be"):
        chat_app.api_ask("When?", k=99)


def test_sources_tab_and_refresh(chat: tuple[app.ChatApp, Any]) -> None:
    chat_app, fake = chat
    html = chat_app.library()
    assert "GSOMIA Survives" in html and "<td>2</td>" in html and ">fresh<" in html
    assert "GSOMIA Survives" in chat_app.refresh()
    assert fake.refreshed == 1


def test_downloads_live_in_a_private_temp_folder(chat: tuple[app.ChatApp, Any]) -> None:
    chat_app, _ = chat
    folder = chat_app.downloads.folder
    assert folder.is_relative_to(Path(tempfile.gettempdir()))
    assert not folder.is_relative_to(REPO)


def test_app_wiring_one_public_endpoint_with_bounded_concurrency(
        chat: tuple[app.ChatApp, Any]) -> None:
    chat_app, _ = chat
    demo = app.build_app(chat_app.assistant, chat_app.settings)
    fns = list(demo.fns.values())
    public = [f for f in fns if f.api_visibility == "public"]
    assert [f.api_name for f in public] == ["ask"]
    ask = public[0]
    assert ask.concurrency_limit == app.ANSWER_CONCURRENCY and ask.concurrency_id == "answer"
    answering = [f for f in fns if f.concurrency_id == "answer"]
    assert len(answering) >= 4  # /ask, Enter, the Ask button and the example click
    assert all(f.concurrency_limit == app.ANSWER_CONCURRENCY for f in answering)
    chatbot = next(b for b in demo.blocks.values() if isinstance(b, gr.Chatbot))
    assert chatbot.sanitize_html and not chatbot.render_markdown and chatbot.latex_delimiters == []


def test_blocked_paths_and_address() -> None:
    settings = Settings(sources=Path("sources"), index=Path("index"))
    assert server.blocked_paths(settings) == [str((Path.cwd() / "index").resolve()),
                                              str((Path.cwd() / "sources").resolve())]
    assert server.display_url("127.0.0.1", 7860) == "http://127.0.0.1:7860/"
    assert server.display_url("0.0.0.0", 80) == "http://127.0.0.1:80/"
    assert server.display_url("::1", 7860) == "http://[::1]:7860/"


def test_title_tagline_and_start_notes_come_from_the_settings() -> None:
    settings = Settings(title="Port <Library>", tagline="Answers about ports & harbours.")
    assert app.header(settings) == ('<div class="gs-header"><h1>Port &lt;Library&gt;</h1>'
                                    "<p>Answers about ports &amp; harbours.</p></div>")
    notes = server.start_notes(settings, None)
    assert any("only from this machine" in n for n in notes)
    assert not any("GSOMIA" in n for n in notes)
    wide = server.start_notes(settings.replace(host="0.0.0.0"), None)
    assert "WITHOUT a login" in wide[0]


def test_auth_pairs(tmp_path: Path) -> None:
    assert parse_auth("# users\nalice:s3:cret\n\nbob:pw\n", "f") == [("alice", "s3:cret"),
                                                                     ("bob", "pw")]
    for bad in ("alice", ":hunter2", "alice:"):
        with pytest.raises(ConfigError) as info:
            parse_auth(bad, "f")
        assert "line 1" in info.value.message and "hunter2" not in info.value.message
    with pytest.raises(ConfigError, match="no user:password pair"):
        parse_auth("# only a comment\n", "f")
    settings = Settings(auth_file=tmp_path / "none.txt")
    auth_file = tmp_path / "auth.txt"
    auth_file.write_text("carol:pw\n", encoding="utf-8")
    gate = load_gate(settings, auth_file, "dave:pw")  # the file and ASSISTANT_AUTH
    assert gate.accounts.check_password("carol", "pw").role == "editor"
    assert gate.accounts.check_password("dave", "pw").role == "editor"
    assert gate.accounts.check_password("carol", "px") is None
    assert "carol:pw" not in auth_file.read_text(encoding="utf-8")  # rewritten hashed
    assert load_gate(settings, None, "dave:pw").accounts.account("carol") is None
    assert load_gate(settings, None, None) is None
    assert load_gate(settings.replace(auth_file=auth_file), None, None) is not None
    with pytest.raises(ConfigError, match="does not exist"):
        load_gate(settings, tmp_path / "missing.txt", None)


def test_session_keeps_only_what_feedback_needs(chat: tuple[app.ChatApp, Any]) -> None:
    _, fake = chat
    answer = fake.ask("When was GSOMIA signed?")
    record = app.feedback_record(answer)
    assert set(record) == {"question", "answer", "abstained", "citations"}
    assert "passage" not in record["citations"][0]
    session = app.new_session()
    for index in range(1, 2 * app.KEEP_ANSWERS + 2, 2):
        session = app.remember_answer(session, index, answer)
    assert len(session["answers"]) == app.KEEP_ANSWERS
    assert min(map(int, session["answers"])) == 2 * app.KEEP_ANSWERS + 1 - 2 * (
        app.KEEP_ANSWERS - 1)
    for n in range(app.KEEP_QUESTIONS + 5):
        session, _ = app.ask_in_session(fake, session, f"Question {n}?")
    assert len(session["questions"]) == app.KEEP_QUESTIONS
    assert session["questions"][-1] == f"Question {app.KEEP_QUESTIONS + 4}?"


def test_old_download_files_are_pruned(chat: tuple[app.ChatApp, Any]) -> None:
    chat_app, _ = chat
    md, js = chat_app.downloads.save("gsomia-eval", {".md": "# report", ".json": "{}"})
    chat_app.downloads.prune(max_age_s=3600)
    assert Path(md).exists() and Path(js).exists()
    chat_app.downloads.prune(max_age_s=-1)
    assert not Path(md).exists() and not Path(js).exists()


def test_cli_help_does_not_import_gradio() -> None:
    import subprocess
    import sys

    code = ("import sys, assistant.cli as c; c.build_parser().format_help(); "
            "print('gradio' in sys.modules, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=REPO).stdout
    assert out.split() == ["False", "False"]


@pytest.mark.parametrize("entry_point", ["assistant.cli", "assistant.web.app"])
def test_entry_points_make_huggingface_hub_and_gradio_offline(entry_point: str) -> None:
    """Importing an entry point sets the offline variables before the libraries read them."""
    import os
    import subprocess
    import sys

    code = (f"import {entry_point}, huggingface_hub.constants as c, os; "
            "print(c.HF_HUB_OFFLINE, c.HF_HUB_DISABLE_TELEMETRY, "
            "os.environ['GRADIO_ANALYTICS_ENABLED'])")
    env = {k: v for k, v in os.environ.items() if k not in (
        "HF_HUB_OFFLINE", "HF_HUB_DISABLE_TELEMETRY", "TRANSFORMERS_OFFLINE",
        "GRADIO_ANALYTICS_ENABLED")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=REPO, env=env, timeout=120).stdout
    assert out.split() == ["True", "True", "False"]


@pytest.mark.slow  # starts a server
@pytest.mark.filterwarnings("ignore:.*(no_silent_downcasting|copy keyword)")
def test_launch_binds_loopback_with_login_and_a_bounded_queue(
        chat: tuple[app.ChatApp, Any]) -> None:
    from gradio_client import Client

    port = free_port()
    chat_app, _ = chat
    settings = chat_app.settings.replace(port=port)
    demo = app.build_app(chat_app.assistant, settings)
    gate = Gate(Accounts(pairs=[("alice", "s3cret")]))
    url = server.launch(demo, settings, gate)
    try:
        assert url == f"http://127.0.0.1:{settings.port}/"
        assert demo._queue.max_size == app.QUEUE_SIZE
        # Twice the library's file limit: a file a little over it still gets the tab's words.
        assert demo.max_file_size == 2 * settings.max_file_mb * 2**20
        assert demo.share is False and demo.allowed_paths == []
        assert str(Path(settings.index).resolve()) in demo.blocked_paths
        assert http_status(url + "config") == 401  # nothing without logging in
        client = Client(url, auth=("alice", "s3cret"), verbose=False, analytics_enabled=False)
        assert client.predict("When was GSOMIA signed?", api_name="/ask")["citations"]
    finally:
        demo.close()


@pytest.mark.parametrize("bad", [2.5, True, "x", float("inf"), 0, 11])
def test_check_k_refuses_anything_but_a_whole_number_in_range(bad: object) -> None:
    from assistant.errors import UsageError
    from assistant.web.app import check_k

    with pytest.raises(UsageError):
        check_k(bad)
