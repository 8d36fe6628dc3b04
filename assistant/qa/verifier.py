"""Verifier: a model learned from the test library's ``train`` articles that says how likely
a candidate sentence is to answer a question. It re-ranks the candidates (answer selection)
and a second small model of trees, reading its best probability with the lead candidate's
signals, gives the refusal score.

The shipped model lives in ``assistant/qa/verifier/``: gradient-boosted trees over
:mod:`.verifier_features`, trained with LightGBM and saved as its JSON dump (walked by
:mod:`.trees`, so answering needs no LightGBM), and ``manifest.json`` with the sha256 of
every file, the features, the threshold, the refusal model's inputs and the figures on
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


# Beside the verifier's best probability and the lead's abstention signals, the refusal
# model reads the lead candidate's question kind (intent, wh-word, follow-up), its place in
# its article and document, and what of the question it leaves out: whether a question has
# an answer at all depends much on what kind of question it is (chosen on dev).
REFUSAL_LEAD = tuple(n for n in FEATURES if n.startswith(("x_", "q_", "i_", "w_", "d_")))


def refusal_inputs(best: float, lead: Mapping[str, float],
                   row: Sequence[float] = ()) -> list[float]:
    """What the refusal model reads: the verifier's best probability, its log odds, the
    abstention signals of the candidate the verifier ranks first (``lead``) and that
    candidate's :data:`REFUSAL_LEAD` features (``row``: its feature vector; none reads 0).

    >>> inputs = refusal_inputs(0.5, {})
    >>> inputs[:2], len(inputs) == 2 + len(ABSTAIN) + len(REFUSAL_LEAD)
    ([0.5, 0.0], True)
    """
    p = min(max(best, 1e-6), 1 - 1e-6)
    named = dict(zip(FEATURES, row, strict=False))
    return [p, math.log(p / (1 - p)), *(float(lead.get(n, 0.0)) for n in ABSTAIN),
            *(float(named.get(n, 0.0)) for n in REFUSAL_LEAD)]


def refusal_names() -> list[str]:
    """The names of :func:`refusal_inputs`, in order (the manifest records them)."""
    return ["best", "best_logit", *(f"a_{n}" for n in ABSTAIN), *REFUSAL_LEAD]


@dataclass(frozen=True)
class Outcome:
    """Candidates re-ranked by the verifier (``score`` is its probability) and the best."""

    ranked: list[Scored]
    confidence: float


def _refusal_model(folder: Path, manifest: Mapping[str, Any]) -> Trees | None:
    """The refusal model the manifest names (None: the best probability is the score)."""
    spec = manifest.get("refusal")
    if not spec:
        return None
    if spec.get("inputs") != refusal_names():
        raise ModelError(f"The refusal model in {folder} was trained on other inputs than "
                         "this code computes.", fix=FIX)
    return Trees(json.loads((folder / spec["model"]).read_text("utf-8")))


def _checked(folder: Path, manifest: Mapping[str, Any]) -> None:
    for name, digest in manifest.get("files", {}).items():
        path = folder / name
        if not path.is_file() or file_sha256(path) != digest:
            raise ModelError(f"The answer verifier's {path} is missing or does not match its "
                             "checksum in manifest.json.", fix=FIX)


class Verifier:
    """Scores and re-ranks candidate sentences; thread-safe after loading."""

    def __init__(self, manifest: Mapping[str, Any], booster: Any,
                 cross: Any = None, refusal: Trees | None = None) -> None:
        self.manifest = dict(manifest)
        self.refusal = refusal
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
        refusal = _refusal_model(folder, manifest)
        cross = None
        if manifest.get("cross"):
            from ..store.onnx_backend import OnnxCrossEncoder

            spec = manifest["cross"]
            cross = OnnxCrossEncoder(folder / spec["file"], folder / spec["tokenizer"],
                                     int(spec["max_length"]))
        return cls(manifest, booster, cross, refusal)

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
        if self.refusal is not None:  # answerability, from the lead and the question's kind
            inputs = refusal_inputs(best, lead(rescored[0]), rows[order[0]])
            best = float(self.refusal.predict(np.array([inputs], dtype=np.float64))[0])
        return Outcome(rescored + rest, best)
