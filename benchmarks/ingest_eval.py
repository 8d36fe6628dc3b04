#!/usr/bin/env python3
"""How well ingestion reads the test library, per format: body text, furniture, metadata.

    .venv/bin/python benchmarks/ingest_eval.py [--split train|dev|test|all] [--compare-html]
                                               [--json OUT] [--verbose]

For every article of ``evals/library`` (its split from ``splits.toml``), the file is read as
``assistant index`` reads it (with the library's ``sources.toml`` for the plain-text ones)
and compared with its ``.truth.json``:

- body: character F1 of the cleaned body against the true body (words aligned with
  difflib, each matched word counting its characters; quotes and spaces normalised);
- furniture: the file passes when no furniture line is left in the body: the fact box, the
  related headlines, the headline, standfirst and byline, menu labels, page numbers;
- title, author, date, outlet: exact (case and spaces folded).

``--compare-html`` also scores the HTML pages with the earlier BeautifulSoup reader (body
only) and htmldate's date, the alternatives trafilatura was chosen over. ``--outside`` scores
``evals/outside``: eight files made independently of this code by a helper who never saw it
(reportlab and fpdf2 PDFs, WordPress-style, newspaper, table-layout and press-release pages,
a Word file), each with its ``FILE.truth.json``.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT / "evals" / "library"
sys.path.insert(0, str(ROOT))

from assistant.errors import AssistantError  # noqa: E402
from assistant.ingest.cleaning import normalize_characters  # noqa: E402
from assistant.ingest.sources import SourceMeta, load_document, read_metadata  # noqa: E402

TARGETS = {"body_f1": 0.98, "clean_files": 0.95, "title": 0.95, "author": 0.95, "date": 0.95,
           "outlet": 0.95}


def words(text: str) -> list[str]:
    return normalize_characters(text).split()


def char_f1(predicted: str, true: str) -> float:
    """F1 over characters, from the longest matching runs of words."""
    p, t = words(predicted), words(true)
    matcher = difflib.SequenceMatcher(None, p, t, autojunk=False)
    matched = sum(len(w) + 1 for a, _, n in matcher.get_matching_blocks() for w in p[a:a + n])
    size_p, size_t = sum(len(w) + 1 for w in p), sum(len(w) + 1 for w in t)
    if not matched:
        return 0.0
    precision, recall = matched / size_p, matched / size_t
    return 2 * precision * recall / (precision + recall)


def fold(text: str) -> str:
    return " ".join(normalize_characters(text).lower().split())


def furniture_left(body: str, truth: dict, draft: dict) -> list[str]:
    """The furniture lines still in the body."""
    paragraphs = {fold(p) for p in body.split("\n\n")}
    text = fold(body)
    items = [*truth["furniture"], truth["title"], truth["standfirst"], truth["byline"],
             *draft.get("site_sections", []), truth["outlet"], "Related articles"]
    left = [i for i in items if i and (fold(i) in paragraphs
                                       or (len(i.split()) >= 5 and fold(i) in text))]
    left += [p for p in body.split("\n\n")
             if re.fullmatch(r"(page\s*)?[-\s]*\d+(\s*of\s*\d+)?[-\s]*", p.strip(), re.I)]
    return left


def articles(split: str) -> list[tuple[str, dict]]:
    spec = tomllib.loads((LIBRARY / "splits.toml").read_text(encoding="utf-8"))["articles"]
    return [(slug, s) for slug, s in sorted(spec.items())
            if (split == "all" or s["split"] == split)
            and (LIBRARY / "articles" / f"{slug}.truth.json").exists()]


def score(slug: str, spec: dict) -> dict:
    folder = LIBRARY / "articles"
    path = folder / f"{slug}.{spec['format']}"
    truth = json.loads((folder / f"{slug}.truth.json").read_text(encoding="utf-8"))
    draft = json.loads((LIBRARY / "drafts" / f"{slug}.json").read_text(encoding="utf-8"))
    shared, metas = read_metadata(folder)
    try:
        doc = load_document(path, metas.get(path.name, SourceMeta()), shared)
    except AssistantError as exc:
        return {"slug": slug, "format": spec["format"], "error": str(exc), "body_f1": 0.0,
                "clean": False, "title": False, "author": False, "date": False,
                "outlet": False, "left": []}
    left = furniture_left(doc.text, truth, draft)
    return {"slug": slug, "format": spec["format"], "split": spec["split"],
            "body_f1": char_f1(doc.text, truth["body"]), "clean": not left, "left": left,
            "title": fold(doc.title) == fold(truth["title"]),
            "author": fold(doc.author) == fold(truth["author"]),
            "date": doc.date == truth["date"],
            "outlet": fold(doc.publisher) == fold(truth["outlet"]),
            "got": {"title": doc.title, "author": doc.author, "date": doc.date,
                    "outlet": doc.publisher}}


def table(rows: list[dict]) -> list[str]:
    by_format: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_format[r["format"]].append(r)
    by_format["all"] = rows
    out = ["| format | files | body char F1 (mean / min) | files with no furniture | title | "
           "author | date | outlet |", "|---|---|---|---|---|---|---|---|"]
    for fmt, group in sorted(by_format.items(), key=lambda kv: (kv[0] == "all", kv[0])):
        n = len(group)
        f1 = [r["body_f1"] for r in group]

        def share(key: str, group: list[dict] = group) -> str:
            return f"{sum(bool(r[key]) for r in group) / len(group):.2f}"

        out.append(f"| {fmt} | {n} | {sum(f1) / n:.3f} / {min(f1):.3f} | {share('clean')} | "
                   f"{share('title')} | {share('author')} | {share('date')} | "
                   f"{share('outlet')} |")
    return out


def compare_html(split: str) -> list[str]:
    """The earlier BeautifulSoup reader and htmldate, on the same HTML pages."""
    from bs4 import BeautifulSoup
    from htmldate import find_date

    out = ["| HTML reader | body char F1 (mean / min) | files with no furniture | date |",
           "|---|---|---|---|"]
    rows = {"trafilatura (chosen)": [], "BeautifulSoup (before)": []}
    dates = {"trafilatura (chosen)": [], "BeautifulSoup (before)": []}
    for slug, spec in articles(split):
        if spec["format"] != "html":
            continue
        r = score(slug, spec)
        rows["trafilatura (chosen)"].append((r["body_f1"], r["clean"]))
        dates["trafilatura (chosen)"].append(r["date"])
        folder = LIBRARY / "articles"
        html = (folder / f"{slug}.html").read_text(encoding="utf-8")
        truth = json.loads((folder / f"{slug}.truth.json").read_text(encoding="utf-8"))
        draft = json.loads((LIBRARY / "drafts" / f"{slug}.json").read_text(encoding="utf-8"))
        soup = BeautifulSoup(html, "html.parser")
        for tag in soup(("script", "style", "nav", "header", "footer", "aside", "form")):
            tag.decompose()
        body = "\n\n".join(p for p in (b.get_text(" ", strip=True) for b in soup.find_all("p"))
                           if p)
        rows["BeautifulSoup (before)"].append(
            (char_f1(body, truth["body"]), not furniture_left(body, truth, draft)))
        dates["BeautifulSoup (before)"].append(
            (find_date(html, original_date=True) or "") == truth["date"])
    for name, vals in rows.items():
        if vals:
            f1 = [v[0] for v in vals]
            out.append(f"| {name}{' + htmldate' if 'Soup' in name else ''} | "
                       f"{sum(f1) / len(f1):.3f} / {min(f1):.3f} | "
                       f"{sum(v[1] for v in vals) / len(vals):.2f} | "
                       f"{sum(dates[name]) / len(dates[name]):.2f} |")
    return out


def outside(folder: Path) -> list[dict]:
    """Rows for the independently made files (truth beside each as FILE.truth.json)."""
    rows = []
    for path in sorted(p for p in folder.iterdir() if p.suffix in (".html", ".pdf", ".docx")):
        truth = json.loads(Path(f"{path}.truth.json").read_text(encoding="utf-8"))
        try:
            doc = load_document(path, SourceMeta())
        except AssistantError as exc:
            rows.append({"slug": path.name, "format": path.suffix[1:], "error": str(exc),
                         "body_f1": 0.0, "clean": False, "left": [], **dict.fromkeys(
                             ("title", "author", "date", "outlet"), False)})
            continue
        left = [x for x in truth["furniture"] if fold(x) in fold(doc.text)]
        rows.append({"slug": path.name, "format": path.suffix[1:],
                     "body_f1": char_f1(doc.text, truth["body"]), "clean": not left,
                     "left": left, "title": fold(doc.title) == fold(truth["title"]),
                     "author": fold(doc.author) == fold(truth["author"]),
                     "date": doc.date == truth["date"],
                     "outlet": fold(doc.publisher) == fold(truth["outlet"]),
                     "got": {"title": doc.title, "author": doc.author, "date": doc.date,
                             "outlet": doc.publisher}})
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="all", choices=("train", "dev", "test", "all"))
    ap.add_argument("--compare-html", action="store_true")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--outside", action="store_true",
                    help="score evals/outside (made independently) instead of the library")
    args = ap.parse_args()
    if args.outside:
        rows = outside(ROOT / "evals" / "outside")
        print(f"Ingestion on evals/outside ({len(rows)} files made independently)\n")
    else:
        rows = [score(slug, spec) for slug, spec in articles(args.split)]
        print(f"Ingestion on the library, split {args.split} ({len(rows)} files)\n")
    print("\n".join(table(rows)))
    if args.verbose:
        for r in rows:
            misses = [k for k in ("title", "author", "date", "outlet") if not r[k]]
            if r.get("error") or misses or not r["clean"] or r["body_f1"] < 0.98:
                print(f"- {r['slug']} ({r['format']}): f1 {r['body_f1']:.3f}"
                      f"{' error: ' + r['error'] if r.get('error') else ''}"
                      f"{' misses ' + str({k: r['got'][k] for k in misses}) if misses else ''}"
                      f"{' furniture ' + str(r['left'][:3]) if r['left'] else ''}")
    if args.compare_html:
        print("\n" + "\n".join(compare_html(args.split)))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    print(f"\nTargets: {', '.join(f'{k} >= {v}' for k, v in TARGETS.items())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
