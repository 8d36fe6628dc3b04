"""CLI: the ``assistant`` command, a thin layer of argparse over the library.

One module per group of commands (:mod:`.core`: index, ask, status; :mod:`.commands`:
serve, feedback, bench; :mod:`.eval`), all sharing :mod:`.common`. Nothing in the
package imports the CLI; the web server is imported only when ``serve`` runs.

>>> from assistant.cli import main
>>> main(["ask", ""])                       # doctest: +SKIP
error: The question is empty. Type a question, e.g. "When was GSOMIA signed?".
2
"""

from ..config import stay_offline

stay_offline()  # before any command imports huggingface_hub or gradio

from .main import build_parser, main  # noqa: E402

__all__ = ["build_parser", "main"]
