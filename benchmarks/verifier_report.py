#!/usr/bin/env python3
"""The shipped answer verifier beside the scorer it replaced, on ``dev`` and ``test``:
answer selection at 1 and the AUC of answerable against unanswerable questions.

    .venv/bin/python benchmarks/verifier_report.py [--split dev --split test]

Reads the candidates ``benchmarks/verifier_data.py`` wrote (the library setting and, with
``--single``, each article alone). Selection at 1: of the answerable questions whose
evidence is among the candidates, the share whose top candidate holds it (the hand-fitted
score's top against the verifier's). AUC: the hand-fitted abstention model's confidence
(on the heuristic lead), the verifier's best probability, and the refusal model's score.
Nothing is fitted here; ``test`` is only measured.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def report(split: str) -> str:
    import train_verifier as tv
    from sklearn.metrics import roc_auc_score

    from assistant.qa.abstain import Model
    from assistant.qa.verifier import FOLDER, Verifier

    manifest = json.loads((FOLDER / "manifest.json").read_text(encoding="utf-8"))
    from assistant.qa.trees import Trees

    model = Trees(json.loads((FOLDER / manifest["model"]).read_text(encoding="utf-8")))
    old = Model.fitted()
    rows = tv.load(split)
    probs = tv.per_question(rows, model.predict(tv.matrix(rows)[0]))
    reach = [(r, p) for r, p in zip(rows, probs, strict=True)
             if r["answerable"] and r["evidence"] and r["reachable"]]
    old_sel = np.mean([r["candidates"][0]["label"] for r, _ in reach])
    new_sel = np.mean([r["candidates"][int(np.argmax(p))]["label"] for r, p in reach])
    labels = [int(r["answerable"]) for r in rows]
    old_conf = [old.confidence(r["candidates"][0]["features"]) if r["candidates"] else 0.0
                for r in rows]
    best = [float(p.max()) if len(p) else 0.0 for p in probs]
    shipped = Verifier.load(FOLDER)
    assert shipped is not None and shipped.refusal is not None
    cal = tv.refusal_scores(shipped.refusal, rows, probs)
    return (f"| {split} | {len(reach)} | {old_sel:.3f} | {new_sel:.3f} | "
            f"{roc_auc_score(labels, old_conf):.3f} | {roc_auc_score(labels, best):.3f} | "
            f"{roc_auc_score(labels, cal):.3f} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", action="append", default=[])
    args = ap.parse_args()
    print("| candidates of | questions with evidence among them | selection@1, hand-fitted "
          "score | selection@1, verifier | AUC, hand-fitted abstention | AUC, verifier's best "
          "probability | AUC, refusal model's score |")
    print("|---|---|---|---|---|---|---|")
    for split in args.split or ["dev", "dev-single", "test", "test-single"]:
        if (ROOT / "benchmarks" / "out" / "verifier" / f"{split}.jsonl").exists():
            print(report(split))
    return 0


if __name__ == "__main__":
    sys.exit(main())
