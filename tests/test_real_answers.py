"""The answer step with the real embedder and the shipped scorer: the seed article among 100 ANT news
articles, twenty-one questions written for it (counts, percentages per country and group, a list, names,
dates, three of them in English; three the archive cannot answer; seven near misses) — each answered right,
or abstained on; the known misses are strict xfails."""

from __future__ import annotations

import pytest

from tests.conftest import SHARED

pytestmark = pytest.mark.real

# question → a phrase the quoted sentence(s) must hold (None: the archive has no answer: abstain)
QUESTIONS = {
    "كم دولة التزمت بإرسال جنود ضمن قوة أمنية؟": "26 دولة",
    "ما نسبة البولنديين الذين أيدوا انضمام أوكرانيا إلى الاتحاد الأوروبي؟": "51%",
    "ما نسبة تأييد انضمام أوكرانيا إلى الاتحاد الأوروبي في السويد؟": "91% في السويد",
    "ما نسبة معارضة ناخبي المعارضة لانضمام أوكرانيا إلى حلف الناتو؟": "74%",
    "ما هي الركائز الثلاث التي يرتكز عليها أي سيناريو للضمانات الأمنية؟": "جيش أوكراني قوي",
    "من هو الأمين العام لحلف الناتو؟": "مارك روته",
    "متى حدد ترامب مهلة الخمسين يومًا؟": "14 يوليو 2025",
    "How many countries committed to sending troops to a security force?": "26 دولة",
    "What share of Swedes support Ukraine joining the European Union?": "91%",
    "How much did Russia earn from fuel sales to the European Union in one year?": "1.1 مليار يورو",
    "من فاز بكأس العالم لكرة القدم عام 2022؟": None,
    "ما هي عاصمة جزر القمر؟": None,
    "How tall is the Burj Khalifa?": None,
    "ما هو النموذج الكوري الجنوبي الذي جرى الحديث عنه في أوكرانيا؟": "الكوري الجنوبي",
    # a chat's «وماذا عن فرنسا؟» after «ما موقف ألمانيا من …؟» asks this (text.followup)
    "ما موقف فرنسا من إرسال قوات برية إلى أوكرانيا؟": "فرنسا وبريطانيا تضغطان",
    "What is France's position on sending troops to Ukraine?": "فرنسا وبريطانيا تضغطان",
}
# near misses: the seed's own questions about a country it never mentions, with the question's word for it
NEAR_MISSES = {
    "ما نسبة تأييد انضمام أوكرانيا إلى الاتحاد الأوروبي في منغوليا؟": "منغوليا",
    "كم دولة التزمت بإرسال جنود إلى بوليفيا؟": "بوليفيا",
    "متى حدد رئيس الإكوادور مهلة الخمسين يومًا؟": "الإكوادور",
    "ما موقف نيكاراغوا من إرسال قوات برية إلى أوكرانيا؟": "نيكاراغوا",
    "What share of Mongolians support Ukraine joining the European Union?": "Mongolians",
    "How much did Bolivia earn from fuel sales to the European Union in one year?": "Bolivia",
    # the seed names «النموذج الكوري الجنوبي»; before two-word names were read, this was answered with it
    "ما هو النموذج الكوري الشمالي الذي جرى الحديث عنه في أوكرانيا؟": "الكوري الشمالي",
}
QUESTIONS.update(dict.fromkeys(NEAR_MISSES))


@pytest.fixture(scope="module")
def archive(tmp_path_factory, real_embedder, seed_path):
    from assistant import Assistant
    from assistant.evaluation.splits import distractor_files

    ant = SHARED / "ant"
    if not ant.exists():
        pytest.fail(f"{ant}: the ANT news corpus is needed beside the checkout (../shared/data/ant)")
    a = Assistant(data_dir=tmp_path_factory.mktemp("answers") / "index", embedder=real_embedder, llm_backend="none")
    rep = a.ingest([seed_path, *distractor_files(ant, 100, 300)])
    assert rep.documents >= 100 and not rep.failed
    return a


# Known miss, kept visible (strict: it fails loudly once fixed). «… في السويد؟» was one until 2026-12-06: the
# reader quoted the Poland sentence alone (the feature scorer used to quote it with the Sweden sentence beside it
# as a near-tie second); the country rule (answer.quote.asked_country_first) now quotes the Sweden sentence.
# (The scorer's own known miss, جزر القمر answered from a distractor's قمر صناعي sentence, is abstained
# on by the reader: test_the_reader_does_what_the_scorer_could_not below.)
# The reader trained also on ARCD's second file (2026-12-06) quotes the 59 % sentence (the government's
# voters) for the opposition's 74 %: the 74 % sentence says "the idea" for NATO membership, which only
# the sentence before it names; the reader reads one sentence at a time (eval/README.md says why shipped;
# a reader trained to read the sentence before gets this one right but loses on the development fold).
# Near misses written for the seed article by hand (2026-12-06, not by the evaluation's generator): the
# reader answered each with a quote about another country or about the seed's own fact (confidence 0.5–0.8
# against calibrated thresholds of 0.07 / 0.19: the learned decision does not see them, eval/README.md);
# the answer step now says that the nearest passage does not name the country asked about
# (test_a_near_miss_is_said_to_name_what_the_passage_does_not, below). «من هو الأمين العام لمنظمة
# شنغهاي؟» (an organisation, not a country) is answered with the UN Secretary-General at 0.070, within
# 0.002 of the threshold: left out, a float's noise on another CPU would flip it.
KNOWN_MISSES = {
    "ما نسبة معارضة ناخبي المعارضة لانضمام أوكرانيا إلى حلف الناتو؟": "the reader ranks the 59 % sentence first",
    # answered in Arabic since 2026-12-07 (answer.quote.asked_country_nearest: the nearest passage's sentence naming
    # France, where the reader's choice came from a passage that never names it)
    "What is France's position on sending troops to Ukraine?": "France's sentence is not among the English "
    "question's candidates; the one sentence of the nearest passage that names France (Macron, by the adjective) "
    "stands in a passage that does not name Ukraine, so it is turned away (eval/README.md, 'The country asked about')",
}


@pytest.mark.parametrize(
    "question",
    [
        pytest.param(q, marks=pytest.mark.xfail(reason=KNOWN_MISSES[q], strict=True)) if q in KNOWN_MISSES else q
        for q in QUESTIONS
    ],
)
def test_each_question_is_answered_right_or_abstained_on(archive, question):
    want = QUESTIONS[question]
    ans = archive.ask(question, mode="extractive")
    quotes = " ".join(c.quote for c in ans.citations)
    if want is None:
        assert ans.abstained, f"answered an unanswerable question with: {quotes[:200]}"
        return
    assert not ans.abstained, f"abstained (confidence {ans.confidence:.3f})"
    assert want in quotes, quotes
    for c in ans.citations:  # every quote is where it says it is
        doc = archive.index.get_document(c.doc_id)
        assert doc.text[c.start : c.end] == c.quote


def test_the_reader_does_what_the_scorer_could_not(archive):
    """The shipped reader against the feature scorer, on the same archive: an English question asking
    for a list is answered from the sentence that gives it, and "the capital of the Comoros" (جزر القمر,
    "the islands of the moon") is abstained on where the scorer quoted a satellite (قمر صناعي) sentence."""
    from assistant import Assistant

    assert archive.reader is not None  # the default: the reader decides
    scorer = Assistant(
        data_dir=archive.settings.data_dir, embedder=archive.embedder, llm_backend="none", answer_reader="off"
    )
    q = "What are the three pillars of any security guarantees scenario?"
    for who, a in (("reader", archive), ("scorer", scorer)):
        ans = a.ask(q, mode="extractive")
        first = ans.citations[0].quote if ans.citations else ""
        assert ("جيش أوكراني قوي" in first) == (who == "reader"), (who, first[:120])
        comoros = a.ask("ما هي عاصمة جزر القمر؟", mode="extractive")
        assert comoros.abstained == (who == "reader"), (who, comoros.confidence)


@pytest.mark.parametrize("question", list(NEAR_MISSES))
def test_a_near_miss_is_said_to_name_what_the_passage_does_not(archive, question):
    ans = archive.ask(question, mode="extractive")
    word = NEAR_MISSES[question]
    assert ans.abstained and ans.citations == (), ans.answer[:200]
    assert (f"'{word}'" if word.isascii() else f"«{word}»") in ans.answer, ans.answer
    assert ans.nearest  # the nearest passages are still shown


def test_a_chat_follow_up_asks_the_earlier_question_about_its_country(archive):
    """«وماذا عن بولندا؟» after the Sweden question: the archive names Sweden less than Ukraine, so Sweden is
    swapped, and the seed's figure for Poland is quoted (text.followup)."""
    sweden = "ما نسبة تأييد انضمام أوكرانيا إلى الاتحاد الأوروبي في السويد؟"
    ans = archive.ask("وماذا عن بولندا؟", previous=sweden, mode="extractive")
    assert ans.question == "ما نسبة تأييد انضمام أوكرانيا إلى الاتحاد الأوروبي في بولندا؟"
    assert not ans.abstained and "51%" in " ".join(c.quote for c in ans.citations)


def test_a_question_turned_away_for_a_country_shows_first_the_passage_it_means(archive):
    """«… أقرب مقطع إليه لا يذكر «فرنسا»»: the first passage shown is the one the answer would have been quoted
    from, which does not name France — not retrieval's first, which may (it did: the message read as false)."""
    from assistant.text.countries import countries_in_passage

    ans = archive.ask("What is France's position on sending troops to Ukraine?", mode="extractive")
    # turned away today (the known miss above; its Arabic twin was the case here until it was answered,
    # 2026-12-07); once answered, another case whose chosen passage is not retrieval's first must take its place
    assert ans.abstained, f"answered: {ans.answer[:80]}"
    assert ans.answer.endswith("does not mention 'France'.")
    first = ans.nearest[0]
    assert "france" not in countries_in_passage(f"{first.title}\n{first.chunk.text}")


def test_an_english_questions_sentence_is_chosen_from_more_passages_its_abstention_as_before(archive):
    """Shipped: an English question's quote is chosen from ten passages (reader.json's en-ar ``choose``), while
    whether the archive answers is read from the five passages it was fitted on — for every English question
    here, the same confidence and the same abstention with and without the wider pool (eval/README.md, "The
    sentence chosen from more passages")."""
    from assistant.answer.reading import choice_pool

    assert choice_pool(archive.reader, "en-ar") and choice_pool(archive.reader, "ar-ar") is None
    english = [q for q in QUESTIONS if q.isascii()]
    shipped = {q: archive.ask(q, mode="extractive") for q in english}
    model = archive.reader.record["calibration"]["pairs"]["en-ar"]
    saved = model.pop("choose")
    try:
        one_pool = {q: archive.ask(q, mode="extractive") for q in english}
    finally:
        model["choose"] = saved
    for q in english:
        assert shipped[q].abstained == one_pool[q].abstained, q
        assert shipped[q].confidence == pytest.approx(one_pool[q].confidence, abs=1e-4), q
