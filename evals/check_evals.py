#!/usr/bin/env python3
"""Check the hand-written GSOMIA evaluation sets (stdlib only).

Usage: python3 evals/check_evals.py [--sources DIR]

Verifies evals/gsomia.jsonl, evals/followups.jsonl and evals/heldout.jsonl against the normalised
text of the two source articles:

* every record has exactly the keys id/question/answers/evidence/answerable
  with the right types, and ids are unique (across both files);
* every evidence string is a case-sensitive substring of the normalised text
  of one article, lies inside the article body (never page furniture), does
  not cross a sentence boundary, and is 5-25 words long;
* every answer string occurs (case-insensitively) in the normalised text;
* for answerable questions at least one answer string occurs
  (case-insensitively) in one of its evidence strings or in the sentence that
  contains the evidence;
* unanswerable questions have empty answers and evidence;
* the minimum counts asked for in the brief are met.

Prints counts and exits non-zero if any problem was found.

"Normalised text": hard-wrapped lines joined with a single space, curly
quotes replaced by straight ones, non-breaking spaces replaced by spaces and
every run of whitespace collapsed to one space.
"""
import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SOURCES = "/work/shared/sources"

ARTICLES = {
    "why-did-south-korea-walk-out-of-the-gsomia": {
        "file": "why-did-south-korea-walk-out-of-the-gsomia.txt",
        # Article body: from the title to the end of the author's bio line.
        # Everything outside it (ISSN line, newsletter blurb, IPCS publisher
        # blurb, comment form, Akismet notice) is page furniture.
        "body_start": "Why Did South Korea Walk Out Of The GSOMIA?",
        "body_end": "Visiting Fellow, IPCS",
    },
    "korea-japan-gsomia-survives": {
        "file": "korea-japan-gsomia-survives.txt",
        "body_start": "Korea-Japan GSOMIA Survives",
        "body_end": "The views expressed here are the author's alone.",
    },
}

KEYS = {"id", "question", "answers", "evidence", "answerable"}
ABBREVIATIONS = {"mr", "ms", "mrs", "dr", "col", "corp", "u.s", "inc", "st",
                 "jr", "sr", "gen", "lt", "no", "vs", "prof"}


def normalise(text):
    text = (text.replace("\u201c", '"').replace("\u201d", '"')
                .replace("\u2018", "'").replace("\u2019", "'")
                .replace("\u00a0", " "))
    return re.sub(r"\s+", " ", text).strip()


def sentence_spans(text, lo, hi):
    """Split text[lo:hi] into sentences; return (start, end) spans."""
    spans = []
    start = lo
    for m in re.finditer(r"[.!?][\"')\]]*", text[lo:hi]):
        p, e = lo + m.start(), lo + m.end()
        if e >= hi:
            break
        # Case 1: terminal punctuation (+ closing quotes) then space and a
        # sentence-opening character.
        if text[e] == " " and re.match(r"[A-Z0-9\"'(\[*]", text[e + 1:e + 2]):
            end = e
        # Case 2: 'word."Next' -- the quote opens the next sentence.
        elif text[p + 1:p + 2] == '"' and re.match(r"[A-Z]", text[p + 2:p + 3]):
            end = p + 1
        else:
            continue
        if text[p] == ".":
            tok = re.search(r"(\S+)$", text[start:p])
            if tok and tok.group(1).lstrip("\"'([").lower() in ABBREVIATIONS:
                continue
        spans.append((start, end))
        start = end + 1 if text[end:end + 1] == " " else end
    spans.append((start, hi))
    return spans


def load_articles(src_dir):
    arts = {}
    for sid, meta in ARTICLES.items():
        with open(os.path.join(src_dir, meta["file"]), encoding="utf-8") as fh:
            text = normalise(fh.read())
        lo = text.find(meta["body_start"])
        end = text.find(meta["body_end"])
        if lo < 0 or end < 0:
            sys.exit(f"cannot locate article body in {meta['file']}")
        hi = end + len(meta["body_end"])
        arts[sid] = {"text": text, "lower": text.lower(), "body": (lo, hi),
                     "sents": sentence_spans(text, lo, hi)}
    return arts


def locate(evidence, arts):
    """Return (source_id, sentence_text) for the first occurrence of the
    evidence that lies inside the body and inside one sentence, or a reason
    string explaining why none does."""
    reasons = []
    for sid, art in arts.items():
        text = art["text"]
        i = text.find(evidence)
        while i >= 0:
            j = i + len(evidence)
            lo, hi = art["body"]
            if i < lo or j > hi:
                reasons.append(f"occurrence in page furniture of {sid}")
            else:
                for a, b in art["sents"]:
                    if a <= i and j <= b:
                        return sid, text[a:b]
                reasons.append(f"crosses a sentence boundary in {sid}")
            i = text.find(evidence, i + 1)
    if not reasons:
        reasons.append("not a substring of either normalised article")
    return None, "; ".join(reasons)


def check_question(q, where, arts, problems, stats, seen_ids, id_re):
    def bad(msg):
        problems.append(f"{where} [{q.get('id', '?')}]: {msg}")

    if not isinstance(q, dict):
        bad("not a JSON object")
        return
    if set(q) != KEYS:
        bad(f"keys {sorted(q)} != {sorted(KEYS)}")
        return
    qid = q["id"]
    if not isinstance(qid, str) or not re.fullmatch(id_re, qid):
        bad(f"bad id {qid!r} (expected {id_re})")
    if qid in seen_ids:
        bad("duplicate id")
    seen_ids.add(qid)
    if not isinstance(q["question"], str) or not q["question"].strip():
        bad("question must be a non-empty string")
    if not isinstance(q["answerable"], bool):
        bad("answerable must be a bool")
        return
    for k in ("answers", "evidence"):
        if not isinstance(q[k], list) or not all(isinstance(s, str) and s.strip() for s in q[k]):
            bad(f"{k} must be a list of non-empty strings")
            return
    if len(set(q["answers"])) != len(q["answers"]):
        bad("duplicate answer strings")

    if not q["answerable"]:
        stats["unanswerable"] += 1
        if q["answers"] or q["evidence"]:
            bad("unanswerable question must have empty answers and evidence")
        return

    stats["answerable"] += 1
    if qid.endswith("p"):
        stats["paraphrased"] += 1
    if not 1 <= len(q["answers"]) <= 4:
        bad(f"expected 1-4 answer strings, got {len(q['answers'])}")
    if not 1 <= len(q["evidence"]) <= 2:
        bad(f"expected 1-2 evidence strings, got {len(q['evidence'])}")

    contexts = []
    srcs = set()
    for ev in q["evidence"]:
        n = len(ev.split())
        if not 5 <= n <= 25:
            bad(f"evidence has {n} words (want 5-25): {ev!r}")
        sid, info = locate(ev, arts)
        if sid is None:
            bad(f"evidence {ev!r}: {info}")
            continue
        srcs.add(sid)
        contexts.append(ev.lower())
        contexts.append(info.lower())
    for a in q["answers"]:
        if not any(a.lower() in arts[s]["lower"] for s in (srcs or arts)):
            bad(f"answer {a!r} does not occur in the normalised article text")
    if contexts and not any(a.lower() in c for a in q["answers"] for c in contexts):
        bad("no answer string occurs in the evidence or its sentence")
    for s in srcs:
        stats["per_article"][s] = stats["per_article"].get(s, 0) + 1


def read_jsonl(path, problems):
    rows = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rows.append((n, json.loads(line)))
            except json.JSONDecodeError as e:
                problems.append(f"{os.path.basename(path)}:{n}: invalid JSON ({e})")
    return rows


def new_stats():
    return {"answerable": 0, "unanswerable": 0, "paraphrased": 0, "per_article": {}}


def report(name, stats, extra=""):
    print(f"{name}: answerable={stats['answerable']} unanswerable={stats['unanswerable']} "
          f"paraphrased={stats['paraphrased']}{extra}")
    for sid in ARTICLES:
        print(f"    {sid}: {stats['per_article'].get(sid, 0)} answerable")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sources", default=DEFAULT_SOURCES)
    ap.add_argument("--dir", default=HERE)
    args = ap.parse_args()
    arts = load_articles(args.sources)
    problems = []
    seen = set()

    # ---- single questions
    s1 = new_stats()
    for n, q in read_jsonl(os.path.join(args.dir, "gsomia.jsonl"), problems):
        check_question(q, f"gsomia.jsonl:{n}", arts, problems, s1, seen, r"q\d{3}p?")
    report("gsomia.jsonl", s1)
    need = [(s1["answerable"] >= 65, "need >= 65 answerable questions"),
            (s1["unanswerable"] >= 22, "need >= 22 unanswerable questions"),
            (s1["paraphrased"] * 3 >= s1["answerable"], "need >= 1/3 paraphrased"),
            ] + [(s1["per_article"].get(sid, 0) >= 30, f"need >= 30 from {sid}")
                 for sid in ARTICLES]
    problems += [f"gsomia.jsonl: {msg}" for ok, msg in need if not ok]

    # ---- follow-up chains
    s2 = new_stats()
    chains = 0
    unans_last = 0
    for n, c in read_jsonl(os.path.join(args.dir, "followups.jsonl"), problems):
        where = f"followups.jsonl:{n}"
        if not isinstance(c, dict) or set(c) != {"id", "turns"}:
            problems.append(f"{where}: chain must have exactly keys id, turns")
            continue
        cid = c["id"]
        if not isinstance(cid, str) or not re.fullmatch(r"c\d{2}", cid):
            problems.append(f"{where}: bad chain id {cid!r}")
            continue
        if cid in seen:
            problems.append(f"{where}: duplicate chain id {cid}")
        seen.add(cid)
        turns = c["turns"]
        if not isinstance(turns, list) or not 2 <= len(turns) <= 4:
            problems.append(f"{where} [{cid}]: need 2-4 turns")
            continue
        chains += 1
        for k, t in enumerate(turns, 1):
            check_question(t, where, arts, problems, s2, seen, re.escape(cid) + f"t{k}p?")
        if isinstance(turns[-1], dict) and turns[-1].get("answerable") is False:
            unans_last += 1
    report("followups.jsonl", s2, f" chains={chains} chains_ending_unanswerable={unans_last}")
    if chains < 16:
        problems.append("followups.jsonl: need >= 16 chains")
    if not 2 <= unans_last <= 3:
        problems.append("followups.jsonl: want 2-3 chains whose last turn is unanswerable")

    # ---- the held-out set: written separately, never used for tuning
    s3 = new_stats()
    for n, q in read_jsonl(os.path.join(args.dir, "heldout.jsonl"), problems):
        check_question(q, f"heldout.jsonl:{n}", arts, problems, s3, seen, r"h\d{3}")
    report("heldout.jsonl", s3)
    if s3["answerable"] < 30 or s3["unanswerable"] < 10:
        problems.append("heldout.jsonl: need >= 30 answerable and >= 10 unanswerable")

    if problems:
        print(f"\n{len(problems)} problem(s):")
        for p in problems:
            print("  " + p)
        return 1
    print("\nOK: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
