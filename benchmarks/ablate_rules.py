#!/usr/bin/env python3
"""Ablation on ``dev``: what each hand-written rule and each group of the verifier's
features is worth, with the learned verifier in place.

    .venv/bin/python benchmarks/ablate_rules.py [--rules] [--features]

``--rules``: every rule of :class:`assistant.qa.rules.Rules` switched off in turn, the dev
library's questions and conversation turns answered again. ``--features``: the verifier's
trees trained again without each group of features (the shipped model's design and
arguments otherwise), then the same run. Prints a Markdown table of answer accuracy,
refusal (on-topic), false refusal and the change in accuracy against everything on; a rule
or group whose removal costs nothing is a candidate for deletion. ``test`` is never read.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GROUPS = {
    "answer type (typed, defines)": ("s_typed", "s_defines", "a_typed_missing",
                                     "a_defines", "a_defines_missing"),
    "cue (cause, condition, speech)": ("s_cue", "a_cue"),
    "speaker": ("s_speaker", "a_speaker_missing"),
    "names and unknown words": ("s_names", "a_names", "a_unknown_name", "a_unknown_terms",
                                "a_unknown_nouns", "a_name_missing", "a_focus_unknown"),
    "question verb": ("s_predicate", "a_predicate_missing"),
    "centrality and title": ("s_central", "s_echo"),
    "conversation (near, repeat, context doc)": ("s_near", "s_repeat", "d_context"),
    "document affinity": ("d_affinity", "d_affinity_gap", "d_best", "doc_share", "top_doc"),
    "heuristic score and ranks": ("s_score", "score_gap", "position", "passage_rank"),
    "later than the sources, insists": ("a_beyond", "a_insists"),
    "intent and question word": tuple(f"i_{n}" for n in ("factoid", "definition", "cause",
                                      "consequence", "stance", "status", "comparison"))
    + tuple(f"w_{n}" for n in ("who", "what", "which", "where", "when", "how", "why")),
}


def dev_items() -> tuple[Any, list[tuple[Any, list[str]]]]:
    from assistant.cli.eval_library import CACHE
    from assistant.config import Settings
    from assistant.evaluation import metrics as ev
    from assistant.evaluation.library import Library, assemble
    from assistant.qa import Assistant

    library = Library.load(ROOT / "evals" / "library")
    work = ROOT / CACHE / "library-dev"
    sources = assemble(library, "dev", ROOT / "sources", work / "sources")
    bot = Assistant.load(Settings.from_env().replace(sources=sources, index=work / "index"))
    questions, conversations = library.question_files("dev")
    items = [(q, []) for p in questions for q in ev.load_questions(p)]
    for path in conversations:
        for conv in ev.load_conversations(path):
            items += [(t, [x.question for x in conv.turns[:i]]) for i, t in
                      enumerate(conv.turns)]
    return bot, items


def run(bot: Any, items: list[tuple[Any, list[str]]]) -> dict[str, float]:
    from assistant.evaluation import metrics as ev

    verdicts = []
    for q, history in items:
        answer = bot.ask(q.question, history=history)
        verdicts.append((q, ev.score(q, answer, 0, bot.settings.top_k)))
    ans = [v for q, v in verdicts if q.answerable]
    unans = [(q, v) for q, v in verdicts if not q.answerable]
    on = [v for q, v in unans if q.topic != "off"]
    def mean(values: list[float]) -> float:
        return sum(values) / len(values) if values else 0.0

    return {"accuracy": mean([float(v["answer_correct"]) for v in ans]),
            "refusal": mean([float(v["abstained"]) for _, v in unans]),
            "on_topic": mean([float(v["abstained"]) for v in on]),
            "false_refusal": mean([float(v["abstained"]) for v in ans])}


def row(name: str, figures: dict[str, float], base: dict[str, float]) -> str:
    delta = figures["accuracy"] - base["accuracy"]
    return (f"| {name} | {figures['accuracy']:.3f} ({delta:+.3f}) | {figures['refusal']:.3f} "
            f"({figures['on_topic']:.3f}) | {figures['false_refusal']:.3f} |")


def ablate_rules(bot: Any, items: list, base: dict[str, float]) -> list[str]:
    from assistant.qa.rules import Rules

    out = []
    for name in Rules.names():
        rules = dataclasses.replace(Rules(), **{name: False})
        bot.rules = bot.answerer.rules = rules
        out.append(row(f"rule `{name}` off", run(bot, items), base))
        print(out[-1], file=sys.stderr)
    bot.rules = bot.answerer.rules = Rules()
    return out


def ablate_features(bot: Any, items: list, base: dict[str, float]) -> list[str]:
    import train_verifier as tv

    from assistant.qa.verifier import Verifier

    shipped = bot.answerer.verifier
    out = []
    for group, names in GROUPS.items():
        folder = ROOT / "benchmarks" / "out" / "ablate-verifier"
        tv.masked_model(names, folder)
        bot.answerer.verifier = Verifier.load(folder)
        out.append(row(f"verifier without {group}", run(bot, items), base))
        print(out[-1], file=sys.stderr)
    bot.answerer.verifier = shipped
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rules", action="store_true")
    ap.add_argument("--features", action="store_true")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    bot, items = dev_items()
    base = run(bot, items)
    lines = ["| on dev (questions and turns) | accuracy (change) | refusal (on-topic) | "
             "false refusal |", "|---|---|---|---|", row("everything on", base, base)]
    print(lines[-1], file=sys.stderr)
    if args.rules:
        lines += ablate_rules(bot, items, base)
    if args.features:
        lines += ablate_features(bot, items, base)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
