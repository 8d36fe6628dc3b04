#!/usr/bin/env python3
"""Checker for the blind GSOMIA evaluation question set (test.jsonl + test_conversations.jsonl)."""
import collections
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ART = os.path.join(HERE, '..', '..', 'sources')  # the articles the writer read
META_FILE = os.path.join(HERE, 'gsomia_sources.md')  # and their metadata table
INTENTS = ['factoid', 'definition', 'cause', 'consequence', 'stance', 'status', 'comparison',
           'document']
FORMS = {'paraphrased', 'literal'}
KEYS = {'id', 'question', 'answers', 'evidence', 'answerable', 'intent', 'form', 'topic'}


def norm(t):
    t = (t.replace('\u2018', "'").replace('\u2019', "'")
          .replace('\u201c', '"').replace('\u201d', '"'))
    return re.sub(r'\s+', ' ', t).strip()


def load_article(name):
    with open(os.path.join(ART, name), encoding='utf-8') as f:
        t = norm(f.read())
    # drop page furniture that must never be cited
    t = t.replace('ISSN 2330-717X', '')
    cut = t.find('Click here to have')
    if cut >= 0:
        t = t[:cut]
    return t.strip()


ARTS = {
    '2019': load_article('why-did-south-korea-walk-out-of-the-gsomia.txt'),
    '2020': load_article('korea-japan-gsomia-survives.txt'),
}
with open(META_FILE, encoding='utf-8') as _f:
    _META_LINES = _f.read().splitlines(keepends=True)
META = norm(''.join(_META_LINES))
# only the metadata table (not the explanatory prose) may back document answers
META_TABLE = ' '.join(line for line in _META_LINES if line.startswith('|'))
META_TABLE = norm(META_TABLE)

errors, warnings = [], []


def err(qid, msg):
    errors.append(f'{qid}: {msg}')


def warn(qid, msg):
    warnings.append(f'{qid}: {msg}')


def find_all(hay, needle):
    hay, needle = hay.lower(), needle.lower()
    out, i = [], hay.find(needle)
    while i >= 0:
        out.append(i)
        i = hay.find(needle, i + 1)
    return out


ABBR = re.compile(r'\b(Col|Ms|Mr|Dr|Corp|U\.S)\.$')


def crosses_sentence(ev):
    for m in re.finditer(r'[.?!]"? (?=["A-Z])', ev):
        before = ev[:m.start() + 1]
        if not ABBR.search(before):
            return True
    return False


def check_q(q, ids, where):
    qid = q.get('id', '?')
    missing = KEYS - set(q)
    extra = set(q) - KEYS
    if missing:
        err(qid, f'missing keys {sorted(missing)}')
        return
    if extra:
        err(qid, f'unexpected keys {sorted(extra)}')
    if qid in ids:
        err(qid, 'duplicate id')
    ids.add(qid)
    if not isinstance(q['question'], str) or len(q['question'].strip()) < 3:
        err(qid, 'empty question')
    if q['intent'] not in INTENTS:
        err(qid, f'bad intent {q["intent"]}')
    if q['form'] not in FORMS:
        err(qid, f'bad form {q["form"]}')
    if q['topic'] not in ('on', 'off'):
        err(qid, f'bad topic {q["topic"]}')
    if not isinstance(q['answers'], list) or not isinstance(q['evidence'], list):
        err(qid, 'answers/evidence must be lists')
        return
    for s in q['answers'] + q['evidence'] + [q['question']]:
        if any(c in s for c in '\u2018\u2019\u201c\u201d'):
            err(qid, f'curly quote in {s!r}')
    if q['answerable'] is not True and q['answerable'] is not False:
        err(qid, 'answerable must be boolean')
    if not q['answerable']:
        if q['answers'] or q['evidence']:
            err(qid, 'unanswerable question must have empty answers and evidence')
        return
    if q['topic'] != 'on':
        err(qid, 'answerable question must have topic "on"')
    if not q['answers']:
        err(qid, 'answerable question without answers')
    if q['intent'] != 'document' and not q['evidence']:
        err(qid, 'non-document answerable question without evidence')
    if len(q['evidence']) > 3:
        err(qid, 'more than 3 evidence spans')
    # evidence: verbatim, 5-25 words, one sentence
    ev_locs = []  # (article, pos, len)
    for ev in q['evidence']:
        n = len(ev.split())
        if not 5 <= n <= 25:
            err(qid, f'evidence has {n} words (need 5-25): {ev!r}')
        if crosses_sentence(ev):
            err(qid, f'evidence seems to span two sentences: {ev!r}')
        hits = [(a, p) for a, t in ARTS.items() for p in find_all(t, ev)]
        if not hits:
            err(qid, f'evidence not found in article text: {ev!r}')
        for a, p in hits:
            ev_locs.append((a, p, len(ev)))
    # answers
    for ans in q['answers']:
        n = len(ans.split())
        if n > 10:
            err(qid, f'answer too long ({n} words): {ans!r}')
        in_text = [(a, p) for a, t in ARTS.items() for p in find_all(t, ans)]
        if q['intent'] == 'document':
            if not in_text and ans.lower() not in META_TABLE.lower():
                err(qid, f'document answer not in article text or metadata table: {ans!r}')
            continue
        if not in_text:
            err(qid, f'answer not found in article text: {ans!r}')
            continue
        # the answer should sit in the passage the evidence points at
        near = any(a == ea and ep - 300 <= p <= ep + el + 300
                   for a, p in in_text for ea, ep, el in ev_locs)
        if not near:
            err(qid, f'answer not near any evidence span: {ans!r}')
        if q['intent'] in ('cause', 'consequence', 'stance') and len(in_text) > 1 and n >= 3:
            warn(qid, f'key phrase occurs {len(in_text)}x in the articles: {ans!r}')


def load_jsonl(path):
    rows = []
    with open(path, encoding='utf-8') as f:
        for i, line in enumerate(f, 1):
            if not line.strip():
                err(f'{os.path.basename(path)}:{i}', 'blank line')
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                err(f'{os.path.basename(path)}:{i}', f'bad JSON: {e}')
    return rows


def main():
    ids = set()
    singles = load_jsonl(os.path.join(HERE, 'test.jsonl'))
    convs = load_jsonl(os.path.join(HERE, 'test_conversations.jsonl'))
    for q in singles:
        if not re.fullmatch(r'x\d{3}', q.get('id', '')):
            err(q.get('id', '?'), 'single-question id must look like x001')
        check_q(q, ids, 'single')
    turns = []
    for c in convs:
        cid = c.get('id', '?')
        if set(c) != {'id', 'turns'}:
            err(cid, f'conversation keys {sorted(c)}')
        if not re.fullmatch(r'xc\d{2}', cid):
            err(cid, 'conversation id must look like xc01')
        if cid in ids:
            err(cid, 'duplicate id')
        ids.add(cid)
        ts = c.get('turns', [])
        if not 2 <= len(ts) <= 3:
            err(cid, f'{len(ts)} turns (need 2-3)')
        for k, t in enumerate(ts, 1):
            if t.get('id') != f'{cid}t{k}':
                err(t.get('id', '?'), f'turn id should be {cid}t{k}')
            check_q(t, ids, 'turn')
            turns.append(t)

    # counts
    print('== test.jsonl ==')
    print(f'{"intent":<12} {"ans":>4} {"unans":>6} {"u-on":>5} {"u-off":>6} {"para":>5}')
    tot = collections.Counter()
    for it in INTENTS:
        a = [q for q in singles if q['intent'] == it and q['answerable']]
        u = [q for q in singles if q['intent'] == it and not q['answerable']]
        uon = sum(q['topic'] == 'on' for q in u)
        para = sum(q['form'] == 'paraphrased' for q in a)
        print(f'{it:<12} {len(a):>4} {len(u):>6} {uon:>5} {len(u) - uon:>6} {para:>5}')
        tot.update(ans=len(a), unans=len(u), uon=uon, para=para)
        if len(a) < 16:
            err('counts', f'only {len(a)} answerable {it} questions (need >= 16)')
    print(f'{"TOTAL":<12} {tot["ans"]:>4} {tot["unans"]:>6} {tot["uon"]:>5} '
          f'{tot["unans"] - tot["uon"]:>6} {tot["para"]:>5}')
    print(f'lines: {len(singles)}; paraphrased share of answerable: '
          f'{tot["para"] / max(1, tot["ans"]):.1%}')
    if tot['unans'] < 45:
        err('counts', f'only {tot["unans"]} unanswerable (need >= 45)')
    if tot['uon'] < 22:
        err('counts', f'only {tot["uon"]} on-topic unanswerable (need >= 22)')
    if len(singles) < 175:
        err('counts', f'only {len(singles)} single questions (need >= 175)')
    if tot['para'] < 0.6 * tot['ans']:
        err('counts', 'paraphrased share of answerable single questions below 60%')

    # status yes/no balance is reported, not enforced mechanically
    # (answers hold the settling phrase)
    print('\n== test_conversations.jsonl ==')
    ta = [t for t in turns if t['answerable']]
    tu = [t for t in turns if not t['answerable']]
    tp = sum(t['form'] == 'paraphrased' for t in ta)
    print(f'conversations: {len(convs)}; turns: {len(turns)} '
          f'(answerable {len(ta)}, unanswerable {len(tu)}, '
          f'paraphrased share {tp / max(1, len(ta)):.1%})')
    print('turn intents:', dict(collections.Counter(t['intent'] for t in turns)))
    if len(convs) < 16:
        err('counts', f'only {len(convs)} conversations (need >= 16)')
    if not tu:
        err('counts', 'no conversation has an unanswerable turn')
    if tp < 0.6 * len(ta):
        err('counts', 'paraphrased share of answerable turns below 60%')
    allans = [q for q in singles + turns if q['answerable']]
    print(f'all answerable (singles+turns): {len(allans)}, paraphrased share '
          f'{sum(q["form"] == "paraphrased" for q in allans) / len(allans):.1%}')

    print(f'\nwarnings: {len(warnings)}')
    for w in warnings:
        print('  WARN', w)
    print(f'errors: {len(errors)}')
    for e in errors:
        print('  ERROR', e)
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
