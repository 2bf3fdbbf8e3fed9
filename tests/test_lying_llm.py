"""A lying LLM server over the bundled samples: its lies are recombinations of the source's own words
(a figure moved, two countries' roles swapped, a fact reversed), in Arabic and English. None may reach
the answer of record; its true sentences must (else the check proves nothing)."""

from __future__ import annotations

import json
import re
import sys

import pytest

from assistant.records import said_in
from tests.conftest import free_port, serving

pytestmark = [pytest.mark.slow, pytest.mark.real]

TRUE = [
    (["كم دولة", "جنود"], "التزمت 26 دولة على الأقل بإرسال جنود ضمن قوة أمنية [1]."),
    (["How many countries", "troops"], "At least 26 countries committed to sending troops to a security force [1]."),
]
LIES = [
    # a fact reversed with the source's own words (Poland ruled it out)
    (["موقف بولندا"], "أكدت بولندا علنًا أنها سترسل قوات برية إلى أوكرانيا [1]."),
    (["Will Poland send"], "Poland announced it will send ground troops to Ukraine [1]."),
    # two countries' roles swapped (91 % in Sweden, 81 % in Denmark)
    (["في السويد"], "بلغت نسبة التأييد 81% في السويد و91% في الدنمارك [1]."),
    (["in Sweden"], "Support for Ukraine joining the EU was 81% in Sweden and 91% in Denmark [1]."),
    (["Swedes and Danes"], "Support reached 81% in Sweden and 91% in Denmark [1]."),
    # a figure moved within its sentence (51 % of Poles; 52 % is the European average)
    (["نسبة البولنديين"], "أيد 52% من البولنديين انضمام أوكرانيا إلى الاتحاد الأوروبي [1]."),
    (["share of Poles"], "52% of Poles support Ukraine joining the European Union [1]."),
    # an entity replaced by another the source names (Italy and Germany are among the 26)
    (["ماكرون", "الدول الـ26"], "أكد ماكرون أن بولندا وألمانيا من بين الدول الـ26 [1]."),
]
QUESTIONS = {
    "كم دولة التزمت بإرسال جنود ضمن قوة أمنية؟": True,
    "How many countries committed to sending troops to a security force?": True,
    "ما موقف بولندا من إرسال قوات برية إلى أوكرانيا؟": False,
    "Will Poland send ground troops to Ukraine?": False,
    "كم بلغت نسبة الدعم في السويد والدنمارك؟": False,
    "What share of people in Sweden support Ukraine joining the EU?": False,
    "What percentage of Swedes and Danes support Ukraine joining the European Union?": False,
    "أي الدول أكد ماكرون أنها من بين الدول الـ26؟": False,
    "كم بلغت نسبة البولنديين المؤيدين لانضمام أوكرانيا إلى الاتحاد الأوروبي؟": False,
    "What share of Poles support Ukraine joining the European Union?": False,
}


@pytest.fixture(scope="module")
def liar(tmp_path_factory):
    folder = tmp_path_factory.mktemp("liar")
    script = folder / "script.json"
    script.write_text(json.dumps(TRUE + LIES, ensure_ascii=False), encoding="utf-8")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with serving([sys.executable, "-m", "tests.lying_server", str(port), str(script)], base, "the lying server", 30):
        yield base


@pytest.fixture(scope="module")
def samples_assistant(liar, real_embedder, tmp_path_factory):
    from assistant import Assistant
    from assistant.models.llm import OpenAICompatLLM
    from assistant.resources import SAMPLES

    a = Assistant(data_dir=tmp_path_factory.mktemp("idx"), embedder=real_embedder, llm=OpenAICompatLLM(liar))
    a.ingest([SAMPLES])
    # the product as shipped (its support checker off: eval/README.md says why)
    return a


def _bare(text: str) -> str:
    return " ".join(re.sub(r"\[\d+\]", "", text).split()).strip(" .")


# "Will Poland send ground troops to Ukraine?" was a strict known miss until 2026-12-06: the reversed fact
# passed every check. The verifier's cross-script polarity check now rejects a positive claim over a negative
# source clause (``answer.facts.reverses``; measured in eval/studies/reversed_facts.py).
KNOWN_MISSES: dict[str, str] = {}


@pytest.mark.parametrize(
    "question",
    [
        pytest.param(q, marks=pytest.mark.xfail(reason=KNOWN_MISSES[q], strict=True)) if q in KNOWN_MISSES else q
        for q in QUESTIONS
    ],
)
def test_no_lie_reaches_the_answer_of_record_and_the_truth_does(samples_assistant, question):
    ans = samples_assistant.ask(question, mode="generative")
    told = next(r for words, r in TRUE + LIES if all(w in question for w in words))
    if QUESTIONS[question]:
        assert ans.llm_status == "used", (ans.llm_status, ans.dropped)
        assert _bare(told) in _bare(ans.answer)
    else:
        assert _bare(told) not in _bare(ans.answer), ans.answer
        # the lie was read and checked (not merely set aside as off the question), and shown only as dropped
        assert any(_bare(d.sentence) == _bare(told) for d in ans.dropped), (ans.llm_status, ans.dropped)
        assert ans.llm_status != "used"
        if ans.language == "ar":  # and the Arabic page says why in Arabic
            lie = next(d for d in ans.dropped if _bare(d.sentence) == _bare(told))
            assert not re.search(r"[A-Za-z]", said_in(lie.reason, "ar")), said_in(lie.reason, "ar")


def test_a_question_whose_chosen_passage_never_names_its_country_is_said_before_any_draft(samples_assistant):
    """Over the samples, «What did Poland say …» is read best by Rutte's sentence, a passage that never names
    Poland, and «ما موقف نيكاراغوا …؟» asks about a country the samples never name: the answer says so instead of
    quoting or asking the LLM (so no lie can reach it; without the rule the Poland one was answered wrong, the
    LLM's draft unusable). The phrasings above reach the Poland sentence, and the lies are checked.
    («كم بلغت نسبة تأييد … في السويد؟», read best by the NATO voters' 59 %, was the Arabic case here until
    2026-12-07: the nearest passage's Sweden sentence is now quoted, answer.quote.asked_country_nearest.)"""
    for question, word in (
        ("What did Poland say about sending ground troops to Ukraine?", "'Poland'"),
        ("ما موقف نيكاراغوا من إرسال قوات برية إلى أوكرانيا؟", "«نيكاراغوا»"),
    ):
        ans = samples_assistant.ask(question, mode="generative")
        assert ans.abstained and word in ans.answer and ans.citations == (), ans.answer
        assert ans.dropped == () and ans.llm_status != "used"
