"""CLI: `python -m assistant` in a subprocess: help, clean one-line errors, the JSON answer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import REAL_SOURCES, REPO, write_corpus

from assistant.config import MAX_QUESTION_CHARS
from assistant.errors import QuestionError
from assistant.ingest.sources import load_documents

QUESTION = "Why did South Korea decide to end GSOMIA in August 2019?"
CITATION_KEYS = {"marker", "source_id", "title", "author", "publisher", "date", "url", "quote",
                 "start", "end", "passage", "passage_start", "paragraph", "chunk_id"}  # docs/api.md
PASSAGE_KEYS = {"chunk_id", "source_id", "text", "score"}


def run(args: list[str], cwd: Path, sources: Path | None = None, index: Path | None = None,
        timeout: float = 300, python_args: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONIOENCODING="utf-8")
    if sources is not None:
        env["ASSISTANT_SOURCES"] = str(sources)
    if index is not None:
        env["ASSISTANT_INDEX"] = str(index)
    return subprocess.run([sys.executable, *python_args, "-m", "assistant", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=timeout)


def error_lines(proc: subprocess.CompletedProcess) -> list[str]:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stdout, proc.stdout
    return [line for line in proc.stderr.splitlines() if line.startswith("error:")]


# --- help and start-up cost -------------------------------------------------------------

@pytest.mark.parametrize("args", [["--help"], ["ask", "--help"], ["index", "--help"],
                                  ["status", "--help"]])
def test_help(tmp_path: Path, args: list[str]) -> None:
    proc = run(args, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "usage: assistant" in proc.stdout and proc.stderr == ""


def test_help_lists_commands(tmp_path: Path) -> None:
    out = run(["--help"], tmp_path).stdout
    for command in ("index", "ask", "status"):
        assert command in out
    assert "--json" in run(["ask", "--help"], tmp_path).stdout


def test_parser_imports_no_heavy_libraries(tmp_path: Path) -> None:
    code = ("import assistant.cli, sys; assistant.cli.build_parser(); "
            "print([m for m in ('gradio', 'sentence_transformers', 'torch', 'transformers') "
            "if m in sys.modules])")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_help_importtime_has_no_heavy_libraries(tmp_path: Path) -> None:
    proc = run(["--help"], tmp_path, python_args=("-X", "importtime"))
    assert proc.returncode == 0
    imported = {line.split("|")[-1].strip().split(".")[0]
                for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert "assistant" in imported
    assert not imported & {"gradio", "sentence_transformers", "torch", "transformers", "faiss"}


# --- usage errors: one line, exit code 2, before any model loads -----------------------

@pytest.mark.parametrize("question", ["", "   ", "\t \n ", "\u200b\u00a0",
                                      "x" * (MAX_QUESTION_CHARS + 1)])
def test_bad_question_is_a_usage_error(tmp_path: Path, question: str) -> None:
    # The sources folder does not exist: a usage error must be reported before it matters.
    proc = run(["ask", question], tmp_path, sources=tmp_path / "nowhere",
                index=tmp_path / "index")
    assert proc.returncode == 2, proc.stderr
    [line] = error_lines(proc)
    assert "question" in line.lower()
    assert proc.stdout == "" and not (tmp_path / "index").exists()


def test_too_long_question_message_names_the_limit(tmp_path: Path) -> None:
    proc = run(["ask", "y" * 2500], tmp_path, sources=tmp_path / "nowhere")
    [line] = error_lines(proc)
    assert "2,500" in line and "2,000" in line and proc.returncode == 2


def test_validate_question_limits() -> None:
    from assistant.qa.question import validate_question

    assert validate_question("  When \u201cwas\u201d it\u200b signed? ") == 'When "was" it signed?'
    assert validate_question("q" * MAX_QUESTION_CHARS) == "q" * MAX_QUESTION_CHARS
    for bad in ("", "  ", "q" * (MAX_QUESTION_CHARS + 1), None, 42):
        with pytest.raises(QuestionError):
            validate_question(bad)


@pytest.mark.parametrize("args", [[], ["ask"], ["frobnicate"], ["ask", "q", "--mode", "magic"],
                                  ["ask", "q", "-k", "many"]])
def test_argparse_usage_errors(tmp_path: Path, args: list[str]) -> None:
    proc = run(args, tmp_path)
    assert proc.returncode == 2
    assert "usage:" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize(("variable", "value"), [("ASSISTANT_TOP_K", "lots"),
                                                 ("ASSISTANT_MODE", "psychic")])
def test_bad_environment_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    env = dict(os.environ)
    proc = subprocess.run([sys.executable, "-m", "assistant", "ask", "When was it signed?"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    [line] = error_lines(proc)
    assert variable.removeprefix("ASSISTANT_").lower() in line.lower()


# --- source errors: one clear line, non-zero exit, nothing half-written ----------------

@pytest.mark.parametrize("command", [["index"], ["ask", "When was GSOMIA signed?"]])
def test_missing_sources_folder(tmp_path: Path, command: list[str]) -> None:
    proc = run(command, tmp_path, sources=tmp_path / "nowhere", index=tmp_path / "index")
    assert proc.returncode == 1
    [line] = error_lines(proc)
    assert "nowhere" in line and "does not exist" in line
    assert not (tmp_path / "index").exists()


@pytest.mark.parametrize("command", [["index"], ["ask", "When was GSOMIA signed?"]])
def test_empty_sources_folder(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "empty").mkdir()
    proc = run(command, tmp_path, sources=tmp_path / "empty", index=tmp_path / "index")
    assert proc.returncode != 0
    [line] = error_lines(proc)
    assert "has no documents" in line and "empty" in line


def test_default_sources_folder_is_relative_to_cwd(tmp_path: Path) -> None:
    proc = run(["index"], tmp_path)
    assert proc.returncode != 0
    [line] = error_lines(proc)
    assert "Sources folder sources does not exist" in line


@pytest.mark.parametrize(("name", "content", "message"), [
    ("bad.txt", "Caf\u00e9".encode("latin-1"), "not UTF-8"),
    ("blank.txt", b"   \n", "is empty"),
    ("report.docx", b"PK\x03\x04 this is not a zip archive", "not a valid .docx archive"),
    ("page.html", b"<html><head><title>T</title></head><body><nav>Home</nav></body></html>",
     "page.html"),
])
def test_bad_source_file_named_and_nothing_written(tmp_path: Path, name: str, content: bytes,
                                                   message: str) -> None:
    folder = write_corpus(tmp_path / "src", {"good.txt": "A fine sentence.", name: content})
    proc = run(["index", "--sources", str(folder), "--index", str(tmp_path / "index")], tmp_path)
    assert proc.returncode == 1
    [line] = error_lines(proc)
    assert name in line and message in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["src"]  # no index, no temp folder


def test_malformed_sources_toml_is_a_usage_error(tmp_path: Path) -> None:
    folder = write_corpus(tmp_path / "src", {"a.txt": "Text.", "sources.toml": "[broken"})
    proc = run(["index"], tmp_path, sources=folder, index=tmp_path / "index")
    assert proc.returncode == 2
    [line] = error_lines(proc)
    assert "sources.toml" in line


def test_status_without_index(tmp_path: Path) -> None:
    proc = run(["status"], tmp_path, sources=tmp_path, index=tmp_path / "index")
    assert proc.returncode == 1
    assert "assistant index" in proc.stdout and "Traceback" not in proc.stderr


# --- the real answer (slow: loads the model) --------------------------------------------

@pytest.fixture(scope="module")
def ask_json(built_index: tuple, tmp_path_factory: pytest.TempPathFactory) -> dict:
    settings, _ = built_index
    proc = run(["ask", "--json", QUESTION], tmp_path_factory.mktemp("cwd"),
               sources=settings.sources, index=settings.index)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)  # the whole of stdout is one JSON object


@pytest.mark.slow
def test_ask_json_schema(ask_json: dict) -> None:
    answer = ask_json
    assert {"question", "answer", "abstained", "citations", "passages", "timings_ms"} <= set(answer)
    assert answer["question"] == QUESTION
    assert answer["abstained"] is False and answer["citations"]
    assert isinstance(answer["answer"], str) and "[1]" in answer["answer"]
    for n, citation in enumerate(answer["citations"], start=1):
        assert set(citation) >= CITATION_KEYS
        assert citation["marker"] == n and f"[{n}]" in answer["answer"]
        assert isinstance(citation["start"], int) and isinstance(citation["end"], int)
        assert citation["quote"] in citation["passage"]
        assert citation["title"] and citation["date"] and citation["publisher"]
    assert answer["passages"]
    for passage in answer["passages"]:
        assert set(passage) >= PASSAGE_KEYS
        assert isinstance(passage["score"], int | float)
    scores = [p["score"] for p in answer["passages"]]
    assert scores == sorted(scores, reverse=True)
    assert answer["timings_ms"] and all(isinstance(v, int | float) and v >= 0
                                        for v in answer["timings_ms"].values())


@pytest.mark.slow
def test_ask_json_quotes_match_the_documents(ask_json: dict) -> None:
    docs = {d.id: d for d in load_documents(REAL_SOURCES)}
    for citation in ask_json["citations"]:
        doc = docs[citation["source_id"]]
        assert doc.text[citation["start"]:citation["end"]] == citation["quote"]
        assert citation["title"] == doc.title and citation["author"] == doc.author
        assert citation["publisher"] == doc.publisher and citation["date"] == doc.date
        start = citation["passage_start"]  # documented: the passage's offset in the document
        assert isinstance(start, int) and start <= citation["start"]
        assert doc.text[start:start + len(citation["passage"])] == citation["passage"]
    for passage in ask_json["passages"]:
        assert passage["text"] in docs[passage["source_id"]].text


@pytest.mark.slow
def test_ask_is_deterministic(ask_json: dict, built_index: tuple, tmp_path: Path) -> None:
    settings, _ = built_index
    proc = run(["ask", "--json", QUESTION], tmp_path, sources=settings.sources,
               index=settings.index)
    again = json.loads(proc.stdout)
    assert again["answer"] == ask_json["answer"]
    assert again["citations"] == ask_json["citations"]
    assert [p["chunk_id"] for p in again["passages"]] == [
        p["chunk_id"] for p in ask_json["passages"]]


@pytest.mark.slow
def test_ask_readable_output(built_index: tuple, tmp_path: Path) -> None:
    settings, _ = built_index
    proc = run(["ask", QUESTION], tmp_path, sources=settings.sources, index=settings.index)
    assert proc.returncode == 0, proc.stderr
    assert "[1]" in proc.stdout and "Sources:" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_repo_has_console_script() -> None:
    assert 'assistant = "assistant.cli:main"' in (REPO / "pyproject.toml").read_text()


def test_the_text_answer_says_how_a_respelt_question_was_read() -> None:
    from assistant.cli.core import format_answer
    from assistant.qa.records import Answer

    plain = Answer("Who wrote it?", "Nobody. [1]", False, (), ())
    assert "Read as" not in format_answer(plain)
    read = Answer("What did Klinger say?", "It ended.", True, (), (),
                  read_as="What did Klingner say?")
    assert format_answer(read).splitlines()[0] == "(Read as: What did Klingner say?)"
