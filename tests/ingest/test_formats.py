"""Each format read as a person reads it: the body without furniture, the metadata from the
file, the byline and dateline kept out of the body; and every bad file named with its fix.

The files are made here (see ``makers``): HTML pages with metadata only in ``<head>`` (three
ways), PDFs with running heads, page numbers, boxes, two columns and broken words, Word
files with core properties and a page header, Markdown with front matter.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from makers import BODY, PdfSpec, write_docx, write_pdf

from assistant.errors import SourceError
from assistant.ingest.sources import SourceMeta, load_document

TITLE, AUTHOR, SITE, DATE = "Harbour board backs breakwater rebuild", "Anna Holm", \
    "The Harbour Gazette", "2025-03-03"
FURNITURE = ("Key facts", "Ferry fares to rise", "Related articles", "Page 1", "HARBOUR GAZETTE",
             "cookies", "Share", "Subscribe", "Home", "All rights reserved", "A four-year dispute",
             "By Anna Holm")


def load(path: Path, max_bytes: int = 20 * 2**20):  # type: ignore[no-untyped-def]
    return load_document(path, SourceMeta(), max_bytes=max_bytes)


def assert_clean(doc, body: list[str] = BODY) -> None:  # type: ignore[no-untyped-def]
    assert doc.text.split("\n\n") == body
    for junk in FURNITURE:
        assert junk not in doc.text, junk


# --- HTML -----------------------------------------------------------------------------

HEADS = {
    "title suffix and meta": f'<title>{TITLE} | {SITE}</title><meta name="author" '
                             f'content="{AUTHOR}"><meta name="date" content="{DATE}">',
    "opengraph": f'<title>{TITLE} - {SITE}</title><meta property="og:title" content="{TITLE}">'
                 f'<meta property="og:site_name" content="{SITE}"><meta property='
                 f'"article:published_time" content="{DATE}T08:00:00Z"><meta name="author" '
                 f'content="{AUTHOR}">',
    "json-ld": f"<title>{TITLE}</title><script type=\"application/ld+json\">" + json.dumps({
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": TITLE,
        "datePublished": f"{DATE}T08:00:00Z", "author": {"@type": "Person", "name": AUTHOR},
        "publisher": {"@type": "Organization", "name": SITE}}) + "</script>",
}


def page(head: str, body: list[str] = BODY) -> str:
    paras = "".join(f"<p>{p}</p>" for p in body[:3])
    paras += ('<aside class="factbox"><h3>Key facts</h3><p>Cost: 12 million crowns</p>'
              "</aside>") + "".join(f"<p>{p}</p>" for p in body[3:])
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>"
            "<div class='cookie-banner'><p>We use cookies to improve your visit.</p>"
            "<button>Accept</button></div><header><nav><ul><li><a href='/'>Home</a></li>"
            "<li><a href='/news'>News</a></li></ul></nav></header><main><article>"
            f"<h1>{TITLE}</h1><p class='standfirst'>A four-year dispute ends with a vote for "
            "full repairs.</p><div class='share'><a>Share</a><a>Email</a></div>"
            f"<div class='article-body'>{paras}</div></article><aside class='related'>"
            "<h2>Related articles</h2><ul><li><a href='/a'>Ferry fares to rise in spring</a>"
            "</li></ul></aside><section><h2>Subscribe</h2><p>Subscribe to our newsletter.</p>"
            "</section></main><footer><p>All rights reserved.</p></footer>"
            "<script>var tracking = 1;</script></body></html>")


@pytest.mark.parametrize("head", HEADS.values(), ids=HEADS.keys())
def test_html_body_and_metadata_from_head(tmp_path: Path, head: str) -> None:
    path = tmp_path / "harbour.html"
    path.write_text(page(head), encoding="utf-8")
    doc = load(path)
    assert_clean(doc)
    assert (doc.title, doc.author, doc.publisher, doc.date, doc.format) == (
        TITLE, AUTHOR, SITE, DATE, "html")


def test_html_without_main_text(tmp_path: Path) -> None:
    path = tmp_path / "menu.html"
    path.write_text("<html><body><nav><a href='/'>Home</a> <a href='/x'>News</a></nav>"
                    "<footer>All rights reserved.</footer></body></html>", encoding="utf-8")
    with pytest.raises(SourceError, match=r"menu\.html: its main text cannot be found") as info:
        load(path)
    assert "reader view" in str(info.value)


# --- PDF ------------------------------------------------------------------------------

def test_pdf_one_column_with_running_heads_box_and_byline(tmp_path: Path) -> None:
    doc = load(write_pdf(tmp_path / "harbour.pdf", PdfSpec(repeat=3)))
    assert_clean(doc, BODY * 3)  # over two pages: the header repeats
    assert (doc.title, doc.author, doc.publisher, doc.date) == (TITLE, AUTHOR, SITE, DATE)
    assert doc.byline == "By Anna Holm, Maritime Correspondent"
    assert doc.heading == TITLE


def test_pdf_two_columns_over_pages_with_broken_words(tmp_path: Path) -> None:
    spec = PdfSpec(columns=2, repeat=4, hyphenate=("engineers", "fishermen", "foundations"))
    doc = load(write_pdf(tmp_path / "two.pdf", spec))
    assert_clean(doc, BODY * 4)  # column order, joined across columns and pages
    assert "engi-" not in doc.text and "engineers" in doc.text


def test_pdf_printed_date_beats_a_later_file_date(tmp_path: Path) -> None:
    spec = PdfSpec(created="2025-05-20", info={"author": AUTHOR}, xmp_publisher="Gazette Media")
    doc = load(write_pdf(tmp_path / "saved-later.pdf", spec))
    assert doc.date == DATE  # printed "Sundby, 3 March 2025", not the file's 20 May
    assert doc.title == TITLE  # no /Title: the largest text of page 1
    assert doc.publisher == "Gazette Media"  # XMP Dublin Core beats the running header


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    from fpdf import FPDF
    from PIL import Image

    image = tmp_path / "scan.png"
    Image.new("RGB", (200, 280), "white").save(image)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(image), x=10, y=10, w=180)
    pdf.output(str(tmp_path / "scan.pdf"))
    with pytest.raises(SourceError, match=r"scan\.pdf has no text layer") as info:
        load(tmp_path / "scan.pdf")
    assert "OCR" in str(info.value)


def test_encrypted_pdf(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    plain = write_pdf(tmp_path / "plain.pdf")
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password="secret", owner_password="owner")
    with open(tmp_path / "locked.pdf", "wb") as out:
        writer.write(out)
    with pytest.raises(SourceError, match=r"locked\.pdf is encrypted with a password"):
        load(tmp_path / "locked.pdf")


def test_pdf_with_only_an_owner_password_reads(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(write_pdf(tmp_path / "plain.pdf")))
    writer.encrypt(user_password="", owner_password="owner")
    with open(tmp_path / "owner.pdf", "wb") as out:
        writer.write(out)
    assert load(tmp_path / "owner.pdf").text.split("\n\n") == BODY


# --- Word -----------------------------------------------------------------------------

@pytest.mark.parametrize("byline", [True, False])
def test_docx_core_properties_header_and_styles(tmp_path: Path, byline: bool) -> None:
    doc = load(write_docx(tmp_path / "harbour.docx", byline=byline))
    assert_clean(doc)
    assert (doc.title, doc.author, doc.publisher, doc.date, doc.format) == (
        TITLE, AUTHOR, SITE, DATE, "docx")
    assert doc.byline == ("By Anna Holm, Maritime Correspondent" if byline else "")


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(("content", "message"), [
    (b"PK\x03\x04 this is not a zip archive", "not a valid .docx archive"),
    ("no-document", "has no word/document.xml"),
    ("bomb", "looks like a zip bomb"),
])
def test_bad_docx(tmp_path: Path, content: bytes | str, message: str) -> None:
    path = tmp_path / "bad.docx"
    if content == "no-document":
        _zip(path, {"[Content_Types].xml": b"<Types/>"})
    elif content == "bomb":
        _zip(path, {"word/document.xml": b"\0" * (30 * 2**20)})
    else:
        path.write_bytes(content)  # type: ignore[arg-type]
    with pytest.raises(SourceError, match=message) as info:
        load(path)
    assert "bad.docx" in str(info.value)


# --- Markdown and text -------------------------------------------------------------------

@pytest.mark.parametrize("front", [
    f'title: "{TITLE}"\nauthor: {AUTHOR}\npublisher: {SITE}\ndate: {DATE}',
    f'title: "{TITLE}"\nauthors:\n  - {AUTHOR}\nsite_name: "{SITE}"\ndate: {DATE}T09:00:00Z',
])
def test_markdown_front_matter_and_furniture(tmp_path: Path, front: str) -> None:
    body = "\n\n".join(BODY[:3]) + "\n\n> **Key facts**\n>\n> - Built: 1958\n\n" + \
        "\n\n".join(BODY[3:])
    text = (f"---\n{front}\n---\n\n# {TITLE}\n\n*A four-year dispute ends with a vote for "
            f"full repairs.*\n\n{body}\n\n## Related\n\n- [Ferry fares to rise in spring](/a)"
            "\n\n[Share on X](https://x.example) · [Email](mailto:x)\n")
    path = tmp_path / "harbour.md"
    path.write_text(text, encoding="utf-8")
    doc = load(path)
    assert_clean(doc)
    assert (doc.title, doc.author, doc.publisher, doc.date) == (TITLE, AUTHOR, SITE, DATE)


def test_markdown_with_broken_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "broken.md"
    path.write_text("---\ntitle: [unclosed\n---\nBody.\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"broken\.md: its front matter is not valid YAML"):
        load(path)


def test_text_byline_and_dateline_leave_the_body(tmp_path: Path) -> None:
    path = tmp_path / "harbour.txt"
    path.write_text(f"{TITLE}\n\nBy Anna Holm, Maritime Correspondent\n\nSUNDBY - {BODY[0]}"
                    "\n\n" + "\n\n".join(BODY[1:]) + "\n", encoding="utf-8")
    doc = load(path)
    assert_clean(doc)
    assert (doc.author, doc.byline, doc.heading) == (
        AUTHOR, "By Anna Holm, Maritime Correspondent", TITLE)


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 5000, encoding="utf-8")
    with pytest.raises(SourceError, match=r"big\.txt is 0\.0 MB, over the 0 MB limit") as info:
        load(path, max_bytes=1000)
    assert "ASSISTANT_MAX_FILE_MB" in str(info.value)
