from hypothesis import given
from hypothesis import strategies as st

from assistant.grounding import best_quote, parse_claims, verify

PASSAGE = ("تجلى هذا في الرابع من سبتمبر 2025 بعد مداولات تحالف الراغبين. وكانت الرسالة الأهم من الرئيس "
           "الفرنسي، إيمانويل ماكرون، أن 26 دولة على الأقل التزمت بإرسال جنود ضمن قوة أمنية.")


def test_parse_markers_of_every_shape():
    claims = parse_claims("أ ب ج [1]. د ه و [2, 3]. ز ح ط 【4】. ي ك ل [١]. م ن س [99]. ع ف ص.")
    assert [c.cited for c in claims] == [(1,), (2, 3), (4,), (1,), (99,), ()]
    assert claims[0].text == "أ ب ج."


def test_marker_after_full_stop_belongs_to_the_sentence():
    claims = parse_claims("التزمت 26 دولة. [1] وقال ماكرون ذلك. [2]")
    assert [c.cited for c in claims] == [(1,), (2,)]


def test_stray_brackets_are_removed():
    claims = parse_claims("جملة فيها [ قوس مفتوح")
    assert claims[0].text == "جملة فيها قوس مفتوح" and claims[0].cited == ()


def test_verify_accepts_supported_sentence():
    assert verify("أكد ماكرون أن 26 دولة التزمت بإرسال جنود ضمن قوة أمنية", PASSAGE) is None


def test_verify_rejects_invented_number():
    why = verify("أكد ماكرون أن 34 دولة التزمت بإرسال جنود ضمن قوة أمنية", PASSAGE)
    assert why and "34" in why


def test_verify_rejects_unrelated_sentence():
    why = verify("ارتفعت أسعار النفط في الأسواق الآسيوية بشدة هذا الأسبوع", PASSAGE)
    assert why and "overlap" in why


def test_verify_rejects_latin_name_not_in_passage():
    assert "Biden" in (verify("Macron said 26 countries committed, Biden agreed", "Macron said 26 countries committed") or "")


def test_best_quote_finds_the_supporting_sentence():
    s, e = best_quote("26 دولة التزمت", PASSAGE)
    assert "26 دولة" in PASSAGE[s:e]
    assert PASSAGE[s:e].startswith("وكانت")


@given(st.text(alphabet="ab [](),،0123456789١٢【】.؟ \n", max_size=80))
def test_parser_never_crashes_and_numbers_are_ints(s):
    for c in parse_claims(s):
        assert all(isinstance(n, int) for n in c.cited)
        assert "[" not in c.text and "]" not in c.text
