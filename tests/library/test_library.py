"""The library manager: the folder stays the truth, only the changed document is embedded
and parsed, the result is the index a full rebuild writes, and every bad input is refused
with a clear message while the folder and the old index stay as they were.

The fake embedder keeps these fast; spaCy, the readers and the index code are real.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from bad_files import MD_ARTICLE, PDF_ARTICLE, bad_uploads, text_pdf
from support import FakeEmbedder

from assistant.config import Settings
from assistant.errors import (
    AssistantError,
    ConfigError,
    DuplicateError,
    NotFoundError,
    SourceError,
    TooLargeError,
    UnsupportedTypeError,
    UsageError,
)
from assistant.ingest.sources import read_metadata
from assistant.library import Library, Upload
from assistant.store import build_index, load_index, read_manifest
from assistant.text import nlp

DELTA = (b"Delta port report\n\nThe port of Rotterdam handled more containers in 2024 than in "
         b"any year before. Officials said the growth came from trade with Asia.\n\nThe port "
         b"authority plans a new terminal by 2027, its director Anna Visser said.\n")


@pytest.fixture
def library(fast_settings: Settings, fake_embedder: FakeEmbedder) -> Library:
    build_index(fast_settings, fake_embedder)
    return Library(fast_settings, fake_embedder)


def full_rebuild_matches(settings: Settings, tmp_path: Path) -> None:
    """The index on disk is the one a full build from the same folder writes."""
    other = settings.replace(index=tmp_path / "full" / "index")
    build_index(other, FakeEmbedder())
    mine, theirs = read_manifest(settings.index), read_manifest(other.index)
    for manifest in (mine, theirs):
        manifest.pop("created_at")
    assert mine == theirs  # same sources, counts and the checksum of every index file


def folder_state(settings: Settings) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in Path(settings.sources).iterdir() if p.is_file()
            and not p.name.startswith(".")}


def test_add_writes_the_folder_and_equals_a_full_rebuild(library: Library, tmp_path: Path
                                                         ) -> None:
    entry = library.add(Upload("Delta Report.txt", DELTA), {"author": "D. Writer",
                                                          "date": "2024-05"})
    folder = Path(library.settings.sources)
    assert entry.id == "Delta-Report" and (folder / "Delta-Report.txt").read_bytes() == DELTA
    assert (entry.title, entry.author, entry.date, entry.format) == (
        "Delta port report", "D. Writer", "2024-05", "txt")
    assert entry.words == len(DELTA.decode().split()) - 3 and entry.passages >= 2
    _, metas = read_metadata(folder)
    assert metas["Delta-Report.txt"].author == "D. Writer" and metas["Delta-Report.txt"].added
    # In file-name order, as the folder lists them (capitals first).
    assert [e.id for e in library.entries()] == ["Delta-Report", "alpha", "beta", "gamma"]
    assert not (folder / ".staging").exists() or not any((folder / ".staging").iterdir())
    full_rebuild_matches(library.settings, tmp_path)


def test_sources_toml_comments_survive(library: Library) -> None:
    toml = Path(library.settings.sources) / "sources.toml"
    toml.write_text("# Kept: a comment the owner wrote\n" + toml.read_text(), encoding="utf-8")
    library.add(Upload("delta.txt", DELTA))
    assert toml.read_text().startswith("# Kept: a comment the owner wrote\n")


def test_replace_update_remove_each_equal_a_full_rebuild(library: Library,
                                                         tmp_path: Path) -> None:
    library.add(Upload("delta.txt", DELTA), {"title": "Port report"})
    markdown = b"# Delta port, revised\n\n" + DELTA.split(b"\n\n", 1)[1] + b"\nA new line.\n"
    entry = library.replace("delta", Upload("whatever.md", markdown))
    folder = Path(library.settings.sources)
    assert entry.id == "delta" and entry.format == "md" and entry.title == "Port report"
    assert (folder / "delta.md").exists() and not (folder / "delta.txt").exists()
    full_rebuild_matches(library.settings, tmp_path / "1")
    entry = library.update("delta", {"title": "", "author": "E. Editor", "date": "2024"})
    assert (entry.title, entry.author, entry.date) == ("Delta port, revised", "E. Editor",
                                                       "2024")
    full_rebuild_matches(library.settings, tmp_path / "2")
    gone = library.remove("delta")
    assert gone.id == "delta" and not (folder / "delta.md").exists()
    assert "delta.md" not in read_metadata(folder)[1]
    assert [e.id for e in library.entries()] == ["alpha", "beta", "gamma"]
    full_rebuild_matches(library.settings, tmp_path / "3")


def test_only_the_new_document_is_embedded_and_parsed(library: Library,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    embedded: list[str] = []
    parsed: list[str] = []
    encode, parse_many = library.embedder.encode, nlp.parse_many

    def spy_encode(texts: Any, show_progress: bool = False) -> Any:
        embedded.extend(texts)
        return encode(texts, show_progress)

    def spy_parse(texts: Any, *args: Any) -> Any:
        texts = list(texts)
        parsed.extend(texts)
        return parse_many(texts, *args)

    monkeypatch.setattr(library.embedder, "encode", spy_encode)
    monkeypatch.setattr(nlp, "parse_many", spy_parse)
    library.add(Upload("delta.txt", DELTA))
    assert embedded and parsed
    assert all("Rotterdam" in t or "Anna Visser" in t or "Delta" in t or "2027" in t
               or "Asia" in t for t in embedded), embedded
    assert all(t in DELTA.decode() for t in parsed), parsed
    data = load_index(library.settings.index)
    assert len(parsed) == sum(1 for s in data.sentences if s.doc_id == "delta")


def test_a_name_taken_by_another_document_gets_a_new_id(library: Library) -> None:
    entry = library.add(Upload("alpha.md", b"# Alpha again\n\nA different note on ports.\n"))
    assert entry.id == "alpha-2" and entry.path == "alpha-2.md"


def test_same_file_and_near_copy_are_refused_with_409_naming_the_document(
        library: Library) -> None:
    library.add(Upload("delta.txt", DELTA))
    with pytest.raises(DuplicateError) as same:
        library.add(Upload("copy.txt", DELTA))
    assert same.value.existing == {"id": "delta", "title": "Delta port report"}
    assert "already in the library" in same.value.message
    near = b"# Delta port report\n\n" + DELTA.split(b"\n\n", 1)[1]  # the same text as .md
    with pytest.raises(DuplicateError) as copy:
        library.add(Upload("delta-notes.md", near))
    assert copy.value.existing["id"] == "delta" and "near-copy" in copy.value.message
    # ...unless it replaces that very document.
    assert library.replace("delta", Upload("delta.md", near)).format == "md"


def test_the_same_article_in_two_formats_is_a_near_copy(fast_settings: Settings,
                                                        fake_embedder: FakeEmbedder,
                                                        tmp_path: Path) -> None:
    """A real article added as Markdown, then as a PDF printed from its body text."""
    build_index(fast_settings, fake_embedder)
    library = Library(fast_settings, fake_embedder)
    entry = library.add(Upload(MD_ARTICLE.name, MD_ARTICLE.read_bytes()))
    body = load_index(fast_settings.index).documents
    text = next(d.text for d in body if d.id == entry.id)
    pdf = text_pdf([p.encode("latin-1", "replace").decode("latin-1")
                    for p in text.split("\n\n")])
    with pytest.raises(DuplicateError) as found:
        library.add(Upload("gigafactory-print.pdf", pdf))
    assert found.value.existing["id"] == entry.id


@pytest.mark.parametrize("name", list(bad_uploads()))
def test_bad_upload_is_refused_and_nothing_changes(fast_settings: Settings,
                                                   fake_embedder: FakeEmbedder,
                                                   name: str) -> None:
    settings = fast_settings.replace(max_file_mb=1)
    build_index(settings, fake_embedder)
    library = Library(settings, fake_embedder)
    before, manifest = folder_state(settings), read_manifest(settings.index)
    data, words = bad_uploads(1)[name]
    with pytest.raises(AssistantError) as refused:
        library.add(Upload(name, data))
    message = str(refused.value)
    assert all(w in message for w in words), message
    assert name in message and ".staging" not in message and str(settings.sources) not in message
    assert folder_state(settings) == before and read_manifest(settings.index) == manifest
    expected = {"tool.exe": UnsupportedTypeError, "huge.txt": TooLargeError}
    assert isinstance(refused.value, expected.get(name, SourceError))


@pytest.mark.parametrize(("name", "stored"), [
    ("../../evil.txt", "evil.txt"), ("..\\..\\evil2.txt", "evil2.txt"),
    ("/etc/passwd.txt", "passwd.txt"), ("sub/dir/ok.md", "ok.md"),
    ("  spaced name .txt", "spaced-name.txt"), (".hidden.txt", "hidden.txt"),
])
def test_names_with_paths_are_stored_safely_inside_the_folder(library: Library, name: str,
                                                              stored: str) -> None:
    root = Path(library.settings.sources).parent
    before = {p for p in root.rglob("*") if ".staging" not in p.parts}
    entry = library.add(Upload(name, DELTA.replace(b"Delta", name.encode()[-8:])))
    assert entry.path == stored
    after = {p for p in root.rglob("*") if ".staging" not in p.parts}
    new = after - before
    assert Path(library.settings.sources) / stored in new
    assert all(p.is_relative_to(library.settings.sources) or p.is_relative_to(
        Path(library.settings.index).parent) for p in new), new


@pytest.mark.parametrize("name", ["..", "../", "/", "...txt"])
def test_names_with_nothing_usable_are_refused(library: Library, name: str) -> None:
    with pytest.raises((UsageError, UnsupportedTypeError)):
        library.add(Upload(name, DELTA))


def test_two_uploads_at_once_are_serialised_and_both_land(library: Library) -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def add(name: str, data: bytes) -> None:
        start.wait(timeout=30)
        try:
            library.add(Upload(name, data))
        except BaseException as exc:  # collected, asserted below
            errors.append(exc)

    other = b"Harbour fees\n\nThe harbour board raised mooring fees by four percent.\n"
    threads = [threading.Thread(target=add, args=args) for args in
               (("delta.txt", DELTA), ("fees.txt", other))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors and {"delta", "fees"} <= {e.id for e in library.entries()}
    manifest = read_manifest(library.settings.index)
    assert {"delta.txt", "fees.txt"} <= set(manifest["sources"])


def test_a_failed_indexing_puts_the_folder_back(library: Library,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.library.manager as manager

    before, manifest = folder_state(library.settings), read_manifest(library.settings.index)

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(manager, "update_index", broken)
    with pytest.raises(OSError, match="disk full"):
        library.add(Upload("delta.txt", DELTA))
    with pytest.raises(OSError, match="disk full"):
        library.remove("gamma")
    assert folder_state(library.settings) == before
    assert read_manifest(library.settings.index) == manifest


def test_unknown_ids_bad_metadata_and_the_last_document(library: Library) -> None:
    with pytest.raises(NotFoundError):
        library.remove("nope")
    with pytest.raises(NotFoundError):
        library.update("nope", {"title": "x"})
    with pytest.raises(UsageError, match="YYYY"):
        library.add(Upload("delta.txt", DELTA), {"date": "last Tuesday"})
    with pytest.raises(UsageError, match="http"):
        library.update("alpha", {"url": "javascript:alert(1)"})
    library.remove("beta")
    library.remove("gamma")
    with pytest.raises(UsageError, match="empty"):
        library.remove("alpha")


def test_a_stale_index_is_rebuilt_in_full(library: Library) -> None:
    """A file dropped into the folder by hand makes the index stale: the next change
    builds from the whole folder, so that file is indexed too."""
    folder = Path(library.settings.sources)
    (folder / "by-hand.txt").write_text("By hand\n\nA note about ferries and fares.\n")
    library.add(Upload("delta.txt", DELTA))
    ids = {d.id for d in load_index(library.settings.index).documents}
    assert {"by-hand", "delta"} <= ids


def test_pdf_article_added(library: Library) -> None:
    entry = library.add(Upload(PDF_ARTICLE.name, PDF_ARTICLE.read_bytes()))
    assert entry.format == "pdf" and entry.words > 500 and entry.author == "Tobias Renwick"
    assert json.loads(json.dumps(entry.to_json()))["id"] == "coral-heat-study"


def test_config_error_type_exists() -> None:
    assert issubclass(ConfigError, UsageError)


def test_answers_in_flight_finish_on_the_old_index(library: Library, fake_embedder: FakeEmbedder,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """An answer whose retrieval is running when an add swaps the index in finishes on the
    index it started with; the next answer uses the new one."""
    from assistant.qa import Assistant

    settings = library.settings
    bot = Assistant(settings, fake_embedder, load_index(settings.index))
    live = Library(settings, fake_embedder, lambda: bot.data, bot.install)
    started, release = threading.Event(), threading.Event()
    old = bot.retriever
    search = old.search

    def held(*args: Any, **kwargs: Any) -> Any:
        started.set()
        assert release.wait(60)
        return search(*args, **kwargs)

    monkeypatch.setattr(old, "search", held)
    done: dict[str, Any] = {}
    worker = threading.Thread(target=lambda: done.update(
        answer=bot.ask("How many containers did the port of Rotterdam handle?", mode="bm25")))
    worker.start()
    assert started.wait(60)
    live.add(Upload("delta.txt", DELTA))  # swapped in while that answer is running
    assert bot.retriever is not old and "delta" in {d.id for d in bot.data.documents}
    release.set()
    worker.join(60)
    assert {p.source_id for p in done["answer"].passages} <= {"alpha", "beta", "gamma"}
    after = bot.ask("How many containers did the port of Rotterdam handle?", mode="bm25")
    assert after.passages[0].source_id == "delta"
