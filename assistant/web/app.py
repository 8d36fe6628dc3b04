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
import os
import signal
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import gradio as gr
from starlette.middleware import Middleware
from starlette.routing import Mount

from ..accounts import Gate
from ..config import MODES, Settings
from ..errors import AssistantError, UsageError
from ..evaluation.feedback import CITATION_KEYS, append_entry, make_entry
from ..qa import Answer, Assistant
from .api import PREFIX as API_PREFIX
from .api import build_api
from .auth import LoginThrottle, gradio_auth
from .downloads import FILE_MAX_AGE_S, Downloads
from .eval_tab import MAX_UPLOAD, EvalTab, build_eval_tab
from .guard import RequestGuard, hold_while_gated
from .render import (
    CSS,
    EMPTY_PANEL,
    EXAMPLES,
    answer_markdown,
    chat_text,
    error_text,
    render_library,
    render_sources,
    user_text,
)
from .timeline_tab import TimelineTab, build_timeline_tab, offer_button, wire_offer
from .workers import make_backend

log = logging.getLogger(__name__)

QUEUE_SIZE = 32  # waiting requests beyond this are refused with "queue full"
ANSWER_CONCURRENCY = 2  # answers computed at once (the embedder serialises encoding)
MAX_K = 10
KEEP_QUESTIONS = 20  # per session; follow-ups only look back two turns
KEEP_ANSWERS = 50  # per session, for thumbs up/down on recent answers
Outputs = tuple[Any, ...]


def new_session() -> dict[str, Any]:
    """Empty per-session state: the questions so far and answers by chat message index."""
    return {"questions": [], "answers": {}}


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


def remember_answer(session: dict[str, Any], index: int, answer: Answer) -> dict[str, Any]:
    """The session with ``answer`` filed under its chat message index (recent ones only)."""
    answers = {**session.get("answers", {}), str(index): feedback_record(answer)}
    recent = sorted(answers, key=int)[-KEEP_ANSWERS:]
    return {**session, "answers": {key: answers[key] for key in recent}}


class ChatApp:
    """The event handlers of the web chat, bound to one assistant."""

    def __init__(self, assistant: Assistant, settings: Settings) -> None:
        self.assistant = assistant
        self.settings = settings
        self.downloads = Downloads()

    @property
    def documents(self) -> dict[str, Any]:
        return {d.id: d for d in self.assistant.data.documents}

    def respond(self, question: str, chat: list[dict[str, Any]] | None,
                session: dict[str, Any] | None, k: Any, mode: str | None) -> Outputs:
        """Answer one question from the UI; errors become a friendly chat message."""
        chat, session = list(chat or []), dict(session or new_session())
        question = question if isinstance(question, str) else ""
        if question.strip():
            chat.append({"role": "user", "content": user_text(question)})
        try:
            session, answer = ask_in_session(self.assistant, session, question, k, mode)
        except AssistantError as exc:
            chat.append({"role": "assistant", "content": error_text(str(exc))})
            return question, chat, session, *_SKIP
        except Exception:  # never show a traceback in the page
            log.exception("Answering %r failed", question[:200])
            chat.append({"role": "assistant", "content": error_text(
                "Something went wrong while answering; the error was logged. Please try again.")})
            return question, chat, session, *_SKIP
        chat.append({"role": "assistant", "content": chat_text(answer)})
        session = remember_answer(session, len(chat) - 1, answer)
        md_path, json_path = self.downloads.write(answer)
        panel = render_sources(answer, self.documents)
        return "", chat, session, panel, answer_markdown(answer), md_path, json_path

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

    def like(self, session: dict[str, Any] | None, data: gr.LikeData) -> None:
        """Append a thumbs up/down on an answer to the feedback log."""
        index = data.index[0] if isinstance(data.index, list | tuple) else data.index
        record = (session or {}).get("answers", {}).get(str(index))
        if record is None or not isinstance(data.liked, bool):
            return
        try:
            append_entry(self.settings.feedback_log, make_entry(record, data.liked))
        except AssistantError as exc:
            log.error("%s", exc)
            gr.Warning("Your feedback could not be saved.")
        else:
            gr.Info("Thanks, your feedback was saved.")

    def clear(self) -> Outputs:
        """Everything back to a fresh conversation (the chat's outputs, in order)."""
        return "", [], new_session(), EMPTY_PANEL, "", None, None

    def library(self) -> str:
        data = self.assistant.data
        counts = Counter(c.doc_id for c in data.chunks)
        return render_library(data.documents, counts, self.assistant.status())

    def refresh(self) -> str:
        try:
            changed = self.assistant.refresh()
        except AssistantError as exc:
            gr.Warning(f"The index could not be rebuilt: {exc}")
        else:
            gr.Info("The index was rebuilt." if changed else "The index is already fresh.")
        return self.library()


_SKIP = tuple(gr.skip() for _ in range(4))


def _chat_column(chat_app: ChatApp) -> dict[str, Any]:
    c: dict[str, Any] = {}
    c["chatbot"] = gr.Chatbot(
        label="Conversation", elem_id="gs-chat", height=460, render_markdown=False,
        sanitize_html=True, latex_delimiters=[], allow_tags=False, buttons=[],
        placeholder="Ask about GSOMIA, the South Korea–Japan intelligence-sharing pact.")
    c["question"] = gr.Textbox(show_label=False, elem_id="gs-question", max_lines=6,
                               placeholder="Type a question and press Enter")
    with gr.Row():
        c["ask"] = gr.Button("Ask", variant="primary", elem_id="gs-ask")
        c["clear"] = gr.Button("Clear chat", elem_id="gs-clear")
    c["examples"] = gr.Examples([[q] for q in EXAMPLES], inputs=[c["question"]],
                                label="Example questions (click to ask)")
    with gr.Accordion("Settings", open=False):
        c["k"] = gr.Slider(1, MAX_K, value=min(chat_app.settings.top_k, MAX_K), step=1,
                           label="Number of passages (k)")
        c["mode"] = gr.Radio(list(MODES), value=chat_app.settings.mode, label="Retrieval mode")
    return c


def _sources_column() -> dict[str, Any]:
    c: dict[str, Any] = {}
    c["panel"] = gr.HTML(EMPTY_PANEL, elem_id="gs-sources", js_on_load=None)
    with gr.Accordion("Copy or download the last answer", open=False):
        c["markdown"] = gr.Textbox(label="Answer and citations (Markdown)", lines=6,
                                   interactive=False, buttons=["copy"], elem_id="gs-markdown")
        with gr.Row():
            c["dl_md"] = gr.DownloadButton("Download Markdown", size="sm", elem_id="gs-dl-md")
            c["dl_json"] = gr.DownloadButton("Download JSON", size="sm", elem_id="gs-dl-json")
    return c


def build_app(assistant: Assistant, settings: Settings) -> gr.Blocks:
    """The Blocks app: chat, sources and evaluate tabs, and the named ``/ask`` endpoint."""
    chat_app = ChatApp(assistant, settings)
    with gr.Blocks(title="GSOMIA Assistant", analytics_enabled=False,
                   delete_cache=(FILE_MAX_AGE_S, FILE_MAX_AGE_S)) as demo:
        session = gr.State(new_session())
        gr.Markdown("## GSOMIA Assistant\nCited answers from articles about GSOMIA, the South "
                    "Korea–Japan intelligence-sharing pact. Every claim links to its passage.")
        with gr.Tabs() as tabs:
            with gr.Tab("Chat", id="chat"), gr.Row():
                with gr.Column(scale=3):
                    chat = _chat_column(chat_app)
                with gr.Column(scale=2):
                    offer = offer_button()
                    side = _sources_column()
            timeline_view = TimelineTab(assistant)
            timeline = build_timeline_tab(timeline_view)
            with gr.Tab("Sources", id="sources"):
                library = gr.HTML(elem_id="gs-library", js_on_load=None)
                refresh = gr.Button("Refresh index", elem_id="gs-refresh")
            with gr.Tab("Evaluate", id="evaluate"):
                build_eval_tab(EvalTab(assistant, settings, chat_app.downloads.save, check_k),
                               MAX_K)
        _wire(demo, chat_app, session, chat, side, library, refresh)
        wire_offer(timeline_view, timeline, offer, session, tabs)
    return demo


def _wire(demo: gr.Blocks, chat_app: ChatApp, session: gr.State, chat: dict[str, Any],
          side: dict[str, Any], library: gr.HTML, refresh: gr.Button) -> None:
    answer_event: dict[str, Any] = {
        "fn": chat_app.respond,
        "inputs": [chat["question"], chat["chatbot"], session, chat["k"], chat["mode"]],
        "outputs": [chat["question"], chat["chatbot"], session, side["panel"],
                    side["markdown"], side["dl_md"], side["dl_json"]],
        "concurrency_limit": ANSWER_CONCURRENCY, "concurrency_id": "answer",
        "api_visibility": "private", "show_progress": "minimal",
    }
    chat["question"].submit(**answer_event)
    chat["ask"].click(**answer_event)
    chat["examples"].load_input_event.then(**answer_event)
    chat["chatbot"].like(chat_app.like, inputs=[session], outputs=None,
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


def blocked_paths(settings: Settings) -> list[str]:
    """Folders the server must never serve, whatever else is configured."""
    return [str(Path(settings.index).resolve()), str(Path(settings.sources).resolve())]


def display_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
    return f"http://[{shown}]:{port}/" if ":" in shown else f"http://{shown}:{port}/"


def _theme() -> gr.themes.Base:
    """The default look with the system's fonts: nothing is fetched, every glyph renders."""
    return gr.themes.Default(font=["system-ui", "ui-sans-serif", "sans-serif"],
                             font_mono=["ui-monospace", "monospace"])


LOGIN_MESSAGE = ("After {free} wrong passwords in a row, a name (and an address) must wait "
                 "before the next try, longer after each further miss.")


def launch(demo: gr.Blocks, settings: Settings, gate: Gate | None = None,
           routes: Sequence[Any] = ()) -> str:
    """Start serving in the background; returns the address.

    ``routes`` (the JSON API's mount) go first in Gradio's own FastAPI app, so they are
    matched before Gradio's routes, on the same port.
    """
    if os.environ.pop("GRADIO_ALLOWED_PATHS", None):
        log.warning("Ignoring GRADIO_ALLOWED_PATHS: the app serves no local files.")
    demo.queue(max_size=QUEUE_SIZE, default_concurrency_limit=1)
    try:
        demo.launch(
            server_name=settings.host, server_port=settings.port, share=False,
            auth=gradio_auth(gate) if gate else None, prevent_thread_lock=True,
            auth_message=LOGIN_MESSAGE.format(free=settings.login_free_attempts) if gate
            else None, show_error=False,
            quiet=True, ssr_mode=False, pwa=False, mcp_server=False, enable_monitoring=False,
            blocked_paths=blocked_paths(settings), max_file_size=MAX_UPLOAD, css=CSS,
            theme=_theme(), footer_links=["api"],
            app_kwargs={"middleware": [Middleware(LoginThrottle, gate=gate),
                                       Middleware(RequestGuard)], "routes": list(routes)})
    except OSError as exc:
        raise UsageError(f"Cannot listen on {settings.host}:{settings.port} ({exc}).",
                         fix="Pass a free --port (or set ASSISTANT_PORT).") from None
    return display_url(settings.host, demo.server_port or settings.port)


def _interrupt(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt


def warm_up(assistant: Assistant) -> None:
    """Answer one question in every mode, so lazy first-use costs are paid before launch."""
    for mode in MODES:
        assistant.ask(EXAMPLES[0], mode=mode)


def serve(assistant: Assistant, settings: Settings, gate: Gate | None = None) -> int:
    """Build, launch and block until interrupted; prints the address."""
    warm_up(assistant)
    backend = make_backend(assistant, settings)
    demo = build_app(assistant, settings)
    api = Mount(API_PREFIX, app=build_api(backend, settings, gate))
    try:
        url = launch(demo, settings, gate, routes=[api])
    except BaseException:
        backend.close()
        raise
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops it as cleanly as Ctrl+C
    print(f"GSOMIA Assistant is running at {url}  (press Ctrl+C to stop)", flush=True)
    if settings.host not in ("127.0.0.1", "localhost", "::1"):
        login = "with a login" if gate else "WITHOUT a login (see --auth-file)"
        print(f"Listening on {settings.host}: other machines can reach it, {login}.", flush=True)
    try:
        demo.block_thread()
    finally:
        demo.close()
        backend.close()
    return 0
