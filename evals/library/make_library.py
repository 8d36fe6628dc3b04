#!/usr/bin/env python3
"""Render the test library: each draft in ``drafts/`` becomes a file in ``articles/`` in its
format (HTML, PDF, DOCX, Markdown or text), with its ground truth beside it.

    .venv/bin/python evals/library/make_library.py            # every article
    .venv/bin/python evals/library/make_library.py SLUG ...    # some

A draft (``drafts/SLUG.json``) holds what a writer wrote: the headline, standfirst, byline,
outlet, date and body, a fact box, related headlines and the site's menu. Its format and
layout variant come from ``splits.toml``. The files look the way users have them: HTML pages
with the metadata only in ``<head>`` (four ways) and nav, cookie banner, share buttons, a fact
box, related links, footer and script; PDFs made with fpdf2 with document information (some
with XMP too), running headers and footers, page numbers, a shaded box, a related-articles
box, in one or two columns, some with words hyphenated across lines; DOCX files with core
properties, a page header, a box in a one-cell table; Markdown with YAML front matter; plain
text with a ``sources.toml`` entry.

``SLUG.truth.json`` is the ground truth ``benchmarks/ingest_eval.py`` scores against: the true
body (the draft's paragraphs), the title, author, outlet and date, and the printed byline.
"""

from __future__ import annotations

import html
import json
import sys
import tomllib
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
DRAFTS, ARTICLES = HERE / "drafts", HERE / "articles"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def long_date(iso: str) -> str:
    y, m, d = (int(x) for x in iso.split("-"))
    return f"{d} {MONTHS[m - 1]} {y}"


def curly(text: str) -> str:
    """Typographic quotes, as many sites print them (the truth keeps straight ones)."""
    out, double = [], True
    for i, ch in enumerate(text):
        if ch == '"':
            out.append("\u201c" if double else "\u201d")
            double = not double
        elif ch == "'":
            prev = text[i - 1] if i else " "
            out.append("\u2019" if prev.isalnum() or prev in ".,!?" else "\u2018")
        else:
            out.append(ch)
    return "".join(out)


# --- HTML ------------------------------------------------------------------------------

def _head(a: dict, variant: int) -> str:
    e = html.escape
    title, outlet, author, date = a["headline"], a["outlet"], a["author"], a["date"]
    stamp = f"{date}T{7 + variant:02d}:30:00+00:00"
    lines = ['<meta charset="utf-8">', '<meta name="viewport" content="width=device-width">']
    if variant == 0:
        lines += [f"<title>{e(title)} | {e(outlet)}</title>",
                  f'<meta name="author" content="{e(author)}">',
                  f'<meta name="date" content="{date}">',
                  f'<meta name="description" content="{e(a["standfirst"])}">']
    elif variant == 1:
        lines += [f"<title>{e(title)} - {e(outlet)}</title>",
                  f'<meta property="og:title" content="{e(title)}">',
                  f'<meta property="og:site_name" content="{e(outlet)}">',
                  '<meta property="og:type" content="article">',
                  f'<meta property="og:url" content="{e(a["url"])}">',
                  f'<meta property="og:description" content="{e(a["standfirst"])}">',
                  f'<meta property="article:published_time" content="{stamp}">',
                  f'<meta property="article:author" content="{e(author)}">']
    elif variant == 2:
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
              "description": a["standfirst"], "datePublished": stamp, "dateModified": stamp,
              "author": {"@type": "Person", "name": author},
              "publisher": {"@type": "Organization", "name": outlet},
              "mainEntityOfPage": a["url"]}
        lines += [f"<title>{e(title)} \u2014 {e(outlet)}</title>",
                  f'<script type="application/ld+json">{json.dumps(ld)}</script>']
    else:
        ld = {"@context": "https://schema.org", "@graph": [
            {"@type": "WebSite", "name": outlet, "url": a["url"].split("/")[0] + "//"
             + a["url"].split("/")[2]},
            {"@type": "NewsArticle", "headline": title, "datePublished": stamp,
             "author": [{"@type": "Person", "name": author}],
             "publisher": {"@type": "NewsMediaOrganization", "name": outlet}}]}
        lines += [f"<title>{e(outlet)}: {e(title)}</title>",
                  '<meta name="twitter:card" content="summary_large_image">',
                  f'<meta name="twitter:title" content="{e(title)}">',
                  f'<meta property="og:site_name" content="{e(outlet)}">',
                  f'<link rel="canonical" href="{e(a["url"])}">',
                  f'<script type="application/ld+json">{json.dumps(ld)}</script>']
    lines.append('<link rel="stylesheet" href="/static/site.css">')
    return "\n".join(lines)


def render_html(a: dict, variant: int) -> str:
    e = html.escape
    text = curly if variant in (1, 3) else (lambda s: s)
    nav = "".join(f'<li><a href="/{s.lower().replace(" ", "-")}">{e(s)}</a></li>'
                  for s in a["site_sections"])
    box = (f'<aside class="{("factbox", "sidebar", "info-box", "panel")[variant]}">'
           f'<h3>{e(a["box"]["heading"])}</h3>'
           + "".join(f"<p>{e(p)}</p>" for p in a["box"]["paragraphs"]) + "</aside>")
    paras = [f"<p>{e(text(p))}</p>" for p in a["body"]]
    at = min(4, len(paras) - 1)
    if variant in (0, 2):
        paras.insert(at, box)  # inside the story, as many sites place it
    share = ('<div class="share-buttons"><span>Share</span><a href="#">Facebook</a>'
             '<a href="#">X</a><a href="#">LinkedIn</a><a href="#">Email</a>'
             '<button>Copy link</button></div>')
    related = "".join(f'<li><a href="/story/{i}">{e(h)}</a></li>'
                      for i, h in enumerate(a["related"]))
    cookie = ('<div id="cookie-consent" class="cookie-banner"><p>We use cookies to give you '
              "the best experience and to show relevant ads. You can change your choices at "
              'any time.</p><button>Accept all</button><button>Manage choices</button></div>')
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
{_head(a, variant)}
</head>
<body>
{cookie if variant != 2 else ""}
<header class="masthead"><a class="logo" href="/">{e(a["outlet"])}</a>
<nav aria-label="Main"><ul>{nav}</ul></nav>
<form class="search"><input type="search" placeholder="Search"><button>Go</button></form>
</header>
<main>
<article>
<h1>{e(a["headline"])}</h1>
<p class="{("standfirst", "dek", "summary", "lede")[variant]}">{e(text(a["standfirst"]))}</p>
{share if variant in (0, 1) else ""}
<div class="article-body">
{chr(10).join(paras)}
</div>
{share if variant in (2, 3) else ""}
</article>
{box if variant in (1, 3) else ""}
<aside class="related"><h2>Related articles</h2><ul>{related}</ul></aside>
<section class="newsletter"><h2>Get our morning briefing</h2><p>Sign up for the day's top
stories in your inbox.</p><form><input type="email" placeholder="Email address">
<button>Sign up</button></form></section>
{cookie if variant == 2 else ""}
</main>
<footer><p>&copy; {a["date"][:4]} {e(a["outlet"])}. All rights reserved.</p>
<ul><li><a href="/about">About us</a></li><li><a href="/privacy">Privacy policy</a></li>
<li><a href="/terms">Terms of use</a></li><li><a href="/contact">Contact</a></li></ul></footer>
<script>window.dataLayer = window.dataLayer || []; dataLayer.push({{"page": "article"}});</script>
<script src="/static/ads.js" async></script>
</body>
</html>
"""


# --- Markdown and text ----------------------------------------------------------------

def render_md(a: dict, variant: int) -> str:
    key = ("publisher", "site_name")[variant % 2]
    date = a["date"] if variant % 2 == 0 else f"{a['date']}T09:00:00Z"
    front = [
        "---",
        f"title: {json.dumps(a['headline'])}",
        f"author: {json.dumps(a['author'])}" if variant % 2 == 0
        else f"authors:\n  - {json.dumps(a['author'])}",
        f"{key}: {json.dumps(a['outlet'])}",
        f"date: {date}",
        f"description: {json.dumps(a['standfirst'])}",
        f"tags: [{', '.join(json.dumps(s.lower()) for s in a['site_sections'][1:3])}]",
        "---", ""]
    body = [f"# {a['headline']}", ""]
    if variant % 2 == 0:
        body += [f"*{a['standfirst']}*", ""]
    box = [f"> **{a['box']['heading']}**", ">"] + [f"> - {p}" for p in a["box"]["paragraphs"]]
    for i, p in enumerate(a["body"]):
        body += [p, ""]
        if i == 3:
            body += [*box, ""]
    body += ["## Related", ""] + [f"- [{h}](/story/{i})" for i, h in enumerate(a["related"])]
    body += ["", "[Share on X](https://x.example/share) · [Share by email](mailto:?subject=story)",
             ""]
    return "\n".join(front + body)


def wrap(paragraph: str, width: int = 72) -> list[str]:
    lines, line = [], ""
    for word in paragraph.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def render_txt(a: dict, variant: int) -> str:
    out = [a["headline"], ""]
    for p in a["body"]:
        out += (wrap(p) if variant % 2 else [p]) + [""]
    return "\n".join(out)


# --- DOCX -----------------------------------------------------------------------------

def render_docx(a: dict, variant: int, path: Path) -> None:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    props = doc.core_properties
    props.title, props.author = a["headline"], a["author"]
    props.created = datetime.fromisoformat(a["date"]).replace(tzinfo=UTC)
    props.subject = a["site_sections"][1] if len(a["site_sections"]) > 1 else ""
    props.last_modified_by = "Copy desk"
    header = doc.sections[0].header.paragraphs[0]
    section = a["site_sections"][1]
    header.text = a["outlet"] if variant % 2 == 0 else f"{a['outlet']} \u2014 {section}"
    doc.sections[0].footer.paragraphs[0].text = a["url"]
    doc.add_paragraph(a["headline"], style="Title")
    doc.add_paragraph(a["standfirst"], style="Subtitle")
    if variant % 2 == 0:
        doc.add_paragraph(f"By {a['author']}, {a['author_role']}").runs[0].bold = True
    for i, p in enumerate(a["body"]):
        doc.add_paragraph(p)
        if i == 5:
            cell = doc.add_table(rows=1, cols=1, style="Table Grid").cell(0, 0)
            cell.paragraphs[0].text = a["box"]["heading"]
            cell.paragraphs[0].runs[0].bold = True
            for item in a["box"]["paragraphs"]:
                cell.add_paragraph(item).runs[0].font.size = Pt(9)
    doc.save(str(path))


# --- truth and driver -------------------------------------------------------------------

def truth(a: dict, fmt: str, variant: int) -> dict:
    printed = fmt == "pdf" or (fmt == "docx" and variant % 2 == 0)
    return {"format": fmt, "variant": variant, "title": a["headline"], "author": a["author"],
            "outlet": a["outlet"], "date": a["date"], "url": a["url"],
            "byline": f"By {a['author']}, {a['author_role']}" if printed else "",
            "standfirst": a["standfirst"], "body": "\n\n".join(a["body"]),
            "furniture": [a["box"]["heading"], *a["box"]["paragraphs"], *a["related"]]}


def render(slug: str, fmt: str, variant: int) -> Path:
    a = json.loads((DRAFTS / f"{slug}.json").read_text(encoding="utf-8"))
    ARTICLES.mkdir(exist_ok=True)
    path = ARTICLES / f"{slug}.{fmt}"
    if fmt == "html":
        path.write_text(render_html(a, variant), encoding="utf-8")
    elif fmt == "md":
        path.write_text(render_md(a, variant), encoding="utf-8")
    elif fmt == "txt":
        path.write_text(render_txt(a, variant), encoding="utf-8")
    elif fmt == "docx":
        render_docx(a, variant, path)
    elif fmt == "pdf":
        from pdf_layout import render_pdf

        render_pdf(a, variant, path)
    else:
        raise SystemExit(f"unknown format {fmt!r} for {slug}")
    (ARTICLES / f"{slug}.truth.json").write_text(
        json.dumps(truth(a, fmt, variant), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def text_entries(library: dict) -> str:
    """``sources.toml`` entries for the plain-text articles (text has no metadata of its own)."""
    out = ["# Metadata for the library's plain-text articles (written by make_library.py).", ""]
    for slug, spec in sorted(library["articles"].items()):
        if spec["format"] != "txt" or not (DRAFTS / f"{slug}.json").exists():
            continue
        a = json.loads((DRAFTS / f"{slug}.json").read_text(encoding="utf-8"))
        out += [f'["{slug}.txt"]', f"title = {json.dumps(a['headline'])}",
                f"author = {json.dumps(a['author'])}", f"publisher = {json.dumps(a['outlet'])}",
                f'date = "{a["date"]}"', f'url = "{a["url"]}"', ""]
    return "\n".join(out)


def _roleless(row: dict, role: str) -> dict:
    """A question asking only for the author's role, made unanswerable (the file does not
    carry the role: only a printed byline does)."""
    fold = " ".join(role.lower().split())
    if (row.get("answerable") and row.get("intent") == "document" and row["answers"]
            and all(" ".join(x.lower().split()) in fold for x in row["answers"])
            and not row["evidence"]):
        return {**row, "answerable": False, "answers": [], "evidence": [], "topic": "on"}
    return row


def fix_role_questions(slug: str) -> None:
    """The writers knew each author's role; a file prints it only in a byline (PDFs, some
    Word files). Elsewhere a question asking for it has no answer in the file."""
    truth = json.loads((ARTICLES / f"{slug}.truth.json").read_text(encoding="utf-8"))
    if truth["byline"]:
        return
    role = json.loads((DRAFTS / f"{slug}.json").read_text(encoding="utf-8"))["author_role"]
    for path in (HERE / "questions" / f"{slug}.jsonl",
                 HERE / "questions" / f"{slug}.conversations.jsonl"):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip()]
        fixed = [({**r, "turns": [_roleless(t, role) for t in r["turns"]]} if "turns" in r
                  else _roleless(r, role)) for r in rows]
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in fixed),
                        encoding="utf-8")


def main(slugs: list[str]) -> None:
    sys.path.insert(0, str(HERE))
    library = tomllib.loads((HERE / "splits.toml").read_text(encoding="utf-8"))
    for slug, spec in sorted(library["articles"].items()):
        if (slugs and slug not in slugs) or not (DRAFTS / f"{slug}.json").exists():
            continue
        print(render(slug, spec["format"], int(spec.get("variant", 0))).relative_to(HERE))
        fix_role_questions(slug)
    (ARTICLES / "sources.toml").write_text(text_entries(library), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
