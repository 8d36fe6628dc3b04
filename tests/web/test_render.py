"""Web chat rendering without a server: escaping, citation cards, panels, Markdown export."""

from __future__ import annotations

from dataclasses import replace

import pytest
from html_checks import assert_inert, tags_of, with_class

from assistant.ingest.sources import Document
from assistant.qa import IndexStatus
from assistant.qa.answering import Answer, Citation
from assistant.qa.retrieval import Passage
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


def test_highlight_marks_the_quote_and_escapes_the_rest() -> None:
    text = "<b>Before</b> the quote. After."
    out = r.highlight(text, 14, 24)
    assert out == "&lt;b&gt;Before&lt;/b&gt; <mark>the quote.</mark> After."
    assert r.highlight(text, -1, -1) == r.escape_html(text)
    assert r.highlight(text, 5, 500) == r.escape_html(text)


def test_quote_span_uses_offsets_relative_to_the_passage() -> None:
    c = citation()
    start, end = r.quote_span(c)
    assert (start, end) == (c.start - c.passage_start, c.end - c.passage_start)
    assert c.passage[start:end] == c.quote
    # Offsets that disagree with the text fall back to finding the quote.
    assert r.quote_span(replace(c, start=0))[0] == c.passage.find(c.quote)
    assert r.quote_span(replace(c, quote="not there")) == (-1, -1)


def test_citation_card_shows_every_field_and_the_marked_quote() -> None:
    html = r.citation_card(citation())
    for text in ("[1]", "GSOMIA Survives", "T. Matsuo", "The Peninsula", "August 2020",
                 "paragraph 3", 'href="https://example.org/a"'):
        assert text in html
    assert "<mark>Seoul announced it would end it in 2019.</mark>" in html
    assert_inert(html)


def test_citation_card_with_hostile_fields_is_inert() -> None:
    c = citation(title=EVIL, author=EVIL, publisher=EVIL, date=EVIL, quote=EVIL,
                 passage=f"{EVIL} then more", passage_start=0, start=0, end=len(EVIL),
                 url="javascript:alert(9)")
    html = r.citation_card(c)
    assert_inert(html)
    assert "<mark>" in html and "Open the original" not in html


def test_sources_panel_lists_cards_and_collapses_other_passages() -> None:
    html = r.render_sources(answer(), DOCS)
    assert html.count('class="gs-card"') == 1
    assert '<details class="gs-others">' in html and "Other passages (1)" in html
    assert "<details open" not in html
    assert "cited" not in html.split("gs-others")[1]  # the cited chunk is not repeated
    assert "Evil" in html and "November 2019" in html  # the other passage's document
    assert_inert(html)


def test_abstention_cites_nothing_and_labels_closest_passages() -> None:
    html = r.render_sources(answer(abstained=True, citations=(),
                                   text="The sources do not answer this question."), DOCS)
    assert "gs-card" not in html
    assert "do not answer" in html
    assert "Closest passages (2) — not an answer" in html
    assert_inert(html)


def test_chat_text_has_markers_and_a_muted_timings_line() -> None:
    text = r.chat_text(answer(text=f"{EVIL} [1]"))
    assert "[1]" in text
    timings = with_class(text, "gs-timings")  # one muted line naming both stages' times
    assert len(timings) == 1 and timings[0].tag == "span"
    assert "retrieval 12.3 ms" in timings[0].text and "answering 0.5 ms" in timings[0].text
    assert_inert(text, template=False)
    abstained = r.chat_text(answer(abstained=True, citations=()))
    assert abstained.startswith("The sources do not answer this question.")


def test_user_and_error_text_are_inert() -> None:
    assert_inert(r.user_text(EVIL), template=False)
    assert_inert(r.error_text(EVIL), template=False)
    long = r.user_text("x" * 5000)
    assert len(long) < 600 and long.endswith("…")


def test_answer_markdown_has_answer_and_citations() -> None:
    md = r.answer_markdown(answer())
    assert md.startswith("# Why did Seoul end it?\n")
    assert '[1] "Seoul announced it would end it in 2019." — GSOMIA Survives, T. Matsuo, ' \
           "The Peninsula, August 2020, paragraph 3. <https://example.org/a>" in md
    abstained = r.answer_markdown(answer(abstained=True, citations=()))
    assert "## Closest passages (not an answer)" in abstained and "## Sources" not in abstained


def test_library_lists_documents_counts_and_state() -> None:
    fresh = IndexStatus("fresh", "", "2026-11-25T15:25:04+00:00", {"documents": 2, "chunks": 20})
    html = r.render_library(list(DOCS.values()), {"doc-a": 12, "doc-b": 8}, fresh)
    assert "25 November 2026, 15:25 UTC" in html and ">fresh<" in html
    assert "<td>12</td>" in html and "<td>8</td>" in html
    assert_inert(html)
    stale = IndexStatus("stale", "sources changed: a.txt", "bad date", {})
    html = r.render_library(list(DOCS.values()), {}, stale)
    assert ">stale<" in html and "sources changed: a.txt" in html and "bad date" in html
