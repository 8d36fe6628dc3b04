"""Bad files every front end of the library must refuse with a clear message, made by the
tests (fpdf2, pypdf, zipfile), plus copies of real articles from evals/library.

A plain module (``from bad_files import ...``); each function returns the file's bytes.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ARTICLES = REPO / "evals" / "library" / "articles"
HTML_ARTICLE = ARTICLES / "airline-merger-review.html"
PDF_ARTICLE = ARTICLES / "coral-heat-study.pdf"
DOCX_ARTICLE = ARTICLES / "brewery-buyout.docx"
MD_ARTICLE = ARTICLES / "battery-gigafactory.md"

# A page whose title and text carry markup: it must show as text, and run nothing.
XSS_TITLE = "Harbour pilots <img src=x onerror=alert(31)> strike"
SCRIPT_HTML = f"""<!doctype html>
<html><head><title>{XSS_TITLE.replace('<', '&lt;').replace('>', '&gt;')}</title>
<meta name="author" content="&lt;script&gt;alert(32)&lt;/script&gt; Ana Ruiz">
<script>alert(33)</script></head>
<body><article><h1>{XSS_TITLE.replace('<', '&lt;').replace('>', '&gt;')}</h1>
<p>Harbour pilots at the port of Velmora stopped work on Monday over a new rota, the
pilots' union said, and eleven container ships waited at anchor overnight.</p>
<p>The union's secretary, Tomas Erling, said the rota left pilots with fewer than ten hours
between shifts. "Tired pilots are a danger to every ship in the channel," he said.</p>
<p>The port authority said talks would resume on Thursday. &lt;script&gt;alert(34)&lt;/script&gt;
It expects the queue of ships to clear by the weekend if the pilots return.</p>
<script>document.title = "PWNED"; alert(35)</script>
</article></body></html>
"""


def text_pdf(paragraphs: list[str]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for para in paragraphs:
        pdf.multi_cell(0, 8, para)
        pdf.ln(8)
    return bytes(pdf.output())


def image_only_pdf() -> bytes:
    """A scanned page: one image, no text layer."""
    from fpdf import FPDF
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (200, 280), (240, 240, 230)).save(picture, format="PNG")
    picture.seek(0)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(picture, x=10, y=10, w=180)
    return bytes(pdf.output())


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(text_pdf(["A secret memo about the harbour."]))).pages:
        writer.add_page(page)
    writer.encrypt(user_password="s3cret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def corrupt_docx() -> bytes:
    """A real Word file cut in half: its zip directory is gone."""
    data = DOCX_ARTICLE.read_bytes()
    return data[: len(data) // 2]


def zip_bomb_docx() -> bytes:
    """A .docx whose document part unpacks to 64 MB of zeros from a few kilobytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as part:
            block = b"\0" * 2**20
            for _ in range(64):
                part.write(block)
    return out.getvalue()


# name -> (bytes, words the error message must hold)
def bad_uploads(max_mb: int = 1) -> dict[str, tuple[bytes, tuple[str, ...]]]:
    return {
        "tool.exe": (b"MZ\x90\x00", ("not a supported file type", ".exe")),
        "huge.txt": (b"word " * (max_mb * 2**20 // 5 + 10), ("MB limit",)),
        "empty.txt": (b"", ("empty",)),
        "blank.md": (b"  \n\n \t\n", ("empty",)),
        "scan.pdf": (image_only_pdf(), ("no text layer", "OCR")),
        "locked.pdf": (encrypted_pdf(), ("encrypted",)),
        "broken.docx": (corrupt_docx(), ("damaged",)),
        "bomb.docx": (zip_bomb_docx(), ("zip bomb",)),
    }
