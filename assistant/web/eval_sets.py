"""The question sets the Evaluate tab offers: the shipped ones and a split of the test library.

The shipped sets are the repository's ``evals/*.jsonl`` and ``evals/intents/*.jsonl`` (the
folder beside the package; another may be given). The test library's ``dev`` split is
evaluated as ``assistant eval --library evals/library --split dev`` does it, with the same
code (:mod:`assistant.evaluation.library`): the split's articles are copied beside this
library's sources, indexed together (once, then reused while nothing changed) and every
question and conversation turn of the split is asked of that index.

Only names from this list are ever opened: the page sends a choice, never a path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import AssistantError, UsageError
from ..evaluation import metrics as ev
from ..evaluation.library import Library, assemble
from ..evaluation.runner import Loaded, load_set

EVALS = Path(__file__).resolve().parents[2] / "evals"
UPLOAD = "upload"
LIBRARY_SPLIT = "dev"
LIBRARY_CHOICE = f"library:{LIBRARY_SPLIT}"
Say = Callable[[str], None]


@dataclass(frozen=True)
class ShippedSet:
    """One question set the tab lists: its choice value and its label."""

    value: str
    label: str


def _describe(path: Path) -> str:
    """Its size ("128 questions", "19 conversations, 60 turns"); raises if it does not load."""
    kind, questions, _history, owners = load_set(path)
    if kind == "conversations":
        return f"{len(set(owners))} conversations, {len(questions)} turns"
    return f"{len(questions)} questions"


def shipped_sets(evals: Path = EVALS) -> list[ShippedSet]:
    """Every question set in ``evals`` and ``evals/intents`` (those that load), and the test
    library's dev split when ``evals/library`` is there."""
    found = []
    for folder in (evals, evals / "intents"):
        for path in sorted(folder.glob("*.jsonl")) if folder.is_dir() else []:
            try:
                label = f"{path.relative_to(evals)}: {_describe(path)}"
            except (AssistantError, OSError, ValueError):
                continue  # not a question set (it would fail to load anyway)
            found.append(ShippedSet(str(path.relative_to(evals)), label))
    if (evals / "library" / "splits.toml").exists():
        library = Library.load(evals / "library")
        count = len(library.slugs(LIBRARY_SPLIT))
        found.append(ShippedSet(LIBRARY_CHOICE, f"Test library, {LIBRARY_SPLIT} split: its "
                                f"{count} articles indexed beside this library's sources"))
    return found


def shipped_path(choice: str, evals: Path = EVALS) -> Path:
    """The file of a listed set (anything not listed is refused)."""
    listed = {s.value for s in shipped_sets(evals)}
    if choice not in listed or choice == LIBRARY_CHOICE:
        raise UsageError(f"{choice!r} is not one of the listed question sets.",
                         fix="Choose a set from the list, or upload a file.")
    return evals / choice


def merge(parts: Sequence[Loaded]) -> Loaded:
    """Several loaded sets as one run: questions first, each conversation's turns with
    their own history."""
    questions: list[ev.EvalQuestion] = []
    histories: list[Sequence[str]] = []
    owners: list[str] = []
    for _kind, items, history_of, part_owners in parts:
        questions += items
        histories += [history_of(i) if history_of else () for i in range(len(items))]
        owners += part_owners or [""] * len(items)
    return "mixed", questions, histories.__getitem__, owners


def library_set(evals: Path = EVALS, split: str = LIBRARY_SPLIT) -> tuple[Library, Loaded]:
    """The split's questions and conversation turns, loaded."""
    library = Library.load(evals / "library")
    questions, conversations = library.question_files(split)
    if not questions and not conversations:
        raise UsageError(f"Split {split!r} of {library.folder} has no questions.",
                         fix="Add questions/<article>.jsonl files.")
    return library, merge([load_set(p) for p in [*questions, *conversations]])


def library_assistant(assistant: Any, library: Library, work: Path, say: Say,
                      split: str = LIBRARY_SPLIT) -> Any:
    """An assistant over the split's articles beside ``assistant``'s sources (its own
    FAISS index under ``work``, built once, with the same embedder)."""
    from ..qa import Assistant
    from ..store import ensure_index, load_store

    base = Path(assistant.settings.sources)
    sources = assemble(library, split, base, work / "sources")
    settings = replace(assistant.settings, sources=sources, index=work / "index", store="faiss")
    manifest = ensure_index(settings, assistant.embedder, progress=say)
    return Assistant(settings, assistant.embedder, load_store(settings, manifest))
