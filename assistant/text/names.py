"""Names across scripts: a Latin name found in Arabic text by its transliteration skeleton
(``name_found``), and ~50 countries and peoples by their Arabic stems (``nation_found``)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from assistant.text.arabic import AR_STOPWORDS, ARTICLE_PREFIXES, normalize, tokenize

# ------------------------------------------------------------------ names across scripts
# Latin letters → a coarse consonant class; Arabic letters → the same classes. Vowels are dropped on
# both sides, so transliterations that differ in vowels and doubled letters still meet.
_LATIN_CLASS = {
    "b": "b",
    "p": "b",
    "v": "f",
    "f": "f",
    "t": "t",
    "d": "d",
    "k": "k",
    "c": "k",
    "q": "k",
    "g": "g",
    "j": "g",
    "s": "s",
    "z": "s",
    "x": "ks",
    "h": "h",
    "m": "m",
    "n": "n",
    "l": "l",
    "r": "r",
    "w": "",
    "y": "",
    "a": "",
    "e": "",
    "i": "",
    "o": "",
    "u": "",
}
# g and j share a class: Arabic writes both as ج or غ (Angeles/أنجلوس, Google/غوغل).
_ARABIC_CLASS = {
    "ب": "b",
    "پ": "b",
    "ت": "t",
    "ث": "t",
    "ط": "t",
    "د": "d",
    "ض": "d",
    "ذ": "s",
    "ز": "s",
    "ظ": "s",
    "ك": "k",
    "ق": "k",
    "ج": "g",
    "غ": "g",
    "گ": "g",
    "س": "s",
    "ص": "s",
    "ش": "sh",
    "ف": "f",
    "ڤ": "f",
    "ه": "h",
    "ح": "h",
    "خ": "kh",
    "م": "m",
    "ن": "n",
    "ل": "l",
    "ر": "r",
    "و": "",
    "ي": "",
    "ا": "",
    "ع": "",
    "ء": "",
    "ئ": "",
    "ؤ": "",
    "ة": "",
}
_DIGRAPHS = (
    ("sch", "sh"),
    ("sh", "sh"),
    ("ch", "sh"),
    ("kh", "kh"),
    ("th", "t"),
    ("ph", "f"),
    ("ck", "k"),
    ("gh", "g"),
    ("qu", "k"),
)


def _latin_one(w: str) -> str:
    for a, b in _DIGRAPHS:
        w = w.replace(a, "\x00" + b + "\x00")
    out = []
    for part in w.split("\x00"):
        if part in ("sh", "kh"):
            out.append(part)
            continue
        out.extend(_LATIN_CLASS.get(ch, "") for ch in part)
    return _squeeze("".join(out))


def latin_skeleton(word: str) -> str:
    """The coarse consonant skeleton of a Latin word ("Macron" → "mkrn")."""
    return _latin_one(word.lower())


@lru_cache(maxsize=100_000)
def latin_skeletons(word: str) -> frozenset[str]:
    """The skeleton and the spellings Arabic transliteration often takes instead: a soft c (Cicero,
    ce/ci → s), Slavic -ic as -itch (Milanovic/ميلانوفيتش), a silent non-initial gh (Edinburgh/إدنبرة),
    a dropped final n (African/أفريقيا)."""
    w = word.lower()
    forms = {w, re.sub(r"c(?=[eiy])", "s", w)}
    if w.endswith("ic"):
        forms.add(w + "h")
    if "gh" in w[1:]:
        forms |= {f[0] + f[1:].replace("gh", "") for f in list(forms)}
    out = {_latin_one(f) for f in forms}
    out |= {sk[:-1] for sk in out if sk.endswith("n") and len(sk) > 3}
    return frozenset(out)


@lru_cache(maxsize=200_000)
def arabic_skeleton(word: str) -> str:
    w = normalize(word)
    for p in ARTICLE_PREFIXES:
        if w.startswith(p) and len(w) - len(p) >= 3:
            w = w[len(p) :]
            break
    w = w.replace("تش", "ش")  # تشارلز = Charles, ميلانوفيتش = Milanovich
    return _squeeze("".join(_ARABIC_CLASS.get(ch, "") for ch in w))


def _squeeze(s: str) -> str:
    return re.sub(r"(.)\1+", r"\1", s)


def _variants(sks: str | Iterable[str], suffix: str) -> set[str]:
    """Skeletons with and without a plural/feminine ending (Panthers/بانثرز, Rutte/روته)."""
    out: set[str] = set()
    for sk in [sks] if isinstance(sks, str) else sks:
        out.add(sk)
        if sk.endswith(suffix) and len(sk) > 3:
            out.add(sk[:-1])
    return out


# Countries and the words for their people: Arabic says «البولنديين» where English says "Poles", «الفرنسي»
# for "French" — translations, not transliterations, so the skeleton test below cannot see them. Each
# normalised Arabic stem with the English words it stands for (country, adjective, people).
_NATIONS = {
    "بولند": "poland polish poles pole",
    "روس": "russia russian russians",
    "اوكران": "ukraine ukrainian ukrainians",
    "فرنس": "france french frenchman frenchmen",
    "الماني": "germany german germans",
    "المان": "germans german",
    "بريطان": "britain british briton britons",
    "امريك": "america american americans",
    "اميرك": "america american americans",
    "صين": "china chinese",
    "ايران": "iran iranian iranians",
    "اسرائيل": "israel israeli israelis",
    "ترك": "turkey turkish turks turk",
    "مصر": "egypt egyptian egyptians",
    "سعود": "saudi saudis",
    "سوري": "syria syrian syrians",
    "عراق": "iraq iraqi iraqis",
    "لبنان": "lebanon lebanese",
    "اردن": "jordan jordanian jordanians",
    "فلسطين": "palestine palestinian palestinians",
    "يمن": "yemen yemeni yemenis",
    "ليبي": "libya libyan libyans",
    "سودان": "sudan sudanese",
    "قطر": "qatar qatari qataris",
    "امارات": "emirates emirati emiratis",
    "كويت": "kuwait kuwaiti kuwaitis",
    "عمان": "oman omani omanis",
    "بحرين": "bahrain bahraini bahrainis",
    "جزائر": "algeria algerian algerians",
    "مغرب": "morocco moroccan moroccans",
    "تونس": "tunisia tunisian tunisians",
    "افغان": "afghanistan afghan afghans",
    "باكستان": "pakistan pakistani pakistanis",
    "هند": "india indian indians",
    "يابان": "japan japanese",
    "كوري": "korea korean koreans",
    "كرد": "kurdish kurds kurd",
    "اكراد": "kurds kurdish",
    "عرب": "arab arabs arabic arabian",
    "اوروب": "europe european europeans",
    "اسبان": "spain spanish spaniards",
    "ايطالي": "italy italian italians",
    "هولند": "netherlands dutch holland",
    "سويد": "sweden swedish swedes",
    "نرويج": "norway norwegian norwegians",
    "فنلند": "finland finnish finns",
    "يونان": "greece greek greeks",
    "اثيوبي": "ethiopia ethiopian ethiopians",
    "صومال": "somalia somali somalis",
    "نيجيري": "nigeria nigerian nigerians",
    "كند": "canada canadian canadians",
    "برازيل": "brazil brazilian brazilians",
    "مكسيك": "mexico mexican mexicans",
}
# Parts of a country the verifier finds like one ("England", «انجلترا»), but that are no country of their own
# to ``countries_named``: «بالإنجليزية» is also "in English", which is no claim about England.
_PARTS = {
    "انجلتر": "england english englishman englishmen",  # انجلترا / انكلترا and الانجليز / الانكليز
    "انكلتر": "england english englishman englishmen",
    "انجليز": "england english englishman englishmen",
    "انكليز": "england english englishman englishmen",
    "اسكتلند": "scotland scottish scots",
}
_NATION_STEMS: dict[str, tuple[str, ...]] = {}
for _stem, _words in {**_NATIONS, **_PARTS}.items():
    for _w in _words.split():
        _NATION_STEMS[_w] = (*_NATION_STEMS.get(_w, ()), _stem)
# What may follow the stem: the nisba and its plurals and feminine (بولندي، بولنديون، بولندية) or the
# country's own ending (بولندا، روسيا) — not any letters («مصرف» is a bank, «تركيز» focus).
_NATION_ENDINGS = frozenset(("", "ا", "يا", "ي", "يه", "يون", "يين", "يان", "يتان", "يتين", "ه"))
_NISBA_ENDINGS = frozenset(("ون", "ين", "ان", "تان", "تين"))  # after a stem ending in ي: السوريين، الكوريتين


def word_forms(word: str) -> set[tuple[str, bool]]:
    """A word as written and without each prefix it may carry (article, و, ب, ل, ف), each with whether
    what was removed is an article; after و or ف, one more («وبالألمانية»: German)."""
    forms = {(word, False)} | {(word[len(p) :], p in ARTICLE_PREFIXES) for p in _PREFIXES if word.startswith(p)}
    if word[:1] in ("و", "ف") and len(word) > 4:
        forms |= {(f, article) for f, article in word_forms(word[1:]) if f != word[1:]}
    return forms


_PREFIXES = (*ARTICLE_PREFIXES, "و", "ب", "ل", "ف")


def nation_ending(stem: str, rest: str) -> bool:
    """Whether what follows a country's stem is a country's or a nisba's ending (بولندا، بولنديين)."""
    return rest in _NATION_ENDINGS or (stem.endswith("ي") and rest in _NISBA_ENDINGS)


def nation_found(name: str, text: str) -> bool | None:
    """Whether text names the country or people an English word names ("Poles" in «البولنديين»);
    None when the word is not one of the known countries or peoples."""
    stems = _NATION_STEMS.get(name.lower())
    if stems is None:
        return None
    for w in tokenize(text):
        for f, _ in word_forms(w):
            for st in stems:
                if f.startswith(st) and nation_ending(st, f[len(st) :]):
                    return True
    return False


# Spellings Arabic transliteration takes that the skeleton above misses, tried by the verifier only (the
# answer scorer was trained on ``name_found`` as it is): a vowel's silent h (Johnson/جونسون, Wernher/فيرنر),
# a Greek ch (Nicholas/نيكولاس), a German initial w (Wilhelm/فيلهلم), ng before a consonant (Washington/
# واشنطن), a French silent final s, t or r (Carnot/كارنو, Lavoisier/لافوازييه), accents (Maizière/ميزيير).
# Spellings of fewer than three consonants are not tried (John/جون stays unfound): they meet too many words.
_SILENT_H = re.compile(r"(?<=[aeiou])h(?=[^aeiou]|$)")
_NG = re.compile(r"ng(?=[^aeiou])")
_ROMAN = re.compile(r"[IVXLC]+")


def plain_latin(word: str) -> str:
    """The word without accents ("Maizière" → "Maiziere")."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


@lru_cache(maxsize=100_000)
def loose_skeletons(word: str) -> frozenset[str]:
    """The skeletons of ``latin_skeletons`` and of the spellings above; a final s, t or r dropped from
    skeletons of four consonants or more."""
    w = plain_latin(word).lower()
    forms = {w, _SILENT_H.sub("", w)}
    forms |= {f.replace("ch", "k") for f in list(forms)}
    if w.startswith("w"):
        forms |= {"v" + f[1:] for f in list(forms)}
    forms |= {_NG.sub("n", f) for f in list(forms)}
    out = {sk for f in forms for sk in latin_skeletons(f)}
    return frozenset(out | {sk[:-1] for sk in out if len(sk) >= 4 and sk[-1] in "str"})


def name_spelled(name: str, text: str) -> bool:
    """``name_found``, or one of the looser spellings of three consonants or more occurs in text as a word's
    skeleton; a Roman numeral (Louis XIV, «لويس الرابع عشر») counts as found."""
    if _ROMAN.fullmatch(name) or name_found(name, text):
        return True
    want = {w for w in _variants(loose_skeletons(name), "s") if len(w) >= 3}
    return bool(want) and any(len(w) >= 3 and want & _variants(arabic_skeleton(w), "h") for w in tokenize(text))


def name_found(name: str, text: str) -> bool:
    """A Latin name occurs in text: as it is (English text) or as an Arabic transliteration.

    Names of one consonant or none ("Ali", "Au") cannot be checked across scripts and count as found;
    names of two ("Obama" bm, "Kenya" kn) must equal a word's whole skeleton, longer ones one of its
    variants."""
    if name.lower() in text.lower():
        return True
    want = _variants(latin_skeletons(name), "s")
    if max(len(w) for w in want) <= 1:
        return True
    long_want = {w for w in want if len(w) >= 3}
    short_want = want - long_want
    for w in tokenize(text):
        if len(w) < 3:
            continue
        sk = arabic_skeleton(w)
        # a two-consonant skeleton only against a content word: كينيا for Kenya, لوس for Los, not كان
        if (sk in short_want and w not in AR_STOPWORDS) or (long_want and long_want & _variants(sk, "h")):
            return True
    return False
