"""The answer step with the real embedder and the shipped scorer: the seed article among 100 ANT news
articles, twelve questions written for it (counts, percentages per country and group, a list, names,
dates, three in English, three the archive cannot answer) — each answered right, or abstained on."""

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
}


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


# Known miss, kept visible: جزر القمر (the Comoros) is literally "the islands of the moon", and a
# distractor's sentence about the first artificial moon (قمر صناعي, Sputnik) shares its rarest term;
# the scorer gives it 0.094 against the Arabic threshold 0.069. Strict: it fails loudly once fixed.
KNOWN_MISSES = {"ما هي عاصمة جزر القمر؟": "a distractor's قمر صناعي (satellite) sentence is quoted"}


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
