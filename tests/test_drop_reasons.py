"""Why a sentence was dropped, in the page's language: the Arabic page says it in Arabic, the API, the CLI
and the English page keep the English text they always had."""

from __future__ import annotations

import copy
import json
import pickle
import re
import string
from dataclasses import asdict

import pytest

from assistant.answer.grounding import Verifier, parse_claims, verify, verify_claims
from assistant.errors import LoadError, failure
from assistant.prompts import DROP_REASONS, LOAD_REASONS
from assistant.records import Answer, Dropped, Reason, said_in
from assistant.web.render import answer_html

LATIN = re.compile(r"[A-Za-z]")
SOURCE = (
    "وكانت الرسالة الأهم من الرئيس الفرنسي، إيمانويل ماكرون، أن 26 دولة على الأقل التزمت بإرسال جنود. "
    "وأكد ماكرون أن إيطاليا وألمانيا من بين الدول الـ26. أما بولندا فاستبعدت إرسال قوات برية."
)
# values a reason of each kind may hold, none of them Latin
VALUES = {
    "items": "34",
    "overlap": "0.12",
    "least": "0.5",
    "added": "Poland",
    "left_out": "Italy",
    "added_words": "«بولندا»",
    "left_out_words": "«إيطاليا»",
    "similarity": "0.41",
    "p": "0.20",
    "noun": "passage",
    "cited": "[3]",
    "ratio": "0.40",
    "text": "نص",
}


@pytest.mark.parametrize("code", sorted(DROP_REASONS))
def test_every_reason_is_said_in_both_languages(code):
    values = {k: v for k, v in VALUES.items() if any("{" + k + "}" in said for said in DROP_REASONS[code])}
    if code == "rendering":
        values = {"why": Reason("numbers", items="35")}
    r = Reason(code, **values)
    assert str(r) == DROP_REASONS[code][0].format(**{k: str(v) for k, v in values.items()})
    arabic = r.said_in("ar")
    assert arabic and "{" not in arabic
    assert not LATIN.search(arabic), arabic  # nothing of the English left in the Arabic page
    assert r.said_in("en") == str(r)


def test_an_unknown_reason_is_an_error_not_a_blank():
    with pytest.raises(ValueError, match="no such reason"):
        Reason("made up")


def test_a_reason_keeps_what_it_says_through_copies_pickles_and_json():
    r = Reason.per_source([("[1]", Reason("numbers", items="34")), ("[2]", Reason("negation"))])
    d = Dropped("التزمت 34 دولة [1].", r)
    for again in (pickle.loads(pickle.dumps(d)), copy.deepcopy(d), copy.copy(d)):
        assert again == d and again.reason.said_in("ar") == r.said_in("ar")
    # the API's JSON is the English text, as before
    assert json.loads(json.dumps(asdict(d)))["reason"] == (
        "[1] numbers not in the cited passage: 34; [2] it negates what the cited passage says (or the other way round)"
    )
    assert (
        r.said_in("ar") == "[1] أرقام ليست في المقطع المستشهد به: 34؛ [2] تنفي ما يقوله المقطع المستشهد به (أو العكس)"
    )


def test_a_plain_string_reason_stays_as_it_is():
    assert said_in("a caller's own words", "ar") == "a caller's own words"


def test_the_verifier_says_each_rule_in_arabic():
    v = Verifier()
    numbers = v.check("أكد ماكرون أن 34 دولة على الأقل التزمت بإرسال جنود.", SOURCE)
    assert numbers.code == "numbers" and numbers.said_in("ar") == "أرقام ليست في المقطع المستشهد به: 34"
    swapped = v.check("وأكد ماكرون أن بولندا وألمانيا من بين الدول الـ26.", SOURCE)
    assert str(swapped) == "it names Poland where the cited sentence names Italy"
    # the Arabic page quotes the sentences' own words, not the English names
    assert swapped.said_in("ar") == "تذكر «بولندا» حيث تذكر الجملة المستشهد بها «إيطاليا»"
    lexical = verify("ارتفعت أسعار النفط في الأسواق الآسيوية بشدة هذا الأسبوع", SOURCE)
    assert lexical.code == "overlap" and lexical.said_in("ar").startswith("القليل منها فقط في المقطع")


def test_citations_that_were_not_given_are_said_in_arabic():
    claims = parse_claims("التزمت 26 دولة بإرسال جنود. وأكد ماكرون ذلك [7].")
    kept, dropped = verify_claims(claims, {1: SOURCE}, noun="paragraph", mark=lambda n: f"¶{n}:")
    assert not kept
    assert [d.reason.said_in("ar") for d in dropped] == ["لا تستشهد بأي فقرة", "تستشهد بـفقرات لم تُعطَ للنموذج: [7]"]
    assert [str(d.reason) for d in dropped] == ["cites no paragraph", "cites paragraphs that were not given: [7]"]


def _answer(language: str, dropped: Dropped) -> Answer:
    return Answer("س", "26 دولة [1]", "generative", False, dropped=(dropped,), language=language)


def test_the_arabic_page_shows_the_reason_in_arabic_and_the_english_page_in_english():
    why = Verifier().check("وأكد ماكرون أن بولندا وألمانيا من بين الدول الـ26.", SOURCE)
    d = Dropped("وأكد ماكرون أن بولندا وألمانيا من بين الدول الـ26.", Reason.per_source([("[1]", why)]))
    arabic = answer_html(_answer("ar", d), 1)
    assert "[1] تذكر «بولندا» حيث تذكر الجملة المستشهد بها «إيطاليا»" in arabic.replace("&laquo;", "«").replace(
        "&raquo;", "»"
    )
    assert "where the cited sentence" not in arabic
    assert "صياغة النموذج — لم يُتحقق منها" in arabic and "(1)" in arabic  # collapsed, labelled, counted
    english = answer_html(_answer("en", d), 1)
    assert "[1] it names Poland where the cited sentence names Italy" in english


# ---------------------------------------------------------------- why a file could not be read


@pytest.mark.parametrize("code", sorted(LOAD_REASONS))
def test_every_load_reason_has_arabic_with_the_same_fields(code):
    fields = [set(string.Formatter().parse(t)) for t in LOAD_REASONS[code]]
    names = [{f[1] for f in parsed if f[1]} for parsed in fields]
    assert names[0] | names[1] == names[2] | names[3], code  # the Arabic says every figure the English does
    values = {n: "7" for n in names[0] | names[1]}
    exc = LoadError.known("/x/مقال.pdf", code, **values)
    assert str(exc).startswith("/x/مقال.pdf: ") and exc.said_in("ar") != exc.said_in("en")
    assert re.search(r"[\u0600-\u06ff]", exc.said_in("ar"))


def test_a_load_error_keeps_its_arabic_through_a_pickle_and_into_the_report():
    exc = LoadError.known("/up/scan.pdf", "pdf: no text layer")
    again = pickle.loads(pickle.dumps(exc))
    assert again.parts() == exc.parts() and str(again) == str(exc)
    assert failure("/saved/scan.pdf", exc, shown="scan.pdf") == {
        "path": "/saved/scan.pdf",
        "error": "scan.pdf: no text layer: scanned or image-only PDF, OCR not supported "
        "(run OCR on it first (e.g. ocrmypdf) and ingest the result)",
        "error_ar": "scan.pdf: لا طبقة نص فيه: ملف PDF ممسوح ضوئياً أو صور فقط، والتعرّف الضوئي على الحروف غير "
        "مدعوم (مرّره أولاً على برنامج تعرّف ضوئي (مثل ocrmypdf) ثم أدخل الناتج)",
    }
    # a message made at run time has no Arabic: the report gives the English alone
    assert "error_ar" not in failure("/a", LoadError("/a", "unexpected ValueError: x", "please report this file"))
