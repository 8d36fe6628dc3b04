"""Fitted: the weights ``benchmarks/calibrate.py`` fitted on the tuning set, read once.

They live in ``fitted.json`` beside this module, so a refit changes data, not code.
A missing file (a fresh checkout before the first fit) means the coded defaults.

>>> isinstance(section("model"), dict)
True
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

PATH = Path(__file__).with_name("fitted.json")


@lru_cache(maxsize=1)
def _all() -> dict[str, Any]:
    try:
        data = json.loads(PATH.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return data if isinstance(data, dict) else {}


def section(name: str) -> dict[str, float]:
    """One section of the fitted values ("weights" or "model"); {} when absent."""
    values = _all().get(name, {})
    return {k: float(v) for k, v in values.items()} if isinstance(values, dict) else {}
