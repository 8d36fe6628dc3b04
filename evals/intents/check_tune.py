#!/usr/bin/env python3
"""Checker for the tune question set (tune.jsonl + tune_conversations.jsonl).

Errors (must be fixed): bad JSON, missing/ill-typed fields, duplicate ids or
questions, wrong id prefixes, unknown intent/form/topic, evidence or answers not
found verbatim in the normalised article text (or, for answers of `document`
questions, the metadata table), evidence quoted from page furniture, evidence
length outside 5-25 words, unanswerable items with answers/evidence, count
quotas not met, paraphrased share < 60%.

Warnings (reviewed by hand): answers that occur in no evidence span of the same
question, key-phrase lengths for why/consequence/stance questions, items
labelled `paraphrased` whose question shares many content words with the
evidence.
"""
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ART = HERE.parent.parent / "sources"  # the articles the writer read
SINGLE = HERE / "tune.jsonl"
CONV = HERE / "tune_conversations.jsonl"

INTENTS = ["factoid", "definition", "cause", "consequence", "stance",
           "status", "comparison", "document"]
FORMS = {"paraphrased", "literal"}
TOPICS = {"on", "off"}
MIN_PER_INTENT = 22
MIN_UNANS = 85
MIN_UNANS_ON = 45
MIN_TOTAL = 260
MIN_CONV = 25
MIN_PARA = 0.60

QUOTES = {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
          "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
          "\u2032": "'", "\u2033": '"', "\u00a0": " "}


def norm(s):
    for k, v in QUOTES.items():
        s = s.replace(k, v)
    s = re.sub(r"\s+", " ", s)
    return s.strip().lower()


def load_texts():
    a19 = (ART / "why-did-south-korea-walk-out-of-the-gsomia.txt").read_text("utf-8")
    a20 = (ART / "korea-japan-gsomia-survives.txt").read_text("utf-8")
    meta = (HERE / "gsomia_sources.md").read_text("utf-8")  # their metadata table
    # page furniture of the 2019 web page: the ISSN line at the top and
    # everything from the newsletter blurb on.
    lines = a19.splitlines()
    assert lines[0].startswith("ISSN")
    body19 = "\n".join(lines[1:])
    cut = body19.index("Click here to have")
    furniture19 = lines[0] + "\n" + body19[cut:]
    body19 = body19[:cut]
    # metadata: only the table rows (the prose under it is not article metadata
    # either, but the table is what the spec allows)
    meta_rows = "\n".join(row for row in meta.splitlines() if row.startswith("|"))
    return {
        "body": norm(body19) + " \n " + norm(a20),
        "bodies": [norm(body19), norm(a20)],
        "furniture": norm(furniture19),
        "meta": norm(meta_rows),
    }


STOP = set(re.findall(r"\S+", """
    a an the of to in on at for by with from and or but is are was were be been being do
    does did done doing what whats what's which who whos who's whom whose why how when where
    this that these those it its it's they them their he she his her him i me my we our you
    your about as into than then there here if so not no yes any all some can could would
    should will shall may might must has have had having per according article piece post
    say said says tell did does didn't doesn't isn't wasn't aren't weren't 'd 's also just
    still ever up out over between after before during like get got go went much many more
    most very s t d ll ve re m
"""))


def content_words(s):
    words = re.findall(r"[a-z0-9][a-z0-9'\-]*", norm(s))
    out = set()
    for w in words:
        w = w.strip("'-")
        if w.endswith("'s"):
            w = w[:-2]
        if len(w) < 3 or w in STOP:
            continue
        out.add(w[:5])  # crude stemming
    return out


def main():
    T = load_texts()
    errors, warnings = [], []
    E = errors.append
    W = warnings.append

    items = []  # (item, where, conv_id)
    ids = Counter()
    conv_count = 0
    for path, is_conv in ((SINGLE, False), (CONV, True)):
        if not path.exists():
            E(f"missing file {path.name}")
            continue
        for ln, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if not line.strip():
                E(f"{path.name}:{ln}: blank line")
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                E(f"{path.name}:{ln}: bad JSON: {e}")
                continue
            if is_conv:
                conv_count += 1
                cid = obj.get("id")
                ids[cid] += 1
                if not (isinstance(cid, str) and re.fullmatch(r"uc\d\d", cid)):
                    E(f"{path.name}:{ln}: bad conversation id {cid!r}")
                turns = obj.get("turns")
                if set(obj) != {"id", "turns"}:
                    E(f"{cid}: unexpected keys {sorted(obj)}")
                if not isinstance(turns, list) or not 2 <= len(turns) <= 3:
                    E(f"{cid}: needs 2-3 turns")
                    continue
                for k, t in enumerate(turns, 1):
                    if t.get("id") != f"{cid}t{k}":
                        E(f"{cid}: turn {k} id {t.get('id')!r} != {cid}t{k}")
                    items.append((t, f"{path.name}:{ln}", cid))
            else:
                items.append((obj, f"{path.name}:{ln}", None))

    keys = {"id", "question", "answers", "evidence", "answerable", "intent", "form", "topic"}
    qtexts = Counter()
    for it, where, cid in items:
        iid = it.get("id")
        if cid is None:
            ids[iid] += 1
            if not (isinstance(iid, str) and re.fullmatch(r"u\d{3}", iid)):
                E(f"{where}: bad id {iid!r}")
        else:
            ids[iid] += 1
        tag = f"{iid}"
        if set(it) != keys:
            E(f"{tag}: keys {sorted(it)} != {sorted(keys)}")
            continue
        q = it["question"]
        if not isinstance(q, str) or not q.strip():
            E(f"{tag}: empty question")
        qtexts[norm(q)] += 1
        if it["intent"] not in INTENTS:
            E(f"{tag}: bad intent {it['intent']!r}")
        if it["form"] not in FORMS:
            E(f"{tag}: bad form {it['form']!r}")
        if it["topic"] not in TOPICS:
            E(f"{tag}: bad topic {it['topic']!r}")
        if not isinstance(it["answerable"], bool):
            E(f"{tag}: answerable not bool")
        if not isinstance(it["answers"], list) or not isinstance(it["evidence"], list):
            E(f"{tag}: answers/evidence must be lists")
            continue
        for s in it["answers"] + it["evidence"]:
            if not isinstance(s, str) or not s.strip():
                E(f"{tag}: empty/non-string answer or evidence")
            elif any(c in s for c in "\u2018\u2019\u201c\u201d"):
                E(f"{tag}: curly quote in {s!r}")
        if not it["answerable"]:
            if it["answers"] or it["evidence"]:
                E(f"{tag}: unanswerable but has answers/evidence")
            continue
        # answerable
        if it["topic"] != "on":
            E(f"{tag}: answerable question must have topic 'on'")
        if not it["answers"]:
            E(f"{tag}: answerable without answers")
        if not it["evidence"] and it["intent"] != "document":
            E(f"{tag}: answerable non-document question without evidence")
        if len(it["evidence"]) > 3:
            E(f"{tag}: more than 3 evidence spans")
        for ev in it["evidence"]:
            n = norm(ev)
            nw = len(n.split())
            if not 5 <= nw <= 25:
                E(f"{tag}: evidence has {nw} words: {ev!r}")
            if n not in T["body"]:
                if n in T["furniture"]:
                    E(f"{tag}: evidence quotes page furniture: {ev!r}")
                else:
                    E(f"{tag}: evidence not in article text: {ev!r}")
            if not any(n in b for b in T["bodies"]):
                E(f"{tag}: evidence spans both articles?: {ev!r}")
            # inside one sentence: no sentence break inside the span
            if re.search(r"[a-z0-9\)\]][.?!] [A-Z]", ev.replace('."', '.').replace('?"', '?')):
                # allow abbreviations like 'U.S.' or 'Col.' / 'Mr.'
                inner = re.sub(r"\b(U\.S|Col|Mr|Ms|Dr|Corp|St)\.", "X", ev)
                if re.search(r"[a-z0-9\)\]][.?!]\"? [A-Z]", inner):
                    W(f"{tag}: evidence may span two sentences: {ev!r}")
        nev = [norm(e) for e in it["evidence"]]
        for a in it["answers"]:
            n = norm(a)
            in_body = n in T["body"]
            in_meta = n in T["meta"]
            if it["intent"] == "document":
                if not (in_body or in_meta):
                    E(f"{tag}: document answer not in text or metadata: {a!r}")
            elif not in_body:
                if n in T["furniture"]:
                    E(f"{tag}: answer only in page furniture: {a!r}")
                else:
                    E(f"{tag}: answer not in article text: {a!r}")
            if nev and not any(n in e for e in nev) and in_body:
                W(f"{tag}: answer not inside any evidence span: {a!r}")
        if it["intent"] in ("cause", "consequence", "stance"):
            if not 2 <= len(it["answers"]) <= 4:
                W(f"{tag}: {it['intent']} should have 2-4 key phrases (has {len(it['answers'])})")
            for a in it["answers"]:
                nw = len(a.split())
                if not 3 <= nw <= 8:
                    W(f"{tag}: key phrase of {nw} words: {a!r}")
        # paraphrase heuristic
        if it["evidence"]:
            qw = content_words(q)
            ew = set()
            for e in it["evidence"]:
                ew |= content_words(e)
            if qw:
                share = len(qw & ew) / len(qw)
                if it["form"] == "paraphrased" and share >= 0.6 and len(qw & ew) >= 3:
                    W(f"{tag}: labelled paraphrased but shares {len(qw & ew)}/{len(qw)} "
                      f"content words: {q!r}")

    for k, v in ids.items():
        if v > 1:
            E(f"duplicate id {k!r}")
    for k, v in qtexts.items():
        if v > 1:
            E(f"duplicate question text {k!r}")

    # counts
    singles = [it for it, _, cid in items if cid is None]
    turns = [it for it, _, cid in items if cid is not None]
    table = defaultdict(Counter)
    for it in singles:
        if it.get("intent") not in INTENTS:
            continue
        c = table[it["intent"]]
        if it["answerable"]:
            c["ans"] += 1
            c["para"] += it["form"] == "paraphrased"
        else:
            c["unans"] += 1
            c["on" if it["topic"] == "on" else "off"] += 1
    for intent in INTENTS:
        if table[intent]["ans"] < MIN_PER_INTENT:
            E(f"intent {intent}: only {table[intent]['ans']} answerable (< {MIN_PER_INTENT})")
    n_unans = sum(table[i]["unans"] for i in INTENTS)
    n_on = sum(table[i]["on"] for i in INTENTS)
    if n_unans < MIN_UNANS:
        E(f"only {n_unans} unanswerable (< {MIN_UNANS})")
    if n_on < MIN_UNANS_ON:
        E(f"only {n_on} unanswerable on-topic (< {MIN_UNANS_ON})")
    if len(singles) < MIN_TOTAL:
        E(f"only {len(singles)} single questions (< {MIN_TOTAL})")
    if conv_count < MIN_CONV:
        E(f"only {conv_count} conversations (< {MIN_CONV})")
    conv_unans = sum(1 for it in turns if not it["answerable"])
    conv_unans_later = sum(1 for it in turns
                           if not it["answerable"] and not it["id"].endswith("t1"))
    if conv_unans_later < 3:
        E(f"only {conv_unans_later} unanswerable later conversation turns (< 3)")
    ans_s = [it for it in singles if it["answerable"]]
    ans_t = [it for it in turns if it["answerable"]]
    def share(xs):
        return sum(it["form"] == "paraphrased" for it in xs) / max(1, len(xs))
    for name, xs in (("single", ans_s), ("conversation", ans_t), ("all", ans_s + ans_t)):
        if share(xs) < MIN_PARA:
            E(f"paraphrased share of answerable {name} questions {share(xs):.0%} < 60%")

    # report
    print("== counts: tune.jsonl ==")
    print(f"{'intent':<12}{'answerable':>11}{'paraphr.':>10}{'unans':>7}{'on':>5}{'off':>5}")
    tot = Counter()
    for i in INTENTS:
        c = table[i]
        tot.update(c)
        print(f"{i:<12}{c['ans']:>11}{c['para']:>10}{c['unans']:>7}{c['on']:>5}{c['off']:>5}")
    print(f"{'TOTAL':<12}{tot['ans']:>11}{tot['para']:>10}{tot['unans']:>7}{tot['on']:>5}{tot['off']:>5}")
    print(f"single questions: {len(singles)}; paraphrased share (answerable): {share(ans_s):.1%}")
    tc = Counter(it["intent"] for it in turns)
    print(f"== conversations: {conv_count}, turns: {len(turns)} "
          f"(answerable {len(ans_t)}, unanswerable {conv_unans}, "
          f"of which in later turns {conv_unans_later}); "
          f"paraphrased share: {share(ans_t):.1%}")
    print("   turn intents: " + ", ".join(f"{i}={tc[i]}" for i in INTENTS))
    print(f"overall paraphrased share (answerable, both files): {share(ans_s + ans_t):.1%}")
    print(f"== {len(warnings)} warnings ==")
    for w in warnings:
        print("WARN", w)
    print(f"== {len(errors)} errors ==")
    for e in errors:
        print("ERROR", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
