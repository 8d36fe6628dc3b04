"""App: the Gradio web chat (and its ``/ask`` API) over one loaded ``Assistant``.

Started by ``assistant serve``; with :mod:`.eval_tab` (the Evaluate
tab) the only modules that import gradio. The assistant is loaded before launch,
so the first answer is as fast as any other.

Per-browser-session state lives in a ``gr.State`` dict (see :func:`new_session`):
the questions asked so far (passed as ``history=`` so follow-ups are read in
context), the answer behind each chat message (for thumbs up/down) and the last
answer (for copy and download). Rendering is in :mod:`.render`.

Programmatic use::

    from gradio_client import Client
    Client("http://127.0.0.1:7860/").predict("When was GSOMIA signed?", api_name="/ask")
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

import gradio as gr

from ..config import MAX_QUESTION_CHARS, MODES, Settings
from ..errors import AssistantError, UsageError
from ..evaluation.feedback import CITATION_KEYS, append_entry, make_entry
from ..library.folder import library_lock
from ..qa import Answer, Assistant
from .cards import EMPTY_PANEL, ERROR_PANEL, GONE_PANEL, render_sources
from .documents import Desk
from .documents_tab import DocumentsTab, build_documents_tab, wire_documents
from .downloads import FILE_MAX_AGE_S, Downloads
from .eval_tab import EvalTab, build_eval_tab
from .examples import Examples
from .export import Answers
from .guard import hold_while_gated
from .jobs import IndexWatcher
from .page_js import COUNTER_JS, FEEDBACK_JS, PANEL_JS
from .render import chat_text, error_text, escape_html, render_library, user_text
from .timeline_tab import TimelineTab, build_timeline_tab, offer_button, wire_offer

log = logging.getLogger(__name__)

QUEUE_SIZE = 32  # waiting requests beyond this are refused with "queue full"
ANSWER_CONCURRENCY = 2  # answers computed at once (the embedder serialises encoding)
MAX_K = 10
KEEP_QUESTIONS = 20  # per session; follow-ups only look back two turns
KEEP_ANSWERS = 50  # per session, for thumbs up/down on recent answers
Outputs = tuple[Any, ...]


def new_session() -> dict[str, Any]:
    """Empty per-session state: the questions so far, answers by chat message index, and
    the example questions this page shows."""
    return {"questions": [], "answers": {}, "examples": []}


def feedback_record(answer: Answer) -> dict[str, Any]:
    """What a thumbs up/down needs to remember about an answer (no passages)."""
    data = answer.to_json()
    citations = [{k: c[k] for k in CITATION_KEYS} for c in data["citations"]]
    return {"question": data["question"], "answer": data["answer"],
            "abstained": data["abstained"], "citations": citations}


def check_k(k: Any) -> int | None:
    """The number of passages as an int in 1..MAX_K, or None for the default."""
    if k is None or k == "":
        return None
    try:
        value = int(k)
        whole = not isinstance(k, bool) and float(k) == value  # not True, not 2.5
    except (TypeError, ValueError, OverflowError):
        whole = False
    if not whole:
        raise UsageError(f"k must be a whole number, not {k!r}.", fix="Use 1 to 10.")
    if not 1 <= value <= MAX_K:
        raise UsageError(f"k must be between 1 and {MAX_K}, not {value}.", fix="Use 1 to 10.")
    return value


def ask_in_session(assistant: Assistant, session: dict[str, Any], question: str,
                   k: Any = None, mode: str | None = None) -> tuple[dict[str, Any], Answer]:
    """Answer ``question`` in the context of the session's earlier questions.

    Returns the updated session (a new dict) and the answer; raises AssistantError.
    """
    history = list(session.get("questions", []))
    answer = assistant.ask(question, k=check_k(k), mode=mode or None, history=history)
    questions = [*history, answer.question][-KEEP_QUESTIONS:]
    return {**session, "questions": questions}, answer


def remember_answer(session: dict[str, Any], index: int, answer: Answer,
                    token: str = "") -> dict[str, Any]:
    """The session with ``answer`` filed under its chat message index (recent ones only),
    with the token its bubble carries; the last question was answered."""
    record = {**feedback_record(answer), "token": token}
    answers = {**session.get("answers", {}), str(index): record}
    recent = sorted(answers, key=int)[-KEEP_ANSWERS:]
    return {**session, "answers": {key: answers[key] for key in recent}, "failed": False}


def feedback_note(token: str, saved: bool, count: int) -> str:
    """What the page shows beside the thumbs of the answer ``token`` names."""
    text = "Saved" if saved else "Not saved"
    return (f'<span class="gs-fb" data-token="{escape_html(token)}" data-saved='
            f'"{"yes" if saved else "no"}" data-count="{count}">{text}</span>')


class ChatApp:
    """The event handlers of the web chat, bound to one assistant."""

    def __init__(self, assistant: Assistant, settings: Settings,
                 examples: Examples | None = None) -> None:
        self.assistant = assistant
        self.settings = settings
        self.downloads = Downloads()  # the Evaluate tab's reports
        self.answers = Answers()  # for each answer's buttons and citation links
        self._notes = 0
        self.examples = examples or Examples(assistant)
        # `assistant add` (or another process) may swap the index: see it before answering.
        self.watcher = IndexWatcher(assistant)

    def example_choices(self, session: dict[str, Any] | None) -> Outputs:
        """The example questions for the library as it is now (and the session's copy)."""
        questions = self.examples.current()
        return (gr.Dataset(samples=[[q] for q in questions]),
                {**(session or new_session()), "examples": questions})

    def pick_example(self, index: Any, session: dict[str, Any] | None) -> str:
        """The example clicked, as the page showed it."""
        shown = (session or {}).get("examples") or self.examples.current()
        return shown[index] if isinstance(index, int) and 0 <= index < len(shown) else ""

    @property
    def documents(self) -> dict[str, Any]:
        return {d.id: d for d in self.assistant.data.documents}

    def respond(self, question: str, chat: list[dict[str, Any]] | None,
                session: dict[str, Any] | None, k: Any, mode: str | None) -> Outputs:
        """Answer one question from the UI; errors become a friendly chat message."""
        chat, session = list(chat or []), dict(session or new_session())
        question = question if isinstance(question, str) else ""
        self.watcher.check()
        if question.strip():
            chat.append({"role": "user", "content": user_text(question)})
        try:
            session, answer = ask_in_session(self.assistant, session, question, k, mode)
        except AssistantError as exc:
            return self._failed(question, chat, session, str(exc))
        except Exception:  # never show a traceback in the page
            log.exception("Answering %r failed", question[:200])
            return self._failed(question, chat, session, "Something went wrong while "
                                "answering; the error was logged. Please try again.")
        token = self.answers.add(answer)
        chat.append({"role": "assistant", "content": chat_text(answer, token)})
        session = remember_answer(session, len(chat) - 1, answer, token)
        return "", chat, session, render_sources(answer, self.documents, token)

    @staticmethod
    def _failed(question: str, chat: list[dict[str, Any]], session: dict[str, Any],
                message: str) -> Outputs:
        """An error bubble (no thumbs, no buttons); the previous answer's sources go."""
        chat.append({"role": "assistant", "content": error_text(message)})
        return question, chat, {**session, "failed": True}, ERROR_PANEL

    def answer_sources(self, token: Any) -> str:
        """The sources panel of an earlier answer of the page (a click on its citation)."""
        token = token[0] if isinstance(token, list) and token else token
        found = self.answers.get(token)
        if found is None:
            return GONE_PANEL
        return render_sources(found[0], self.documents, str(token), earlier=True)

    def answer_file(self, args: Any) -> dict[str, str] | None:
        """``{"name", "type", "text"}`` of an answer as Markdown or JSON (its buttons)."""
        token, kind = [*args, None, None][:2] if isinstance(args, list) else (args, "md")
        return self.answers.file(token, kind)

    def api_ask(self, question: str, k: int | None = None,
                mode: str | None = None) -> dict[str, Any]:
        """Answer a question with citations; returns the JSON of `assistant ask --json`.

        Args:
            question: the question, at most 2,000 characters.
            k: number of passages to retrieve (1-10; default from the settings).
            mode: retrieval mode, "hybrid", "dense" or "bm25" (default from the settings).
        """
        hold_while_gated()  # a test hook; inert unless ASSISTANT_TEST_GATE is set
        try:
            return self.assistant.ask(question, k=check_k(k), mode=mode or None).to_json()
        except AssistantError as exc:
            raise gr.Error(str(exc), print_exception=False) from None

    def like(self, session: dict[str, Any] | None, data: gr.LikeData) -> Any:
        """Append a thumbs up/down on an answer to the feedback log; the note the page
        shows beside the thumbs ("Saved", or "Not saved")."""
        index = data.index[0] if isinstance(data.index, list | tuple) else data.index
        record = (session or {}).get("answers", {}).get(str(index))
        if record is None or not isinstance(data.liked, bool):
            return gr.skip()
        entry = {k: v for k, v in record.items() if k != "token"}
        self._notes += 1
        try:
            append_entry(self.settings.feedback_log, make_entry(entry, data.liked))
        except AssistantError as exc:
            log.error("%s", exc)
            return feedback_note(record.get("token", ""), False, self._notes)
        return feedback_note(record.get("token", ""), True, self._notes)

    def clear(self) -> Outputs:
        """Everything back to a fresh conversation (the chat's outputs, in order)."""
        return "", [], new_session(), EMPTY_PANEL

    def library(self) -> str:
        data = self.assistant.data
        counts = Counter(c.doc_id for c in data.chunks)
        return render_library(data.documents, counts, self.assistant.status())

    def refresh(self) -> str:
        try:
            with library_lock(self.settings.sources):  # not in the middle of a change
                changed = self.assistant.refresh()
        except AssistantError as exc:
            gr.Warning(f"The index could not be rebuilt: {exc}")
        else:
            gr.Info("The index was rebuilt." if changed else "The index is already fresh.")
        return self.library()


def _chat_column(chat_app: ChatApp) -> dict[str, Any]:
    c: dict[str, Any] = {}
    c["chatbot"] = gr.Chatbot(
        label="Conversation", show_label=False, elem_id="gs-chat", height=460,
        render_markdown=False, sanitize_html=True, latex_delimiters=[], allow_tags=False,
        buttons=[], placeholder="Ask a question about the documents in the library.")
    c["question"] = gr.Textbox(label="Question", show_label=False, elem_id="gs-question",
                               max_lines=6, autofocus=True,
                               placeholder="Type a question and press Enter")
    gr.HTML(counter_html(), elem_id="gs-counter", js_on_load=COUNTER_JS)
    with gr.Row(elem_id="gs-buttons"):
        c["ask"] = gr.Button("Ask", variant="primary", elem_id="gs-ask")
        c["clear"] = gr.Button("Clear chat", elem_id="gs-clear")
    with gr.Accordion("Example questions (click one to ask it)", open=True,
                      elem_id="gs-examples-box"):
        c["examples"] = gr.Dataset(components=[c["question"]], type="index",
                                   samples=[[q] for q in chat_app.examples.current()],
                                   label="Example questions", show_label=False,
                                   elem_id="gs-examples")
    with gr.Accordion("Settings", open=False, elem_id="gs-settings"):
        c["k"] = gr.Slider(1, MAX_K, value=min(chat_app.settings.top_k, MAX_K), step=1,
                           label="Number of passages (k)")
        c["mode"] = gr.Radio(list(MODES), value=chat_app.settings.mode, label="Retrieval mode")
    c["feedback"] = gr.HTML("", elem_id="gs-feedback", js_on_load=FEEDBACK_JS)
    return c


def counter_html(limit: int = MAX_QUESTION_CHARS) -> str:
    """The counter under the question box (the page's script keeps it up to date)."""
    return f'<p id="gs-count" data-limit="{limit}">{limit:,} characters left</p>'


def _sources_column(chat_app: ChatApp) -> dict[str, Any]:
    # Server functions are looked up by name and marked by gradio: plain functions.
    def answer_sources(token: Any) -> str:
        return chat_app.answer_sources(token)

    def answer_file(args: Any) -> dict[str, str] | None:
        return chat_app.answer_file(args)

    panel = gr.HTML(EMPTY_PANEL, elem_id="gs-sources", js_on_load=PANEL_JS,
                    server_functions=[answer_sources, answer_file])
    return {"panel": panel}


def header(settings: Settings) -> str:
    """The page's heading: the title and tagline the settings give (ASSISTANT_TITLE, ...)."""
    return (f'<div class="gs-header"><h1>{escape_html(settings.title)}</h1>'
            f"<p>{escape_html(settings.tagline)}</p></div>")


def build_app(assistant: Assistant, settings: Settings, desk: Desk | None = None,
              examples: Examples | None = None) -> gr.Blocks:
    """The Blocks app: chat, timeline, documents (with ``desk``), sources and evaluate
    tabs, and the named ``/ask`` endpoint."""
    chat_app = ChatApp(assistant, settings, examples)
    with gr.Blocks(title=settings.title, analytics_enabled=False,
                   delete_cache=(FILE_MAX_AGE_S, FILE_MAX_AGE_S)) as demo:
        session = gr.State(new_session())
        gr.HTML(header(settings), elem_id="gs-header", js_on_load=None)
        with gr.Tabs(overflow_behavior="wrap") as tabs:
            with gr.Tab("Chat", id="chat") as chat_tab, gr.Row(elem_id="gs-chat-row"):
                with gr.Column(scale=3, elem_id="gs-col-chat"):
                    chat = _chat_column(chat_app)
                with gr.Column(scale=2, elem_id="gs-col-side"):
                    offer = offer_button()
                    side = _sources_column(chat_app)
            timeline_view = TimelineTab(assistant)
            timeline = build_timeline_tab(timeline_view)
            if desk is not None:
                with gr.Tab("Documents", id="documents"):
                    documents_tab = DocumentsTab(desk)
                    documents = build_documents_tab(documents_tab)
            with gr.Tab("Sources", id="sources"):
                library = gr.HTML(elem_id="gs-library", js_on_load=None)
                refresh = gr.Button("Refresh index", elem_id="gs-refresh")
            with gr.Tab("Evaluate", id="evaluate"):
                build_eval_tab(EvalTab(assistant, settings, chat_app.downloads.save, check_k),
                               MAX_K)
        _wire(demo, chat_app, session, chat, side, library, refresh)
        for event in (demo.load, chat_tab.select):  # the library may have changed meanwhile
            event(chat_app.example_choices, inputs=[session],
                  outputs=[chat["examples"], session], api_visibility="private", queue=False)
        if desk is not None:
            wire_documents(demo, documents_tab, documents)
        wire_offer(timeline_view, timeline, offer, session, tabs)
    return demo


def _wire(demo: gr.Blocks, chat_app: ChatApp, session: gr.State, chat: dict[str, Any],
          side: dict[str, Any], library: gr.HTML, refresh: gr.Button) -> None:
    answer_event: dict[str, Any] = {
        "fn": chat_app.respond,
        "inputs": [chat["question"], chat["chatbot"], session, chat["k"], chat["mode"]],
        "outputs": [chat["question"], chat["chatbot"], session, side["panel"]],
        "concurrency_limit": ANSWER_CONCURRENCY, "concurrency_id": "answer",
        "api_visibility": "private", "show_progress": "minimal",
    }
    chat["question"].submit(**answer_event)
    chat["ask"].click(**answer_event)
    chat["examples"].click(chat_app.pick_example, inputs=[chat["examples"], session],
                           outputs=[chat["question"]], api_visibility="private",
                           queue=False).then(**answer_event)
    chat["chatbot"].like(chat_app.like, inputs=[session], outputs=[chat["feedback"]],
                         api_visibility="private", queue=False)
    chat["clear"].click(chat_app.clear, outputs=answer_event["outputs"],
                        api_visibility="private", queue=False)
    # The chatbot's own trash button empties the messages; forget the conversation too.
    chat["chatbot"].clear(chat_app.clear, outputs=answer_event["outputs"],
                          api_visibility="private", queue=False)
    refresh.click(chat_app.refresh, outputs=[library], concurrency_limit=1,
                  concurrency_id="refresh", api_visibility="private")
    demo.load(chat_app.library, outputs=[library], api_visibility="private")
    gr.api(chat_app.api_ask, api_name="ask", concurrency_limit=ANSWER_CONCURRENCY,
           concurrency_id="answer")
