"""Web chat rendering without a server: escaping, citation cards, panels, Markdown export."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from html_checks import assert_inert, tags_of, with_class

from assistant.ingest.sources import Document
from assistant.qa import IndexStatus
from assistant.qa.answering import Answer, Citation
from assistant.qa.retrieval import Passage
from assistant.web import cards, export
from assistant.web import render as r

PAYLOADS = (
    "<img src=x onerror=alert(1)>",
    "<script>alert(2)</script>",
    "<iframe srcdoc=\"<script>alert(3)</script>\"></iframe>",
    "[x](javascript:alert(4))",
    "![y](javascript:alert(5))",
    "[z]: javascript:alert(6)",
    "\" onmouseover=\"alert(7)",
    "${alert(8)} {{constructor}} `x`",
)
EVIL = " ".join(PAYLOADS)
def citation(**changes: object) -> Citation:
    passage = "GSOMIA was signed in November 2016. Seoul announced it would end it in 2019."
    base = Citation(marker=1, source_id="doc-a", title="GSOMIA Survives", author="T. Matsuo",
                    publisher="The Peninsula", date="2020-08", quote="Seoul announced it would "
                    "end it in 2019.", start=136, end=176, passage=passage, passage_start=100,
                    paragraph=3, chunk_id="doc-a-0001", url="https://example.org/a")
    return replace(base, **changes)


def passage(chunk_id: str, text: str, source_id: str = "doc-a") -> Passage:
    return Passage(chunk_id, source_id, text, 0.5, 1, 0.4, 2.0)


DOCS = {"doc-a": Document("doc-a", "a.txt", "GSOMIA Survives", "text", date="2020-08"),
        "doc-b": Document("doc-b", "b.txt", f"Evil {EVIL}", "text", author=EVIL, date="2019-11")}


def answer(**changes: object) -> Answer:
    base = Answer(question="Why did Seoul end it?", text="Seoul announced it would end it in "
                  "2019. [1]", abstained=False, citations=(citation(),),
                  passages=(passage("doc-a-0001", "cited"), passage("doc-b-0002", EVIL, "doc-b")),
                  timings_ms={"retrieval_ms": 12.345, "answer_ms": 0.5, "total_ms": 13.0})
    return replace(base, **changes)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_escape_chat_leaves_no_tag_and_no_markdown_link(payload: str) -> None:
    out = r.escape_chat(payload)
    assert "<" not in out and ">" not in out
    assert "](" not in out and "]:" not in out
    assert tags_of(out) == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_escape_html_leaves_no_markup_or_template_syntax(payload: str) -> None:
    out = r.escape_html(payload)
    for char in "<>\"'${}`":
        assert char not in out
    assert tags_of(out) == []


def test_escaping_is_single_pass() -> None:
    assert r.escape_html("&lt;") == "&amp;lt;"
    assert r.escape_chat("a & b [1]") == "a &amp; b [1]"  # markers stay readable


def test_safe_url_allows_only_http_links() -> None:
    assert r.safe_url("https://example.org/a") == "https://example.org/a"
    for bad in ("javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "//evil",
                "file:///etc/passwd", "https://x.org/a b"):
        assert r.safe_url(bad) == ""


def test_quote_span_uses_offsets_relative_to_the_passage() -> None:
    c = citation()
    start, end = cards.quote_span(c)
    assert (start, end) == (c.start - c.passage_start, c.end - c.passage_start)
    assert c.passage[start:end] == c.quote
    # Offsets that disagree with the text fall back to finding the quote.
    assert cards.quote_span(replace(c, start=0))[0] == c.passage.find(c.quote)
    assert cards.quote_span(replace(c, quote="not there")) == (-1, -1)


def test_a_card_shows_every_field_and_the_marked_quote() -> None:
    html = cards.passage_card([citation()], "tok")
    for text in ("[1]", "GSOMIA Survives", "T. Matsuo", "The Peninsula", "August 2020",
                 "paragraph 3", 'href="https://example.org/a"', "Open the original article"):
        assert text in html
    marks = with_class(html, "gs-mark")
    assert [m.attrs["id"] for m in marks] == ["gs-c-tok-1"]
    assert marks[0].text == "[1] Seoul announced it would end it in 2019."
    assert_inert(html)


def test_a_card_with_hostile_fields_is_inert() -> None:
    c = citation(title=EVIL, author=EVIL, publisher=EVIL, date=EVIL, quote=EVIL,
                 passage=f"{EVIL} then more", passage_start=0, start=0, end=len(EVIL),
                 url="javascript:alert(9)")
    html = cards.passage_card([c], "tok")
    assert_inert(html)
    assert "<mark" in html and "Open the original" not in html


THREE = ("Seoul said no. Tokyo waited.\n\nTalks resumed in May. A deal followed.\n\n"
         "Critics objected.")


def cite(marker: int, quote: str, paragraph: int, **changes: object) -> Citation:
    start = 500 + THREE.index(quote)
    return citation(marker=marker, quote=quote, start=start, end=start + len(quote),
                    passage=THREE, passage_start=500, paragraph=paragraph, **changes)


def test_three_sentences_of_one_passage_share_one_card_with_three_marks() -> None:
    """The locator names the paragraphs the passage spans, and the passage is shown
    paragraph by paragraph, so the label and the text agree."""
    group = [cite(1, "Tokyo waited.", 4), cite(2, "Talks resumed in May.", 5),
             cite(3, "Critics objected.", 6)]
    html = cards.render_sources(answer(citations=tuple(group)), DOCS, "tok")
    assert len(with_class(html, "gs-card")) == 1
    marks = with_class(html, "gs-mark")
    assert [m.attrs["id"] for m in marks] == ["gs-c-tok-1", "gs-c-tok-2", "gs-c-tok-3"]
    assert [m.text for m in marks] == ["[1] Tokyo waited.", "[2] Talks resumed in May.",
                                       "[3] Critics objected."]
    card = with_class(html, "gs-card")[0]
    assert "[1] [2] [3]" in card.text and "paragraphs 4–6" in card.text
    paragraphs = [e for e in with_class(html, "gs-passage")[0:1]]
    assert paragraphs and html.count("<p>") >= 3  # one block per paragraph shown
    assert_inert(html)


def test_citations_of_different_passages_get_their_own_cards() -> None:
    other = citation(marker=2, chunk_id="doc-a-0009", passage="Elsewhere. Seoul announced "
                     "it would end it in 2019.", passage_start=900, start=911, end=951,
                     paragraph=9)
    html = cards.render_sources(answer(citations=(citation(), other)), DOCS, "tok")
    heads = [c.text for c in with_class(html, "gs-card-head")]
    assert len(heads) == 2 and heads[0].startswith("[1]") and heads[1].startswith("[2]")
    assert "paragraph 3" in html and "paragraph 9" in html


def test_paragraph_range_counts_the_breaks_before_and_after_the_quote() -> None:
    assert cards.paragraph_range(THREE, THREE.index("Critics"), 6) == (4, 6)
    assert cards.paragraph_range("One paragraph only.", 4, 7) == (7, 7)
    assert cards.locator(4, 6) == "paragraphs 4–6" and cards.locator(2, 2) == "paragraph 2"


def test_sources_panel_lists_cards_and_collapses_other_passages() -> None:
    html = cards.render_sources(answer(), DOCS)
    assert html.count('class="gs-card"') == 1
    assert '<details class="gs-others">' in html and "Other passages (1)" in html
    assert "<details open" not in html
    assert "cited" not in html.split("gs-others")[1]  # the cited chunk is not repeated
    assert "Evil" in html and "November 2019" in html  # the other passage's document
    assert_inert(html)
    earlier = cards.render_sources(answer(), DOCS, "tok", earlier=True)
    assert "Sources of an earlier answer: “Why did Seoul end it?”" in earlier


def test_abstention_cites_nothing_and_labels_closest_passages() -> None:
    html = cards.render_sources(answer(abstained=True, citations=(),
                                       text="The sources do not answer this question."), DOCS)
    assert "gs-card" not in html
    assert "do not answer" in html
    assert "Closest passages (2) — not an answer" in html
    assert_inert(html)


def test_chat_text_links_markers_to_their_sentences_with_a_preview() -> None:
    text = r.chat_text(answer(text=f"{EVIL} [1]"), "tok")
    links = with_class(text, "gs-cite")
    assert [a.attrs["href"] for a in links] == ["#gs-c-tok-1"]
    tip = with_class(text, "gs-tip")[0]
    assert tip.attrs["role"] == "tooltip"
    assert "Seoul announced it would end it in 2019." in tip.text
    assert "GSOMIA Survives · August 2020" in tip.text
    timings = with_class(text, "gs-timings")  # one muted line naming both stages' times
    assert len(timings) == 1 and timings[0].tag == "span"
    assert "retrieval 12.3 ms" in timings[0].text and "answering 0.5 ms" in timings[0].text
    assert [b.text for b in with_class(text, "gs-act")] == ["Copy", "Markdown", "JSON"]
    assert_inert(text, template=False)
    abstained = r.chat_text(answer(abstained=True, citations=()))
    assert "The sources do not answer this question." in abstained
    assert "gs-actions" not in abstained  # no token, no buttons


def test_a_marker_without_its_citation_stays_text() -> None:
    text = r.chat_text(answer(text="Seoul said [Korea] ended it [7]. [1]"), "tok")
    assert "[Korea]" in text and "[7]" in text
    assert len(with_class(text, "gs-cite")) == 1


def test_answers_from_several_sources_start_each_source_on_its_own_line() -> None:
    mishra = cite(1, "Tokyo waited.", 4, source_id="doc-b", author="Dr Sandip Mishra (JNU)",
                  date="2019-11")
    matsuo = cite(2, "Critics objected.", 6, chunk_id="doc-a-0009")
    text = ("From Mishra (Nov 2019): Tokyo waited. [1] From Matsuo (Aug 2020): "
            "Critics objected. [2]")
    html = r.chat_text(answer(text=text, citations=(mishra, matsuo)), "tok")
    intros = [e.text for e in with_class(html, "gs-from")]
    assert intros == ["From Mishra (Nov 2019):", "From Matsuo (Aug 2020):"]
    assert html.count("<br>") == 2  # before the second source and before the timings
    short = r.chat_text(answer(text=f"**30** [1]. {text}", short_answer="30",
                               citations=(mishra, matsuo)), "tok")
    assert [e.text for e in with_class(short, "gs-from")] == intros
    assert "</a>.<br><strong" in short  # the short answer, then Mishra on a new line


def test_short_answer_is_bold_and_its_marker_linked() -> None:
    html = r.chat_text(answer(text="**2019** [1]. Seoul announced it would end it in 2019. [1]",
                              short_answer="2019"), "tok")
    assert '<strong class="gs-short">2019</strong>' in html
    assert len(with_class(html, "gs-cite")) == 2


def test_markdown_export_quotes_once_and_names_the_source() -> None:
    md = export.answer_markdown(answer())
    assert md.startswith("# Why did Seoul end it?\n")
    assert ("[1] GSOMIA Survives, T. Matsuo, The Peninsula, August 2020, paragraph 3. "
            "<https://example.org/a>\n\n> Seoul announced it would end it in 2019.") in md
    quoted = '"The U.S. should be involved," said Mr. Klingner.'
    md = export.answer_markdown(answer(citations=(citation(quote=quoted),)))
    assert f"> {quoted}" in md and '""' not in md and '."' + '"' not in md
    abstained = export.answer_markdown(answer(abstained=True, citations=()))
    assert "## Closest passages (not an answer)" in abstained and "## Sources" not in abstained


def test_answers_are_kept_by_unguessable_token_and_bounded() -> None:
    kept = export.Answers(keep=2)
    day = dt.date(2026, 12, 5)
    tokens = [kept.add(answer(question=f"Question {n}?"), day) for n in range(3)]
    assert len(set(tokens)) == 3 and all(len(t) >= 20 for t in tokens)
    assert kept.get(tokens[0]) is None  # the oldest went
    file = kept.file(tokens[2], "json")
    assert file is not None and file["name"] == "question-2-2026-12-05.json"
    assert kept.file(tokens[2], "exe") is None and kept.file("../etc/passwd", "md") is None


def test_library_lists_documents_counts_and_state() -> None:
    fresh = IndexStatus("fresh", "", "2026-11-25T15:25:04+00:00", {"documents": 2, "chunks": 20})
    html = r.render_library(list(DOCS.values()), {"doc-a": 12, "doc-b": 8}, fresh)
    assert "25 November 2026, 15:25 UTC" in html and ">fresh<" in html
    assert "<td>12</td>" in html and "<td>8</td>" in html
    assert_inert(html)
    stale = IndexStatus("stale", "sources changed: a.txt", "bad date", {})
    html = r.render_library(list(DOCS.values()), {}, stale)
    assert ">stale<" in html and "sources changed: a.txt" in html and "bad date" in html


def test_a_respelt_question_says_how_it_was_read() -> None:
    plain = r.chat_text(answer(text="It ended. [1]"), "tok")
    assert "gs-read-as" not in plain
    read = r.chat_text(replace(answer(text="It ended. [1]"), read_as=f"Why {EVIL}?"), "tok")
    assert with_class(read, "gs-read-as")[0].text.startswith("Read as: Why ")
    assert_inert(read, template=False)  # chat text, not a gr.HTML template
