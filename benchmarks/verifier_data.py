#!/usr/bin/env python3
"""Candidates for the answer verifier: every question of a library split, asked of that
split's library (its articles beside the GSOMIA sources), with the candidate sentences the
answerer weighs and whether each holds the question's evidence.

    .venv/bin/python benchmarks/verifier_data.py --split train [--split dev ...] [--top 12]

Writes ``benchmarks/out/verifier/<split>.jsonl``: one line per question (and conversation
turn, with its history): its labels (article, intent, answerable, topic), its analysis, and
its ``candidates``: the ``--top`` best sentences by today's heuristic score, each with the
scorer's signals, the abstention features it would have as the lead sentence, its text
with its neighbours and its document's title, and ``label`` (1 when it holds evidence).
Questions about an article itself are left out: they are answered from its metadata.

``--single`` asks each article's questions of a library of that article beside the GSOMIA
sources only (``<split>-single.jsonl``), the way a user who drops one article in sees it: the
verifier learns and is judged in both settings.

``--gsomia`` also writes ``gsomia.jsonl``: the GSOMIA tuning sets (the sets the hand-fitted
weights were fitted on before: ``evals/intents/tune*.jsonl``, ``gsomia.jsonl``,
``followups.jsonl``, ``attributes.jsonl``, ``offtopic.jsonl``) asked of the GSOMIA sources
alone, as the default index holds them. The never-tuned GSOMIA split
(``evals/intents/test*.jsonl``), ``heldout.jsonl`` and the third article's sets are never
read.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OUT = ROOT / "benchmarks" / "out" / "verifier"


def fold(text: str) -> str:
    return " ".join(text.lower().replace("\u2019", "'").replace("\u201c", '"')
                    .replace("\u201d", '"').split())


def holds_evidence(sentence: str, evidence: list[str]) -> bool:
    """Does the sentence hold (or lie inside) one of the evidence strings?"""
    s = fold(sentence)
    for ev in evidence:
        e = fold(ev)
        if e in s or s in e:
            return True
        m = difflib.SequenceMatcher(None, s, e, autojunk=False)
        if m.find_longest_match(0, len(s), 0, len(e)).size >= min(40, 0.8 * len(e)):
            return True
    return False


def candidate(bot: Any, inspection: Any, scored: Any, rank: int,
              evidence: list[str]) -> dict[str, Any]:
    ev = bot.answerer.evidence
    row = scored.row
    sentence = ev.sentences[row]
    doc = ev.documents[sentence.doc_id]
    same = [r for r in (row - 1, row + 1) if 0 <= r < len(ev.sentences)
            and ev.sentences[r].doc_id == sentence.doc_id]
    from assistant.qa.verifier_features import candidate_features, documents

    features = bot.answerer.features(inspection.question, list(inspection.ranked), [scored],
                                     list(inspection.passages))
    x = candidate_features(inspection.question, list(inspection.ranked), rank, features,
                           documents(inspection.question, ev, list(inspection.ranked),
                                     inspection.vector))
    signals = {k: v for k, v in asdict(scored).items() if k not in ("passage", "row")}
    signals["cue"] = bool(signals["cue"])
    return {"row": row, "doc": sentence.doc_id, "text": sentence.text, "title": doc.title,
            "before": ev.sentences[same[0]].text if same and same[0] < row else "",
            "after": ev.sentences[same[-1]].text if same and same[-1] > row else "",
            "heuristic_rank": rank, "passage_rank": scored.passage.rank,
            "dense": scored.passage.dense_score, "bm25": scored.passage.bm25_score,
            "signals": signals, "features": features, "x": x,
            "label": int(holds_evidence(sentence.text, evidence))}


def record(bot: Any, q: Any, history: list[str], top: int) -> dict[str, Any] | None:
    inspection = bot.inspect(q.question, history)
    analysed = inspection.question
    if analysed.intent == "document":
        return None
    cands = [candidate(bot, inspection, s, i, list(q.evidence))
             for i, s in enumerate(inspection.ranked[:top])]
    return {"id": q.id, "article": q.article, "intent": q.intent, "form": q.form,
            "topic": q.topic, "answerable": q.answerable, "evidence": list(q.evidence),
            "answers": list(q.answers), "question": q.question, "history": history,
            "text": analysed.text, "query": analysed.query, "analysed_intent": analysed.intent,
            "wh": analysed.wh, "answer_types": list(analysed.answer_types),
            "unknown": list(analysed.unknown), "candidates": cands,
            "reachable": any(c["label"] for c in cands)}


GSOMIA_TUNING = ("evals/intents/tune.jsonl", "evals/gsomia.jsonl", "evals/attributes.jsonl",
                 "evals/offtopic.jsonl")
GSOMIA_CONVERSATIONS = ("evals/intents/tune_conversations.jsonl", "evals/followups.jsonl")


def write(bot: Any, items: list[tuple[Any, list[str]]], out: Path, top: int) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for n, (q, history) in enumerate(items, start=1):
            row = record(bot, q, history, top)
            if row is not None:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            if n % 100 == 0:
                print(f"{out.stem}: {n}/{len(items)}", file=sys.stderr, flush=True)
    return out


def dump_gsomia(top: int) -> Path:
    from assistant.config import Settings
    from assistant.evaluation import metrics as ev
    from assistant.qa import Assistant

    work = ROOT / ".assistant-cache" / "gsomia"
    bot = Assistant.load(Settings.from_env().replace(sources=ROOT / "sources",
                                                     index=work / "index", verifier="off"))
    items: list[tuple[Any, list[str]]] = []
    for name in GSOMIA_TUNING:
        items += [(q, []) for q in ev.load_questions(ROOT / name)]
    for name in GSOMIA_CONVERSATIONS:
        for conv in ev.load_conversations(ROOT / name):
            items += [(t, [x.question for x in conv.turns[:i]]) for i, t in
                      enumerate(conv.turns)]
    return write(bot, items, OUT / "gsomia.jsonl", top)


def dump_single(split: str, top: int) -> Path:
    """Each article of the split indexed alone beside the GSOMIA sources."""
    from assistant.config import Settings
    from assistant.evaluation import metrics as ev
    from assistant.evaluation.library import Library, assemble
    from assistant.qa import Assistant

    library = Library.load(ROOT / "evals" / "library")
    out = OUT / f"{split}-single.jsonl"
    OUT.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for slug in library.slugs(split):
            alone = Library(library.folder, {slug: library.articles[slug]})
            work = ROOT / ".assistant-cache" / "single" / slug
            sources = assemble(alone, "all", ROOT / "sources", work / "sources")
            bot = Assistant.load(Settings.from_env().replace(
                sources=sources, index=work / "index", verifier="off"))
            folder = library.folder / "questions"
            items = [(q, []) for q in ev.load_questions(folder / f"{slug}.jsonl")]
            for conv in ev.load_conversations(folder / f"{slug}.conversations.jsonl"):
                items += [(t, [x.question for x in conv.turns[:i]]) for i, t in
                          enumerate(conv.turns)]
            for q, history in items:
                row = record(bot, q, history, top)
                if row is not None:
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            print(f"{split}-single: {slug}", file=sys.stderr, flush=True)
    return out


def dump(split: str, top: int) -> Path:
    from assistant.config import Settings
    from assistant.evaluation import metrics as ev
    from assistant.evaluation.library import Library, assemble
    from assistant.qa import Assistant

    library = Library.load(ROOT / "evals" / "library")
    work = ROOT / ".assistant-cache" / f"library-{split}"
    sources = assemble(library, split, ROOT / "sources", work / "sources")
    bot = Assistant.load(Settings.from_env().replace(sources=sources, index=work / "index",
                                                     verifier="off"))
    questions, conversations = library.question_files(split)
    items: list[tuple[Any, list[str]]] = []
    for path in questions:
        items += [(q, []) for q in ev.load_questions(path)]
    for path in conversations:
        for conv in ev.load_conversations(path):
            items += [(t, [x.question for x in conv.turns[:i]]) for i, t in
                      enumerate(conv.turns)]
    return write(bot, items, OUT / f"{split}.jsonl", top)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", action="append", choices=("train", "dev", "test"), default=[])
    ap.add_argument("--gsomia", action="store_true", help="also the GSOMIA tuning sets")
    ap.add_argument("--single", action="store_true",
                    help="also each article alone beside the GSOMIA sources")
    ap.add_argument("--top", type=int, default=12, help="candidates kept per question")
    args = ap.parse_args()
    for split in args.split:
        print(f"Wrote {dump(split, args.top)}", file=sys.stderr)
        if args.single:
            print(f"Wrote {dump_single(split, args.top)}", file=sys.stderr)
    if args.gsomia:
        print(f"Wrote {dump_gsomia(args.top)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
