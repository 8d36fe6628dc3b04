#!/usr/bin/env python3
"""Train the answer verifier and write it, with its manifest, to ``assistant/qa/verifier/``.

    .venv/bin/python benchmarks/verifier_data.py --split train --split dev --single --gsomia
    .venv/bin/python benchmarks/train_verifier.py [--write]

The verifier is a LightGBM model (gradient-boosted trees, saved as its JSON dump, never
pickled, walked with numpy by ``assistant/qa/trees.py``) over
:mod:`assistant.qa.verifier_features`. The other design, a cross-encoder fine-tuned from
all-MiniLM-L6-v2, is ``benchmarks/verifier_cross.py`` (docs/eval.md compares the two).

Fitting reads the ``train`` articles' questions, asked of their library and of each article
alone beside the GSOMIA sources, and half of the GSOMIA tuning sets (the data the
hand-fitted weights were fitted on before). Choosing reads the ``dev`` articles (in their
library and alone) and the other half of the GSOMIA tuning sets: one refusal threshold, the
highest that keeps false refusals at or under 3% in each of those settings, and the assembly
margins (a small grid, end to end on the dev library). ``test``, the never-tuned GSOMIA split
and the third article are never read. Seeded and deterministic; prints the figures;
``--write`` writes the model and a manifest with its sha256, the data's hashes, the
arguments and the dev figures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "out" / "verifier"
TARGET = ROOT / "assistant" / "qa" / "verifier"
sys.path.insert(0, str(ROOT))

from assistant.qa.verifier_features import FEATURES  # noqa: E402

PARAMS = {"objective": "binary", "num_leaves": 15, "learning_rate": 0.05,
          "min_data_in_leaf": 20, "feature_fraction": 0.8, "bagging_fraction": 0.8,
          "bagging_freq": 1, "seed": 7, "deterministic": True, "num_threads": 2,
          "verbose": -1}
ROUNDS = 300
# The refusal model reads one row per question (about 4,000), so its trees are smaller.
REFUSAL_PARAMS = {**PARAMS, "num_leaves": 7, "min_data_in_leaf": 30}
REFUSAL_ROUNDS = 300
# The issue asks for false refusals <= 5% on dev; 3% in every choosing setting keeps the
# GSOMIA sources' false refusals near what the hand-fitted model had (it was held to 3%).
MAX_FALSE_REFUSAL = 0.03
LIMITS = [{"single": s, "multi": m} for s in (0.15, 0.3, 0.5) for m in (0.2, 0.35, 0.5)]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load(split: str) -> list[dict]:
    path = DATA / f"{split}.jsonl"
    if not path.exists():
        raise SystemExit(f"{path} is missing: run benchmarks/verifier_data.py --split {split}")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def matrix(rows: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    x = np.array([c["x"] for r in rows for c in r["candidates"]], dtype=np.float64)
    y = np.array([c["label"] for r in rows for c in r["candidates"]], dtype=np.float64)
    if x.shape[1] != len(FEATURES):
        raise SystemExit("The candidate files were written by other features: run "
                         "benchmarks/verifier_data.py again.")
    return x, y


def per_question(rows: list[dict], probs: np.ndarray) -> list[np.ndarray]:
    out, i = [], 0
    for r in rows:
        n = len(r["candidates"])
        out.append(probs[i:i + n])
        i += n
    return out


def figures(rows: list[dict], probs: np.ndarray, threshold: float | None = None) -> dict:
    """Selection at 1, AUC, and the threshold for <= 5% false refusal (or at a given one)."""
    from sklearn.metrics import roc_auc_score

    groups = per_question(rows, probs)
    best = np.array([g.max() if len(g) else 0.0 for g in groups])
    answerable = np.array([r["answerable"] for r in rows])
    hits = [r["candidates"][int(np.argmax(g))]["label"] for r, g in zip(rows, groups, strict=True)
            if r["answerable"] and r["evidence"] and len(g)]
    heuristic = [r["candidates"][0]["label"] for r in rows
                 if r["answerable"] and r["evidence"] and r["candidates"]]
    if threshold is None:
        ok = np.sort(best[answerable])
        threshold = float(ok[int(np.floor(MAX_FALSE_REFUSAL * len(ok)))]) if len(ok) else 0.5
    on_topic = np.array([not r["answerable"] and r["topic"] != "off" for r in rows])
    return {"selection_at_1": float(np.mean(hits)), "heuristic_selection_at_1":
            float(np.mean(heuristic)), "auc": float(roc_auc_score(answerable, best)),
            "threshold": threshold,
            "false_refusal": float(np.mean(best[answerable] < threshold)),
            "refusal": float(np.mean(best[~answerable] < threshold)),
            "refusal_on_topic": float(np.mean(best[on_topic] < threshold))}


def fit(rows: list[dict], masked: tuple[int, ...] = ()) -> Any:
    import lightgbm

    x, y = matrix(rows)
    x[:, list(masked)] = 0.0  # a masked feature is a constant: the trees cannot use it
    return lightgbm.train(PARAMS, lightgbm.Dataset(x, y), num_boost_round=ROUNDS)


def optional(name: str) -> list[dict]:
    return load(name) if (DATA / f"{name}.jsonl").exists() else []


def gsomia_half(rows: list[dict], choosing: bool) -> list[dict]:
    """Half of the GSOMIA tuning questions (by a hash of their id): one half fits, the other
    helps choose the threshold, so that it holds on the GSOMIA sources too."""
    def odd(row: dict) -> bool:
        return int(hashlib.sha256(row["id"].encode()).hexdigest(), 16) % 2 == 1

    return [r for r in rows if odd(r) == choosing]


def training_rows() -> list[dict]:
    """The train articles in their library and each alone, and half the GSOMIA tuning."""
    return load("train") + optional("train-single") + gsomia_half(optional("gsomia"), False)


def choosing_groups() -> dict[str, list[dict]]:
    """The settings the threshold must hold in: the dev articles in their library, each dev
    article alone beside the GSOMIA sources, the other half of the GSOMIA tuning sets."""
    groups = {"dev library": load("dev"), "dev articles alone": optional("dev-single"),
              "GSOMIA tuning half": gsomia_half(optional("gsomia"), True)}
    return {k: v for k, v in groups.items() if v}


def refusal_scores(refusal: Any, rows: list[dict], probs: list,
                   masked: tuple[int, ...] = ()) -> np.ndarray:
    """The refusal model's answerability score of each question."""
    x = np.array([question_features(r, p, masked) for r, p in zip(rows, probs, strict=True)])
    return refusal.predict(x)


def threshold_for(model: Any, refusal: Any,
                  masked: tuple[int, ...] = ()) -> tuple[float, dict]:
    """The highest refusal threshold with false refusal at or under the ceiling in every
    choosing setting, and the figures of each setting at it."""
    scores = {}
    for name, rows in choosing_groups().items():
        x = matrix(rows)[0]
        x[:, list(masked)] = 0.0
        scores[name] = refusal_scores(refusal, rows, per_question(rows, model.predict(x)),
                                      masked)
    groups = choosing_groups()
    threshold = min(refusal_figures(rows, scores[name])["threshold"]
                    for name, rows in groups.items())
    return threshold, {name: {**figures(rows, model.predict(matrix(rows)[0])),
                              **refusal_figures(rows, scores[name], threshold)}
                       for name, rows in groups.items()}


def refusal_figures(rows: list[dict], scores: np.ndarray, threshold: float | None = None) -> dict:
    from sklearn.metrics import roc_auc_score

    answerable = np.array([r["answerable"] for r in rows])
    if threshold is None:
        ok = np.sort(scores[answerable])
        threshold = float(ok[int(np.floor(MAX_FALSE_REFUSAL * len(ok)))]) if len(ok) else 0.5
    on_topic = np.array([not r["answerable"] and r["topic"] != "off" for r in rows])
    return {"refusal_auc": float(roc_auc_score(answerable, scores)), "threshold": threshold,
            "false_refusal": float(np.mean(scores[answerable] < threshold)),
            "refusal": float(np.mean(scores[~answerable] < threshold)),
            "refusal_on_topic": float(np.mean(scores[on_topic] < threshold))}


def _group(row: dict) -> str:
    """Rows of one article stay in one fold; GSOMIA rows are spread by their id."""
    digest = int(hashlib.sha256(row["id"].encode()).hexdigest(), 16)
    return row["article"] or f"gsomia-{digest % 5}"


def out_of_fold(rows: list[dict], masked: tuple[int, ...] = (), folds: int = 5) -> list:
    """Each training question's candidate probabilities from trees that never saw its
    article (5 folds): what the refusal model learns from."""
    groups = sorted({_group(r) for r in rows})
    fold_of = {g: i % folds for i, g in enumerate(groups)}
    out: list = [None] * len(rows)
    for f in range(folds):
        model = fit([r for r in rows if fold_of[_group(r)] != f], masked)
        held = [i for i, r in enumerate(rows) if fold_of[_group(r)] == f]
        x = matrix([rows[i] for i in held])[0]
        x[:, list(masked)] = 0.0
        for i, p in zip(held, per_question([rows[i] for i in held], model.predict(x)),
                        strict=True):
            out[i] = p
    return out


def question_features(row: dict, probs: np.ndarray, masked: tuple[int, ...] = ()) -> list[float]:
    """What the refusal model reads (:func:`assistant.qa.verifier.refusal_inputs`): the
    verifier's best probability, and the abstention signals and features of the candidate
    it ranks first."""
    from assistant.qa.verifier import refusal_inputs

    if not len(probs):
        return refusal_inputs(0.0, {})
    lead = row["candidates"][int(np.argmax(probs))]
    x = list(lead["x"])
    for i in masked:
        x[i] = 0.0
    return refusal_inputs(float(probs.max()), lead["features"], x)


def fit_refusal(rows: list[dict], oof: list, masked: tuple[int, ...] = ()) -> Any:
    """The refusal model: small trees of answerability over out-of-fold probabilities (a
    question's verifier probabilities from trees that never saw its article)."""
    import lightgbm

    x = np.array([question_features(r, p, masked) for r, p in zip(rows, oof, strict=True)])
    y = np.array([r["answerable"] for r in rows], dtype=np.float64)
    return lightgbm.train(REFUSAL_PARAMS, lightgbm.Dataset(x, y),
                          num_boost_round=REFUSAL_ROUNDS)


def masked_model(names: tuple[str, ...], folder: Path) -> None:
    """The shipped design trained again without the features ``names`` (for ablation),
    its threshold chosen again, written to ``folder``."""
    shipped = json.loads((TARGET / "manifest.json").read_text(encoding="utf-8"))
    columns = tuple(shipped["features"].index(n) for n in names)
    rows = training_rows()
    model = fit(rows, columns)
    refusal = fit_refusal(rows, out_of_fold(rows, columns), columns)
    threshold, _ = threshold_for(model, refusal, columns)
    write(model, folder, {**shipped, "threshold": threshold}, refusal)


def end_to_end(folder: Path, limits: list[dict]) -> list[tuple[dict, dict]]:
    """Dev answer figures for each set of assembly margins, with the model in ``folder``."""
    from assistant.cli.eval_library import CACHE
    from assistant.config import Settings
    from assistant.evaluation import metrics as ev
    from assistant.evaluation.library import Library, assemble
    from assistant.qa import Assistant
    from assistant.qa.assemble import Limits
    from assistant.qa.verifier import Verifier

    library = Library.load(ROOT / "evals" / "library")
    work = ROOT / CACHE / "library-dev"
    sources = assemble(library, "dev", ROOT / "sources", work / "sources")
    bot = Assistant.load(Settings.from_env().replace(sources=sources, index=work / "index",
                                                     verifier="off"))
    verifier = Verifier.load(folder)
    questions = [q for p in library.question_files("dev")[0] for q in ev.load_questions(p)]
    out = []
    for values in limits:
        bot.answerer.verifier, bot.answerer.limits = verifier, Limits(**values)
        summary, _ = ev.run_set(bot, questions)
        out.append((values, summary))
        print(f"  margins {values}: accuracy {summary['answer_accuracy']:.3f}, refusal "
              f"{summary['refusal_rate']:.3f}, false refusal "
              f"{summary['false_refusal_rate']:.3f}", file=sys.stderr)
    return out


def write(model: Any, folder: Path, manifest: dict, refusal: Any) -> None:
    """The verifier's and the refusal model's JSON dumps, and the manifest with their
    sha256."""
    from assistant.qa.verifier import refusal_names

    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    (folder / "model.json").write_text(json.dumps(model.dump_model()), encoding="utf-8")
    (folder / "refusal.json").write_text(json.dumps(refusal.dump_model()), encoding="utf-8")
    manifest["refusal"] = {"model": "refusal.json", "inputs": refusal_names(),
                           "params": REFUSAL_PARAMS, "rounds": REFUSAL_ROUNDS}
    manifest["files"] = {name: sha(folder / name) for name in ("model.json", "refusal.json")}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n",
                                          encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="write the model")
    ap.add_argument("--out", type=Path, default=TARGET, help="where --write writes it")
    args = ap.parse_args()
    start = time.perf_counter()
    train = training_rows()
    model = fit(train)
    refusal = fit_refusal(train, out_of_fold(train))
    threshold, chosen = threshold_for(model, refusal)
    print(json.dumps({"threshold": threshold, **chosen}, indent=1))
    manifest = {
        "version": 1, "design": "trees", "model": "model.json", "features": list(FEATURES),
        "top": max(len(r["candidates"]) for r in train), "threshold": threshold,
        "limits": {}, "params": PARAMS, "rounds": ROUNDS,
        "data": {s: sha(DATA / f"{s}.jsonl") for s in ("train", "train-single", "gsomia",
                                                       "dev", "dev-single")
                 if (DATA / f"{s}.jsonl").exists()},
        "metrics": {"dev": chosen["dev library"], "choosing": chosen}, "seconds": 0.0}
    scratch = ROOT / "benchmarks" / "out" / "verifier-model"
    write(model, scratch, dict(manifest), refusal)
    results = end_to_end(scratch, LIMITS)
    limits, summary = max(results, key=lambda vs: (vs[1]["answer_accuracy"],
                                                   -sum(vs[0].values())))
    manifest["limits"] = limits
    manifest["metrics"]["dev_end_to_end"] = {k: summary[k] for k in (
        "answer_accuracy", "refusal_rate", "refusal_rate_on_topic", "false_refusal_rate",
        "hit@3")}
    manifest["seconds"] = round(time.perf_counter() - start, 1)
    print(json.dumps({"limits": limits, **manifest["metrics"]["dev_end_to_end"]}, indent=1))
    if args.write:
        write(model, args.out, manifest, refusal)
        print(f"Wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
