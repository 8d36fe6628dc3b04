"""Cleaning: each pure function on small cases and on the two real articles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support import ARTICLE_2019, ARTICLE_2020, FURNITURE, REAL_SOURCES, write_corpus

from assistant.ingest.chunking import chunk_documents, split_sentences
from assistant.ingest.cleaning import (
    DEFAULT_FURNITURE,
    clean_text,
    collapse_spaces,
    compile_patterns,
    drop_furniture,
    join_split_title,
    join_wrapped,
    normalize_characters,
    split_heading,
    unwrap_lines,
)
from assistant.ingest.sources import load_documents

TITLE_2020 = "Korea-Japan GSOMIA Survives Amid Disputes over Historical, Trade Issues"
KNOWN_2020 = ("But hours before GSOMIA officially lapsed in November 2019, South Korea "
              "reversed course and renewed the agreement.")
SENTENCE_END = re.compile(r"[.!?][\"')\]]*$")
CURLY = "\u201c\u201d\u2018\u2019\u201e\u00ab\u00bb"


def raw(name: str) -> str:
    return (REAL_SOURCES / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def cleaned_2020() -> tuple[str, list[str]]:
    return clean_text(raw(ARTICLE_2020))


@pytest.fixture(scope="module")
def real_docs() -> dict:
    return {d.path: d for d in load_documents(REAL_SOURCES)}


# --- normalize_characters / collapse_spaces ---------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("\u201cQuoted\u201d", '"Quoted"'),
    ("\u2018single\u2019 and it\u2019s", "'single' and it's"),
    ("\u201elow\u201f \u00abguillemets\u00bb", '"low" "guillemets"'),
    ("a\r\nb\rc", "a\nb\nc"),
    ("non\u00a0breaking", "non breaking"),
    ("zero\u200bwidth\ufeff", "zerowidth"),
    ("bell\x07 and\x0c form feed", "bell and form feed"),
    ("tab\tand\nnewline kept", "tab\tand\nnewline kept"),
])
def test_normalize_characters(text: str, expected: str) -> None:
    assert normalize_characters(text) == expected


def test_normalize_characters_is_idempotent_on_real_text() -> None:
    for name in (ARTICLE_2019, ARTICLE_2020):
        once = normalize_characters(raw(name))
        assert normalize_characters(once) == once
        assert not any(q in once for q in CURLY)


@pytest.mark.parametrize(("text", "expected"), [
    ("  two\u00a0  words ", "two words"),
    ("a\t\tb\u2003c\u3000d", "a b c d"),
    ("", ""),
    ("   ", ""),
])
def test_collapse_spaces(text: str, expected: str) -> None:
    assert collapse_spaces(text) == expected


# --- join_wrapped / unwrap_lines --------------------------------------------------------

@pytest.mark.parametrize(("first", "second", "expected"), [
    ("inter-", "national", "international"),
    ("the inter-  ", "  national pact", "the international pact"),
    ("South-", "Korean", "South-Korean"),
    ("in 2019-", "2020", "in 2019- 2020"),
    ("plain", "words", "plain words"),
    ("", "only", "only"),
    ("only", "", "only"),
])
def test_join_wrapped(first: str, second: str, expected: str) -> None:
    assert join_wrapped(first, second) == expected


def test_unwrap_lines_joins_hard_wraps_and_keeps_paragraphs() -> None:
    text = "One paragraph that\nwraps over\nthree lines.\n\nA second one.\n"
    assert unwrap_lines(text) == ["One paragraph that wraps over three lines.", "A second one."]


def test_unwrap_lines_rejoins_words_hyphenated_across_lines() -> None:
    text = "The inter-\nnational commu-\nnity watched the agree-\nment closely.\n"
    assert unwrap_lines(text) == ["The international community watched the agreement closely."]


def test_unwrap_lines_rejoins_hyphenation_across_a_pdf_blank_line() -> None:
    text = "Both sides said the agree- \n\nment stays in force for now. \n\nNext para.\n"
    assert unwrap_lines(text)[0] == "Both sides said the agreement stays in force for now."


def test_unwrap_lines_pdf_trailing_space_wraps() -> None:
    # A PDF extraction: every visual line followed by a blank line, soft wraps end in a space.
    text = ("The pact between South Korea \n\nand Japan survived. Seoul kept \n\n"
            "the right to end it.\n\nA new paragraph starts \n\nhere.\n")
    assert unwrap_lines(text) == [
        "The pact between South Korea and Japan survived. Seoul kept the right to end it.",
        "A new paragraph starts here.",
    ]


def test_unwrap_lines_indented_line_opens_a_paragraph() -> None:
    text = "First paragraph ends here.\n Second paragraph starts indented.\n"
    assert unwrap_lines(text) == ["First paragraph ends here.",
                                  "Second paragraph starts indented."]


def test_unwrap_lines_lowercase_continuation_after_blank_line() -> None:
    text = "Seoul said it would end the\n\npact in August.\n\nTokyo disagreed."
    assert unwrap_lines(text) == ["Seoul said it would end the pact in August.", "Tokyo disagreed."]


# --- join_split_title / split_heading ---------------------------------------------------

def test_join_split_title_on_dangling_word() -> None:
    paras = ["Pact Survives Amid Disputes over", "Trade Issues", "Body text."]
    assert join_split_title(paras) == ["Pact Survives Amid Disputes over Trade Issues",
                                       "Body text."]


def test_join_split_title_on_lowercase_continuation() -> None:
    joined = join_split_title(["Seoul Weighs", "its options", "Body."])
    assert joined == ["Seoul Weighs its options", "Body."]


@pytest.mark.parametrize("paras", [
    ["A Complete Title", "Another Heading", "Body."],    # no dangling word, capitalised
    ["A sentence ends here.", "and then more", "Body."],   # first ends a sentence
    ["Title over", "Body."],                              # too few paragraphs
])
def test_join_split_title_leaves_other_text_alone(paras: list[str]) -> None:
    assert join_split_title(paras) == paras


def test_split_heading() -> None:
    assert split_heading(["Why Did It End? - Analysis", "It ended."]) == (
        "Why Did It End? - Analysis", ["It ended."])
    assert split_heading(["It ended in 2019.", "More."]) == ("", ["It ended in 2019.", "More."])
    assert split_heading(["Only one paragraph"]) == ("", ["Only one paragraph"])


# --- furniture ---------------------------------------------------------------------------

def test_drop_furniture_default_patterns() -> None:
    paras = ["ISSN 2330-717X", "Body.", "Click here to have X Review's newsletter delivered.",
             "LEAVE A REPLY", "Your email address will not be published. Required *",
             "This site uses Akismet to reduce spam. Learn more.", "Share this:"]
    assert drop_furniture(paras, compile_patterns(DEFAULT_FURNITURE)) == ["Body."]


def test_drop_furniture_is_a_search_not_a_substring_of_body() -> None:
    patterns = compile_patterns(DEFAULT_FURNITURE)
    body = "He said: leave a reply on the desk."  # furniture words mid-sentence stay
    assert drop_furniture([body], patterns) == [body]


def test_clean_text_with_custom_patterns() -> None:
    heading, paras = clean_text("Title Here\n\nKeep this.\n\nSponsored: buy now\n",
                                furniture=[r"^sponsored:"])
    assert (heading, paras) == ("Title Here", ["Keep this."])


def test_clean_text_docstring_example() -> None:
    text = "A title split over\n\ntwo lines\n The first para- \n\ngraph wraps \n\nhere.\n"
    assert clean_text(text) == ("A title split over two lines", ["The first paragraph wraps here."])


# --- the real 2020 article (extracted from a PDF) ---------------------------------------

def test_2020_title_joined(cleaned_2020: tuple[str, list[str]], real_docs: dict) -> None:
    heading, paras = cleaned_2020
    assert heading == TITLE_2020
    assert not paras[0].startswith("Historical")
    assert real_docs[ARTICLE_2020].heading == TITLE_2020


def test_2020_known_sentence_intact(cleaned_2020: tuple[str, list[str]], real_docs: dict) -> None:
    _, paras = cleaned_2020
    assert any(p.startswith(KNOWN_2020) for p in paras)
    doc = real_docs[ARTICLE_2020]
    assert KNOWN_2020 in [s.text for s in split_sentences(doc)]


def test_2020_paragraphs_whole(cleaned_2020: tuple[str, list[str]]) -> None:
    _, paras = cleaned_2020
    assert len(paras) >= 15
    for p in paras:
        assert SENTENCE_END.search(p), f"paragraph ends mid-sentence: ...{p[-60:]!r}"
        assert p[0].isupper() or p[0] in "\"'[(", f"paragraph starts mid-sentence: {p[:60]!r}"
        assert "\n" not in p and "  " not in p and p == p.strip()
        assert not any(q in p for q in CURLY)


def test_2020_every_sentence_whole(real_docs: dict) -> None:
    sentences = split_sentences(real_docs[ARTICLE_2020])
    assert len(sentences) > 40
    for s in sentences:
        assert SENTENCE_END.search(s.text), s.text
        assert s.text[0].isupper() or s.text[0] in "\"'[(", s.text


def test_2020_no_words_lost_or_broken(cleaned_2020: tuple[str, list[str]]) -> None:
    heading, paras = cleaned_2020
    squeeze = "".join(normalize_characters(raw(ARTICLE_2020)).split())
    assert "".join((heading + " " + " ".join(paras)).split()) == squeeze
    body = " ".join(paras)
    assert not re.search(r"[a-z]- [a-z]", body)  # no word broken at a former line end
    assert "Kim You-geun" in body and "behind-the-scenes" in body


# --- the real 2019 article (a web page) -------------------------------------------------

def test_2019_default_furniture_dropped() -> None:
    heading, paras = clean_text(raw(ARTICLE_2019))
    assert heading == "Why Did South Korea Walk Out Of The GSOMIA? \u2013 Analysis"
    text = "\n".join(paras)
    for junk in FURNITURE:
        if not junk.startswith("IPCS"):  # that one needs the sources.toml pattern
            assert junk not in text
    assert paras[-1].startswith("IPCS (Institute for Peace")


def test_2019_publisher_blurb_needs_sources_toml_pattern(real_docs: dict) -> None:
    doc = real_docs[ARTICLE_2019]
    for junk in FURNITURE:
        assert junk not in doc.text and junk not in doc.heading
    assert doc.text.endswith("Visiting Fellow, IPCS")
    assert "is going to expire on 23 November 2019" in doc.text


def test_furniture_absent_from_documents_chunks_and_sentences(real_docs: dict) -> None:
    sentences, chunks = chunk_documents(list(real_docs.values()))
    for record in [*real_docs.values(), *chunks, *sentences]:
        for junk in FURNITURE:
            assert junk.lower() not in record.text.lower()


@pytest.mark.slow
def test_furniture_absent_from_built_index(built_index: tuple) -> None:
    from assistant.store.disk import load_index

    settings, _ = built_index
    data = load_index(settings.index)
    assert len(data.documents) == 2
    texts = [d.text for d in data.documents] + [d.heading for d in data.documents]
    texts += [c.text for c in data.chunks] + [s.text for s in data.sentences]
    for text in texts:
        for junk in FURNITURE:
            assert junk.lower() not in text.lower()


# --- sources.toml patterns extend the defaults per file ---------------------------------

def test_sources_toml_patterns_extend_per_file(tmp_path: Path) -> None:
    body = "Real text about the pact.\n\nPROMO: read our magazine\n\nISSN 1234-5678\n"
    toml = ('drop_patterns = ["^Shared junk"]\n\n'
            '["a.txt"]\ntitle = "A"\ndrop_patterns = ["^promo:"]\n\n["b.txt"]\ntitle = "B"\n')
    folder = write_corpus(tmp_path / "s", {
        "a.txt": body + "\nShared junk here\n", "b.txt": body + "\nShared junk here\n",
        "sources.toml": toml,
    })
    docs = {d.path: d for d in load_documents(folder)}
    assert docs["a.txt"].text == "Real text about the pact."            # own + shared + default
    assert docs["b.txt"].text == "Real text about the pact.\n\nPROMO: read our magazine"


# --- properties of the whole cleaner ----------------------------------------------------

@pytest.mark.parametrize("name", [ARTICLE_2019, ARTICLE_2020])
def test_clean_text_is_stable(name: str) -> None:
    heading, paras = clean_text(raw(name))
    again = clean_text("\n\n".join([heading, *paras]) if heading else "\n\n".join(paras))
    assert again == (heading, paras)


@pytest.mark.parametrize("sep", ["\u2028", "\u2029", "\x85"])
def test_unicode_line_separators_are_line_breaks(sep: str) -> None:
    _, paras = clean_text(f"First line of text.{sep}{sep}Second paragraph here.\n")
    assert all(len(p.splitlines()) == 1 for p in paras), paras
