import pytest

from assistant.text import arabic
from assistant.text.arabic import arabic_ratio, detect_language, is_arabic_char


def test_normalize_removes_diacritics_tatweel_and_unifies_letters():
    assert arabic.normalize("إِنَّ الأمـــنَ") == "ان الامن"
    assert arabic.normalize("مدرسة على") == "مدرسه علي"
    assert arabic.normalize("آذار ٢٠٢٥") == "اذار 2025"


def test_normalize_maps_presentation_forms():
    assert arabic.normalize("ﺍﻟﻌﺮﺑﻴﺔ") == "العربيه"


def test_light10_stem():
    assert arabic.stem("والمفاوضات") == "مفاوض"
    assert arabic.stem("الدول") == "دول"
    assert arabic.stem("للأوروبيين".translate(str.maketrans("أ", "ا"))) == "اوروب"
    assert arabic.stem("كتب") == "كتب"  # too short to strip
    assert arabic.stem("nato") == "nato"


def test_analyze_drops_stopwords_and_stems():
    toks = arabic.analyze("كم دولة التزمت بإرسال جنود ضمن قوة أمنية؟")
    assert "كم" not in toks and "ضمن" not in toks
    assert "دول" in toks and "جنود" in toks


def test_tokenize_keeps_decimal_numbers():
    assert "1.1" in arabic.tokenize("حصلت على 1.1 مليار يورو")


def test_split_sentences_arabic_punctuation_and_offsets():
    text = "قال ماكرون إن 26 دولة التزمت. هل يكفي ذلك؟ ربما؛ لا أحد يعرف\nسطر آخر"
    spans = arabic.split_sentences(text)
    parts = [text[a:b] for a, b in spans]
    assert parts == ["قال ماكرون إن 26 دولة التزمت.", "هل يكفي ذلك؟", "ربما؛", "لا أحد يعرف", "سطر آخر"]


def test_split_sentences_keeps_decimal_point():
    spans = arabic.split_sentences("بلغت 1.1 مليار. ثم انتهى")
    assert len(spans) == 2


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("The embargo threatened U.S. energy security. Prices rose.", 2),
        ("Nixon named William E. Simon as the first administrator. He served.", 2),
        ("Mr. Trump spoke to Dr. Smith. Then he left.", 2),
        ("A heat source, e.g. an electric element, is used. Done.", 2),
        ("مثل جاك لوفيفر (c. 1455–1536). ثم جاء غيره.", 2),
        ("ويحدده جين واحد في كروموسوم Y. البظر بنية معقدة.", 2),  # Arabic after the letter: an end
        ("قال ترامب. ثم غادر.", 2),
    ],
)
def test_initials_and_titles_end_no_sentence(text, parts):
    spans = arabic.split_sentences(text)
    assert len(spans) == parts, [text[a:b] for a, b in spans]
    assert text[spans[0][0] : spans[0][1]].endswith((".", ")."))


def test_detect_language():
    assert arabic.detect_language("هذا نص عربي قصير") == "ar"
    assert arabic.detect_language("This is English") == "en"
    assert arabic.detect_language("123 --") == "und"


def test_numbers_in_unifies_arabic_indic_digits():
    assert arabic.numbers_in("٢٦ دولة و 1.1 مليار") == {"26", "1.1"}


@pytest.mark.parametrize(
    "text",
    [
        "أكد ماكرون أن 26 دولة على الأقل التزمت بإرسال جنود.",
        "How much did Russia earn from EU fuel sales?",
        "ﻻ ﺍﻟﻌﺮﺑﻴﺔ presentation forms",  # presentation forms are Arabic letters
        "إِنَّ الأَمْنَ ـــ",  # diacritics and tatweel: the marks are not letters
        "٢٠٢٥ 12 ،؟",  # digits and punctuation only: no letters
        "Ünïcödé ½ ² Ⅻ ŧëxŧ",  # letters that are neither Arabic nor ASCII
        "NATO و الناتو",
        "",
    ],
)
def test_the_script_counts_equal_a_count_letter_by_letter(text):
    letters = [c for c in text if c.isalpha()]
    arabic = sum(1 for c in letters if is_arabic_char(c))
    assert arabic_ratio(text) == (arabic / len(letters) if letters else 0.0)
    ascii_share = sum(c.isascii() for c in letters) / len(letters) if letters else 0.0
    expected = "und" if len(letters) < 3 else "ar" if arabic / len(letters) >= 0.5 else "en"
    expected = "und" if expected == "en" and ascii_share < 0.5 else expected
    assert detect_language(text) == expected
