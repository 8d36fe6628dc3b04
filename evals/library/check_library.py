#!/usr/bin/env python3
"""Check the test library: its articles, splits, ground truth and question sets.

    python3 evals/library/check_library.py

Per article: the file and its ground truth exist; every evidence string is an exact
substring of the true body; every accepted answer lies inside its evidence (or, for a
question about the article answered by its metadata alone, inside the title, author, role,
outlet, url or a written form of the date); at least 40 questions, the per-intent minimums,
at least 12 unanswerable (8 on-topic), at least 60% paraphrased, conversations of 2-3 turns.
For the library: at least 40 articles on 12 subjects, the format counts, the split sizes,
and no `test` subject in `train`. Prints every problem; exits 0 only when there is none.
"""

from __future__ import annotations

import json
import sys
import tomllib
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
INTENTS = ("factoid", "definition", "cause", "consequence", "stance", "status", "comparison",
           "document")
MIN_ANSWERABLE = {"factoid": 6, "definition": 3, "cause": 3, "consequence": 3, "stance": 3,
                  "status": 2, "comparison": 3, "document": 4}
MIN_FORMATS = {"html": 10, "pdf": 10, "md": 8, "docx": 4}
MIN_SPLITS = {"train": 24, "dev": 8, "test": 8}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def fold(text: str) -> str:
    return " ".join(text.lower().replace("\u2019", "'").split())


def date_forms(iso: str) -> list[str]:
    y, m, d = (int(x) for x in iso.split("-"))
    mon = MONTHS[m - 1]
    return [iso, f"{d} {mon} {y}", f"{mon} {d}, {y}", f"{mon} {d}", f"{d} {mon}",
            f"{mon} {y}", str(y)]


def metadata(draft: dict) -> list[str]:
    out = [draft["headline"], draft["author"], draft["author_role"], draft["outlet"],
           draft["url"], *date_forms(draft["date"])]
    if draft.get("study"):
        out += [draft["study"]["journal"], *date_forms(draft["study"]["published"])]
    return out


def check_question(q: dict, where: str, body: str, meta: list[str], slug: str) -> list[str]:
    errors = []
    for key in ("id", "question", "answers", "evidence", "answerable", "intent", "form",
                "topic", "article"):
        if key not in q:
            return [f"{where}: missing {key!r}"]
    if q["article"] != slug:
        errors.append(f"{where}: article is {q['article']!r}, not {slug!r}")
    if q["intent"] not in INTENTS or q["form"] not in ("literal", "paraphrased") \
            or q["topic"] not in ("on", "off"):
        errors.append(f"{where}: bad intent, form or topic")
    errors += [f"{where}: evidence not in the true body: {e!r}" for e in q["evidence"]
               if e not in body]
    if q["answerable"]:
        if not q["answers"]:
            errors.append(f"{where}: answerable with no answers")
        pool = q["evidence"] or (meta if q["intent"] == "document" else [])
        if not pool:
            errors.append(f"{where}: no evidence")
        errors += [f"{where}: answer {a!r} is not inside its evidence or the metadata"
                   for a in q["answers"] if not any(fold(a) in fold(p) for p in pool)]
    elif q["answers"] or q["evidence"]:
        errors.append(f"{where}: an unanswerable question has answers or evidence")
    return errors


def check_article(slug: str, spec: dict) -> tuple[list[str], int]:
    path = HERE / "articles" / f"{slug}.{spec['format']}"
    truth_path = HERE / "articles" / f"{slug}.truth.json"
    draft_path = HERE / "drafts" / f"{slug}.json"
    missing = [str(p.relative_to(HERE)) for p in (path, truth_path, draft_path) if not p.exists()]
    if missing:
        return [f"{slug}: missing {', '.join(missing)}"], 0
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    draft = json.loads(draft_path.read_text(encoding="utf-8"))
    body, meta = truth["body"], metadata(draft)
    errors: list[str] = []
    questions, turns = [], []
    qfile = HERE / "questions" / f"{slug}.jsonl"
    cfile = HERE / "questions" / f"{slug}.conversations.jsonl"
    for f in (qfile, cfile):
        if not f.exists():
            errors.append(f"{slug}: missing questions/{f.name}")
    ids: Counter[str] = Counter()
    if qfile.exists():
        questions = [json.loads(line) for line in qfile.read_text(encoding="utf-8").splitlines()
                     if line.strip()]
    convs = []
    if cfile.exists():
        convs = [json.loads(line) for line in cfile.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    for n, q in enumerate(questions, start=1):
        errors += check_question(q, f"{slug}.jsonl:{n}", body, meta, slug)
        ids[q.get("id", "")] += 1
    for n, c in enumerate(convs, start=1):
        if not 2 <= len(c.get("turns", [])) <= 3:
            errors.append(f"{slug}.conversations.jsonl:{n}: needs 2-3 turns")
        for t, q in enumerate(c.get("turns", []), start=1):
            errors += check_question(q, f"{slug}.conversations.jsonl:{n} turn {t}", body, meta,
                                     slug)
            ids[q.get("id", "")] += 1
            turns.append(q)
    errors += [f"{slug}: id {i!r} used {n} times" for i, n in ids.items() if n > 1]
    answerable = [q for q in questions if q.get("answerable")]
    unanswerable = [q for q in questions if q.get("answerable") is False]
    if len(questions) < 40:
        errors.append(f"{slug}: {len(questions)} questions, fewer than 40")
    for intent, floor in MIN_ANSWERABLE.items():
        if sum(q.get("intent") == intent for q in answerable) < floor:
            errors.append(f"{slug}: fewer than {floor} answerable {intent} questions")
    if len(unanswerable) < 12 or sum(q.get("topic") == "on" for q in unanswerable) < 8:
        errors.append(f"{slug}: fewer than 12 unanswerable or 8 on-topic unanswerable")
    if questions and sum(q.get("form") == "paraphrased" for q in questions) < 0.6 * len(questions):
        errors.append(f"{slug}: under 60% paraphrased")
    if len(convs) < 3:
        errors.append(f"{slug}: fewer than 3 conversations")
    return errors, len(questions) + len(turns)


def main() -> int:
    spec = tomllib.loads((HERE / "splits.toml").read_text(encoding="utf-8"))["articles"]
    errors: list[str] = []
    total = 0
    for slug, s in sorted(spec.items()):
        problems, n = check_article(slug, s)
        errors += problems
        total += n
    formats = Counter(s["format"] for s in spec.values())
    splits = Counter(s["split"] for s in spec.values())
    subjects = {s["subject"] for s in spec.values()}
    errors += [f"{n} {fmt} articles, fewer than {floor}" for fmt, floor in MIN_FORMATS.items()
               if (n := formats[fmt]) < floor]
    errors += [f"{n} {split} articles, fewer than {floor}"
               for split, floor in MIN_SPLITS.items() if (n := splits[split]) < floor]
    if len(spec) < 40 or len(subjects) < 12:
        errors.append(f"{len(spec)} articles on {len(subjects)} subjects: needs 40 on 12")
    train = {s["subject"] for s in spec.values() if s["split"] == "train"}
    test = {s["subject"] for s in spec.values() if s["split"] == "test"}
    if train & test:
        errors.append(f"test subjects also in train: {sorted(train & test)}")
    if total < 1600:
        errors.append(f"{total} questions and turns in all, fewer than 1,600")
    for e in errors:
        print(e)
    print(f"{len(spec)} articles on {len(subjects)} subjects; formats {dict(formats)}; splits "
          f"{dict(splits)}; {total} questions and conversation turns; "
          f"{'OK' if not errors else f'{len(errors)} problem(s)'}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
