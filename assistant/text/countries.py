"""The countries a text names, in English or in Arabic (what the verifier's rule for a country named in
place of another compares: ``answer.grounding.swapped_countries``).

The ~50 countries of ``names`` (whose Arabic words are translations, not transliterations) and the
others this archive's articles name most (the EU's and NATO's members, the Sahel, the Caucasus …).
Peoples and regions that are not one country (Arabs, Europe, Kurds) are left out. Stems that are also
common words count only in a country's form: ترك ("left"), هند (a given name) and عمان (also Amman) with an
ending or the article; رومان (Roman) only as رومانيا; مجر only as المجر (مجرى is a stream). Cuba is left
out (كوبا is also "a cup").
"""

from __future__ import annotations

import re

from assistant.text.arabic import tokenize
from assistant.text.names import _NATIONS, nation_ending, word_forms

_NOT_A_COUNTRY = frozenset(("عرب", "اوروب", "كرد", "اكراد"))
_WORD_TOO = frozenset(("ترك", "هند", "عمان"))
_COUNTRY_FORM_ONLY = frozenset(("رومان",))
_ARTICLE_ONLY = frozenset(("مجر",))

# normalised Arabic stem: the country and the English words for it (country, adjective, people)
_MORE = {
    "دنمارك": "denmark danish danes dane",
    "بلجيك": "belgium belgian belgians",
    "نمسا": "austria austrian austrians",
    "سويسر": "switzerland swiss",
    "برتغال": "portugal portuguese",
    "ايرلند": "ireland irish",
    "ليتوان": "lithuania lithuanian lithuanians",
    "لاتف": "latvia latvian latvians",
    "استون": "estonia estonian estonians",
    "تشيك": "czechia czech czechs",
    "مجر": "hungary hungarian hungarians",
    "رومان": "romania romanian romanians",
    "بلغار": "bulgaria bulgarian bulgarians",
    "صرب": "serbia serbian serbians serbs",
    "كروات": "croatia croatian croatians croats",
    "سلوفاك": "slovakia slovak slovakian",
    "مولدوف": "moldova moldovan",
    "بيلاروس": "belarus belarusian",
    "اذربيجان": "azerbaijan azerbaijani",
    "ارميني": "armenia armenian armenians",
    "كازاخستان": "kazakhstan",
    "فنزويل": "venezuela venezuelan",
    "ارجنتين": "argentina argentine argentinian",
    "اندونيسي": "indonesia indonesian indonesians",
    "ماليزي": "malaysia malaysian malaysians",
    "بنغلاديش": "bangladesh",
    "فيتنام": "vietnam vietnamese",
    "استرالي": "australia australian australians",
    "نيجر": "niger",
    "تشاد": "chad",
    "سنغال": "senegal senegalese",
    "كيني": "kenya kenyan kenyans",
    "اريتري": "eritrea eritrean eritreans",
    "جيبوت": "djibouti",
    "موريتان": "mauritania mauritanian mauritanians",
    "تايوان": "taiwan taiwanese",
}
_ALL = {**_NATIONS, **_MORE}
_COUNTRY_OF = {
    stem: ("germany" if stem == "المان" else words.split()[0])
    for stem, words in _ALL.items()
    if stem not in _NOT_A_COUNTRY
}
_ENGLISH: dict[str, set[str]] = {}
for _stem, _country in _COUNTRY_OF.items():
    for _w in _ALL[_stem].split():
        _ENGLISH.setdefault(_w, set()).add(_country)


def _is_form(stem: str, rest: str, article: bool) -> bool:
    """Whether a word's form (``stem`` + ``rest``, after an article or not) names the stem's country."""
    if stem in _ARTICLE_ONLY:
        return article and not rest
    if stem in _COUNTRY_FORM_ONLY:
        return rest in ("ا", "يا")
    if stem in _WORD_TOO and not rest and not article:
        return False
    return nation_ending(stem, rest)


def countries_named(text: str) -> set[str]:
    """The countries (English names, lower case) a text names, in English or in Arabic."""
    found: set[str] = set()
    if any("a" <= ch.lower() <= "z" for ch in text):
        for w in re.findall(r"[a-z]+", text.lower()):
            found |= _ENGLISH.get(w, set())
    for w in tokenize(text):
        forms = word_forms(w)  # with whether it lost an article (الهند is India; هند alone may be a given name)
        for stem, country in _COUNTRY_OF.items():
            if country in found:
                continue
            if any(f.startswith(stem) and _is_form(stem, f[len(stem) :], article) for f, article in forms):
                found.add(country)
    return found
