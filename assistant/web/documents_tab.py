"""The Documents tab: the library's table, and for editors, adding, changing and removing.

Files are dropped on (or picked in) the upload area and added with "Add to the library";
a progress bar follows each file while it is read and indexed, and each file's outcome
(added, or why not, in words) shows under it. A document picked in the list can have its
metadata changed, its file replaced, or be removed. Who may change the library is checked
on the server for every change (:meth:`.documents.Desk.refusal`); a reader, or anyone
off this machine when the server has no login, sees the table and a note instead of the
controls.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from ..errors import AssistantError
from ..ingest.sources import SUPPORTED
from ..library import Upload
from .documents import Desk
from .documents_render import render_documents, render_outcome

FIELDS = ("title", "author", "publisher", "date", "url")
Outputs = tuple[Any, ...]


class DocumentsTab:
    """The tab's event handlers over one desk."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def _refusal(self, request: gr.Request | None) -> str | None:
        name = getattr(request, "username", None) if request else None
        gate = self.desk.gate
        account = gate.accounts.account(name) if gate and name else None
        client = getattr(request, "client", None)
        return self.desk.refusal(account, getattr(client, "host", "") or "")

    def _table(self) -> tuple[str, Any]:
        try:
            entries = self.desk.library.entries()
        except AssistantError as exc:
            return render_outcome([(False, "library", str(exc))], "read"), gr.update()
        choices = [(f"{e.title} ({e.id})", e.id) for e in entries]
        return render_documents(entries), gr.update(choices=choices, value=None)

    def load(self, request: gr.Request) -> Outputs:
        """The table; the controls for an editor, else a note saying why not."""
        refusal = self._refusal(request)
        table, picker = self._table()
        note = "" if refusal is None else f"You can read the library. {refusal}"
        return (table, picker, gr.update(visible=refusal is None),
                gr.update(value=note, visible=refusal is not None))

    def add(self, files: list[str] | None, title: str, author: str, publisher: str, date: str,
            request: gr.Request, progress: gr.Progress = gr.Progress()) -> Outputs:  # noqa: B008
        """Add each dropped file in turn, with a progress bar; one outcome line per file."""
        refusal = self._refusal(request)
        paths = [Path(f) for f in files or []]
        fields = {k: v for k, v in zip(FIELDS, (title, author, publisher, date), strict=False)
                  if v and v.strip()}
        if refusal or not paths or (fields and len(paths) > 1):
            why = refusal or ("Metadata fields describe one file: add the files one at a "
                              "time to give each its own." if paths else
                              "Drop files on the upload area, or click it to choose them.")
            return (render_outcome([(False, "nothing", why)]), *self._table(), gr.update())
        results = [self._add_one(path, fields, n, len(paths), progress)
                   for n, path in enumerate(paths)]
        return (render_outcome(results), *self._table(), None)

    def _add_one(self, path: Path, fields: dict[str, str], n: int, total: int,
                 progress: gr.Progress) -> tuple[bool, str, str]:
        def step(fraction: float, message: str) -> None:
            progress((n + fraction) / total, desc=f"{path.name}: {message}")

        try:
            self.desk.library.check_size(path.name, path.stat().st_size)  # before reading it
            entry = self.desk.library.add(Upload(path.name, path.read_bytes()), fields, step)
        except AssistantError as exc:
            return False, path.name, str(exc)
        except OSError as exc:
            return False, path.name, f"The upload could not be read ({exc.strerror})."
        return True, path.name, (f"Added “{entry.title}” ({entry.format}, {entry.words:,} "
                                 f"words, {entry.passages} passages).")

    def pick(self, doc_id: str | None) -> Outputs:
        """Fill the metadata fields with the picked document's."""
        if not doc_id:
            return tuple(gr.update(value="") for _ in FIELDS)
        try:
            entry = self.desk.library.entry(doc_id)
        except AssistantError:
            return tuple(gr.update(value="") for _ in FIELDS)
        return tuple(gr.update(value=getattr(entry, f)) for f in FIELDS)

    def _change(self, doc_id: str | None, request: gr.Request, verb: str, work: Any) -> Outputs:
        refusal = self._refusal(request)
        if refusal or not doc_id:
            why = refusal or "Pick a document in the list first."
            return (render_outcome([(False, doc_id or "nothing", why)], verb), *self._table())
        try:
            text = work()
        except AssistantError as exc:
            return (render_outcome([(False, doc_id, str(exc))], verb), *self._table())
        return (render_outcome([(True, doc_id, text)]), *self._table())

    def save(self, doc_id: str | None, title: str, author: str, publisher: str, date: str,
             url: str, request: gr.Request, progress: gr.Progress = gr.Progress()  # noqa: B008
             ) -> Outputs:
        fields = dict(zip(FIELDS, (title, author, publisher, date, url), strict=True))

        def work() -> str:
            entry = self.desk.library.update(doc_id or "", fields,
                                             lambda f, m: progress(f, desc=m))
            return f"Saved the metadata of “{entry.title}”."

        return self._change(doc_id, request, "changed", work)

    def replace(self, doc_id: str | None, file: str | None, request: gr.Request,
                progress: gr.Progress = gr.Progress()) -> Outputs:  # noqa: B008
        def work() -> str:
            if not file:
                raise AssistantError("No file was given.", fix="Choose the new file first.")
            path = Path(file)
            self.desk.library.check_size(path.name, path.stat().st_size)
            entry = self.desk.library.replace(doc_id or "", Upload(path.name, path.read_bytes()),
                                              None, lambda f, m: progress(f, desc=m))
            return f"Replaced the file of “{entry.title}” ({entry.format})."

        return self._change(doc_id, request, "replaced", work)

    def remove(self, doc_id: str | None, sure: bool, request: gr.Request,
               progress: gr.Progress = gr.Progress()) -> Outputs:  # noqa: B008
        def work() -> str:
            if not sure:
                raise AssistantError("Not removed yet.", fix="Tick “Yes, remove it” first.")
            entry = self.desk.library.remove(doc_id or "", lambda f, m: progress(f, desc=m))
            return f"Removed “{entry.title}”."

        return self._change(doc_id, request, "removed", work)


def build_documents_tab(tab: DocumentsTab) -> dict[str, Any]:
    """The tab's components (call inside ``gr.Tab``); wire them with :func:`wire_documents`."""
    c: dict[str, Any] = {}
    c["note"] = gr.Markdown(visible=False, elem_id="gs-docs-note")
    with gr.Column(visible=False, elem_id="gs-docs-editor") as c["editor"]:
        c["files"] = gr.File(label="Drop files here, or click to choose (.txt, .md, .html, "
                             ".pdf, .docx)", file_count="multiple",
                             file_types=list(SUPPORTED), elem_id="gs-upload")
        with gr.Row():
            c["title"] = gr.Textbox(label="Title (optional, one file)", max_lines=1)
            c["author"] = gr.Textbox(label="Author (optional)", max_lines=1)
            c["publisher"] = gr.Textbox(label="Outlet (optional)", max_lines=1)
            c["date"] = gr.Textbox(label="Date (optional)", max_lines=1,
                                   placeholder="YYYY, YYYY-MM or YYYY-MM-DD")
        c["add"] = gr.Button("Add to the library", variant="primary", elem_id="gs-add")
        c["status"] = gr.HTML(elem_id="gs-docs-status", js_on_load=None)
        with gr.Accordion("Change, replace or remove a document", open=False,
                          elem_id="gs-docs-change"):
            c["pick"] = gr.Dropdown(label="Document", choices=[], elem_id="gs-doc-pick")
            with gr.Row():
                c["m_title"] = gr.Textbox(label="Title", max_lines=1)
                c["m_author"] = gr.Textbox(label="Author", max_lines=1)
                c["m_publisher"] = gr.Textbox(label="Outlet", max_lines=1)
                c["m_date"] = gr.Textbox(label="Date", max_lines=1)
                c["m_url"] = gr.Textbox(label="URL", max_lines=1)
            c["save"] = gr.Button("Save metadata", elem_id="gs-save")
            c["new_file"] = gr.File(label="New file for this document", file_count="single",
                                    file_types=list(SUPPORTED), elem_id="gs-replace-file")
            c["replace"] = gr.Button("Replace the file", elem_id="gs-replace")
            c["sure"] = gr.Checkbox(label="Yes, remove it", elem_id="gs-sure")
            c["remove"] = gr.Button("Remove", variant="stop", elem_id="gs-remove")
    c["table"] = gr.HTML(elem_id="gs-doc-library", js_on_load=None)
    return c


def wire_documents(demo: gr.Blocks, tab: DocumentsTab, c: dict[str, Any]) -> None:
    """Every change runs one at a time (``concurrency_id`` "library")."""
    once = {"concurrency_limit": 1, "concurrency_id": "library", "api_visibility": "private",
            "show_progress": "full", "show_progress_on": [c["status"]]}
    demo.load(tab.load, outputs=[c["table"], c["pick"], c["editor"], c["note"]],
              api_visibility="private")
    c["add"].click(tab.add, inputs=[c["files"], c["title"], c["author"], c["publisher"],
                                    c["date"]],
                   outputs=[c["status"], c["table"], c["pick"], c["files"]], **once)
    meta = [c["m_title"], c["m_author"], c["m_publisher"], c["m_date"], c["m_url"]]
    c["pick"].change(tab.pick, inputs=[c["pick"]], outputs=meta, api_visibility="private",
                     queue=False)
    c["save"].click(tab.save, inputs=[c["pick"], *meta],
                    outputs=[c["status"], c["table"], c["pick"]], **once)
    c["replace"].click(tab.replace, inputs=[c["pick"], c["new_file"]],
                       outputs=[c["status"], c["table"], c["pick"]], **once)
    c["remove"].click(tab.remove, inputs=[c["pick"], c["sure"]],
                      outputs=[c["status"], c["table"], c["pick"]], **once)
