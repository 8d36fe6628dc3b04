"""`assistant timeline`: the cited events in date order, --json, filters, one-line errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_cli import error_lines, run

from assistant.ingest.sources import load_documents

JSON_KEYS = {"date", "precision", "as_written", "quote", "source_id", "start", "end",
             "paragraph", "title"}
SURVIVES = "korea-japan-gsomia-survives"


def test_help_documents_the_options(tmp_path: Path) -> None:
    proc = run(["timeline", "--help"], tmp_path)
    assert proc.returncode == 0
    for option in ("--json", "--source", "--from", "--to"):
        assert option in proc.stdout
    assert "timeline" in run(["--help"], tmp_path).stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--from", "2019-13"], "--from '2019-13' is not a date"),
    (["--to", "last year"], "--to 'last year' is not a date"),
    (["--from", ""], "--from '' is not a date"),
])
def test_bad_dates_are_usage_errors_before_anything_loads(tmp_path: Path, args: list[str],
                                                          message: str) -> None:
    proc = run(["timeline", *args], tmp_path, sources=tmp_path / "missing")
    assert proc.returncode == 2
    lines = error_lines(proc)
    assert len(lines) == 1 and message in lines[0] and "YYYY-MM" in lines[0]


@pytest.fixture(scope="module")
def real(built_index: tuple, tmp_path_factory: pytest.TempPathFactory) -> dict:
    settings, _ = built_index
    cwd = tmp_path_factory.mktemp("cwd")

    def call(*args: str) -> object:
        return run(["timeline", *args], cwd, sources=settings.sources, index=settings.index)

    return {"call": call, "sources": settings.sources}


@pytest.mark.slow
def test_text_lists_the_events_in_order_with_citations(real: dict) -> None:
    proc = real["call"]()
    assert proc.returncode == 0, proc.stderr
    markers = [int(m) for m in re.findall(r"^\s+\[(\d+)\] \"", proc.stdout, flags=re.M)]
    assert markers == list(range(1, len(markers) + 1)) and len(markers) == 18
    first, last = proc.stdout.index("1965"), proc.stdout.index("17 August 2020")
    assert first < proc.stdout.index("November 2016") < last
    assert proc.stdout.rstrip().endswith("15 events from 2 sources.")


@pytest.mark.slow
def test_json_schema_quotes_and_order(real: dict) -> None:
    proc = real["call"]("--json")
    assert proc.returncode == 0, proc.stderr
    events = json.loads(proc.stdout)["events"]
    texts = {d.id: d.text for d in load_documents(real["sources"])}
    assert len(events) == 15
    for event in events:
        assert set(event) >= JSON_KEYS
        assert event["precision"] in ("day", "month", "year", "range")
        assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", event["date"])
        for citation in event["citations"]:
            assert texts[citation["source_id"]][citation["start"]:citation["end"]] == \
                citation["quote"]
    assert [e["date"] for e in events] == sorted(
        (e["date"] for e in events), key=lambda d: d.ljust(10, "-"))
    both = [e for e in events if len(e["citations"]) == 2]
    assert {e["date"] for e in both} == {"2016-11", "2019-08-22", "2019-11-23"}


@pytest.mark.slow
def test_filters(real: dict) -> None:
    proc = real["call"]("--json", "--source", SURVIVES, "--from", "2020-08-01",
                        "--to", "2020-08-10")
    events = json.loads(proc.stdout)["events"]
    assert {e["source_id"] for e in events} == {SURVIVES}
    assert [e["as_written"] for e in events if e["precision"] == "day"] == ["August 3"]
    assert len(events) == 5  # four dated only to August 2020, and August 3


@pytest.mark.slow
@pytest.mark.parametrize(("args", "message"), [
    (["--source", "nope"], "Unknown source id 'nope'. Use one of: korea-japan"),
    (["--from", "2020", "--to", "2019"], "--from 2020 is after --to 2019"),
])
def test_usage_errors_after_loading(real: dict, args: list[str], message: str) -> None:
    proc = real["call"](*args)
    assert proc.returncode == 2
    lines = error_lines(proc)
    assert len(lines) == 1 and message in lines[0]
