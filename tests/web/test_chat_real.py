"""The web chat's handlers with the real model: follow-up chains through
:func:`assistant.web.app.ask_in_session` and ``ChatApp.respond``, the functions the web
page calls (the fast tests with a stand-in assistant are in test_chat.py)."""

from __future__ import annotations

import pytest
from support import conversation

from assistant.config import Settings
from assistant.evaluation.metrics import contains_any
from assistant.web import app

# Conversations of evals/followups.jsonl: every turn is checked against its accepted
# answers as `assistant eval` checks them (contains_any on the answer text).
CHAINS = ("c01", "c03", "c04", "c09")


@pytest.fixture(scope="module")
def real_chat(built_index: tuple[Settings, dict], tmp_path_factory: pytest.TempPathFactory
              ) -> app.ChatApp:
    from assistant.qa import Assistant

    settings, _ = built_index
    settings = settings.replace(feedback_log=tmp_path_factory.mktemp("fb") / "feedback.jsonl")
    return app.ChatApp(Assistant.load(settings), settings)


@pytest.mark.slow
@pytest.mark.parametrize("conversation_id", CHAINS)
def test_follow_up_chain_is_answered_in_context(real_chat: app.ChatApp,
                                                conversation_id: str) -> None:
    session = app.new_session()
    turns = conversation(conversation_id).turns
    for turn in turns:
        earlier = list(session["questions"])
        session, answer = app.ask_in_session(real_chat.assistant, session, turn.question)
        if earlier:  # the retrieval query carried the conversation
            assert answer.retrieval_query != turn.question
            assert earlier[-1] in answer.retrieval_query
        assert not answer.abstained and contains_any(answer.text, turn.answers), (
            turn.id, turn.question, turn.answers, answer.text)
    assert session["questions"] == [t.question for t in turns]


@pytest.mark.slow
def test_why_did_seoul_want_to_end_it_is_answered_with_a_reason(real_chat: app.ChatApp
                                                               ) -> None:
    session, _ = app.ask_in_session(real_chat.assistant, app.new_session(),
                                    "When was GSOMIA signed?")
    _, answer = app.ask_in_session(real_chat.assistant, session, "Why did Seoul want to end it?")
    # The reasons the sources give (accepted answers of q019 and c03t2).
    reasons = ("export restrictions", "white list", "comfort women", "forced Korean labourers")
    assert not answer.abstained and contains_any(answer.text, reasons), answer.text


@pytest.mark.slow
def test_off_topic_follow_up_still_abstains(real_chat: app.ChatApp) -> None:
    session, _ = app.ask_in_session(real_chat.assistant, app.new_session(),
                                    "Why did South Korea walk out of GSOMIA?")
    _, answer = app.ask_in_session(real_chat.assistant, session,
                                   "What is the best recipe for banana bread?")
    assert answer.abstained and answer.citations == ()


@pytest.mark.slow
def test_respond_renders_a_real_follow_up(real_chat: app.ChatApp) -> None:
    state, messages = app.new_session(), []
    turns = conversation("c09").turns[:2]  # What is TISA? Which other country is in it...?
    for turn in turns:
        _, messages, state, panel = real_chat.respond(turn.question, messages, state, 5,
                                                      "hybrid")
    assert "[1]" in messages[-1]["content"]
    assert contains_any(messages[-1]["content"], turns[1].answers)
    assert "<mark" in panel and "Why Did South Korea Walk Out Of The GSOMIA?" in panel
    exported = real_chat.answer_file([state["answers"]["3"]["token"], "md"])
    assert exported is not None
    md = exported["text"]
    assert md.startswith(f"# {turns[1].question}") and contains_any(md, turns[1].answers)
