"""Verifier: a model learned from the test library's ``train`` articles that says how likely
a candidate sentence is to answer a question. It re-ranks the candidates (answer selection)
and its best probability is the refusal score.

The shipped model lives in ``assistant/qa/verifier/``: gradient-boosted trees over
:mod:`.verifier_features`, trained with LightGBM and saved as its JSON dump (walked by
:mod:`.trees`, so answering needs no LightGBM), and ``manifest.json`` with the sha256 of
every file, the features, the threshold, the refusal calibration and the figures on
``dev``. Files load only after their checksums match; nothing is unpickled.
``benchmarks/train_verifier.py`` writes them.

>>> Verifier.load(Path("/nonexistent")) is None
True
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError
from ..store.onnx_backend import file_sha256
from .abstain import FEATURES as ABSTAIN
from .assemble import Limits
from .candidates import Scored
from .question import Question
from .trees import Trees
from .verifier_features import FEATURES, Documents, candidate_features

FOLDER = Path(__file__).with_name("verifier")
MANIFEST = "manifest.json"
FIX = "Reinstall the package, or run `.venv/bin/python benchmarks/train_verifier.py` again."


def refusal_inputs(best: float, lead: Mapping[str, float]) -> list[float]:
    """What the refusal calibration reads: the verifier's best probability, its log odds,
    and the abstention signals of the candidate the verifier ranks first."""
    p = min(max(best, 1e-6), 1 - 1e-6)
    return [p, math.log(p / (1 - p)), *(float(lead.get(n, 0.0)) for n in ABSTAIN)]


def calibrated(refusal: Mapping[str, Any], inputs: Sequence[float]) -> float:
    """The logistic calibration of answerability (its weights are in the manifest).

    >>> round(calibrated({"coef": [1.0], "intercept": 0.0}, [0.0]), 2)
    0.5
    """
    z = float(refusal["intercept"]) + sum(c * x for c, x in zip(refusal["coef"], inputs,
                                                                 strict=False))
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


@dataclass(frozen=True)
class Outcome:
    """Candidates re-ranked by the verifier (``score`` is its probability) and the best."""

    ranked: list[Scored]
    confidence: float


def _checked(folder: Path, manifest: Mapping[str, Any]) -> None:
    for name, digest in manifest.get("files", {}).items():
        path = folder / name
        if not path.is_file() or file_sha256(path) != digest:
            raise ModelError(f"The answer verifier's {path} is missing or does not match its "
                             "checksum in manifest.json.", fix=FIX)


class Verifier:
    """Scores and re-ranks candidate sentences; thread-safe after loading."""

    def __init__(self, manifest: Mapping[str, Any], booster: Any,
                 cross: Any = None) -> None:
        self.manifest = dict(manifest)
        self.top = int(manifest["top"])
        self.threshold = float(manifest["threshold"])
        self.booster = booster
        self.cross = cross
        known = {f.name for f in fields(Limits)}
        self.limits = Limits(**{k: v for k, v in manifest.get("limits", {}).items()
                                if k in known})

    @classmethod
    def load(cls, folder: Path = FOLDER) -> Verifier | None:
        """The model in ``folder`` (None when none is shipped there)."""
        path = folder / MANIFEST
        if not path.is_file():
            return None
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"The answer verifier's {path} cannot be read ({exc}).",
                             fix=FIX) from None
        _checked(folder, manifest)
        expected = [*FEATURES, *(["cross"] if manifest.get("cross") else [])]
        if manifest.get("features") != expected:
            raise ModelError(f"The answer verifier in {folder} was trained on other features "
                             "than this code computes.", fix=FIX)
        booster = Trees(json.loads((folder / manifest["model"]).read_text("utf-8")))
        cross = None
        if manifest.get("cross"):
            from ..store.onnx_backend import OnnxCrossEncoder

            spec = manifest["cross"]
            cross = OnnxCrossEncoder(folder / spec["file"], folder / spec["tokenizer"],
                                     int(spec["max_length"]))
        return cls(manifest, booster, cross)

    def rerank(self, question: Question, ranked: Sequence[Scored],
               lead: Callable[[Scored], Mapping[str, float]],
               pair: Callable[[Scored], str], docs: Documents) -> Outcome:
        """The ``top`` best candidates by the verifier's probability, then the rest (never
        quoted: their score is below any probability); ``lead(s)`` gives a candidate's
        abstention signals, ``pair(s)`` its text as the cross-encoder reads it."""
        top = list(ranked[:self.top])
        if not top:
            return Outcome([], 0.0)
        rows = np.array([candidate_features(question, ranked, i, lead(s), docs)
                         for i, s in enumerate(top)], dtype=np.float64)
        if self.cross is not None:
            logits = self.cross.score([(question.query, pair(s)) for s in top])
            rows = np.hstack([rows, logits.reshape(-1, 1)])
        probs = self.booster.predict(rows)
        order = sorted(range(len(top)), key=lambda i: (-probs[i], i))
        rescored = [replace(top[i], score=float(probs[i])) for i in order]
        rest = [replace(s, score=-1.0) for s in ranked[self.top:]]
        best = float(probs.max())
        if "refusal" in self.manifest:  # calibrated with the lead's abstention signals
            best = calibrated(self.manifest["refusal"], refusal_inputs(best, lead(rescored[0])))
        return Outcome(rescored + rest, best)
