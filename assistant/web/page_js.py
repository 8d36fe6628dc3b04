"""The chat page's scripts (ours; no text from a user or a source is ever put in them).

``PANEL_JS`` runs once in the sources panel (a ``gr.HTML`` with two server functions,
``answer_sources`` and ``answer_file``; :mod:`.app`) and listens on the whole page:

- a click on a citation ``[n]`` in an answer scrolls its highlighted sentence (and its
  card) into view, marks both for two seconds and moves the focus to the card; when the
  panel shows another answer's sources, it first asks the server for this answer's;
- a citation's preview (hover or focus) is placed beside it, inside the window, and
  Escape hides it;
- the buttons under an answer copy it (as Markdown) or download it as Markdown or JSON,
  named after the question and the date, and say what they did;
- at phone width the example questions fold away, and the timeline's plot (which
  scrolls sideways there) can be reached and scrolled with the keyboard.

``FEEDBACK_JS`` shows "Saved" (or "Not saved") beside the thumbs of the answer whose
feedback the server wrote. ``COUNTER_JS`` keeps the characters-left counter under the
question box and ties it to the box for screen readers.
"""

from __future__ import annotations

PANEL_JS = r"""
const gs = window.__gs || (window.__gs = {});
gs.server = server; gs.props = props; gs.panel = element;
const reduce = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
gs.show = (mark) => {
  const card = mark.closest('.gs-card') || mark;
  mark.scrollIntoView({behavior: reduce ? 'auto' : 'smooth', block: 'center'});
  card.setAttribute('tabindex', '-1');
  card.focus({preventScroll: true});
  for (const el of [card, mark]) {
    el.classList.add('gs-flash');
    setTimeout(() => el.classList.remove('gs-flash'), 2000);
  }
};
gs.find = async (id) => {
  for (let i = 0; i < 40; i++) {
    const el = document.getElementById(id);
    if (el) return el;
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
};
gs.cite = async (link) => {
  const m = /^#gs-c-([A-Za-z0-9_-]+)-(\d+)$/.exec(link.getAttribute('href') || '');
  if (!m) return;
  const id = 'gs-c-' + m[1] + '-' + m[2];
  let mark = document.getElementById(id);
  if (!mark) {
    gs.props.value = await gs.server.answer_sources(m[1]);
    mark = await gs.find(id);
  }
  if (mark) gs.show(mark);
};
gs.save = (file) => {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([file.text], {type: file.type}));
  a.download = file.name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60000);
};
gs.copy = async (text) => {
  try { await navigator.clipboard.writeText(text); return true; } catch (e) { /* below */ }
  const area = document.createElement('textarea');
  area.value = text;
  document.body.appendChild(area);
  area.select();
  const done = document.execCommand('copy');
  area.remove();
  return done;
};
gs.act = async (button) => {
  const box = button.closest('.gs-actions');
  const status = box.querySelector('.gs-act-status');
  const token = box.id.replace(/^gs-a-/, '');
  const kind = button.classList.contains('gs-act-json') ? 'json' : 'md';
  const file = await gs.server.answer_file(token, kind);
  if (!file) { status.textContent = 'This answer is no longer kept: ask again.'; return; }
  if (button.classList.contains('gs-act-copy')) {
    status.textContent = (await gs.copy(file.text)) ? 'Copied' : 'Could not copy';
  } else {
    gs.save(file);
    status.textContent = 'Saved ' + file.name;
  }
};
gs.place = (link) => {
  const tip = link.querySelector('.gs-tip');
  if (!tip) return;
  const r = link.getBoundingClientRect();
  const width = Math.min(416, window.innerWidth * 0.9);
  tip.style.left = Math.max(8, Math.min(r.left, window.innerWidth - width - 8)) + 'px';
  if (r.bottom + 160 < window.innerHeight) {
    tip.style.top = (r.bottom + 6) + 'px'; tip.style.bottom = 'auto';
  } else {
    tip.style.bottom = (window.innerHeight - r.top + 6) + 'px'; tip.style.top = 'auto';
  }
};
if (!gs.ready) {
  gs.ready = true;
  document.addEventListener('click', (e) => {
    const link = e.target.closest && e.target.closest('a.gs-cite');
    if (link) { e.preventDefault(); gs.cite(link); return; }
    const button = e.target.closest && e.target.closest('button.gs-act');
    if (button) { e.preventDefault(); gs.act(button); }
  });
  for (const type of ['mouseover', 'focusin']) {
    document.addEventListener(type, (e) => {
      const link = e.target.closest && e.target.closest('a.gs-cite');
      if (link) { link.classList.remove('gs-tip-off'); gs.place(link); }
    });
  }
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    document.querySelectorAll('a.gs-cite').forEach((a) => a.classList.add('gs-tip-off'));
  });
  // The timeline's plot scrolls sideways on a phone: let the keyboard reach and scroll it.
  const reach = () => {
    const plot = document.getElementById('gs-tl-plot');
    if (plot && !plot.hasAttribute('tabindex')) {
      plot.tabIndex = 0;
      plot.setAttribute('role', 'region');
      plot.setAttribute('aria-label', 'Timeline plot (scrolls sideways)');
    }
  };
  new MutationObserver(reach).observe(document.body, {childList: true, subtree: true});
  reach();
  if (window.matchMedia('(max-width: 640px)').matches) {
    const fold = () => {
      const head = document.querySelector('#gs-examples-box > button.label-wrap.open, '
                                          + '#gs-examples-box .label-wrap.open');
      if (head) head.click();
    };
    setTimeout(fold, 300);
  }
}
"""

FEEDBACK_JS = r"""
watch('value', () => {
  const note = element.querySelector('.gs-fb');
  if (!note) return;
  const answer = document.getElementById('gs-a-' + note.dataset.token);
  const row = answer && answer.closest('.message-row');
  let buttons = row && row.nextElementSibling;
  if (!buttons || !buttons.classList.contains('message-buttons')) return;
  let label = buttons.querySelector('.gs-saved');
  if (!label) {
    label = document.createElement('span');
    label.className = 'gs-saved';
    label.setAttribute('role', 'status');
    buttons.appendChild(label);
  }
  label.textContent = note.textContent;
  label.classList.toggle('gs-failed', note.dataset.saved !== 'yes');
});
"""

COUNTER_JS = r"""
const limit = parseInt(element.querySelector('[data-limit]').dataset.limit, 10);
const line = element.querySelector('[data-limit]');
let last = -1;
const update = () => {
  const box = document.querySelector('#gs-question textarea');
  if (!box) return;
  if (!box.getAttribute('aria-describedby')) box.setAttribute('aria-describedby', line.id);
  const used = box.value.length;
  if (used === last) return;
  last = used;
  const left = limit - used;
  line.textContent = left >= 0
    ? left.toLocaleString('en-US') + ' characters left'
    : (-left).toLocaleString('en-US') + ' characters over the limit';
  line.classList.toggle('gs-over', left < 0);
};
document.addEventListener('input', (e) => {
  if (e.target.closest && e.target.closest('#gs-question')) update();
});
setInterval(update, 500);  // the box is also emptied by the server after each answer
update();
"""
