"""Which of the extra rankings in the fusion pays? Each one dropped in turn.

    .venv/bin/python benchmarks/ablate_fusion.py [SET.jsonl ...]

Hybrid retrieval fuses dense and BM25 rankings (of chunks and of sentences) with up to
three more, each built from the question's analysis: chunks holding an entity of the
expected type (``types``), chunks of the document the question names (``document``), and
chunks holding a sentence of the cue the question asks for (``cue``: a cause, condition,
purpose or speech). This script answers every question of each set with the full fusion
and with each of those rankings left out, and prints hit@1, hit@3, hit@5, answer accuracy,
refusal and false refusal side by side. Run it on the sets you tune on (the default:
``evals/gsomia.jsonl``, ``evals/intents/tune.jsonl`` and ``evals/heldout.jsonl``), never on
the never-tuned split.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant import Assistant, Settings
from assistant.evaluation import load_questions, run_set
from assistant.qa.retrieval import Retriever

DEFAULT_SETS = ("evals/gsomia.jsonl", "evals/intents/tune.jsonl", "evals/heldout.jsonl")
VARIANTS = ("full", "types", "document", "cue")
METRICS = ("hit@1", "hit@3", "hit@5", "answer_accuracy", "refusal_rate", "false_refusal_rate")


def without(ranking: str, search: Callable[..., Any]) -> Callable[..., Any]:
    """``Retriever.search`` with one of its extra rankings switched off."""

    def search_without(self: Retriever, qvec: Any, tokens: Sequence[str], k: int, mode: str,
                       types: Sequence[str] = (), document: str = "", cue: str = "") -> Any:
        return search(self, qvec, tokens, k, mode,
                      () if ranking == "types" else types,
                      "" if ranking == "document" else document,
                      "" if ranking == "cue" else cue)

    return search_without


def main(paths: Sequence[str]) -> None:
    logging.basicConfig(level=logging.WARNING)
    bot = Assistant.load(Settings.from_env())
    full = Retriever.search
    print(f"{'set':<16} {'without':<9} " + " ".join(f"{m[:14]:>14}" for m in METRICS))
    for path in paths:
        questions = load_questions(Path(path))
        for variant in VARIANTS:
            Retriever.search = full if variant == "full" else without(variant, full)  # type: ignore[method-assign]
            try:
                summary, _ = run_set(bot, questions)
            finally:
                Retriever.search = full  # type: ignore[method-assign]
            cells = " ".join(f"{summary[m]:>14.3f}" for m in METRICS)
            print(f"{Path(path).name:<16} {'-' if variant == 'full' else variant:<9} {cells}",
                  flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or DEFAULT_SETS)
