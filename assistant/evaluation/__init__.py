"""Evaluation: score question sets against the assistant and report the figures.

Question sets (JSON Lines or CSV, single questions or conversations) are loaded and
validated (:mod:`.metrics`), run through an ``Assistant`` and scored for retrieval,
answers, citations and refusals; :mod:`.reports` prints tables and writes JSON and
Markdown; :mod:`.feedback` turns the chat's thumbs-down log into a question set.

>>> from assistant.evaluation import mrr
>>> mrr([False, True])
0.5
"""

from .metrics import (
    METRICS,
    Conversation,
    EvalFileError,
    EvalQuestion,
    contains_any,
    fold,
    load_conversations,
    load_questions,
    mrr,
    run_set,
)
from .runner import Loaded, load_set

__all__ = ["METRICS", "Conversation", "EvalFileError", "EvalQuestion", "Loaded",
           "contains_any", "fold", "load_conversations", "load_questions", "load_set", "mrr",
           "run_set"]
