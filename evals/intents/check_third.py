#!/usr/bin/env python3
"""Checker for the 'third' question set (Ever Given article)."""
import collections
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ARTICLE = os.path.join(ROOT, "tests", "fixtures", "third_article", "ever-given-suez-blockage.txt")
META = os.path.join(HERE, "third_sources.md")
INTENTS = ["factoid", "definition", "cause", "consequence", "stance", "status", "comparison",
           "document"]
FURNITURE = [r"^Share this article\s*$", r"^Sign up for our weekly newsletter",
             r"^Comments are closed"]

def norm(t):
    t = t.replace("\u201c", '"').replace("\u201d", '"')
    t = t.replace("\u2018", "'").replace("\u2019", "'")
    return re.sub(r"\s+", " ", t).strip().lower()

with open(ARTICLE, encoding="utf-8") as _f:
    lines = _f.read().splitlines()
body = [line for line in lines if not any(re.match(p, line) for p in FURNITURE)]
TEXT = norm(" ".join(body))
# metadata table only (not the note below it)
with open(META, encoding="utf-8") as _f:
    meta_lines = [line for line in _f.read().splitlines() if line.startswith("|")]
META_T = norm(" ".join(meta_lines))

errors, warnings = [], []
ids = set()

def check_q(o, where):
    need = ["id", "question", "answers", "evidence", "answerable", "intent", "form", "topic"]
    for k in need:
        if k not in o:
            errors.append(f"{where}: missing field {k}")
            return
    if o["id"] in ids:
        errors.append(f"{where}: duplicate id {o['id']}")
    ids.add(o["id"])
    if o["intent"] not in INTENTS:
        errors.append(f"{o['id']}: bad intent {o['intent']}")
    if o["form"] not in ("paraphrased", "literal"):
        errors.append(f"{o['id']}: bad form {o['form']}")
    if o["topic"] not in ("on", "off"):
        errors.append(f"{o['id']}: bad topic {o['topic']}")
    if not isinstance(o["answerable"], bool):
        errors.append(f"{o['id']}: answerable not bool")
    for s in o["answers"] + o["evidence"] + [o["question"]]:
        if any(c in s for c in "\u201c\u201d\u2018\u2019"):
            errors.append(f"{o['id']}: curly quote in {s!r}")
    if not o["answerable"]:
        if o["answers"] or o["evidence"]:
            errors.append(f"{o['id']}: unanswerable but has answers/evidence")
        return
    if o["topic"] != "on":
        errors.append(f"{o['id']}: answerable question should have topic 'on'")
    if not o["answers"]:
        errors.append(f"{o['id']}: answerable but no answers")
    doc = o["intent"] == "document"
    for a in o["answers"]:
        na = norm(a)
        if na not in TEXT and not (doc and na in META_T):
            errors.append(f"{o['id']}: answer not found: {a!r}")
        if len(a.split()) > 10:
            warnings.append(f"{o['id']}: long answer ({len(a.split())} words): {a!r}")
    if not o["evidence"]:
        # allowed only for document questions answered from the metadata table
        if not doc:
            errors.append(f"{o['id']}: answerable non-document question without evidence")
        elif not all(norm(a) in META_T for a in o["answers"]):
            errors.append(f"{o['id']}: no evidence but answers not all in metadata table")
    if len(o["evidence"]) > 3:
        errors.append(f"{o['id']}: more than 3 evidence spans")
    for e in o["evidence"]:
        ne = norm(e)
        if ne not in TEXT:
            errors.append(f"{o['id']}: evidence not found: {e!r}")
        n = len(e.split())
        if n < 5 or n > 25:
            errors.append(f"{o['id']}: evidence length {n} words: {e!r}")
        if re.search(r"[.!?]\"? [A-Z]", e):
            errors.append(f"{o['id']}: evidence seems to span sentences: {e!r}")
    if o["evidence"]:
        ev = " ".join(norm(e) for e in o["evidence"])
        if not any(norm(a) in ev for a in o["answers"]):
            warnings.append(f"{o['id']}: no answer string occurs inside the evidence")

def load(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as ex:
                errors.append(f"{os.path.basename(path)}:{i}: bad JSON: {ex}")
    return out

singles = load(os.path.join(HERE, "third.jsonl"))
convs = load(os.path.join(HERE, "third_conversations.jsonl"))
for i, o in enumerate(singles, 1):
    check_q(o, f"third.jsonl:{i}")
    if not o.get("id", "").startswith("e") or o.get("id", "").startswith("ec"):
        errors.append(f"{o.get('id')}: single-question id must start with 'e' (not 'ec')")
for i, c in enumerate(convs, 1):
    if not c.get("id", "").startswith("ec"):
        errors.append(f"conversation {i}: id must start with 'ec'")
    if c.get("id") in ids:
        errors.append(f"duplicate id {c.get('id')}")
    ids.add(c.get("id"))
    turns = c.get("turns", [])
    if not 2 <= len(turns) <= 3:
        errors.append(f"{c.get('id')}: {len(turns)} turns (need 2-3)")
    for j, t in enumerate(turns, 1):
        if t.get("id") != f"{c.get('id')}t{j}":
            errors.append(f"{c.get('id')}: turn {j} has id {t.get('id')}")
        check_q(t, f"{c.get('id')} turn {j}")

# counts
def table(qs, title):
    ans = collections.Counter(q["intent"] for q in qs if q["answerable"])
    un = collections.Counter(q["intent"] for q in qs if not q["answerable"])
    print(f"\n{title}")
    print(f"{'intent':<12}{'answerable':>11}{'unanswerable':>14}")
    for it in INTENTS:
        print(f"{it:<12}{ans[it]:>11}{un[it]:>14}")
    a = [q for q in qs if q["answerable"]]
    u = [q for q in qs if not q["answerable"]]
    para = sum(q["form"] == "paraphrased" for q in a)
    print(f"{'total':<12}{len(a):>11}{len(u):>14}")
    print(f"unanswerable on-topic: {sum(q['topic']=='on' for q in u)}, "
          f"off-topic: {sum(q['topic']=='off' for q in u)}")
    if a:
        print(f"paraphrased share (answerable): {para}/{len(a)} = {para/len(a):.0%}")
    return ans, u, para, a

ans, u, para, a = table(singles, "third.jsonl (single questions)")
for it in INTENTS:
    if ans[it] < 10:
        errors.append(f"intent {it}: only {ans[it]} answerable (need >= 10)")
if len(u) < 30:
    errors.append(f"only {len(u)} unanswerable (need >= 30)")
if sum(q["topic"] == "on" for q in u) < 15:
    errors.append("fewer than 15 on-topic unanswerable")
if len(singles) < 110:
    errors.append(f"only {len(singles)} single questions (need >= 110)")
if a and para / len(a) < 0.6:
    errors.append(f"paraphrased share {para/len(a):.0%} < 60%")

turns = [t for c in convs for t in c.get("turns", [])]
table(turns, f"third_conversations.jsonl ({len(convs)} conversations, {len(turns)} turns)")
if len(convs) < 8:
    errors.append(f"only {len(convs)} conversations (need >= 8)")
nu = sum(1 for c in convs if any(not t["answerable"] for t in c["turns"][1:]))
print(f"conversations with an unanswerable later turn: {nu}")
if nu < 2:
    errors.append("need at least 2 conversations with an unanswerable later turn")
allq = singles + turns
aa = [q for q in allq if q["answerable"]]
print(f"\nall answerable (singles + turns): {len(aa)}, "
      f"paraphrased {sum(q['form']=='paraphrased' for q in aa)/len(aa):.0%}")

print()
for w in warnings:
    print("WARNING:", w)
for e in errors:
    print("ERROR:", e)
print(f"\n{len(errors)} error(s), {len(warnings)} warning(s)")
sys.exit(1 if errors else 0)
