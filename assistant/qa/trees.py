"""Trees: gradient-boosted trees evaluated with numpy, from LightGBM's JSON dump.

The verifier is trained with LightGBM (``benchmarks/train_verifier.py``), which saves its
trees with ``Booster.dump_model()`` as plain JSON. Answering needs only to walk them, and
importing LightGBM (with the scipy and scikit-learn it pulls in) would cost a second at
start-up; here every tree is walked for every row at once, one level per numpy step.

>>> dump = {"tree_info": [{"tree_structure": {"split_feature": 0, "threshold": 0.5,
...     "decision_type": "<=", "default_left": True, "missing_type": "None",
...     "left_child": {"leaf_value": -1.0}, "right_child": {"leaf_value": 1.0}}}],
...     "objective": "binary sigmoid:1"}
>>> Trees(dump).predict(np.array([[0.2], [0.9]])).round(3).tolist()
[0.269, 0.731]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np


class Trees:
    """The sum of the trees' leaves for each row, through a sigmoid (binary objective)."""

    def __init__(self, dump: Mapping[str, Any]) -> None:
        if not str(dump.get("objective", "")).startswith("binary"):
            raise ValueError("Only a binary model can be evaluated here.")
        feature, threshold, left, right, value, leaf, default_left = [], [], [], [], [], [], []
        roots = []

        def add(node: Mapping[str, Any]) -> int:
            i = len(feature)
            for column in (feature, threshold, left, right, value, leaf, default_left):
                column.append(0)
            if "leaf_value" in node:
                value[i], leaf[i], left[i], right[i] = float(node["leaf_value"]), 1, i, i
                return i
            if node.get("decision_type", "<=") != "<=":
                raise ValueError("Only numerical '<=' splits can be evaluated here.")
            feature[i], threshold[i] = int(node["split_feature"]), float(node["threshold"])
            default_left[i] = int(bool(node.get("default_left", True)))
            left[i], right[i] = add(node["left_child"]), add(node["right_child"])
            return i

        for tree in dump["tree_info"]:
            roots.append(add(tree["tree_structure"]))
        self.feature = np.array(feature, dtype=np.int64)
        self.threshold = np.array(threshold, dtype=np.float64)
        self.left, self.right = np.array(left, dtype=np.int64), np.array(right, dtype=np.int64)
        self.value = np.array(value, dtype=np.float64)
        self.leaf = np.array(leaf, dtype=bool)
        self.default_left = np.array(default_left, dtype=bool)
        self.roots = np.array(roots, dtype=np.int64)

    def raw(self, x: np.ndarray) -> np.ndarray:
        """The summed leaf values of each row of ``x`` (rows x features)."""
        x = np.asarray(x, dtype=np.float64)
        rows = np.arange(len(x))[None, :]
        nodes = np.repeat(self.roots[:, None], len(x), axis=1)
        while not self.leaf[nodes].all():
            values = x[rows, self.feature[nodes]]
            go_left = np.where(np.isnan(values), self.default_left[nodes],
                               values <= self.threshold[nodes])
            step = np.where(go_left, self.left[nodes], self.right[nodes])
            nodes = np.where(self.leaf[nodes], nodes, step)
        return self.value[nodes].sum(axis=0)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The probability of each row (the binary objective's sigmoid)."""
        return 1.0 / (1.0 + np.exp(-self.raw(x)))
