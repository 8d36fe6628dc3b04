"""Small files of every format, made by the tests themselves (fpdf2, python-docx, plain
HTML and Markdown), with the furniture that real files carry.

A PDF page is laid out line by line here (not by fpdf2's text flow) so that the tests
control columns, boxes, running heads and words broken across lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF

W, H, MARGIN, TOP, BOTTOM = 595.0, 842.0, 56.0, 70.0, 780.0
BODY = [
    "The harbour board voted on Monday to rebuild the northern breakwater, ending a "
    "dispute that had lasted more than four years and delayed repairs to the fishing quay.",
    "The work will cost 12 million crowns and take two years, according to the board's "
    "engineers, who said the old wall could fail in a strong winter storm.",
    '"We have waited long enough," said Marta Lind, who chairs the board. "The fishermen '
    'deserve a safe harbour before the next season starts."',
    "Critics said the plan ignored cheaper options. Jon Berg, an engineer who advised the "
    "fishermen's cooperative, said a partial repair would have cost half as much.",
    "If the national grant is approved in March, work will begin in the summer. Otherwise "
    "the board will borrow the money, which would raise harbour fees by about 8 percent.",
    "The breakwater was built in 1958 and last repaired in 1994. Storms in 2021 and 2023 "
    "opened cracks along a third of its length, and divers found the foundations scoured.",
]


@dataclass
class PdfSpec:
    columns: int = 1
    header: str = "THE HARBOUR GAZETTE"
    footer: str = "Page {n} of {total}"
    box: list[str] = field(default_factory=lambda: ["Key facts", "Cost: 12 million crowns",
                                                     "Built: 1958"])
    related: list[str] = field(default_factory=lambda: ["Ferry fares to rise in spring",
                                                         "New lighthouse keeper named"])
    front: list[tuple[str, float, str]] = field(default_factory=lambda: [
        ("Harbour board backs breakwater rebuild", 20.0, "B"),
        ("A four-year dispute ends with a vote for full repairs.", 12.0, "I"),
        ("By Anna Holm, Maritime Correspondent", 9.5, "B"),
        ("Sundby, 3 March 2025", 9.5, "")])
    body: list[str] = field(default_factory=lambda: list(BODY))
    info: dict[str, str] = field(default_factory=lambda: {
        "title": "Harbour board backs breakwater rebuild", "author": "Anna Holm"})
    created: str = "2025-03-03"
    xmp_publisher: str = ""
    hyphenate: tuple[str, ...] = ()  # words to break across a line end, at their middle
    repeat: int = 1  # the body is repeated to fill pages


class _Layout:
    def __init__(self, spec: PdfSpec) -> None:
        self.spec, self.pdf = spec, FPDF(unit="pt", format="A4")
        self.colw = (W - 2 * MARGIN - 20 * (spec.columns - 1)) / spec.columns
        self.pages: list[list[tuple]] = [[]]
        self.col, self.y, self.top = 0, TOP, TOP

    def width(self, text: str, style: str, size: float) -> float:
        self.pdf.set_font("Helvetica", style, size)
        return self.pdf.get_string_width(text)

    def wrap(self, text: str, style: str, size: float, width: float) -> list[str]:
        lines, line = [], ""
        for word in text.split():
            trial = f"{line} {word}".strip()
            if self.width(trial, style, size) <= width:
                line = trial
            elif word.strip(".,") in self.spec.hyphenate:
                half = len(word) // 2
                lines.append(f"{line} {word[:half]}-".strip())
                line = word[half:]
            else:
                lines.append(line)
                line = word
        return [*lines, line] if line else lines

    def advance(self) -> None:
        if self.col + 1 < self.spec.columns:
            self.col, self.y = self.col + 1, self.top
        else:
            self.pages.append([])
            self.col, self.y, self.top = 0, TOP, TOP

    def block(self, text: str, style: str = "", size: float = 10.0, full: bool = False,
              gap: float = 6.0) -> None:
        width = W - 2 * MARGIN if full else self.colw
        for line in self.wrap(text, style, size, width):
            if self.y + size * 1.35 > BOTTOM:
                self.advance()
            x = MARGIN if full else MARGIN + self.col * (self.colw + 20)
            self.pages[-1].append(("text", x, self.y + size, line, style, size))
            self.y += size * 1.35
        self.y += gap

    def boxed(self, lines: list[str]) -> None:
        height = 14.0 * len(lines) + 12
        if self.y + height > BOTTOM:
            self.advance()
        x = MARGIN + self.col * (self.colw + 20)
        self.pages[-1].append(("rect", x, self.y, self.colw, height))
        for i, line in enumerate(lines):
            self.pages[-1].append(("text", x + 6, self.y + 16 + 14 * i, line,
                                   "B" if i == 0 else "", 8.5))
        self.y += height + 10


def write_pdf(path: Path, spec: PdfSpec | None = None) -> Path:
    """A PDF laid out from ``spec``; returns its path."""
    spec = spec or PdfSpec()
    lay = _Layout(spec)
    for text, size, style in spec.front:
        lay.block(text, style, size, full=True, gap=2.0)
    lay.y += 10
    lay.top = lay.y
    for r in range(spec.repeat):
        for i, para in enumerate(spec.body):
            lay.block(para)
            if i == 2 and r == 0 and spec.box:
                lay.boxed(spec.box)
    if spec.related:
        lay.boxed(["Related articles", *spec.related])
    _draw(lay, spec)
    pdf = lay.pdf
    if spec.info.get("title"):
        pdf.set_title(spec.info["title"])
    if spec.info.get("author"):
        pdf.set_author(spec.info["author"])
    pdf.set_creation_date(datetime.fromisoformat(spec.created).replace(tzinfo=UTC))
    if spec.xmp_publisher:
        pdf.set_xmp_metadata(
            '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/'
            '02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/'
            f'dc/elements/1.1/"><dc:publisher><rdf:Bag><rdf:li>{spec.xmp_publisher}</rdf:li>'
            "</rdf:Bag></dc:publisher></rdf:Description></rdf:RDF></x:xmpmeta>")
    pdf.output(str(path))
    return path


def _draw(lay: _Layout, spec: PdfSpec) -> None:
    pdf, total = lay.pdf, len(lay.pages)
    for n, ops in enumerate(lay.pages, start=1):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 8)
        pdf.text(MARGIN, 40, spec.header)
        if spec.footer:
            pdf.set_font("Helvetica", "", 8)
            pdf.text(W / 2 - 20, 815, spec.footer.format(n=n, total=total))
        for op in ops:
            if op[0] == "rect":
                pdf.set_fill_color(230, 230, 225)
                pdf.rect(op[1], op[2], op[3], op[4], style="DF")
            else:
                _, x, y, text, style, size = op
                pdf.set_font("Helvetica", style, size)
                pdf.text(x, y, text)


def write_docx(path: Path, *, header: str = "The Harbour Gazette", byline: bool = True,
               box: bool = True) -> Path:
    from docx import Document

    doc = Document()
    doc.core_properties.title = "Harbour board backs breakwater rebuild"
    doc.core_properties.author = "Anna Holm"
    doc.core_properties.created = datetime(2025, 3, 3, tzinfo=UTC)
    doc.sections[0].header.paragraphs[0].text = header
    doc.add_paragraph("Harbour board backs breakwater rebuild", style="Title")
    doc.add_paragraph("A four-year dispute ends with a vote for full repairs.", style="Subtitle")
    if byline:
        doc.add_paragraph("By Anna Holm, Maritime Correspondent")
    for i, para in enumerate(BODY):
        doc.add_paragraph(para)
        if i == 2 and box:
            doc.add_table(rows=1, cols=1).cell(0, 0).text = "Key facts: built in 1958"
    doc.save(str(path))
    return path
