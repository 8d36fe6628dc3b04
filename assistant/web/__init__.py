"""Web: the Gradio chat (Chat, Sources and Evaluate tabs), its rendering and its ASGI guard;
the JSON API beside it (:mod:`.api`) and the workers that answer it (:mod:`.workers`).

The only package that imports gradio (and FastAPI). ``serve`` is what ``assistant serve`` calls,
importing this package lazily so that every other command starts without gradio.
Everything from users, uploads and sources is escaped before it is rendered.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ..config import stay_offline

stay_offline()  # before .app imports gradio (and gradio huggingface_hub)

if TYPE_CHECKING:
    from .app import build_app, serve

__all__ = ["build_app", "serve"]


def __getattr__(name: str) -> Any:
    # gradio costs seconds to import; ``assistant.web.render`` alone should not pay for it.
    if name in __all__:
        return getattr(_import_app(), name)
    raise AttributeError(name)


def _import_app() -> ModuleType:
    """``.app``, and gradio with it, with the MCP SDK hidden from gradio's import.

    gradio imports the SDK, when it is installed, for its own MCP server only (~0.4 s),
    and ``launch`` turns that server off; this app's ``/mcp`` loads the SDK when an MCP
    client first calls. Hidden for this import only, as spaCy's import hides torch.
    """
    hidden = "mcp" not in sys.modules
    if hidden:
        sys.modules["mcp"] = None  # type: ignore[assignment]  # import mcp -> ImportError
    try:
        from . import app
    finally:
        if hidden and sys.modules.get("mcp", 0) is None:
            del sys.modules["mcp"]
    return app
