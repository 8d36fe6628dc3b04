"""A small page layout for the library's PDFs, on fpdf2: lines are broken and placed here
(not by fpdf2's flowing text) so that columns, boxes, running heads and hyphenation are
under control and vary by layout variant.

Variants: 0 one column, box in the text, "Page N of M"; 1 two columns, hyphenated, XMP;
2 one column, indented paragraphs, hyphenated, no document title, a later file date than the
printed one; 3 two columns, XMP, a full-width box on page 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fpdf import FPDF

W, H = 595.0, 842.0
MARGIN, TOP, BOTTOM = 56.0, 64.0, 790.0
GUTTER = 20.0
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def long_date(iso: str) -> str:
    y, m, d = (int(x) for x in iso.split("-"))
    return f"{d} {MONTHS[m - 1]} {y}"


def _fonts(pdf: FPDF) -> tuple[str, str]:
    """Serif and sans families: DejaVu (any character) when installed, else the core fonts."""
    if (DEJAVU / "DejaVuSerif.ttf").exists():
        for fam, base in (("serif", "DejaVuSerif"), ("sans", "DejaVuSans")):
            pdf.add_font(fam, "", str(DEJAVU / f"{base}.ttf"))
            pdf.add_font(fam, "B", str(DEJAVU / f"{base}-Bold.ttf"))
            italic = "Italic" if fam == "serif" else "Oblique"
            pdf.add_font(fam, "I", str(DEJAVU / f"{base}-{italic}.ttf"))
        return "serif", "sans"
    return "Times", "Helvetica"


@dataclass
class Cursor:
    page: int = 0
    col: int = 0
    y: float = TOP
    top: float = TOP  # where columns start on this page
    pages: list[list[tuple]] = field(default_factory=list)  # drawing ops per page


class Layout:
    def __init__(self, a: dict, variant: int) -> None:
        self.a, self.v = a, variant
        self.pdf = FPDF(unit="pt", format="A4")
        self.serif, self.sans = _fonts(self.pdf)
        self.cols = 2 if variant in (1, 3) else 1
        self.hyphenate = variant in (1, 2)
        self.colw = (W - 2 * MARGIN - GUTTER * (self.cols - 1)) / self.cols
        self.c = Cursor()
        self.c.pages.append([])

    # --- measuring and breaking -------------------------------------------------------
    def width(self, text: str, font: tuple[str, str, float]) -> float:
        self.pdf.set_font(*font)
        return self.pdf.get_string_width(text)

    def lines(self, text: str, font: tuple[str, str, float], width: float,
              indent: float = 0.0) -> list[str]:
        out, line = [], ""
        words = text.split()
        i = 0
        while i < len(words):
            word = words[i]
            room = width - (indent if not out else 0.0)
            trial = f"{line} {word}" if line else word
            if self.width(trial, font) <= room:
                line, i = trial, i + 1
                continue
            head, tail = self._split(line, word, font, room)
            if head:
                out.append(f"{line} {head}" if line else head)
                words[i] = tail
                line = ""
                continue
            if not line:  # a word longer than the line
                out.append(word)
                i += 1
                continue
            out.append(line)
            line = ""
        if line:
            out.append(line)
        return out

    def _split(self, line: str, word: str, font: tuple[str, str, float],
               room: float) -> tuple[str, str]:
        """Break ``word`` across lines: at its own hyphen, or (when hyphenating) inside it."""
        prefix = f"{line} " if line else ""
        if "-" in word.strip("-"):
            k = word.index("-", 1)
            if self.width(prefix + word[:k + 1], font) <= room:
                return word[:k + 1], word[k + 1:]
        core = word.rstrip(".,;:!?\"')")
        if not self.hyphenate or len(core) < 8 or not core.isalpha() or not core.islower():
            return "", word
        for k in range(len(core) - 4, 3, -1):
            if self.width(prefix + word[:k] + "-", font) <= room:
                return word[:k] + "-", word[k:]
        return "", word

    # --- placing ----------------------------------------------------------------------
    def x(self) -> float:
        return MARGIN + self.c.col * (self.colw + GUTTER)

    def op(self, *args: object) -> None:
        self.c.pages[self.c.page].append(args)

    def advance(self) -> None:
        """Next column, or next page."""
        if self.c.col + 1 < self.cols:
            self.c.col += 1
            self.c.y = self.c.top
            return
        self.c.pages.append([])
        self.c.page += 1
        self.c.col, self.c.top, self.c.y = 0, TOP, TOP
        if self.v == 3 and self.c.page == 1:
            self.box(full=True)
            self.c.top = self.c.y

    def text_block(self, text: str, font: tuple[str, str, float], leading: float,
                   full: bool = False, gap: float = 0.0, indent: float = 0.0) -> None:
        width = W - 2 * MARGIN if full else self.colw
        for n, line in enumerate(self.lines(text, font, width, indent)):
            if self.c.y + leading > BOTTOM:
                self.advance()
            x = (MARGIN if full else self.x()) + (indent if n == 0 else 0.0)
            self.op("text", x, self.c.y + leading * 0.8, line, font)
            self.c.y += leading
        self.c.y += gap

    def box(self, full: bool = False, heading: str = "", items: list[str] | None = None) -> None:
        """A shaded box (fact box, sidebar, related articles) in the column or full width."""
        heading = heading or self.a["box"]["heading"]
        items = self.a["box"]["paragraphs"] if items is None else items
        width = (W - 2 * MARGIN if full else self.colw) - 16
        hfont, ifont = (self.sans, "B", 10.0), (self.sans, "", 8.5)
        rows = [(line, hfont) for line in self.lines(heading, hfont, width)]
        for item in items:
            rows += [(line, ifont) for line in self.lines(item, ifont, width)]
        height = 16 + 12 * len(rows)
        if self.c.y + height > BOTTOM and self.c.y > self.c.top:
            self.advance()
        x = MARGIN if full else self.x()
        self.op("rect", x, self.c.y, width + 16, height)
        y = self.c.y + 8
        for line, font in rows:
            self.op("text", x + 8, y + 9.6, line, font)
            y += 12
        self.c.y += height + 10

    # --- the article ------------------------------------------------------------------
    def front(self) -> None:
        a, v = self.a, self.v
        self.text_block(a["headline"], (self.sans, "B", 20.0), 24, full=True, gap=6)
        self.text_block(a["standfirst"], (self.serif, "I", 12.0), 15.5, full=True, gap=8)
        date = long_date(a["date"])
        if v == 0:
            rows = [f"By {a['author']}, {a['author_role']}", f"{a['dateline_place']}, {date}"]
        elif v == 1:
            rows = [f"By {a['author']}, {a['author_role']} | {date}"]
        elif v == 2:
            rows = [f"By {a['author']}", a["author_role"], f"Published {date}"]
        else:
            rows = [f"By {a['author']}, {a['author_role']}", f"{a['dateline_place']}, {date}"]
        for row in rows:
            self.text_block(row, (self.sans, "B" if row.startswith("By") else "", 9.5), 12.5,
                            full=True)
        self.c.y += 6
        self.op("line", MARGIN, self.c.y, W - MARGIN, self.c.y)
        self.c.y += 12
        self.c.top = self.c.y

    def body(self) -> None:
        font = (self.serif, "", 10.0)
        at = 4 if self.v != 3 else -1
        for i, para in enumerate(self.a["body"]):
            if i == 0 and self.v == 1:  # a dateline opening the first paragraph
                para = f"{self.a['dateline_place'].upper()} - {para}"
            if self.v == 2:
                self.text_block(para, font, 13.5, indent=14.0 if i else 0.0)
            else:
                self.text_block(para, font, 13.5, gap=5.0)
            if i == at:
                self.box()
        related = [f"\u2022 {h}" for h in self.a["related"]]
        self.box(full=self.cols == 1, heading="Related articles", items=related)

    def running_heads(self) -> None:
        a, total = self.a, len(self.c.pages)
        section = a["site_sections"][1] if len(a["site_sections"]) > 1 else "News"
        domain = a["url"].split("/")[2]
        small = (self.sans, "", 8.0)
        for n, ops in enumerate(self.c.pages, start=1):
            if self.v == 0:
                ops += [("text", MARGIN, 40, a["outlet"].upper(), (self.sans, "B", 8.0)),
                        ("rtext", W - MARGIN, 40, section, small),
                        ("ctext", W / 2, 818, f"Page {n} of {total}", small)]
            elif self.v == 1:
                ops += [("text", MARGIN, 40, f"{a['outlet']} | {section}", small),
                        ("text", MARGIN, 818, domain, small),
                        ("rtext", W - MARGIN, 818, str(n), small)]
            elif self.v == 2:
                ops += [("ctext", W / 2, 40, a["outlet"], (self.serif, "I", 9.0)),
                        ("ctext", W / 2, 818, f"- {n} -", small)]
            else:
                ops += [("text", MARGIN, 40, f"{a['outlet'].upper()} \u00b7 "
                         f"{long_date(a['date'])}", small),
                        ("rtext", W - MARGIN, 818, f"Page {n}", small)]
            ops.append(("line", MARGIN, 46, W - MARGIN, 46))

    def draw(self) -> None:
        pdf = self.pdf
        for ops in self.c.pages:
            pdf.add_page()
            for op in ops:
                kind = op[0]
                if kind == "rect":
                    pdf.set_fill_color(236, 236, 230)
                    pdf.set_draw_color(150, 150, 150)
                    pdf.rect(op[1], op[2], op[3], op[4], style="DF")
                elif kind == "line":
                    pdf.set_draw_color(120, 120, 120)
                    pdf.line(op[1], op[2], op[3], op[4])
                else:
                    _, x, y, text, font = op
                    pdf.set_font(*font)
                    w = pdf.get_string_width(text)
                    x = x - w if kind == "rtext" else x - w / 2 if kind == "ctext" else x
                    pdf.text(x, y, text)

    def metadata(self) -> None:
        a, v, pdf = self.a, self.v, self.pdf
        date = datetime.fromisoformat(a["date"]).replace(hour=8, tzinfo=UTC)
        if v != 2:
            pdf.set_title(a["headline"])
        else:
            date += timedelta(days=41)  # saved from the site weeks after it ran
        pdf.set_author(a["author"])
        pdf.set_creation_date(date)
        pdf.set_subject(a["standfirst"])
        pdf.set_creator("NewsDesk Publisher 4.2")
        if v in (1, 3):
            pdf.set_xmp_metadata(xmp(a))


def xmp(a: dict) -> str:
    from xml.sax.saxutils import escape as e

    return (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:xmp="http://ns.adobe.com/xap/1.0/">'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{e(a["headline"])}</rdf:li>'
        '</rdf:Alt></dc:title>'
        f'<dc:creator><rdf:Seq><rdf:li>{e(a["author"])}</rdf:li></rdf:Seq></dc:creator>'
        f'<dc:publisher><rdf:Bag><rdf:li>{e(a["outlet"])}</rdf:li></rdf:Bag></dc:publisher>'
        f'<dc:date><rdf:Seq><rdf:li>{a["date"]}</rdf:li></rdf:Seq></dc:date>'
        f'<xmp:CreateDate>{a["date"]}T08:00:00Z</xmp:CreateDate>'
        '</rdf:Description></rdf:RDF></x:xmpmeta>')


def render_pdf(a: dict, variant: int, path: Path) -> None:
    layout = Layout(a, variant)
    layout.front()
    layout.body()
    layout.running_heads()
    layout.draw()
    layout.metadata()
    layout.pdf.output(str(path))
