"""Web: the Gradio chat (Chat, Timeline, Documents, Sources and Evaluate tabs), its rendering
and its ASGI guards; the JSON API beside it (:mod:`.api`, :mod:`.api_documents`) and the
workers that answer it (:mod:`.workers`); logins (:mod:`.auth`); started by :mod:`.server`.

The only package that imports gradio (and FastAPI). ``serve`` is what ``assistant serve`` calls,
importing this package lazily so that every other command starts without gradio.
Everything from users, uploads and sources is escaped before it is rendered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..config import stay_offline

stay_offline()  # before .app imports gradio (and gradio huggingface_hub)

if TYPE_CHECKING:
    from .app import build_app
    from .server import serve

__all__ = ["build_app", "serve"]


def __getattr__(name: str) -> Any:
    # gradio costs seconds to import; ``assistant.web.render`` alone should not pay for it.
    if name == "build_app":
        from . import app

        return app.build_app
    if name == "serve":
        from . import server

        return server.serve
    raise AttributeError(name)
