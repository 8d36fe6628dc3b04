"""The test library: its checker passes, and ingestion meets the extraction figures on
every split and format (the figures ``benchmarks/ingest_eval.py`` prints)."""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_the_library_checker_passes() -> None:
    run = subprocess.run([sys.executable, str(ROOT / "evals" / "library" / "check_library.py")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:]
    assert "40 articles on 13 subjects" in run.stdout


@pytest.mark.slow
def test_extraction_meets_its_figures_per_split_and_format() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import ingest_eval

    rows = [ingest_eval.score(slug, spec) for slug, spec in ingest_eval.articles("all")]
    assert len(rows) == 40
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in rows:
        groups[(row["split"], row["format"])].append(row)
    for (split, fmt), group in groups.items():
        n = len(group)
        assert min(r["body_f1"] for r in group) >= 0.98, (split, fmt)
        assert sum(r["clean"] for r in group) / n >= 0.95, (split, fmt)
        for field in ("title", "author", "date", "outlet"):
            assert sum(r[field] for r in group) / n >= 0.95, (split, fmt, field)
