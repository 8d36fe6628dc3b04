"""Server: start the chat and the JSON API on one port, and say who may use them.

``serve`` (what ``assistant serve`` runs) warms the assistant up, builds the chat
(:mod:`.app`), the library desk (:mod:`.documents`) and the API (:mod:`.api`), launches
them on Gradio's uvicorn server, prints the address and what it lets whom do, and blocks.
"""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import gradio as gr
from starlette.middleware import Middleware
from starlette.routing import Mount, Route

from ..accounts import Gate
from ..config import MODES, Settings
from ..errors import UsageError
from ..library import Library
from ..qa import Assistant
from .api import PREFIX as API_PREFIX
from .api import build_api
from .app import QUEUE_SIZE, build_app
from .auth import LoginThrottle, gradio_auth
from .documents import Desk
from .examples import Examples
from .guard import RequestGuard
from .mcp_mount import ROUTE as MCP_ROUTE
from .mcp_mount import McpEndpoint
from .styles import ACCENT, CSS, PRIMARY, SUBDUED
from .workers import make_backend

log = logging.getLogger(__name__)

def blocked_paths(settings: Settings) -> list[str]:
    """Folders the server must never serve, whatever else is configured."""
    return [str(Path(settings.index).resolve()), str(Path(settings.sources).resolve())]


def display_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
    return f"http://[{shown}]:{port}/" if ":" in shown else f"http://{shown}:{port}/"


def _theme() -> gr.themes.Base:
    """The default look with the system's fonts: nothing is fetched, every glyph renders."""
    theme = gr.themes.Default(font=["system-ui", "ui-sans-serif", "sans-serif"],
                              font_mono=["ui-monospace", "monospace"])
    # WCAG AA: the default subdued grey and white-on-orange buttons are below 4.5:1.
    return theme.set(body_text_color_subdued=SUBDUED, body_text_color_subdued_dark="#d1d5db",
                     button_primary_background_fill=PRIMARY,
                     button_primary_background_fill_hover=ACCENT,
                     button_primary_border_color=PRIMARY, button_primary_text_color="#ffffff",
                     button_primary_text_color_hover="#ffffff")


def upload_limit(settings: Settings) -> str:
    """Gradio's cap on any upload: twice the library's file limit, so a file a little over
    that limit still reaches the Documents tab, which says so in words (the Evaluate tab
    checks its own 2 MB)."""
    return f"{2 * settings.max_file_mb}mb"


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
            blocked_paths=blocked_paths(settings), max_file_size=upload_limit(settings), css=CSS,
            theme=_theme(), footer_links=["api"],
            app_kwargs={"middleware": [Middleware(LoginThrottle, gate=gate),
                                       Middleware(RequestGuard)], "routes": list(routes)})
    except OSError as exc:
        raise UsageError(f"Cannot listen on {settings.host}:{settings.port} ({exc}).",
                         fix="Pass a free --port (or set ASSISTANT_PORT).") from None
    return display_url(settings.host, demo.server_port or settings.port)


def _interrupt(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt


def warm_up(assistant: Assistant, question: str) -> None:
    """Answer one question in every mode, so lazy first-use costs are paid before launch."""
    for mode in MODES:
        assistant.ask(question, mode=mode)


def serve(assistant: Assistant, settings: Settings, gate: Gate | None = None) -> int:
    """Build, launch and block until interrupted; prints the address."""
    examples = Examples(assistant)
    warm_up(assistant, examples.current()[0])
    backend = make_backend(assistant, settings)
    library = Library(settings, assistant.embedder, lambda: assistant.data, assistant.install)
    desk = Desk(library, gate)
    demo = build_app(assistant, settings, desk, examples)
    api_app = build_api(backend, settings, gate, desk)
    # /mcp shares the API's jobs, in-flight count and login; it loads the MCP SDK on first use.
    routes = [Mount(API_PREFIX, app=api_app),
              Route(MCP_ROUTE, McpEndpoint(api_app.state.api, gate))]
    try:
        url = launch(demo, settings, gate, routes=routes)
    except BaseException:
        backend.close()
        desk.close()
        raise
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops it as cleanly as Ctrl+C
    print(f"{settings.title} is running at {url}  (press Ctrl+C to stop)", flush=True)
    for line in start_notes(settings, gate):
        print(line, flush=True)
    desk.warm()
    try:
        demo.block_thread()
    finally:
        demo.close()
        backend.close()
        desk.close()
    return 0


def start_notes(settings: Settings, gate: Gate | None) -> list[str]:
    """What the server says about who may reach it and who may change the library."""
    notes = []
    if settings.host not in ("127.0.0.1", "localhost", "::1"):
        login = "with a login" if gate else "WITHOUT a login (see --auth-file)"
        notes.append(f"Listening on {settings.host}: other machines can reach it, {login}.")
    if gate is None:
        notes.append("No login is configured: documents can be added, changed and removed "
                     "only from this machine (loopback). Add accounts with `assistant user "
                     "add NAME --role editor` to let editors log in from elsewhere.")
    return notes
