"""Question understanding end to end on our own article (the Ever Given in the Suez Canal):
the real model, a real index built from tests/fixtures/third_article, real spaCy.

No rule of the assistant mentions this article; these answers come from general
mechanisms: answer types, abbreviations, attribution, document metadata, refusal.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.evaluation.metrics import contains_any

pytestmark = pytest.mark.slow
THIRD = Path(__file__).parents[1] / "fixtures" / "third_article"


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    root = tmp_path_factory.mktemp("third")
    shutil.copytree(THIRD, root / "sources")
    return Assistant.load(Settings(sources=root / "sources", index=root / "index"))


@pytest.mark.parametrize(("question", "intent", "accepted"), [
    ("When was the Ever Given refloated?", "factoid", ["29 March"]),
    ("What does SCA stand for?", "definition", ["Suez Canal Authority"]),
    ("Who wrote the article?", "document", ["Daniel Okafor"]),
    ("Which outlet published it?", "document", ["Global Trade Monitor"]),
    ("In what year did the ship run aground?", "factoid", ["2021"]),  # a year, not a day
    ("How many containers was the ship carrying?", "factoid", ["18,000"]),  # not "400-metre"
    ("How many days was the ship held in Egypt?", "factoid", ["100 days"]),  # not "March"
])
def test_typed_answers_open_with_a_short_answer(bot: Assistant, question: str, intent: str,
                                                accepted: list[str]) -> None:
    answer = bot.ask(question)
    assert answer.intent == intent and not answer.abstained
    assert answer.short_answer and contains_any(answer.short_answer, accepted)
    assert answer.text.startswith(f"**{answer.short_answer}** [")
    quoted = [c for c in answer.citations if c.kind == "sentence"]
    documents = [c for c in answer.citations if c.kind == "document"]
    assert any(answer.short_answer in c.quote for c in quoted + documents)


def test_every_sentence_citation_quotes_the_document_exactly(bot: Assistant) -> None:
    texts = {d.id: d.text for d in bot.data.documents}
    for question in ("Why was the ship held in Egypt?", "What does Menon recommend?",
                     "Summarize the article"):
        answer = bot.ask(question)
        for c in answer.citations:
            if c.kind == "sentence" or c.start >= 0:
                assert texts[c.source_id][c.start:c.end] == c.quote


def test_a_summary_is_several_cited_sentences_in_document_order(bot: Assistant) -> None:
    answer = bot.ask("Summarize the article")
    sentences = [c for c in answer.citations if c.kind == "sentence"]
    assert answer.intent == "document" and 3 <= len(sentences) <= 5
    assert [c.start for c in sentences] == sorted(c.start for c in sentences)
    assert any(c.kind == "document" for c in answer.citations)  # the article's own record


def test_a_stance_quotes_the_person_asked_about(bot: Assistant) -> None:
    answer = bot.ask("What did Tomasz Wójcik say about the tide?")
    assert answer.intent == "stance" and not answer.abstained
    assert any("Wójcik" in c.quote or "He added" in c.quote for c in answer.citations)


def test_a_follow_up_is_read_with_the_turn_before(bot: Assistant) -> None:
    first = "When did the Ever Given block the canal?"
    answer = bot.ask("Why did that happen?", history=[first])
    assert answer.intent == "cause" and not answer.abstained
    assert contains_any(answer.text, ["winds", "sandstorm", "human error", "single lane"])


@pytest.mark.parametrize("question", [
    "¿Por qué se bloqueó el canal de Suez?",  # another language
    "Did the ship sink in 1999?",  # a yes/no question about something absent
    "the of and what?",  # only stop words
    "What is the capital of Australia?",  # world knowledge
    "why do cats purr?",  # an everyday question no passage is near
    "Who wrote Pride and Prejudice?",  # a text that is not among the sources
    "summarize the plot of parasite, the bong joon-ho movie",  # nor is this one
    "What is the population of Egypt?",  # a place the article names, a detail it never gives
    "Who is the mayor of Rotterdam?",  # the same, of a port it names
])
def test_refusals(bot: Assistant, question: str) -> None:
    answer = bot.ask(question)
    assert answer.abstained and answer.citations == ()
    assert answer.text == "The sources do not answer this question."


def test_a_question_about_the_article_is_not_taken_for_another_text(bot: Assistant) -> None:
    for question in ("who wrote the article?", "give me a quick summary of the article"):
        answer = bot.ask(question)
        assert answer.intent == "document" and not answer.abstained, question


def test_a_bare_name_asks_who_it_is(bot: Assistant) -> None:
    answer = bot.ask("Rahul Menon?")
    assert answer.intent == "definition" and not answer.abstained
    assert contains_any(answer.text, ["chief analyst", "Meridian Freight Analytics"])


def test_markup_in_a_question_is_ignored(bot: Assistant) -> None:
    plain = bot.ask("When was the Ever Given refloated?")
    marked = bot.ask("<b>When</b> was the <i>Ever Given</i> refloated?")
    assert marked.text == plain.text and marked.citations == plain.citations
    assert marked.question == "<b>When</b> was the <i>Ever Given</i> refloated?"  # as asked


def test_a_why_answer_that_restates_the_question_goes_on_to_the_reason(bot: Assistant) -> None:
    # The best sentence only restates the question; the article says why in the next one.
    answer = bot.ask("Why did the ship's troubles not end when it floated free?")
    assert answer.intent == "cause" and not answer.abstained
    assert "troubles did not end" in answer.citations[0].quote
    assert "ordered the vessel seized" in answer.citations[1].quote


def test_what_is_it_about_after_a_question_about_the_article_asks_about_the_article(
        bot: Assistant) -> None:
    answer = bot.ask("and what's it mostly about?", history=["Who wrote the article?"])
    assert answer.intent == "document" and not answer.abstained
    assert answer.citations[0].kind == "document"
    assert sum(c.kind == "sentence" for c in answer.citations) >= 2  # its central sentences


def test_he_after_a_question_about_the_author_is_the_author(bot: Assistant) -> None:
    # The author's bio is no evidence for the article's content, but it answers this.
    answer = bot.ask("where does he work?", history=["Who wrote the article?"])
    assert not answer.abstained and "Global Trade Monitor" in answer.text
    assert "Daniel Okafor is a senior correspondent" in answer.citations[0].quote


def test_who_said_that_names_the_speaker_of_the_quote_before(bot: Assistant) -> None:
    first = "Why did Egypt have every reason to settle?"
    assert "every reason to settle" in bot.ask(first).citations[0].quote
    answer = bot.ask("who said that?", history=[first])
    assert answer.short_answer == "Claire Dubois"
    assert "Claire Dubois, a maritime lawyer" in answer.citations[0].quote


@pytest.mark.parametrize(("typed", "meant"), [
    ("When was the Ever Givn refloated?", "When was the Ever Given refloated?"),
    ("What does the Suez Canal Authorty do?", "What does the Suez Canal Authority do?"),
    ("how many containers was the ship carying", "how many containers was the ship carrying"),
])
def test_a_misspelt_question_gets_the_answer_to_the_spelt_one(bot: Assistant, typed: str,
                                                               meant: str) -> None:
    wrong, right = bot.ask(typed), bot.ask(meant)
    assert not right.abstained
    assert (wrong.text, wrong.abstained) == (right.text, right.abstained)
    assert wrong.read_as == meant and wrong.to_json()["read_as"] == meant  # said, not hidden
    assert right.read_as is None and wrong.question == typed
