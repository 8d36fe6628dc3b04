"""The answer verifier: loaded only after its checksums match, refused when its features
are not this code's, and re-ranking candidates by its probability.

A small LightGBM model is trained here on made-up rows (the loader and the re-ranking are
pure logic); the shipped model is checked on its manifest and on the real index.
"""

from __future__ import annotations

import json
import shutil
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import ModelError
from assistant.qa.abstain import FEATURES as ABSTAIN
from assistant.qa.verifier import FOLDER, MANIFEST, Verifier, refusal_inputs, refusal_names
from assistant.qa.verifier_features import FEATURES, Documents
from assistant.store.onnx_backend import file_sha256


def tiny_model(folder: Path, features: list[str] | None = None) -> Path:
    """A model whose probability rises with the candidate's cosine (feature 0)."""
    import lightgbm

    rng = np.random.default_rng(0)
    x = rng.random((400, len(FEATURES)))
    y = (x[:, 0] > 0.5).astype(float)
    booster = lightgbm.train({"objective": "binary", "verbose": -1, "seed": 1,
                              "num_leaves": 4, "min_data_in_leaf": 5}, lightgbm.Dataset(x, y),
                             num_boost_round=20)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "model.json").write_text(json.dumps(booster.dump_model()), encoding="utf-8")
    manifest = {"model": "model.json", "features": features or list(FEATURES), "top": 3,
                "threshold": 0.5, "limits": {"single": 0.3},
                "files": {"model.json": file_sha256(folder / "model.json")}}
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def with_refusal(folder: Path, inputs: list[str] | None = None) -> Path:
    """Adds a refusal model whose answerability falls as the lead's ``x_words`` rises."""
    import lightgbm

    names = refusal_names()
    column = names.index("x_words")
    rng = np.random.default_rng(1)
    x = rng.random((300, len(names)))
    y = (x[:, column] < 0.5).astype(float)
    booster = lightgbm.train({"objective": "binary", "verbose": -1, "seed": 1,
                              "num_leaves": 4, "min_data_in_leaf": 5}, lightgbm.Dataset(x, y),
                             num_boost_round=20)
    (folder / "refusal.json").write_text(json.dumps(booster.dump_model()), encoding="utf-8")
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    manifest["refusal"] = {"model": "refusal.json", "inputs": inputs or names}
    manifest["files"]["refusal.json"] = file_sha256(folder / "refusal.json")
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_a_folder_without_a_model_loads_none(tmp_path: Path) -> None:
    assert Verifier.load(tmp_path) is None


def test_a_changed_model_file_is_refused(tmp_path: Path) -> None:
    folder = tiny_model(tmp_path / "v")
    with (folder / "model.json").open("a", encoding="utf-8") as handle:
        handle.write("\n")
    with pytest.raises(ModelError, match="does not match its checksum") as info:
        Verifier.load(folder)
    assert "train_verifier.py" in str(info.value)


def test_a_model_of_other_features_is_refused(tmp_path: Path) -> None:
    folder = tiny_model(tmp_path / "v", features=["cosine", "coverage"])
    with pytest.raises(ModelError, match="other features"):
        Verifier.load(folder)


def test_rerank_orders_by_probability_and_keeps_the_rest_below(tmp_path: Path) -> None:
    from assistant.qa.candidates import Scored
    from assistant.qa.question import Question
    from assistant.qa.retrieval import Passage

    verifier = Verifier.load(tiny_model(tmp_path / "v"))
    assert verifier is not None and verifier.limits.single == 0.3
    passage = Passage("c", "d", "text", 1.0, 1, 0.5, 1.0)
    ranked = [Scored(i, passage, cosine=c, coverage=0.0, typed=False, names=0.0,
                     speaker=False, cue="", defines=False, document=0, asks=False,
                     aside=False, score=1.0 - i / 10)
              for i, c in enumerate([0.1, 0.9, 0.2, 0.95])]
    question = Question("q?", "q?", (), False, (), {"q": 1.0}, {"q": 1.0}, (), "", False)
    lead = dict.fromkeys(ABSTAIN, 0.0)
    outcome = verifier.rerank(question, ranked, lambda s: lead, lambda s: "",
                              Documents({"d": 1.0}, frozenset()))
    assert outcome.ranked[0].row == 1  # the high-cosine candidate wins within the top 3
    assert {s.row for s in outcome.ranked[:3]} == {0, 1, 2}
    assert outcome.ranked[-1].row == 3 and outcome.ranked[-1].score == -1.0  # beyond top 3
    assert outcome.confidence == outcome.ranked[0].score > 0.5
    assert all(a.score >= b.score for a, b in pairwise(outcome.ranked))


def test_a_refusal_model_of_other_inputs_is_refused(tmp_path: Path) -> None:
    folder = with_refusal(tiny_model(tmp_path / "v"), inputs=["best"])
    with pytest.raises(ModelError, match="other inputs"):
        Verifier.load(folder)


def test_the_refusal_model_reads_the_lead_candidates_features(tmp_path: Path) -> None:
    verifier = Verifier.load(with_refusal(tiny_model(tmp_path / "v")))
    assert verifier is not None and verifier.refusal is not None
    row = [0.0] * len(FEATURES)
    short, long = list(row), list(row)
    short[FEATURES.index("x_words")], long[FEATURES.index("x_words")] = 0.1, 0.9
    lead = dict.fromkeys(ABSTAIN, 0.0)
    scores = verifier.refusal.predict(np.array([refusal_inputs(0.9, lead, short),
                                                refusal_inputs(0.9, lead, long)]))
    assert scores[0] > 0.5 > scores[1]  # the same best probability, told apart by the lead


def test_numpy_trees_predict_as_lightgbm_does(tmp_path: Path) -> None:
    import lightgbm

    from assistant.qa.trees import Trees

    tiny_model(tmp_path / "v")
    dump = json.loads((tmp_path / "v" / "model.json").read_text(encoding="utf-8"))
    x = np.random.default_rng(3).random((50, len(FEATURES)))
    x[0, 0] = np.nan  # a missing value takes the tree's default branch
    booster = lightgbm.Booster(model_str=lightgbm.train(
        {"objective": "binary", "verbose": -1, "seed": 1, "num_leaves": 4,
         "min_data_in_leaf": 5}, lightgbm.Dataset(np.random.default_rng(0).random(
             (400, len(FEATURES))), (np.random.default_rng(0).random((400, len(
                 FEATURES)))[:, 0] > 0.5).astype(float)), num_boost_round=20).model_to_string())
    assert np.allclose(Trees(booster.dump_model()).predict(x), booster.predict(x),
                       atol=1e-12)
    assert Trees(dump).predict(x).shape == (50,)


def test_the_shipped_model_matches_its_manifest(tmp_path: Path) -> None:
    manifest = json.loads((FOLDER / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["features"][:len(FEATURES)] == list(FEATURES)
    assert set(manifest["files"]) >= {"model.json", "refusal.json"}
    assert manifest["refusal"]["inputs"] == refusal_names()
    assert sum((FOLDER / name).stat().st_size for name in manifest["files"]) < 40 * 2**20
    copy = shutil.copytree(FOLDER, tmp_path / "v")
    assert Verifier.load(copy) is not None
    assert 0.0 < manifest["threshold"] < 1.0 and manifest["metrics"]["dev"]["auc"] > 0.5
