"""QA: answer a question from the index: analyse it, retrieve passages, quote and cite.

The stages run in this order, each taking the records of the one before:
``question.analyse`` (text -> ``Question``), ``retrieval.Retriever.search``
(``Question`` -> ranked ``Passage`` records) and ``answering`` (passages -> an
``Answer`` with ``Citation`` records, or an abstention). ``Assistant`` is the facade
that loads the index once and runs them.

>>> from assistant.qa import analyse
>>> analyse("When was GSOMIA signed?").answer_type
'time'
"""

from .abstain import Model
from .answering import ABSTAIN_TEXT
from .assistant import Assistant, IndexStatus
from .question import Question, analyse, validate_question
from .records import Answer, Citation
from .retrieval import Passage

__all__ = ["ABSTAIN_TEXT", "Answer", "Assistant", "Citation", "IndexStatus", "Model", "Passage",
           "Question", "analyse", "validate_question"]
