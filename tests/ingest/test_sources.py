"""Sources: readers per file type, sources.toml metadata, and clear errors naming the file."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from support import ARTICLE_2019, ARTICLE_2020, REAL_SOURCES, write_corpus

from assistant.errors import ConfigError, SourceError, UsageError
from assistant.ingest.readers import READERS, read_file, read_text
from assistant.ingest.sources import (
    METADATA_FILE,
    SourceMeta,
    fingerprint,
    load_document,
    load_documents,
    read_metadata,
    sha256_file,
    source_files,
)

HTML = """<!doctype html>
<html><head><title>Tab title</title><style>p { color: red; }</style>
<script>var secret = "SCRIPT TEXT";</script></head>
<body>
<nav><a href="/">Home</a> <a href="/menu">NAV MENU</a></nav>
<header>SITE HEADER</header>
<article>
<h1>Seoul Renews GSOMIA</h1>
<p>South Korea renewed the <b>agreement</b> hours before it lapsed.</p>
<p>Japan welcomed the decision.<br>Officials said little more.</p>
<div style="display: none">HIDDEN TEXT</div>
</article>
<footer>FOOTER TEXT</footer>
<script>console.log("MORE SCRIPT")</script>
</body></html>
"""

PDF_SENTENCES = (
    "GSOMIA was signed in November 2016 by South Korea and Japan. It lets the two "
    "countries share military secrets directly, without routing them through the "
    "United States first."
)


def write_pdf(path: Path, paragraphs: list[str]) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for para in paragraphs:
        pdf.multi_cell(0, 8, para)
        pdf.ln(8)
    pdf.output(str(path))
    return path


# --- readers ----------------------------------------------------------------------------

def test_read_text_drops_bom(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes("\ufeffHello there.".encode())
    assert read_text(path) == "Hello there."


def test_read_markdown_keeps_words_only(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("# Title\n\nSee [the pact](http://x.org) and **this** `code`.\n"
                    "![diagram](img.png)\n\n- item one\n\n```\nprint('x')\n```\n", "utf-8")
    text = "\n\n".join(read_file(path).paragraphs)
    assert "See the pact and this code." in text
    assert read_file(path).heading == "Title" and "item one" in text
    for junk in ("http://x.org", "img.png", "diagram", "**", "# ", "print("):
        assert junk not in text


def test_read_html_visible_text_only(tmp_path: Path) -> None:
    path = tmp_path / "a.html"
    path.write_text(HTML, encoding="utf-8")
    extracted = read_file(path)
    text = "\n\n".join(extracted.paragraphs)
    assert extracted.meta.title in ("Seoul Renews GSOMIA", "Tab title")
    assert "South Korea renewed the agreement hours before it lapsed." in text
    assert "Japan welcomed the decision." in text and "Officials said little more." in text
    for junk in ("SCRIPT TEXT", "MORE SCRIPT", "color: red", "NAV MENU", "Home", "SITE HEADER",
                 "FOOTER TEXT", "HIDDEN TEXT"):
        assert junk not in text


def test_html_document_through_load_documents(tmp_path: Path) -> None:
    folder = write_corpus(tmp_path / "s", {"page.html": HTML, "page2.htm": HTML})
    docs = load_documents(folder)
    assert [d.path for d in docs] == ["page.html", "page2.htm"]
    doc = docs[0]
    assert doc.heading in ("Seoul Renews GSOMIA", "Tab title")
    assert doc.text.startswith("South Korea renewed the agreement hours before it lapsed.")
    assert "SCRIPT" not in doc.text and "NAV MENU" not in doc.text


def test_real_pdf_written_by_the_test(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    folder.mkdir()
    write_pdf(folder / "pact.pdf", ["Intelligence Sharing", PDF_SENTENCES,
                                    "A second paragraph closes the note."])
    assert (folder / "pact.pdf").read_bytes().startswith(b"%PDF")
    (folder / METADATA_FILE).write_text('["pact.pdf"]\ntitle = "The Pact"\ndate = "2016-11"\n')
    [doc] = load_documents(folder)
    assert (doc.id, doc.path, doc.title, doc.date) == ("pact", "pact.pdf", "The Pact", "2016-11")
    assert PDF_SENTENCES in doc.text  # the wrapped lines came back as one paragraph
    assert "A second paragraph closes the note." in doc.text
    assert doc.sha256 == sha256_file(folder / "pact.pdf")


def test_broken_pdf_is_a_source_error(tmp_path: Path) -> None:
    folder = write_corpus(tmp_path / "s", {"bad.pdf": b"%PDF-1.4\nthis is not really a pdf"})
    with pytest.raises(SourceError, match=r"bad\.pdf"):
        load_documents(folder)


def test_readers_cover_supported_types() -> None:
    assert {".txt", ".md", ".html", ".htm", ".pdf", ".docx"} <= set(READERS)


# --- metadata ---------------------------------------------------------------------------

def test_metadata_applied(fixture_corpus: Path) -> None:
    docs = {d.path: d for d in load_documents(fixture_corpus)}
    assert list(docs) == ["alpha.txt", "beta.md", "gamma.txt"]
    alpha = docs["alpha.txt"]
    assert (alpha.id, alpha.title, alpha.author, alpha.publisher, alpha.date, alpha.url) == (
        "alpha", "GSOMIA Basics", "A. Writer", "Test Press", "2019-11", "https://example.org/alpha")
    assert alpha.date_label == "November 2019"
    assert docs["beta.md"].title == "Trilateral Sharing"
    assert "Advertisement" not in docs["beta.md"].text          # shared pattern
    assert "Subscribe" not in alpha.text                        # default furniture


def test_file_without_entry_uses_its_file_name(fixture_corpus: Path) -> None:
    gamma = {d.path: d for d in load_documents(fixture_corpus)}["gamma.txt"]
    assert gamma.title == "gamma.txt"
    assert (gamma.author, gamma.publisher, gamma.date, gamma.url) == ("", "", "", "")


def test_folder_without_sources_toml_loads(tmp_path: Path) -> None:
    folder = write_corpus(tmp_path / "s", {"note.txt": "Just one sentence here."})
    [doc] = load_documents(folder)
    assert doc.title == "note.txt" and doc.text == "Just one sentence here."


def test_real_sources_metadata() -> None:
    docs = {d.path: d for d in load_documents(REAL_SOURCES)}
    assert set(docs) == {ARTICLE_2019, ARTICLE_2020}
    assert docs[ARTICLE_2020].author == "Terrence Matsuo"
    assert docs[ARTICLE_2020].date == "2020-08" and docs[ARTICLE_2019].date == "2019-11"
    assert docs[ARTICLE_2019].title.startswith("Why Did South Korea Walk Out")


def test_fingerprint_covers_documents_and_metadata(fixture_corpus: Path) -> None:
    prints = fingerprint(fixture_corpus)
    assert set(prints) == {"alpha.txt", "beta.md", "gamma.txt", METADATA_FILE}
    assert prints["alpha.txt"] == sha256_file(fixture_corpus / "alpha.txt")
    (fixture_corpus / "alpha.txt").write_text("Changed text.", encoding="utf-8")
    assert fingerprint(fixture_corpus)["alpha.txt"] != prints["alpha.txt"]


# --- errors -----------------------------------------------------------------------------

def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="does not exist") as info:
        load_documents(tmp_path / "nowhere")
    assert "nowhere" in str(info.value) and info.value.fix


def test_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(SourceError, match="has no documents") as info:
        load_documents(tmp_path / "empty")
    assert "empty" in str(info.value)


def test_folder_with_only_metadata_and_unsupported_files(tmp_path: Path) -> None:
    folder = write_corpus(tmp_path / "s", {METADATA_FILE: "", "notes.xlsx": b"PK\x03\x04"})
    with pytest.raises(SourceError, match="has no documents"):
        load_documents(folder)


@pytest.mark.parametrize("content", ["", "   \n\n\t  \n"])
def test_empty_file(tmp_path: Path, content: str) -> None:
    folder = write_corpus(tmp_path / "s", {"good.txt": "Fine text.", "blank.txt": content})
    with pytest.raises(SourceError, match="is empty") as info:
        load_documents(folder)
    assert "blank.txt" in str(info.value)


@pytest.mark.parametrize("name", ["latin.txt", "latin.md", "latin.html"])
def test_non_utf8_file(tmp_path: Path, name: str) -> None:
    folder = write_corpus(tmp_path / "s", {name: "Caf\u00e9 cr\u00e8me.".encode("latin-1")})
    with pytest.raises(SourceError, match="not UTF-8") as info:
        load_documents(folder)
    assert name in str(info.value)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_corpus(tmp_path / "s", {"locked.txt": "Secret."})

    def deny(path: Path) -> str:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setitem(READERS, ".txt", deny)
    with pytest.raises(SourceError, match="cannot be read") as info:
        load_documents(folder)
    assert "locked.txt" in str(info.value) and "Permission denied" in str(info.value)


def test_file_with_only_furniture(tmp_path: Path) -> None:
    folder = write_corpus(tmp_path / "s", {"junk.txt": "Leave a Reply\n\nISSN 2330-717X\n"})
    with pytest.raises(SourceError, match="no text left") as info:
        load_documents(folder)
    assert "junk.txt" in str(info.value)


def test_duplicate_ids(tmp_path: Path) -> None:
    folder = write_corpus(tmp_path / "s", {"same.txt": "One.", "same.md": "Two."})
    with pytest.raises(SourceError, match="'same'"):
        load_documents(folder)


@pytest.mark.parametrize("toml", [
    '["a.txt"\ntitle = "A"\n',                 # unclosed table header
    '["a.txt"]\ntitle = A\n',                  # bare value
    '["a.txt"]\ntitle = "A"\ntitle = "B"\n',   # duplicate key
])
def test_malformed_sources_toml(tmp_path: Path, toml: str) -> None:
    folder = write_corpus(tmp_path / "s", {"a.txt": "Text.", METADATA_FILE: toml})
    with pytest.raises(ConfigError, match="not valid TOML") as info:
        load_documents(folder)
    assert METADATA_FILE in str(info.value)
    assert isinstance(info.value, UsageError)


def test_sources_toml_not_utf8(tmp_path: Path) -> None:
    folder = write_corpus(tmp_path / "s", {"a.txt": "Text.",
                                           METADATA_FILE: 'title = "caf\u00e9"'.encode("latin-1")})
    with pytest.raises(ConfigError, match=METADATA_FILE):
        load_documents(folder)


@pytest.mark.parametrize(("toml", "message"), [
    ('["a.txt"]\ntitle = "A"\nauthr = "typo"\n', "unknown keys"),
    ('"a.txt" = "just a string"\n', "must be a table"),
    ('["a.txt"]\ndrop_patterns = ["(unclosed"]\n', "not a valid regular expression"),
    ('drop_patterns = ["[bad"]\n', "not a valid regular expression"),
])
def test_invalid_sources_toml_entries(tmp_path: Path, toml: str, message: str) -> None:
    folder = write_corpus(tmp_path / "s", {"a.txt": "Text.", METADATA_FILE: toml})
    with pytest.raises(ConfigError, match=message) as info:
        load_documents(folder)
    assert METADATA_FILE in str(info.value)


@pytest.mark.parametrize("value", ['"^Advert"', "[1]", '"x"'])
def test_drop_patterns_must_be_a_list_of_strings(tmp_path: Path, value: str) -> None:
    folder = write_corpus(tmp_path / "s", {
        "a.txt": "Keep this text.\n\nAdvertisement\n",
        METADATA_FILE: f'["a.txt"]\ntitle = "A"\ndrop_patterns = {value}\n'})
    with pytest.raises(ConfigError, match="drop_patterns") as info:
        load_documents(folder)
    assert METADATA_FILE in str(info.value)


def test_unsupported_file_skipped_with_warning(fixture_corpus: Path,
                                               caplog: pytest.LogCaptureFixture) -> None:
    (fixture_corpus / "slides.pptx").write_bytes(b"PK\x03\x04 binary")
    (fixture_corpus / "data.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (fixture_corpus / ".hidden.txt").write_text("dotfiles are ignored", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="assistant.sources"):
        docs = load_documents(fixture_corpus)
    assert [d.path for d in docs] == ["alpha.txt", "beta.md", "gamma.txt"]
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("slides.pptx" in m and "unsupported" in m for m in warned)
    assert any("data.csv" in m for m in warned)
    assert not any(".hidden.txt" in m or METADATA_FILE in m for m in warned)


def test_source_files_sorted_and_subfolders_ignored(fixture_corpus: Path) -> None:
    (fixture_corpus / "sub").mkdir()
    (fixture_corpus / "sub" / "inner.txt").write_text("Nested.", encoding="utf-8")
    assert [p.name for p in source_files(fixture_corpus)] == ["alpha.txt", "beta.md", "gamma.txt"]


def test_read_metadata_shared_patterns(fixture_corpus: Path) -> None:
    shared, metas = read_metadata(fixture_corpus)
    assert shared == ("^Advertisement$",)
    assert metas["alpha.txt"] == SourceMeta(title="GSOMIA Basics", author="A. Writer",
                                            publisher="Test Press", date="2019-11",
                                            url="https://example.org/alpha")


def test_load_document_single_file(fixture_corpus: Path) -> None:
    doc = load_document(fixture_corpus / "gamma.txt", SourceMeta(title="G"), ("^Nothing",))
    assert (doc.id, doc.title) == ("gamma", "G")
    assert doc.text == "A third note about GSOMIA. It mentions the agreement once more."
    with pytest.raises(SourceError, match="no text left"):
        load_document(fixture_corpus / "gamma.txt", SourceMeta(), (r"GSOMIA",))
