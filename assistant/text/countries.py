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
from collections.abc import Callable
from functools import lru_cache

from assistant.text.arabic import normalize, tokenize
from assistant.text.names import _NATIONS, nation_ending, word_forms

_NOT_A_COUNTRY = frozenset(("عرب", "اوروب", "كرد", "اكراد"))
_WORD_TOO = frozenset(("ترك", "هند", "عمان"))
_COUNTRY_FORM_ONLY = frozenset(("رومان",))
_ARTICLE_ONLY = frozenset(("مجر", "سلفادور"))  # سلفادور alone is a given name

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
    # The rest of the world's countries whose Arabic name is one word and no common word (2026-12-06, for the
    # answer step's "does the quoted passage name the country asked about?"). Left out: Georgia (جورجيا
    # ميلوني), Bhutan (البوتان is butane), Benin (بنين: sons), Mali (مالي: financial), Malawi, Cuba; and the
    # evaluation's pool of names the archive lacks (Tuvalu, Andorra …: evaluation.unanswerable.NAME_POOL).
    "منغول": "mongolia mongolian mongolians",
    "بوليفي": "bolivia bolivian bolivians",
    "اكوادور": "ecuador ecuadorian ecuadorians",
    "نيكاراغو": "nicaragua nicaraguan nicaraguans",
    "نيكاراجو": "nicaragua nicaraguan nicaraguans",
    "كولومبي": "colombia colombian colombians",
    "بيرو": "peru peruvian peruvians",
    "تشيلي": "chile chilean chileans",
    "باراغوا": "paraguay paraguayan paraguayans",
    "اوروغوا": "uruguay uruguayan uruguayans",
    "غواتيمال": "guatemala guatemalan guatemalans",
    "هندوراس": "honduras honduran hondurans",
    "بنم": "panama panamanian panamanians",
    "كوستاريك": "rica rican ricans",
    "سلفادور": "salvador salvadoran salvadorans",
    "هايتي": "haiti haitian haitians",
    "دومينيكان": "dominican dominicans",
    "جامايك": "jamaica jamaican jamaicans",
    "فلبين": "philippines filipino filipinos philippine",
    "تايلاند": "thailand thai",
    "تايلند": "thailand thai",
    "ميانمار": "myanmar burma burmese",
    "كمبودي": "cambodia cambodian cambodians",
    "لاوس": "laos laotian",
    "سنغافور": "singapore singaporean singaporeans",
    "نيبال": "nepal nepalese nepali",
    "سريلانك": "lanka lankan lankans",
    "مالديف": "maldives maldivian",
    "اوزبكستان": "uzbekistan uzbek uzbeks",
    "قرغيزستان": "kyrgyzstan kyrgyz",
    "طاجيكستان": "tajikistan tajik tajiks",
    "تركمانستان": "turkmenistan turkmen",
    "قبرص": "cyprus cypriot cypriots",
    "مالط": "malta maltese",
    "ايسلند": "iceland icelandic icelanders",
    "لوكسمبورغ": "luxembourg",
    "سلوفيني": "slovenia slovenian slovenians",
    "بوسن": "bosnia bosnian bosnians",
    "الباني": "albania albanian albanians",
    "مقدوني": "macedonia macedonian macedonians",
    "كوسوفو": "kosovo kosovar kosovars",
    "نيوزيلند": "zealand zealander zealanders",
    "زيمبابو": "zimbabwe zimbabwean zimbabweans",
    "اوغند": "uganda ugandan ugandans",
    "تنزاني": "tanzania tanzanian tanzanians",
    "رواند": "rwanda rwandan rwandans",
    "كونغو": "congo congolese",
    "كونغول": "congo congolese",
    "كاميرون": "cameroon cameroonian cameroonians",
    "غان": "ghana ghanaian ghanaians",
    "انغول": "angola angolan angolans",
    "موزمبيق": "mozambique mozambican",
    "مدغشقر": "madagascar malagasy",
    "زامبي": "zambia zambian zambians",
    "بوتسوان": "botswana",
    "ناميبي": "namibia namibian namibians",
    "بوركين": "burkina burkinabe",
    "غيني": "guinea guinean guineans",
    "سيراليون": "leone",
    "ليبيري": "liberia liberian liberians",
    "غابون": "gabon gabonese",
    "توغو": "togo togolese",
    "بوروندي": "burundi burundian",
    "موريشيوس": "mauritius mauritian",
    "بروناي": "brunei",
    "فيجي": "fiji fijian",
    "فاتيكان": "vatican",
    "موناكو": "monaco",
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


# Countries named in two words. Arabic news names the United States «الولايات المتحدة» far more often than
# «أمريكا» (1,845 of the 5,611 ANT articles, 271 of them never with an أمريك word), so a question about
# «أمريكا» quoted from such a passage is about the country it names; and North and South Korea, Sudan and
# South Sudan are each other's nearest miss. Each: (country, test on the first word's forms without
# prefixes, test on the normalised second word).
_AR_PHRASES: tuple[tuple[str, Callable[[set[str]], bool], Callable[[str], bool]], ...] = (
    ("america", lambda a: bool(a & {"ولايات", "الولايات"}), lambda b: b == "المتحده"),
    ("britain", lambda a: bool(a & {"مملكه", "المملكه"}), lambda b: b == "المتحده"),
    ("north korea", lambda a: any(f.startswith("كوري") for f in a), lambda b: b.startswith("الشمالي")),
    ("south korea", lambda a: any(f.startswith("كوري") for f in a), lambda b: b.startswith("الجنوبي")),
    ("south sudan", lambda a: "جنوب" in a, lambda b: b == "السودان"),
    ("south africa", lambda a: "جنوب" in a, lambda b: b.startswith("افريقي")),
    ("ivory coast", lambda a: "ساحل" in a, lambda b: b == "العاج"),
    # written apart as often as together (سريلانكا, كوستاريكا, نيوزيلندا: ``_MORE``)
    ("lanka", lambda a: "سري" in a, lambda b: b.startswith("لانك")),
    ("rica", lambda a: "كوستا" in a, lambda b: b.startswith("ريك")),
    ("zealand", lambda a: "نيو" in a, lambda b: b.startswith("زيلند")),
)
# The same in English: "US"/"UK" only as capitals ("us" is a pronoun), and not in "US dollars" (a currency).
_EN_PHRASES = (
    ("america", re.compile(r"\b(?:[Uu]nited [Ss]tates|U\.S\.(?:A\.)?|USA?)(?!\w|\s*(?:\$|dollars?\b))")),
    ("britain", re.compile(r"\b(?:[Uu]nited [Kk]ingdom|U\.K\.|UK)(?!\w)")),
    ("emirates", re.compile(r"\bUAE\b")),
    ("north korea", re.compile(r"\b[Nn]orth [Kk]orean?s?\b")),
    ("south korea", re.compile(r"\b[Ss]outh [Kk]orean?s?\b")),
    ("south sudan", re.compile(r"\b[Ss]outh [Ss]udan(?:ese)?\b")),
    ("south africa", re.compile(r"\b[Ss]outh [Aa]frican?s?\b")),
    ("ivory coast", re.compile(r"\b(?:[Ii]vory [Cc]oast|Côte d'Ivoire|Ivorians?)\b")),
)


def _phrases(text: str) -> dict[str, str]:
    """The countries a text names in two words, each with the text's own words for it («كوريا الشمالية»)."""
    found: dict[str, str] = {}
    for country, pattern in _EN_PHRASES:
        if m := pattern.search(text):
            found.setdefault(country, m.group(0))
    words = re.findall(r"[\w\u064b-\u065f\u0670]+", text)  # with their vowel marks
    plain = [normalize(w) for w in words]
    for i in range(len(words) - 1):
        forms = {f for f, _ in word_forms(plain[i])}
        for country, first_ok, second_ok in _AR_PHRASES:
            if second_ok(plain[i + 1]) and first_ok(forms):
                found.setdefault(country, f"{words[i]} {words[i + 1]}")
    return found


def _naming(text: str, countries: set[str]) -> list[tuple[str, str]]:
    """(country, the text's own word or two words for it) for the given countries, in the text's order; a
    word of a two-word name («كوريا» of «كوريا الشمالية») is not counted again on its own."""
    phrases = [(c, p) for c, p in _phrases(text).items() if c in countries]
    inside = {w for _, p in phrases for w in p.split()}
    singles = [
        (c, w)
        for w in dict.fromkeys(re.findall(r"\w+", text))
        if w not in inside
        for c in sorted(countries_named(w) & countries)
    ]
    return sorted(phrases + singles, key=lambda cw: text.find(cw[1]))


def country_words(text: str, countries: set[str]) -> list[str]:
    """The text's own words for the given countries, in its order: «بولندا», «الإيطالي», «كوريا الشمالية»."""
    return list(dict.fromkeys(w for _, w in _naming(text, countries)))


# ألمانيا، فرنسا، مصر، الصين — not الألماني، الفرنسيون (a person's or a people's); after a stem ending in ي
# (سوري، ايطالي، الماني) only ا: سوريا, not سوري
_NAME_ENDINGS = ("", "ا", "يا")


def _name_ending(stem: str, rest: str) -> bool:
    return rest == "ا" if stem.endswith("ي") else rest in _NAME_ENDINGS


def countries_named(text: str, by_name: bool = False) -> set[str]:
    """The countries (English names, lower case) a text names, in English or in Arabic; ``by_name``: by their
    names only («ألمانيا», "Germany", «الولايات المتحدة»), not by an adjective or a people («الحاكم الألماني»,
    «الفرنسيون», "French"; «الألمان» reads as a name)."""
    found: set[str] = set(_phrases(text))
    if any("a" <= ch.lower() <= "z" for ch in text):
        for w in re.findall(r"[a-z]+", text.lower()):
            found |= {c for c in _ENGLISH.get(w, ()) if not by_name or c == w}
    for w in tokenize(text):
        # a word longer than any name (a scraped blob) is matched uncached: the cache holds short words only
        found |= _word_countries(w, by_name) if len(w) <= 40 else _word_countries.__wrapped__(w, by_name)
    return found


@lru_cache(maxsize=65536)
def _word_countries(word: str, by_name: bool) -> frozenset[str]:
    """The countries one (normalised) word names. Cached: a passage's words recur from question to question,
    and matching each against every country's stem was ~6 % of an answer's time."""
    forms = word_forms(word)  # with whether it lost an article (الهند is India; هند alone may be a given name)
    return frozenset(
        country
        for stem, country in _COUNTRY_OF.items()
        if any(
            f.startswith(stem)
            and _is_form(stem, f[len(stem) :], article)
            and (not by_name or _name_ending(stem, f[len(stem) :]))
            for f, article in forms
        )
    )


# A passage names a country also by its capital or its seat of power («قال الكرملين», "Kyiv said"): counted
# where the answer step asks whether the quoted passage names the country a question asks about, never to
# find the countries a question names. Normalised Arabic (without the article) and English words.
_SEATS = {
    "russia": "موسكو كرملين moscow kremlin",
    "ukraine": "كييف kyiv kiev",
    "america": "واشنطن بنتاغون washington pentagon",
    "china": "بكين beijing",
    "france": "باريس اليزيه paris elysee",
    "britain": "لندن london",
    "germany": "برلين berlin",
    "iran": "طهران tehran",
    "turkey": "انقره اسطنبول ankara istanbul",
    "egypt": "قاهره cairo",
    "syria": "دمشق damascus",
    "iraq": "بغداد baghdad",
    "lebanon": "بيروت beirut",
    "saudi": "رياض riyadh",
    "qatar": "دوحه doha",
    "emirates": "ظبي دبي dhabi dubai",
    "israel": "ابيب aviv",
    "palestine": "غزه gaza",
    "japan": "طوكيو tokyo",
    "india": "دلهي delhi",
    "afghanistan": "كابول kabul",
    "poland": "وارسو warsaw",
    "sweden": "ستوكهولم stockholm",
    "norway": "اوسلو oslo",
    "finland": "هلسنكي helsinki",
    "denmark": "كوبنهاغن copenhagen",
    "italy": "روما rome",
    "spain": "مدريد madrid",
    "greece": "اثينا athens",
    "belgium": "بروكسل brussels",
    "netherlands": "امستردام لاهاي amsterdam hague",
    "austria": "فيينا vienna",
    "hungary": "بودابست budapest",
    "serbia": "بلغراد belgrade",
    "belarus": "مينسك minsk",
    "canada": "اوتاوا ottawa",
    "venezuela": "كاراكاس caracas",
    "sudan": "خرطوم khartoum",
    "libya": "طرابلس tripoli",
    "morocco": "رباط rabat",
    "yemen": "صنعاء sanaa",
    "ethiopia": "ابابا ababa",
    "somalia": "مقديشو mogadishu",
    "kenya": "نيروبي nairobi",
    "indonesia": "جاكرتا jakarta",
    "thailand": "بانكوك bangkok",
    "philippines": "مانيلا manila",
    "north korea": "بيونغيانغ pyongyang",
}
_SEAT_OF = {normalize(w): country for country, words in _SEATS.items() for w in words.split()}
_SEAT_PHRASES = {"البيت الابيض": "america", "white house": "america", "بيونغ يانغ": "north korea"}
_KOREAS = {"north korea", "south korea"}
_WITHIN = {"north korea": "korea", "south korea": "korea", "south sudan": "sudan"}


def countries_in_passage(text: str) -> set[str]:
    """The countries a passage names: by name, adjective or people (``countries_named``), or by its capital
    or seat of power."""
    found = countries_named(text)
    for w in re.findall(r"[a-z]+", text.lower()):
        if w in _SEAT_OF:
            found.add(_SEAT_OF[w])
    for w in tokenize(text):
        for f, _ in word_forms(w):
            if f in _SEAT_OF:
                found.add(_SEAT_OF[f])
    plain = " ".join(tokenize(text.lower()))
    found |= {country for phrase, country in _SEAT_PHRASES.items() if phrase in plain}
    if "korea" in found and not found & _KOREAS:  # «الكوريتين», «الكوري»: either Korea
        found |= _KOREAS
    if found & _KOREAS:  # «بيونغ يانغ» names Korea too
        found.add("korea")
    return found


# A currency's nationality is no country asked about: «بالدولار الأمريكي», «بالجنيه المصري», "in Egyptian pounds"
# (a question asking an amount in one was turned away from a passage that gives it in «دولار» alone).
_CURRENCY_AR = re.compile(
    r"[وبلف]?(?:ال|لل)?(?:دولار|دولارات|جنيه|جنيهات|دينار|دنانير|ريال|ريالات|ليره|ليرات|درهم|دراهم|روبل|يوان|روبيه"
    r"|روبيات|فرنك|فرنكات|شيكل|شواكل|بيزو|كرونه|كرونات|تومان|رينغيت|هريفنيا)|[وبلف]?(?:ال|لل)ين"
)
# «ين» only as «الين» («بين» is "between"); not «بات» ("became"), "won", "real" or "rand" (everyday words, a
# think tank): the word after or before them would go unread.
_CURRENCY_EN = re.compile(
    r"(?:dollar|pound|dinar|riyal|rial|lira|dirham|rupee|ruble|rouble|yuan|franc|yen|shekel|peso|krona|krone|kronor"
    r"|toman|ringgit|baht|hryvnia|rupiah)s?"
)


def _without_currencies(question: str) -> str:
    """The question less the nationality of each currency it names (the word after an Arabic one, before an
    English one)."""
    words = question.split()
    bare = [re.sub(r"[^\w]", "", normalize(w)) for w in words]
    kept = [
        w
        for i, w in enumerate(words)
        if not (i and _CURRENCY_AR.fullmatch(bare[i - 1]))
        and not (i + 1 < len(words) and _CURRENCY_EN.fullmatch(bare[i + 1]))
    ]
    return " ".join(kept)


def asked_countries(question: str, by_name: bool = False) -> set[str]:
    """The countries a question asks about: those it names (``by_name``: by their names only), less a
    currency's nationality."""
    return countries_named(_without_currencies(question), by_name)


def countries_not_named(question: str, passage: str) -> dict[str, str]:
    """The countries the question names that the passage does not (by name, adjective, people, capital),
    each with the question's own word for it («منغوليا», "Mongolians"); a currency's («بالدولار الأمريكي») is
    not asked about."""
    asked = asked_countries(question)
    if not asked:
        return {}
    missing = asked - countries_in_passage(passage)
    words: dict[str, str] = {}  # in the question's order
    for country, w in _naming(question, missing):
        # «وبوليفيا» is shown as «بوليفيا»
        bare = w[1:] if w[:1] in "وبلف" and country in countries_named(w[1:]) else w
        words.setdefault(country, bare)
    said = {_WITHIN.get(c) for c in words}  # «كوريا الشمالية» says «كوريا» too
    return words | {c: c for c in sorted(missing - set(words) - said)}
