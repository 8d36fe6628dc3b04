"""Web: the Gradio chat (Chat, Timeline, Documents, Sources and Evaluate tabs), its rendering
and its ASGI guards; the JSON API beside it (:mod:`.api`, :mod:`.api_documents`) and the
workers that answer it (:mod:`.workers`); logins (:mod:`.auth`); started by :mod:`.server`.

The only package that imports gradio (and FastAPI). ``serve`` is what ``assistant serve`` calls,
importing this package lazily so that every other command starts without gradio.
Everything from users, uploads and sources is escaped before it is rendered.
"""

from __future__ import annotations

import importlib.abc
import sys
import threading
from types import ModuleType
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
        return _import_app().build_app
    if name == "serve":
        _import_app()  # gradio first, with the MCP SDK hidden from its import
        from . import server

        return server.serve
    raise AttributeError(name)


class _Hide(importlib.abc.MetaPathFinder):
    """An import hook that makes the MCP SDK unimportable on one thread only (putting
    ``None`` in ``sys.modules`` would hide it from every thread meanwhile)."""

    def __init__(self, thread: int) -> None:
        self.thread = thread

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if threading.get_ident() == self.thread and name.split(".")[0] == "mcp":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


def _import_app() -> ModuleType:
    """``.app``, and gradio with it, with the MCP SDK hidden from gradio's import.

    gradio imports the SDK, when it is installed, for its own MCP server only (~0.4 s),
    and ``launch`` turns that server off; this app's ``/mcp`` loads the SDK when an MCP
    client first calls. Hidden for this import only, as spaCy's import hides torch.
    """
    if "mcp" in sys.modules or "assistant.web.app" in sys.modules:
        from . import app

        return app
    hook = _Hide(threading.get_ident())
    sys.meta_path.insert(0, hook)
    try:
        from . import app
    finally:
        sys.meta_path.remove(hook)
    return app
