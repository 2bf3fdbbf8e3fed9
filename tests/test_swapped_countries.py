"""The verifier's rule for a country named in place of another (fast: no model)."""

from __future__ import annotations

import pytest

from assistant.answer.grounding import Verifier, swapped_countries
from assistant.text.countries import countries_named

SOURCE = (
    "ولم تُقدَّم أي تفاصيل بشأن المساهمة التي ستقدمها كل دولة، على الرغم من أن ماكرون أكد أن إيطاليا وألمانيا "
    "من بين الدول الـ26. بينما استبعدت بولندا علنًا إرسال قوات برية إلى أوكرانيا."
)


@pytest.mark.parametrize(
    ("text", "countries"),
    [
        ("أكد ماكرون أن إيطاليا وألمانيا من بين الدول الـ26.", {"italy", "germany"}),
        ("Poland ruled out sending German troops to Ukraine.", {"poland", "germany", "ukraine"}),
        ("قال الرئيس الفرنسي إن الأمريكيين يدعمون كييف", {"france", "america"}),
        ("وصل الوفد إلى تركيا والهند", {"turkey", "india"}),
        # words that are not countries: «ترك» (he left), «هند» (a given name), Arabs and Europe
        ("ترك الرئيس الاجتماع والتقت هند بالوفد العربي في أوروبا", set()),
        # the EU and NATO members the seed article names, and words that only look like them
        (
            "التشيك والمجر وإستونيا ولاتفيا وليتوانيا والدنمارك",
            {"czechia", "hungary", "estonia", "latvia", "lithuania", "denmark"},
        ),
        ("Danish and Hungarian officials met Czech diplomats", {"denmark", "hungary", "czechia"}),
        ("جرى النهر في مجرى ضيق منذ عهد الإمبراطورية الرومانية", set()),
        ("النيجر ونيجيريا وتشاد ورومانيا", {"niger", "nigeria", "chad", "romania"}),
    ],
)
def test_the_countries_a_text_names(text, countries):
    assert countries_named(text) == countries


def test_a_country_in_place_of_another_is_named_in_the_reason():
    why = swapped_countries("أكد ماكرون أن بولندا وألمانيا من بين الدول الـ26.", SOURCE.split(". ")[0])
    assert why == "it names Poland where the cited sentence names Italy"
    why = swapped_countries("Macron said Poland and Germany are among the 26 countries.", SOURCE.split(". ")[0])
    assert why == "it names Poland where the cited sentence names Italy"
    # a country named in two words: the other Korea, quoted in the sentence's own words
    why = swapped_countries("أطلقت كوريا الشمالية صاروخين.", "أطلقت كوريا الجنوبية صاروخين.")
    assert why == "it names North Korea where the cited sentence names South Korea"
    assert why.values["added_words"] == "«كوريا الشمالية»" and why.values["left_out_words"] == "«كوريا الجنوبية»"


@pytest.mark.parametrize(
    "claim",
    [
        "أكد ماكرون أن إيطاليا وألمانيا من بين الدول الـ26.",  # the same countries
        "أكد ماكرون أن ألمانيا من بين الدول الـ26.",  # one left out, none added
        "أكد ماكرون أن إيطاليا وألمانيا من بين الدول الـ26، بينما استبعدت بولندا إرسال قوات.",  # one added only
    ],
)
def test_leaving_out_or_adding_a_country_alone_passes(claim):
    assert swapped_countries(claim, SOURCE.split(". ")[0]) is None


def test_two_countries_swapped_in_english_over_an_arabic_source():
    source = "بلغت نسبة التأييد 91% في السويد، وفي الدنمارك 81%."
    assert swapped_countries("Support was 91% in Finland and 81% in Denmark.", source) == (
        "it names Finland where the cited sentence names Sweden"
    )
    assert swapped_countries("Support was 91% in Sweden and 81% in Denmark.", source) is None


def test_the_verifier_drops_the_swap_that_every_other_rule_passes():
    v = Verifier()  # the rules alone: no embedder, no checker
    assert v.check("أكد ماكرون أن إيطاليا وألمانيا من بين الدول الـ26.", SOURCE) is None
    why = v.check("أكد ماكرون أن بولندا وألمانيا من بين الدول الـ26.", SOURCE)
    assert why == "it names Poland where the cited sentence names Italy"
