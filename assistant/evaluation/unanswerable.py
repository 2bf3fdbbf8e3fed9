"""Questions the archive cannot answer, of three kinds, built from answerable ones.

- ``removed``: the question's own paragraph is not in the index (its article's other paragraphs are).
- ``offtopic``: the question's whole article is not in the index.
- ``nearmiss``: the question with its rarest entity swapped for a name the archive never mentions
  ("… دفاع البانثرز" → "… دفاع ريكيافيك"): it shares the archive's vocabulary but asks for a fact
  the archive does not hold.
- ``nearmiss-known`` (studies only, not in the held-out runs): the same swap for a name the archive *does*
  mention but the question's own paragraph does not («… في منغوليا» over an archive that names Mongolia
  elsewhere), as a reader's near miss looks: no word of it is new to the archive, only to the passage.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from assistant.text.arabic import AR_STOPWORDS, EN_STOPWORDS, normalize
from assistant.text.questions import latin_names

# Names (English, Arabic) of places, people and organisations that neither XQuAD, ARCD, the ANT news
# sample nor the bundled samples mention; a name is used only if the index does not know it either.
NAME_POOL: tuple[tuple[str, str], ...] = (
    ("Reykjavik", "ريكيافيك"),
    ("Ulaanbaatar", "أولانباتور"),
    ("Tegucigalpa", "تيغوسيغالبا"),
    ("Paramaribo", "باراماريبو"),
    ("Ouagadougou", "واغادوغو"),
    ("Vientiane", "فيينتيان"),
    ("Bujumbura", "بوجمبورا"),
    ("Nukualofa", "نوكوالوفا"),
    ("Thimphu", "تيمفو"),
    ("Funafuti", "فونافوتي"),
    ("Podgorica", "بودغوريتسا"),
    ("Chisinau", "كيشيناو"),
    ("Ashgabat", "عشق آباد"),
    ("Dushanbe", "دوشانبي"),
    ("Windhoek", "ويندهوك"),
    ("Gaborone", "غابورون"),
    ("Maseru", "ماسيرو"),
    ("Lilongwe", "ليلونغوي"),
    ("Antananarivo", "أنتاناناريفو"),
    ("Nouakchott", "نواكشوط"),
    ("Honiara", "هونيارا"),
    ("Majuro", "ماجورو"),
    ("Palikir", "باليكير"),
    ("Tarawa", "تاراوا"),
    ("Yaren", "يارين"),
    ("Vaduz", "فادوتس"),
    ("Tskhinvali", "تسخينفالي"),
    ("Svalbard", "سفالبارد"),
    ("Tuvalu", "توفالو"),
    ("Kiribati", "كيريباتي"),
    ("Liechtenstein", "ليختنشتاين"),
    ("Andorra", "أندورا"),
    ("Vanuatu", "فانواتو"),
    ("Eswatini", "إسواتيني"),
    ("Zubrowski", "زوبروفسكي"),
    ("Kowalczyk", "كوالتشيك"),
    ("Haraldsen", "هارالدسن"),
    ("Okonkwo", "أوكونكوو"),
    ("Tanabata", "تاناباتا"),
    ("Vasquez-Ortega", "فاسكيز أورتيغا"),
    ("Lindqvist", "ليندكفيست"),
    ("Mbeki-Tshabalala", "مبيكي تشابالالا"),
    ("Ivanchuk", "إيفانتشوك"),
    ("Szymborska", "شيمبورسكا"),
    ("Quetzaltenango", "كيتزالتينانغو"),
    ("Zanzibar", "زنجبار"),
    ("Kamchatka", "كامتشاتكا"),
    ("Patagonia", "باتاغونيا"),
    ("Tasmania", "تسمانيا"),
    ("Greenland", "غرينلاند"),
)

# Countries and capitals that Arabic news names often; a ``nearmiss-known`` question takes one the index
# knows (in either script) and the question's paragraph does not name.
KNOWN_POOL: tuple[tuple[str, str], ...] = (
    ("Egypt", "مصر"),
    ("Turkey", "تركيا"),
    ("Iran", "إيران"),
    ("Russia", "روسيا"),
    ("China", "الصين"),
    ("France", "فرنسا"),
    ("Germany", "ألمانيا"),
    ("Japan", "اليابان"),
    ("India", "الهند"),
    ("Brazil", "البرازيل"),
    ("Canada", "كندا"),
    ("Spain", "إسبانيا"),
    ("Italy", "إيطاليا"),
    ("Morocco", "المغرب"),
    ("Algeria", "الجزائر"),
    ("Tunisia", "تونس"),
    ("Libya", "ليبيا"),
    ("Sudan", "السودان"),
    ("Iraq", "العراق"),
    ("Syria", "سوريا"),
    ("Lebanon", "لبنان"),
    ("Jordan", "الأردن"),
    ("Yemen", "اليمن"),
    ("Qatar", "قطر"),
    ("Kuwait", "الكويت"),
    ("Pakistan", "باكستان"),
    ("Afghanistan", "أفغانستان"),
    ("Indonesia", "إندونيسيا"),
    ("Nigeria", "نيجيريا"),
    ("Mexico", "المكسيك"),
    ("Australia", "أستراليا"),
    ("Britain", "بريطانيا"),
    ("Ukraine", "أوكرانيا"),
    ("Sweden", "السويد"),
    ("Cairo", "القاهرة"),
    ("Baghdad", "بغداد"),
    ("Damascus", "دمشق"),
    ("Riyadh", "الرياض"),
    ("Beirut", "بيروت"),
    ("Tehran", "طهران"),
)

_AR_QUESTION_WORDS = frozenset(
    normalize(w) for w in "كم ما ماذا من متى أين اين لماذا كيف هل أي اي عدد نسبة التي الذي الذين".split()
)


def swap_entity(
    question: str, rarity: Callable[[str], float], pool: list[tuple[str, str]], rng: random.Random
) -> str | None:
    """The question with its rarest name-like word replaced by a name from ``pool`` (in the question's
    script); None when no word looks like an entity. ``rarity(word)`` ranks words (e.g. their IDF)."""
    if not pool:
        return None
    en, ar = rng.choice(pool)
    names = latin_names(question)
    if names:
        target = max(names, key=rarity)
        return re.sub(rf"\b{re.escape(target)}\b", en, question, count=1)
    words = re.findall(r"[^\W\d_]{3,}", question)
    choices = [
        w
        for w in words
        if normalize(w) not in _AR_QUESTION_WORDS
        and normalize(w) not in AR_STOPWORDS
        and w.lower() not in EN_STOPWORDS
        and rarity(w) > 0
    ]
    if not choices:
        return None
    target = max(choices, key=rarity)
    replacement = en if target.isascii() else ar
    return re.sub(rf"(?<!\w){re.escape(target)}(?!\w)", replacement, question, count=1)


def unknown_names(known: Callable[[str], bool]) -> list[tuple[str, str]]:
    """The pool's names that the index does not know in either script."""
    return [(en, ar) for en, ar in NAME_POOL if not known(en) and not known(ar)]


def known_names(known: Callable[[str], bool]) -> list[tuple[str, str]]:
    """``KNOWN_POOL``'s names that the index knows in either script."""
    return [(en, ar) for en, ar in KNOWN_POOL if known(en) or known(ar)]


def not_named_in(pool: list[tuple[str, str]], text: str) -> list[tuple[str, str]]:
    """The names of ``pool`` that ``text`` (a paragraph) names in neither script."""
    plain, low = normalize(text), text.lower()
    return [(en, ar) for en, ar in pool if normalize(ar) not in plain and en.lower() not in low]
