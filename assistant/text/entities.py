"""Institutions, groups and places of international news whose Arabic name is a translation, not a
transliteration: "the Security Council" is «مجلس الأمن», "the Red Sea" «البحر الأحمر», "Cairo" «القاهرة».

The verifier's names rule finds a Latin name in an Arabic source by its consonant skeleton
(``text.names``), which cannot see a translation: a right English sentence naming the Security Council,
the United Nations, NATO written «حلف شمال الأطلسي», Hezbollah or the West Bank was rejected as "names not in
the cited passage" whatever the source said. Here each such name has the Arabic forms it takes in the news;
an English phrase naming one is found when the Arabic text holds one of them. Only ever a name found that
was not: where no form is present the rule decides as before, so "the Security Council" over a passage
about «مجلس الوزراء» is still rejected.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.text.arabic import tokenize
from assistant.text.names import word_forms

# English forms (lower case; an all-capital form is matched in capitals only: "WHO" is not "who") →
# Arabic forms, normalised as ``arabic.normalize`` writes them (ة → ه, أ/إ/آ → ا). An Arabic form's first
# word may carry the prefixes ``names.word_forms`` strips in the text, its article kept; every other word is matched
# as written.
_ENTITIES: tuple[tuple[str, str], ...] = (
    # the United Nations and its bodies
    ("united nations|UN", "الامم المتحده|الاممي|الامميه|الامميين|الاممين"),
    ("security council|UN security council", "مجلس الامن"),
    ("general assembly", "الجمعيه العامه"),
    ("secretary-general|secretary general", "الامين العام|الامينه العامه"),
    ("world health organization|world health organisation|WHO", "منظمه الصحه العالميه|الصحه العالميه"),
    ("international atomic energy agency|IAEA", "الوكاله الدوليه للطاقه الذريه|الطاقه الذريه"),
    ("international criminal court|ICC", "المحكمه الجنائيه الدوليه|الجنائيه الدوليه"),
    ("international court of justice|ICJ", "محكمه العدل الدوليه|العدل الدوليه"),
    ("UNHCR", "مفوضيه الامم المتحده لشؤون اللاجئين|مفوضيه اللاجئين|المفوضيه الساميه"),
    ("world food programme|world food program|WFP", "برنامج الاغذيه العالمي|الاغذيه العالمي"),
    ("international monetary fund|IMF", "صندوق النقد الدولي|صندوق النقد"),
    ("world bank", "البنك الدولي"),
    # alliances and unions
    ("NATO", "الناتو|حلف شمال الاطلسي|حلف الاطلسي|الحلف الاطلسي|شمال الاطلسي"),
    ("european commission", "المفوضيه الاوروبيه|المفوضيه الاوربيه"),
    ("gulf cooperation council|GCC", "مجلس التعاون الخليجي|مجلس التعاون لدول الخليج|مجلس التعاون"),
    ("arab league", "جامعه الدول العربيه|الجامعه العربيه"),
    ("soviet union", "الاتحاد السوفيتي|الاتحاد السوفياتي"),
    ("red cross", "الصليب الاحمر"),
    ("red crescent", "الهلال الاحمر"),
    ("amnesty international", "العفو الدوليه|منظمه العفو"),
    # countries Arabic names in other words
    ("united states|united states of america", "الولايات المتحده|امريكا|اميركا|واشنطن"),
    ("united kingdom", "المملكه المتحده|بريطانيا"),
    ("saudi arabia", "السعوديه|المملكه العربيه السعوديه"),
    ("united arab emirates", "الامارات|الامارات العربيه المتحده"),
    # armed groups and movements
    ("hezbollah|hizbollah|hizbullah|hizballah", "حزب الله"),
    ("houthis|houthi|huthis|huthi", "الحوثي|الحوثيون|الحوثيين|الحوثيه|انصار الله"),
    ("al-qaeda|al-qaida|qaeda|qaida", "تنظيم القاعده"),  # not «القاعدة» alone: also "the base"
    ("islamic state|ISIL", "الدوله الاسلاميه|داعش|تنظيم الدوله"),
    ("muslim brotherhood", "الاخوان|الاخوان المسلمين|الاخوان المسلمون"),
    ("revolutionary guard|revolutionary guards|IRGC", "الحرس الثوري"),
    ("islamic jihad", "الجهاد الاسلامي"),
    ("PKK", "حزب العمال الكردستاني|العمال الكردستاني"),
    ("syrian democratic forces|SDF", "قوات سوريا الديمقراطيه|قسد"),
    ("palestinian authority", "السلطه الفلسطينيه"),
    # parties
    ("labour party|labor party", "حزب العمال"),
    ("conservative party", "حزب المحافظين"),
    ("democratic party", "الحزب الديمقراطي"),
    ("republican party", "الحزب الجمهوري"),
    ("democrats", "الديمقراطيين|الديمقراطيون"),
    ("republicans", "الجمهوريين|الجمهوريون"),
    # offices and ministries
    ("white house", "البيت الابيض"),
    ("state department", "وزاره الخارجيه الامريكيه|الخارجيه الامريكيه|وزاره الخارجيه"),
    ("prime minister", "رئيس الوزراء|رئيسه الوزراء|رئيس الحكومه|رئيسه الحكومه"),
    ("foreign minister|foreign secretary|secretary of state", "وزير الخارجيه|وزيره الخارجيه"),
    ("foreign ministry|foreign office", "وزاره الخارجيه|الخارجيه"),
    ("defence minister|defense minister|defence secretary|defense secretary", "وزير الدفاع|وزيره الدفاع"),
    ("defence ministry|defense ministry|ministry of defence|ministry of defense", "وزاره الدفاع"),
    ("interior ministry|ministry of interior|ministry of the interior", "وزاره الداخليه"),
    ("senate", "مجلس الشيوخ"),
    ("house of representatives", "مجلس النواب"),
    ("supreme court", "المحكمه العليا"),
    ("central bank", "البنك المركزي|المصرف المركزي"),
    # seas, regions and places
    ("middle east", "الشرق الاوسط"),
    ("gulf|persian gulf|arabian gulf", "الخليج"),
    ("red sea", "البحر الاحمر"),
    ("black sea", "البحر الاسود"),
    ("mediterranean|mediterranean sea", "البحر المتوسط|البحر الابيض المتوسط|شرق المتوسط"),  # «المتوسط»: also "average"
    ("gaza strip", "قطاع غزه"),
    ("west bank", "الضفه الغربيه"),  # not «الضفة» alone: «الضفة الشرقية للفرات»
    ("golan heights", "الجولان|مرتفعات الجولان|هضبه الجولان"),
    ("strait of hormuz", "مضيق هرمز"),
    ("horn of africa", "القرن الافريقي"),
    ("cairo", "القاهره"),
    ("jerusalem", "القدس"),
    ("damascus", "دمشق"),
    ("aleppo", "حلب"),
    ("tripoli", "طرابلس"),
    ("beijing", "بكين"),
    ("brussels", "بروكسل"),
    ("athens", "اثينا"),
)


def _english_forms() -> list[tuple[tuple[str, ...], bool, int]]:
    """(the form's words, whether it is matched in capitals, entity number), longest forms first."""
    out = []
    for i, (english, _) in enumerate(_ENTITIES):
        for form in english.split("|"):
            capitals = form.isupper()
            out.append((tuple(form.split() if capitals else form.lower().split()), capitals, i))
    return sorted(out, key=lambda f: -len(f[0]))


_ENGLISH = _english_forms()
_ARABIC = tuple(tuple(tuple(form.split()) for form in arabic.split("|")) for _, arabic in _ENTITIES)


def _heads(word: str) -> frozenset[str]:
    """A normalised Arabic word as it may begin a form: without the conjunction or preposition before it
    (``names.word_forms``), the article kept («للأمم» → «الامم»): «القاعدة» is not «قاعدة» (a base), «الخليج» not
    «خليج عدن»."""
    return frozenset("ال" + f if article else f for f, article in word_forms(word))


@lru_cache(maxsize=4096)
def _text_words(text: str) -> tuple[tuple[str, ...], tuple[frozenset[str], ...]]:
    words = tuple(tokenize(text))
    return words, tuple(_heads(w) for w in words)


def named_in_arabic(entity: int, text: str) -> bool:
    """Whether the Arabic text holds one of the entity's Arabic forms."""
    words, bare = _text_words(text)
    for form in _ARABIC[entity]:
        for i in range(len(words) - len(form) + 1):
            if form[0] in bare[i] and all(words[i + j] == form[j] for j in range(1, len(form))):
                return True
    return False


_WORD = re.compile(r"[A-Za-z][A-Za-z\-]*")


def entity_words_found(phrase: str, text: str) -> set[str]:
    """The words of an English phrase that name an entity of the table above which the Arabic text names in
    one of its forms ("Security Council" in «… مجلس الأمن …»), as written in the phrase."""
    words = [w[:-2] if w.endswith("'s") else w for w in _WORD.findall(phrase.replace("’", "'"))]
    lower = [w.lower() for w in words]
    covered: set[int] = set()
    found: set[str] = set()
    for form, capitals, entity in _ENGLISH:
        seq = words if capitals else lower
        n = len(form)
        for i in range(len(seq) - n + 1):
            span = range(i, i + n)
            if tuple(seq[i : i + n]) == form and not covered.intersection(span) and named_in_arabic(entity, text):
                covered.update(span)
                found.update(words[k] for k in span)
    return found
