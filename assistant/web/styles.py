"""Styles: the chat's CSS (passed to ``launch``), legible at WCAG AA and laid out for phones.

Colours: every text colour here meets 4.5:1 on white (the subdued grey #4b5563 is 7.6:1,
the accent #9a3412 on the highlight #fde68a 6.6:1); focus rings are 3 px of #1d4ed8
(6.7:1; gradio's own textarea rule removes outlines with !important, so ours
is !important too). Below 640 px the chat's two columns become one, in reading order: the question
box, the conversation, its sources, then the examples and settings (folded by the page's
script); the timeline's plot scrolls sideways at a readable size.
"""

from __future__ import annotations

SUBDUED = "#4b5563"
ACCENT = "#9a3412"
FOCUS = "#1d4ed8"
PRIMARY = "#c2410c"  # buttons: white on it is 5.2:1

CSS = f"""
:root {{ --gs-subdued: {SUBDUED}; --gs-accent: {ACCENT}; --gs-focus: {FOCUS}; }}
.gs-panel {{ font-size: 1rem; }}
.gs-heading {{ margin: 0 0 .5rem 0; }}
.gs-card {{ border: 1px solid var(--border-color-primary); border-radius: 8px;
           padding: .6rem .8rem; margin-bottom: .6rem; scroll-margin: 1rem; }}
.gs-card:focus {{ outline: 3px solid var(--gs-focus); outline-offset: 2px; }}
.gs-card.gs-flash {{ outline: 3px solid var(--gs-focus); outline-offset: 2px;
                    box-shadow: 0 0 0 6px rgba(29, 78, 216, .25); }}
.gs-card-head {{ font-weight: 600; }}
.gs-marker {{ color: var(--gs-accent); margin-right: .25rem; }}
.gs-meta, .gs-for {{ color: var(--gs-subdued); font-size: .9rem; margin: .2rem 0; }}
.gs-passage {{ margin: .4rem 0 0 0; padding-left: .6rem;
              border-left: 3px solid var(--border-color-primary); }}
.gs-passage p {{ margin: 0 0 .5rem 0; }}
.gs-passage mark, .gs-tl-passage mark {{ background: #fde68a; color: #111827;
                                        padding: 0 .1rem; }}
.gs-mark-n {{ font-weight: 700; color: var(--gs-accent); }}
mark.gs-flash {{ background: #fcd34d; outline: 2px solid var(--gs-focus); }}
.gs-link {{ color: var(--gs-focus); text-decoration: underline; }}
.gs-abstain {{ font-weight: 600; }}
.gs-others summary, .gs-closest summary {{ cursor: pointer; font-weight: 600; }}
.gs-other {{ margin-bottom: .5rem; }}
.gs-panel-error p {{ color: var(--gs-subdued); font-style: italic; }}
#gs-chat .gs-timings {{ color: var(--gs-subdued); font-size: .8rem; }}
#gs-chat .gs-read-as {{ color: var(--gs-subdued); font-style: italic; }}
#gs-chat .gs-error {{ color: #b91c1c; }}
#gs-chat .gs-from {{ display: inline-block; margin-top: .3rem; }}
#gs-chat a.gs-cite {{ color: var(--gs-focus); text-decoration: underline; cursor: pointer;
                     position: relative; border-radius: 3px; padding: 0 .1rem; }}
#gs-chat a.gs-cite:focus-visible {{ outline: 3px solid var(--gs-focus); outline-offset: 1px; }}
.gs-tip {{ display: none; position: fixed; z-index: 1000; max-width: min(26rem, 90vw);
          background: #111827; color: #f9fafb; border-radius: 6px; padding: .5rem .6rem;
          font-size: .85rem; line-height: 1.35; text-align: left; font-weight: 400;
          box-shadow: 0 4px 12px rgba(0, 0, 0, .25); pointer-events: none; }}
a.gs-cite:hover .gs-tip, a.gs-cite:focus .gs-tip {{ display: block; }}
a.gs-cite.gs-tip-off .gs-tip {{ display: none; }}
.gs-tip-q {{ display: block; font-style: italic; }}
.gs-tip-s {{ display: block; margin-top: .3rem; color: #e5e7eb; }}
.gs-actions {{ display: flex; flex-wrap: wrap; gap: .4rem; align-items: center;
              margin-top: .4rem; }}
.gs-act {{ border: 1px solid {SUBDUED}; border-radius: 6px; padding: .1rem .6rem;
          background: #ffffff; color: #111827; font-size: .85rem; cursor: pointer; }}
.gs-act:hover {{ background: #f3f4f6; }}
.gs-act:focus-visible {{ outline: 3px solid var(--gs-focus); outline-offset: 1px; }}
.gs-act-status, .gs-saved {{ color: #166534; font-size: .85rem; }}
.gs-saved {{ margin-left: .4rem; align-self: center; font-weight: 600; }}
.gs-saved.gs-failed {{ color: #b91c1c; }}
#gs-feedback {{ position: absolute !important; width: 1px; height: 1px; overflow: hidden;
               clip: rect(0 0 0 0); white-space: nowrap; }}
.message-row:has(.gs-error) + .message-buttons {{ display: none !important; }}
#gs-question textarea:focus, #gs-question textarea:focus-visible {{
    outline: 3px solid var(--gs-focus) !important; outline-offset: 2px; }}
#gs-counter p {{ margin: 0; color: var(--gs-subdued); font-size: .85rem; }}
#gs-counter p.gs-over {{ color: #b91c1c; font-weight: 600; }}
.gs-docs {{ width: 100%; border-collapse: collapse; }}
.gs-docs th, .gs-docs td {{ border-bottom: 1px solid var(--border-color-primary);
                           padding: .35rem .5rem; text-align: left; vertical-align: top; }}
.gs-metrics .gs-num {{ font-variant-numeric: tabular-nums; text-align: right; }}
.gs-fail {{ border-bottom: 1px solid var(--border-color-primary); padding: .3rem 0; }}
.gs-fail summary {{ cursor: pointer; }} .gs-why {{ color: #92400e; }}
.gs-fresh {{ color: #166534; }} .gs-stale, .gs-missing {{ color: #92400e; }}
#gs-docs-status {{ min-height: 4rem; }}
.gs-outcome .gs-ok {{ color: #166534; }} .gs-outcome p {{ margin: .2rem 0; }}
.gs-count {{ color: var(--gs-subdued); margin: .2rem 0; }}
.gs-header h1 {{ margin: 0 0 .2rem 0; font-size: 1.5rem; }} .gs-header p {{ margin: 0; }}
.gs-kind {{ font-weight: 400; font-size: .8rem; border: 1px solid var(--border-color-primary);
           border-radius: 4px; padding: 0 .3rem; margin-left: .3rem; }}
.gs-eval-help {{ font-size: .9rem; }}
.gs-eval-help code {{ font-size: .85rem; }}
#gs-tl-plot {{ overflow-x: auto !important; }}
#gs-tl-plot:focus-visible {{ outline: 3px solid var(--gs-focus); outline-offset: 2px; }}
#gs-counter {{ padding: 0 .2rem; }}
.tab-container button[role="tab"].selected {{ color: var(--gs-accent); }}
footer, footer a, footer button, footer .show-api {{ color: var(--gs-subdued) !important; }}
@media (max-width: 640px) {{
  #gs-chat-row {{ flex-direction: column; flex-wrap: nowrap; gap: .5rem; }}
  #gs-col-chat, #gs-col-side, #gs-col-chat > .form, #gs-col-side > .form {{
      display: contents; }}
  #gs-question {{ order: 1; }} #gs-counter {{ order: 2; }} #gs-buttons {{ order: 3; }}
  #gs-chat {{ order: 4; }} #gs-sources {{ order: 5; }} #gs-tl-offer {{ order: 6; }}
  #gs-examples-box {{ order: 7; }} #gs-settings {{ order: 8; }}
  #gs-chat-row > * {{ width: 100%; min-width: 0; }}
  .gradio-container .main.app {{ padding-left: 12px; padding-right: 12px; }}
  .tab-wrapper .tab-container button {{ padding: .3rem .4rem; font-size: .875rem; }}
  #gs-tl-plot .matplotlib {{ display: block; text-align: left; }}
  #gs-tl-plot img {{ min-width: 760px; max-width: none; }}
  #gs-tl-row {{ flex-direction: column; }}
  #gs-tl-row > * {{ width: 100%; min-width: 0; }}
}}
"""
