"""App: the "Evaluate" tab, which scores a question set against the loaded assistant.

The tab lists the shipped question sets and the test library's dev split
(:mod:`.eval_sets`); choosing one and pressing "Run evaluation" scores it. Or the user
uploads a question set (``.jsonl`` or ``.csv``, or a conversations ``.jsonl``
whose lines have ``turns``), exactly as ``assistant eval FILE`` reads it. The file is
validated first with :mod:`assistant.evaluation`: a bad line, a question the chat
would refuse, a file over :data:`MAX_UPLOAD_BYTES` or a set over :data:`MAX_QUESTIONS`
questions gives a message in the tab and nothing runs. Then every question is asked
with the tab's k and mode, with a progress bar, and the tab shows the metrics table
and the failing questions with what was retrieved (rendered by
:func:`assistant.web.eval_render.render_eval_result`: every string escaped, since an
uploaded file is hostile input). The JSON report (the same as ``assistant eval
--json``) and the Markdown report can be downloaded.

Limits: a set over :data:`MAX_UPLOAD_BYTES` is refused here, in words (the server itself
refuses any upload over twice the library's file limit, ``launch``'s ``max_file_size``);
the event runs in the app's bounded queue, and at most
:data:`EVAL_CONCURRENCY` evaluation runs at a time (its own concurrency group, so a
long run never takes the chat's answer slots).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import gradio as gr

from ..config import MODES, Settings
from ..errors import AssistantError, UsageError
from ..evaluation import reports
from ..evaluation.runner import Loaded, load_set
from ..qa import Assistant, Model, validate_question
from .eval_render import EVAL_EMPTY, render_eval_error, render_eval_result
from .eval_sets import (
    EVALS,
    LIBRARY_CHOICE,
    UPLOAD,
    library_assistant,
    library_set,
    shipped_path,
    shipped_sets,
)

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_QUESTIONS = 500  # per run; the command line has no such cap
EVAL_CONCURRENCY = 1
SUFFIXES = (".jsonl", ".csv")
DEFAULT_SET = "gsomia.jsonl"  # chosen at first, when shipped
Save = Callable[[str, Mapping[str, str]], list[str]]
Progress = Callable[..., Any]


def load_upload(path: Path, shown_name: str | None = None) -> Loaded:
    """The validated question set of an uploaded file, or a UsageError saying why not.

    Messages name the file as ``shown_name`` (the uploaded file's own name), never the
    server's temporary path.
    """
    path = Path(path)
    name = shown_name or path.name
    if path.suffix.lower() not in SUFFIXES:
        raise UsageError(f"{name} is not a .jsonl or .csv file.",
                         fix="Upload a question set as .jsonl or .csv.")
    size = path.stat().st_size
    if size > MAX_UPLOAD_BYTES:
        raise UsageError(f"{name} is {size / 1024 / 1024:.1f} MB; the limit here is "
                         f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB.",
                         fix="Split it, or run `assistant eval FILE` on the command line.")
    try:
        loaded = load_set(path)
    except AssistantError as exc:
        raise UsageError(exc.message.replace(str(path), name), fix=exc.fix) from None
    questions = loaded[1]
    if len(questions) > MAX_QUESTIONS:
        raise UsageError(f"{name} has {len(questions):,} questions; the limit here is "
                         f"{MAX_QUESTIONS} per run.",
                         fix="Split it, or run `assistant eval FILE` on the command line.")
    for q in questions:  # the chat's own checks, before anything runs
        try:
            validate_question(q.question)
        except AssistantError as exc:
            raise UsageError(f"{name}, question '{q.id}': {exc.message}",
                             fix=exc.fix) from None
    return loaded


def run_loaded(assistant: Any, loaded: Loaded, k: int, mode: str,
               progress: Progress | None = None) -> tuple[dict[str, float], list[dict[str, Any]]]:
    """Ask every question of a loaded set; (summary, records) as ``assistant eval`` makes them."""
    from ..evaluation.metrics import run_set

    _kind, questions, history_of, owners = loaded
    total = len(questions)

    def tick(done: int) -> None:
        if progress is not None:
            progress((done, total), desc=f"Asked {done} of {total} questions", unit="questions")

    tick(0)
    summary, records = run_set(assistant, questions, k, mode, history_of, tick)
    for i, owner in enumerate(owners):
        records[i].update({"conversation": owner, "history": list(history_of(i))})
    return summary, records


def _no_reports() -> tuple[Any, Any]:
    """Nothing to download after a refusal: both buttons disabled."""
    return gr.update(value=None, interactive=False), gr.update(value=None, interactive=False)


class EvalTab:
    """The Evaluate tab's handler, bound to one assistant."""

    def __init__(self, assistant: Assistant, settings: Settings, save: Save,
                 check_k: Callable[[Any], int | None], evals: Path = EVALS) -> None:
        self.assistant = assistant
        self.settings = settings
        self.save = save  # writes the reports for download; returns their paths
        self.check_k = check_k
        self.evals = evals
        self._library: Any = None  # the assistant over the test library's split, once built

    def choices(self) -> list[tuple[str, str]]:
        """(label, value) of every set the tab offers, then uploading one's own."""
        return [(s.label, s.value) for s in shipped_sets(self.evals)] + [
            ("Upload a question set (below)", UPLOAD)]

    def run(self, choice: str | None, upload: Any, k: Any, mode: str | None,
            progress: gr.Progress = gr.Progress()) -> tuple[str, Any, Any]:  # noqa: B008
        """Validate and score the chosen set: (result HTML, JSON report, Markdown report)."""
        choice = choice or UPLOAD
        if choice == UPLOAD and not upload:
            return render_eval_error("Choose a question set in the list, or upload one "
                                     "(.jsonl or .csv) first."), *_no_reports()
        try:
            k_value = self.check_k(k) or self.settings.top_k
            if mode and mode not in MODES:
                raise UsageError(f"Unknown retrieval mode {mode!r}.",
                                 fix=f"Use one of: {', '.join(MODES)}.")
            mode = mode or self.settings.mode
            name, assistant, loaded = self._load(choice, upload, progress)
            summary, records = run_loaded(assistant, loaded, k_value, mode, progress)
        except AssistantError as exc:
            return render_eval_error(str(exc)), *_no_reports()
        except Exception:  # never show a traceback in the page
            log.exception("Evaluating %s failed", choice)
            return render_eval_error("Something went wrong while evaluating; the error was "
                                     "logged. Please try again."), *_no_reports()
        return self._report(name, assistant, loaded, summary, records, mode, k_value)

    def _load(self, choice: str, upload: Any, progress: Progress) -> tuple[str, Any, Loaded]:
        """(name shown, assistant to ask, loaded set) of the choice."""
        if choice == UPLOAD:
            path = Path(upload if isinstance(upload, str) else getattr(upload, "name", upload))
            return path.name, self.assistant, load_upload(path)
        if choice == LIBRARY_CHOICE:
            library, loaded = library_set(self.evals)
            if self._library is None or self._library.status().state != "fresh":
                work = Path(self.settings.index).parent / ".assistant-cache" / "library-dev"
                self._library = library_assistant(
                    self.assistant, library, work, lambda m: progress(0.0, desc=m))
            return "test library, dev split", self._library, loaded
        return choice, self.assistant, load_set(shipped_path(choice, self.evals))

    def _report(self, name: str, assistant: Any, loaded: Loaded, summary: dict[str, float],
                records: list[dict[str, Any]], mode: str, k_value: int) -> tuple[str, Any, Any]:
        settings = {"file": name, "mode": mode, "k": k_value,
                    "threshold": Model.fitted().threshold,
                    "chunk_words": int(getattr(assistant.settings, "chunk_words", 0))}
        report = reports.json_report(summary, settings, records)
        json_path, md_path = self.save("gsomia-eval", {
            ".json": _json_text(report),
            ".md": reports.markdown_report(summary, settings, records)})
        expected = [q.answers for q in loaded[1]]
        return (render_eval_result(summary, settings, records, expected),
                gr.update(value=json_path, interactive=True),
                gr.update(value=md_path, interactive=True))


def _json_text(report: Mapping[str, Any]) -> str:
    import json

    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


FORMAT_HELP = (
    "**Your own set**: a `.jsonl` file with one JSON object per line, "
    '`{"id": "q1", "question": "...", "answers": ["..."], "evidence": ["..."], '
    '"answerable": true}` (`answers`: any one found in the answer makes it correct; '
    "`evidence`: the passages' words that answer it; `answerable: false` for a question the "
    "documents do not answer), or the same columns in a `.csv` with lists separated by `|`, "
    'or conversations (`.jsonl` lines `{"id": "c1", "turns": [...]}`, each turn a question '
    f"as above). Up to {MAX_UPLOAD_BYTES // 1024 // 1024} MB and {MAX_QUESTIONS} questions "
    "per run.")


def build_eval_tab(tab: EvalTab, max_k: int) -> None:
    """The tab's components and its one event (call inside ``gr.Tab``)."""
    gr.Markdown(
        "Score a question set against this assistant, as `assistant eval` does. The sets "
        "listed ship with the assistant; those written for another article "
        "(`intents/third*`) mostly fail against a library without it.")
    choices = tab.choices()
    with gr.Row():
        with gr.Column(scale=3):
            first = next((v for _, v in choices if v == DEFAULT_SET), choices[0][1])
            choice = gr.Dropdown(choices, value=first, label="Question set",
                                 elem_id="gs-eval-set")
            k = gr.Slider(1, max_k, value=min(tab.settings.top_k, max_k), step=1,
                          label="Number of passages (k)", elem_id="gs-eval-k")
            mode = gr.Radio(list(MODES), value=tab.settings.mode, label="Retrieval mode",
                            elem_id="gs-eval-mode")
            run = gr.Button("Run evaluation", variant="primary", elem_id="gs-eval-run")
        with gr.Column(scale=2):
            upload = gr.File(label="Or upload a question set (.jsonl or .csv)",
                             file_types=list(SUFFIXES), type="filepath",
                             elem_id="gs-eval-file", height=140)
            gr.Markdown(FORMAT_HELP, elem_id="gs-eval-format", elem_classes=["gs-eval-help"])
    result = gr.HTML(EVAL_EMPTY, elem_id="gs-eval-result", js_on_load=None)
    with gr.Row():
        dl_json = gr.DownloadButton("Download JSON report", size="sm", elem_id="gs-eval-json",
                                    interactive=False)
        dl_md = gr.DownloadButton("Download Markdown report", size="sm", elem_id="gs-eval-md",
                                  interactive=False)
    # An upload chooses itself; the reports wait for a run.
    upload.upload(lambda: UPLOAD, outputs=[choice], api_visibility="private", queue=False)
    run.click(tab.run, inputs=[choice, upload, k, mode], outputs=[result, dl_json, dl_md],
              concurrency_limit=EVAL_CONCURRENCY, concurrency_id="evaluate",
              api_visibility="private", show_progress="full")
