"""Measure retrieval and answer quality for several chunk sizes (picks the default).

    .venv/bin/python benchmarks/chunk_sizes.py 60 80 120 160
"""

from __future__ import annotations

import logging
import sys
import tempfile
from pathlib import Path

from assistant import Assistant, Settings
from assistant.evaluation.metrics import load_questions, run_set


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    questions = load_questions(Path("evals/gsomia.jsonl"))
    for words in [int(a) for a in sys.argv[1:]] or [60, 80, 120, 160]:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings.from_env().replace(chunk_words=words, index=Path(tmp) / "index")
            bot = Assistant.load(settings)
            summary, _ = run_set(bot, questions)
            print(f"chunk_words={words:4d} chunks={len(bot.data.chunks):3d} " + " ".join(
                f"{k}={summary[k]:.3f}" for k in ("hit@1", "hit@3", "mrr", "answer_accuracy",
                                                  "refusal_rate", "false_refusal_rate")))


if __name__ == "__main__":
    main()
