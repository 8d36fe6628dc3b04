"""Evaluation: run a question set through the assistant and score every stage.

Metric definitions follow BEIR (binary relevance: a passage is relevant when it
contains an evidence string, whitespace-folded and case-insensitive) and ALCE
(a citation is correct when its quote or passage holds evidence for the question).

>>> mrr([False, True, False]), round(ndcg([False, True], n_relevant=1, k=2), 4)
(0.5, 0.6309)
>>> token_f1("signed in 2016", "2016")
0.5
"""

from __future__ import annotations

import csv
import json
import math
import re
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UsageError

FIELDS = ("id", "question", "answers", "evidence", "answerable")
LABELS = ("intent", "form", "topic", "article")  # optional


class EvalFileError(UsageError):
    """A question set has a malformed line; nothing was run."""


@dataclass(frozen=True)
class EvalQuestion:
    """One question of a set; ``intent``, ``form`` and ``topic`` are optional labels."""

    id: str
    question: str
    answers: tuple[str, ...]
    evidence: tuple[str, ...]
    answerable: bool
    intent: str = ""  # factoid, definition, cause, consequence, stance, status, ...
    form: str = ""  # "paraphrased" or "literal"
    topic: str = ""  # "on" or "off" (for unanswerable questions)
    article: str = ""  # the id of the document the question is about (library sets)


@dataclass(frozen=True)
class Conversation:
    id: str
    turns: tuple[EvalQuestion, ...]


def fold(text: str) -> str:
    """Lower-case with runs of whitespace folded to one space.

    >>> fold("  The  PACT\\n ended ")
    'the pact ended'
    """
    return " ".join(text.lower().replace("\u2019", "'").split())


def contains_any(text: str, needles: Iterable[str]) -> bool:
    folded = fold(text)
    return any(fold(n) and fold(n) in folded for n in needles)


def mrr(relevant: Sequence[bool]) -> float:
    """Reciprocal rank of the first relevant passage (0 when none)."""
    return next((1.0 / r for r, rel in enumerate(relevant, start=1) if rel), 0.0)


def ndcg(relevant: Sequence[bool], n_relevant: int, k: int) -> float:
    """Binary nDCG@k; the ideal ranking puts all ``n_relevant`` passages first."""
    dcg = sum(1.0 / math.log2(r + 1) for r, rel in enumerate(relevant[:k], start=1) if rel)
    ideal = sum(1.0 / math.log2(r + 1) for r in range(1, min(n_relevant, k) + 1))
    return dcg / ideal if ideal else 0.0


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD-style token F1 of a prediction against one reference."""
    pred, ref = _tokens(prediction), _tokens(reference)
    common = sum(min(pred.count(t), ref.count(t)) for t in set(ref))
    if not common:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def _error(path: Path, line: int, message: str) -> EvalFileError:
    return EvalFileError(f"{path}, line {line}: {message}",
                         fix="Fix that line; each needs " + ", ".join(FIELDS) + ".")


def parse_question(row: Any, path: Path, line: int) -> EvalQuestion:
    """One validated question from a parsed JSON object or CSV row."""
    if not isinstance(row, dict):
        raise _error(path, line, "expected a JSON object.")
    missing = [f for f in FIELDS if f not in row]
    if missing:
        raise _error(path, line, f"field '{missing[0]}' is missing.")
    for name in ("id", "question"):
        if not isinstance(row[name], str) or not row[name].strip():
            raise _error(path, line, f"field '{name}' must be a non-empty string.")
    for name in ("answers", "evidence"):
        value = row[name]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _error(path, line, f"field '{name}' must be a list of strings.")
    if not isinstance(row["answerable"], bool):
        raise _error(path, line, "field 'answerable' must be true or false.")
    if row["answerable"] and not row["answers"]:
        raise _error(path, line, "field 'answers' is empty for an answerable question.")
    labels = {name: row.get(name) or "" for name in LABELS}
    for name, value in labels.items():
        if not isinstance(value, str):
            raise _error(path, line, f"field '{name}' must be a string.")
    return EvalQuestion(row["id"], row["question"], tuple(row["answers"]), tuple(row["evidence"]),
                        row["answerable"], **labels)


def _csv_row(row: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = dict(row)
    for name in ("answers", "evidence"):
        if isinstance(out.get(name), str):
            out[name] = [v.strip() for v in out[name].split("|") if v.strip()]
    flag = str(out.get("answerable", "")).strip().lower()
    if flag in {"true", "1", "yes"}:
        out["answerable"] = True
    elif flag in {"false", "0", "no"}:
        out["answerable"] = False
    return out


def _rows(path: Path) -> Iterable[tuple[int, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalFileError(f"Cannot read question set {path} ({exc}).",
                            fix="Pass a UTF-8 .jsonl or .csv file.") from None
    if path.suffix.lower() == ".csv":
        for n, row in enumerate(csv.DictReader(text.splitlines()), start=2):
            yield n, _csv_row(row)
        return
    if path.suffix.lower() not in {".jsonl", ".json"}:
        raise EvalFileError(f"{path} is not a .jsonl or .csv file.", fix="Use one of those.")
    for n, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                yield n, json.loads(line)
            except json.JSONDecodeError as exc:
                raise _error(path, n, f"invalid JSON ({exc.msg}).") from None


def load_questions(path: Path) -> list[EvalQuestion]:
    """Every question of a .jsonl or .csv set; the first bad line stops everything."""
    questions, seen = [], set()
    for n, row in _rows(Path(path)):
        q = parse_question(row, Path(path), n)
        if q.id in seen:
            raise _error(Path(path), n, f"id '{q.id}' is used twice.")
        seen.add(q.id)
        questions.append(q)
    if not questions:
        raise EvalFileError(f"{path} holds no questions.", fix="Add one JSON object per line.")
    return questions


def load_conversations(path: Path) -> list[Conversation]:
    """Conversations: one ``{"id", "turns": [question, ...]}`` object per line."""
    out = []
    for n, row in _rows(Path(path)):
        if not isinstance(row, dict) or not isinstance(row.get("turns"), list) or not row["turns"]:
            raise _error(Path(path), n, "expected an object with 'id' and a list 'turns'.")
        turns = tuple(parse_question(t, Path(path), n) for t in row["turns"])
        out.append(Conversation(str(row.get("id", n)), turns))
    return out


def score(q: EvalQuestion, answer: Any, chunks_with_evidence: int, k: int) -> dict[str, Any]:
    """Every metric's verdict for one answered question."""
    relevant = [contains_any(p.text, q.evidence) for p in answer.passages]
    cited_ok = [contains_any(c.quote, q.evidence) or contains_any(c.passage, q.evidence)
                for c in answer.citations]
    correct = (q.answerable and not answer.abstained and contains_any(answer.text, q.answers))
    v: dict[str, Any] = {"abstained": answer.abstained, "citations_correct": cited_ok}
    if q.answerable and q.evidence:  # a question answered by metadata alone has no passage
        v.update({
            "hit@1": any(relevant[:1]), "hit@3": any(relevant[:3]), "hit@5": any(relevant[:5]),
            "mrr": mrr(relevant[:k]), "ndcg": ndcg(relevant, chunks_with_evidence, k)})
    if q.answerable:
        v.update({
            "answer_correct": correct,
            "answer_f1": 0.0 if answer.abstained else max(token_f1(answer.text, a)
                                                          for a in q.answers),
            "covered": correct and any(contains_any(c.quote, q.answers)
                                       for c in answer.citations),
        })
    return v


def summarize(questions: Sequence[EvalQuestion], verdicts: Sequence[dict[str, Any]],
              latencies: Sequence[float]) -> dict[str, float]:
    """The question set's metrics, each in 0..1 except the latencies (ms)."""
    ans = [v for q, v in zip(questions, verdicts, strict=True) if q.answerable]
    unans = [v for q, v in zip(questions, verdicts, strict=True) if not q.answerable]
    cites = [ok for v in verdicts for ok in v["citations_correct"]]
    correct = [v for v in ans if v["answer_correct"]]

    def mean(values: Iterable[float]) -> float:
        values = list(values)
        return sum(values) / len(values) if values else 0.0

    on_topic = [v for q, v in zip(questions, verdicts, strict=True)
                if not q.answerable and q.topic != "off"]
    return {
        **{m: mean(float(v[m]) for v in ans if m in v)
           for m in ("hit@1", "hit@3", "hit@5", "mrr", "ndcg")},
        "answer_accuracy": mean(float(v["answer_correct"]) for v in ans),
        "answer_f1": mean(v["answer_f1"] for v in ans),
        "citation_precision": mean(float(c) for c in cites),
        "citation_coverage": mean(float(v["covered"]) for v in correct),
        "refusal_rate": mean(float(v["abstained"]) for v in unans),
        "refusal_rate_on_topic": mean(float(v["abstained"]) for v in on_topic),
        "false_refusal_rate": mean(float(v["abstained"]) for v in ans),
        "latency_ms_p50": statistics.median(latencies) if latencies else 0.0,
        "latency_ms_p95": percentile(latencies, 95),
    }


def run_set(assistant: Any, questions: Sequence[EvalQuestion], k: int | None = None,
            mode: str | None = None, history_of: Callable[[int], Sequence[str]] | None = None,
            progress: Callable[[int], None] | None = None) -> tuple[dict[str, float],
                                                                     list[dict[str, Any]]]:
    """Ask every question; return (summary, one record per question)."""
    k = k or assistant.settings.top_k
    records, verdicts, latencies = [], [], []
    for i, q in enumerate(questions):
        history = history_of(i) if history_of else ()
        t0 = time.perf_counter()
        answer = assistant.ask(q.question, k=k, mode=mode, history=history)
        latencies.append((time.perf_counter() - t0) * 1e3)
        n_rel = sum(contains_any(c.text, q.evidence) for c in assistant.data.chunks)
        verdict = score(q, answer, n_rel, k)
        verdicts.append(verdict)
        data = answer.to_json()
        data["passages"] = [{"rank": r, **p} for r, p in enumerate(data["passages"], start=1)]
        records.append({"id": q.id, **data, "verdicts": verdict,
                        "latency_ms": latencies[-1], "answerable": q.answerable,
                        "evidence_split": q.answerable and bool(q.evidence) and n_rel == 0,
                        "intent": q.intent, "form": q.form, "topic": q.topic,
                        "article": q.article})
        if progress:
            progress(i + 1)
    return summarize(questions, verdicts, latencies), records


# --- conversations, floors -------------------------------------------------------------

METRICS = ("hit@1", "hit@3", "hit@5", "mrr", "ndcg", "answer_accuracy", "answer_f1",
           "citation_precision", "citation_coverage", "refusal_rate", "refusal_rate_on_topic",
           "false_refusal_rate", "latency_ms_p50", "latency_ms_p95")
# Better when lower: for these a --fail-under value is a ceiling, not a floor.
LOWER_IS_BETTER = frozenset({"false_refusal_rate", "latency_ms_p50", "latency_ms_p95"})


def is_conversation_file(path: Path) -> bool:
    """True when the first non-blank line of a .jsonl file is an object with ``turns``."""
    if Path(path).suffix.lower() not in {".jsonl", ".json"}:
        return False
    try:
        with Path(path).open(encoding="utf-8") as handle:
            first = next((line for line in handle if line.strip()), "")
        row = json.loads(first) if first else None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False  # load_questions reports the problem with its line number
    return isinstance(row, dict) and "turns" in row


def flatten(conversations: Sequence[Conversation]) -> tuple[list[EvalQuestion], list[list[str]]]:
    """Every turn as a question, with the earlier questions of its conversation."""
    questions: list[EvalQuestion] = []
    histories: list[list[str]] = []
    for conv in conversations:
        for i, turn in enumerate(conv.turns):
            questions.append(turn)
            histories.append([t.question for t in conv.turns[:i]])
    return questions, histories


def parse_floors(specs: Sequence[str]) -> dict[str, float]:
    """``["hit@3=0.85", ...]`` as a dict; an unknown metric or bad number is a usage error."""
    floors: dict[str, float] = {}
    for spec in specs:
        name, sep, raw = spec.partition("=")
        name = name.strip()
        if not sep or name not in METRICS:
            raise UsageError(f"--fail-under {spec!r}: unknown metric {name!r}.",
                             fix="Use METRIC=VALUE with one of: " + ", ".join(METRICS) + ".")
        try:
            floors[name] = float(raw)
        except ValueError:
            raise UsageError(f"--fail-under {spec!r}: {raw!r} is not a number.",
                             fix="Write e.g. hit@3=0.85.") from None
    return floors


def failed_floors(summary: dict[str, float], floors: dict[str, float]) -> list[str]:
    """One line per metric that misses its floor (or exceeds its ceiling)."""
    failures = []
    for name, limit in floors.items():
        value = summary[name]
        if name in LOWER_IS_BETTER and value > limit:
            failures.append(f"{name} = {value:.4g} is above its ceiling {limit:g}")
        elif name not in LOWER_IS_BETTER and value < limit:
            failures.append(f"{name} = {value:.4g} is below its floor {limit:g}")
    return failures
