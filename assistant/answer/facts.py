"""What a claim states that can be checked exactly: its numbers (digits, Arabic and English number
words, scales, percentages), whether it is negated, and its clauses — read by ``grounding.Verifier``."""

from __future__ import annotations

import re

from assistant.text.arabic import analyze, detect_language, normalize
from assistant.text.countries import countries_named

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "واحد": 1,
    "واحده": 1,
    "اثنان": 2,
    "اثنين": 2,
    "اثنتان": 2,
    "اثنتين": 2,
    "ثلاث": 3,
    "ثلاثه": 3,
    "اربع": 4,
    "اربعه": 4,
    "خمس": 5,
    "خمسه": 5,
    "ست": 6,
    "سته": 6,
    "سبع": 7,
    "سبعه": 7,
    "ثمان": 8,
    "ثماني": 8,
    "ثمانيه": 8,
    "تسع": 9,
    "تسعه": 9,
    "عشر": 10,
    "عشره": 10,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "عشرون": 20,
    "عشرين": 20,
    "ثلاثون": 30,
    "ثلاثين": 30,
    "اربعون": 40,
    "اربعين": 40,
    "خمسون": 50,
    "خمسين": 50,
    "ستون": 60,
    "ستين": 60,
    "سبعون": 70,
    "سبعين": 70,
    "ثمانون": 80,
    "ثمانين": 80,
    "تسعون": 90,
    "تسعين": 90,
}
_SCALES = {
    "thousand": "k",
    "thousands": "k",
    "الف": "k",
    "الاف": "k",
    "million": "m",
    "millions": "m",
    "مليون": "m",
    "ملايين": "m",
    "billion": "b",
    "billions": "b",
    "مليار": "b",
    "مليارات": "b",
    "trillion": "t",
    "تريليون": "t",
}
_PERCENT = re.compile(r"%|٪|\bpercent\b|\bper cent\b|بالمئه|بالمائه|في المائه|في المئه")
_NEG_SKIP = re.compile(r"\bلا (يزال|تزال|يزالون|زال|سيما|بد)\b|\bلاسيما\b|\bno longer\b|\bnot only\b")
_NEGATIONS = re.compile(
    r"\b(not|no|never|none|neither|nor|without|cannot|ruled out|rules out|rule out|rejected|rejects|refused|"
    r"refuses|denied|denies|declined|لا|لم|لن|ليس|ليست|ليسوا|بدون|دون|ولا|ولم|فلم|ولن|استبعد|استبعدت|"
    r"رفض|رفضت|نفى|نفت|امتنع|امتنعت)\b|n't\b"
)
# "عدم" makes a noun ("عدم المساواة", inequality; "عدم اليقين", uncertainty), not a negative statement;
# a yes/no word quoted as a word ('"نعم" أو "لا"') negates nothing.
_QUOTED_WORD = re.compile(r"[\"“”«»']\s*(لا|نعم|no|yes|not)\s*[\"“”«»']", re.IGNORECASE)
# Where an Arabic sentence joins clauses: a negation in one clause says nothing of the others.
_CLAUSE = re.compile(
    r"[،,;؛:()\[\]«»\"“”]|\s(?:لكن|ولكن|بينما|غير ان|الا ان|فان|والذي|والتي|الذي|التي|حيث|اذ|لان|لانه|ولانه|نظرا ل\S*|but|while|whereas|because|which)\s"  # noqa: E501
)
# What a claim states as absent, failed or denied without a negation particle: "ran out of gasoline" says
# what «ليس لديها وقود» does, "unknown" what «لم تسبق معرفتها» does, so it is not a positive claim over a
# negative source.
_ABSENCE = re.compile(
    r"\b(ran out|run out|runs out|running out|lack|lacks|lacked|lacking|absent|absence|failed|fails|fail|unable|"
    r"short of|shortage|nobody|nothing|nowhere|no longer|unknown|insufficient|inadequate|impossible|unlikely|"
    r"unclear|too \w+ to|يفتقر|تفتقر|افتقر|افتقرت|نفد|نفدت|فشل|فشلت|عجز|عجزت|غياب|انعدام)\b"
)
# Marks of a negated word in an Arabic source ("غير متوفر", not available; "بلا", without): not a negative
# statement (see ``negative``), but enough for a source to say what a negative English sentence says. «عدم» is
# left out: it mostly makes a noun (عدم المساواة, inequality); counted, it let 11 more of 240 XQuAD sentences with
# "not" added pass (training articles, eval/studies/reversed_facts.py).
_NEGATED_WORD = re.compile(r"\b(غير|بلا)\b")
# Its English counterparts in a claim ("unequal", "non-Marxist"), the words made with "un" that negate nothing
# left out.
_NEGATED_WORD_EN = re.compile(r"\b(?:non-\w+|un(?!der|til|ti|it|io|i[fqtv]|less|cle)\w{3,})")
# "لم يعثر إلا على نموذجين" is "only two were found": a negation before "إلا" makes an exception.
_EXCEPTIVE = re.compile(r"\b(?:لا|لم|لن|ليس|ليست)\b(?=(?:\s+\S+){1,4}?\s+الا\b)")
_LEADING_ANSWER = re.compile(r"^\s*(no|yes|لا|نعم|كلا|بلى)\s*[,،.:]\s*", re.IGNORECASE)


def number_facts(text: str) -> tuple[set[str], set[str], bool]:
    """(numbers as digits, scale words, whether a percentage is stated) — comparable across languages:
    Arabic-Indic digits, Arabic decimal and thousands marks, number words up to 99 in both languages (Arabic
    teens, ordinals and decades among them: ``_arabic_numbers``), thousand/million/billion and their Arabic
    names, "%"/"percent"/"بالمئة"."""
    t = normalize(text).replace("٫", ".").replace("٬", ",")
    t = re.sub(r"(?<![\d.,])(\d{1,3}),\s(?=000\b)", r"\1,", t)  # "40, 000" as written by some models
    nums = set()
    for raw in re.findall(r"\d+(?:[.,]\d+)*", t):
        nums.add(raw.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+", raw) else raw.replace(",", "."))
    words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)?", t)
    nums |= _arabic_numbers(words)
    for w in words:
        head, _, tail = w.partition("-")
        if tail and head in _TENS and tail in _UNITS:
            nums.add(str(_TENS[head] + _UNITS[tail]))
        elif w in _TENS and w.isascii():
            nums.add(str(_TENS[w]))
        elif w in _UNITS and w.isascii() and _UNITS[w] > 1:  # "one"/"واحد" are too often not numbers
            nums.add(str(_UNITS[w]))
    scales = {_SCALES[w] for w in words if w in _SCALES}
    return nums, scales, bool(_PERCENT.search(t))


# Arabic ordinals (الثامن عشر: the 18th; الحادي والعشرين: the 21st), «الأول» left out as "one" is; a decade is
# a tens word with «يات» (السبعينيات: the 1970s, read as the 20th century's).
_ORDINALS = {"حادي": 1, "ثاني": 2, "ثالث": 3, "رابع": 4, "خامس": 5, "سادس": 6, "سابع": 7, "ثامن": 8, "تاسع": 9}
_ORDINALS |= {"عاشر": 10}
_ONE_TWO = {"احد": 1, "احدي": 1, "اثنا": 2, "اثني": 2, "اثنتا": 2, "اثنتي": 2}
_TEN = ("عشر", "عشره")


def _bare(word: str) -> str:
    """An Arabic number word without و, the article and a feminine ending («والثامنه» → «ثامن»)."""
    w = word[1:] if word.startswith("و") and len(word) > 3 else word
    for p in ("بال", "لل", "ال"):
        if w.startswith(p) and len(w) - len(p) >= 3:
            w = w[len(p) :]
            break
    return w[:-1] if w.endswith("ه") and w[:-1] in _ORDINALS else w


def _arabic_numbers(words: list[str]) -> set[str]:
    """The numbers Arabic words state: units, tens and their compounds («ستة وعشرون» = 26), teens («ثلاثة
    عشر» = 13, «إحدى عشرة» = 11), ordinals («التاسع عشر» = 19, «الحادي والعشرين» = 21) and decades."""
    out: set[str] = set()
    bare = [_bare(w) for w in words]
    used: set[int] = set()
    for i, (a, b) in enumerate(zip(bare, bare[1:])):
        value = _UNITS.get(a) if a in _UNITS and not a.isascii() else _ORDINALS.get(a, _ONE_TWO.get(a))
        if value is None or value >= 10:
            continue
        if words[i + 1] in _TEN or b in _TEN:
            out.add(str(value + 10))
        elif words[i + 1].startswith("و") and b in _TENS and not b.isascii():
            out.add(str(value + _TENS[b]))
        else:
            continue
        used |= {i, i + 1}
    for i, w in enumerate(bare):
        if i in used or w.isascii():
            continue
        if w in _TENS:
            out.add(str(_TENS[w]))
        elif w in _UNITS and _UNITS[w] > 1:
            out.add(str(_UNITS[w]))
        elif _ORDINALS.get(w, 1) > 1:
            out.add(str(_ORDINALS[w]))
        elif w.endswith("يات") and w[:-3] in _TENS or w.endswith("ات") and w[:-2] in _TENS:
            out.add(str(1900 + _TENS[w[:-3] if w.endswith("يات") else w[:-2]]))
    return out


def moved_figure(claim: str, source: str, window: int = 4) -> str | None:
    """A figure moved to another fact: a number of the claim whose own neighbours in the source share none of
    the claim's words around it, while another number's neighbours share two or more («أيد 52% من البولنديين»
    over «أيد 51% من البولنديين … المتوسط الأوروبي البالغ 52%»). Across scripts the words compared are the
    countries and peoples named ("52% of Poles" over the same source), and one is enough. Returns the number."""
    across = detect_language(claim) != detect_language(source)
    mine = _figure_contexts(claim, window, across)
    if not mine:  # most claims state no figure: the source is not read
        return None
    theirs = _figure_contexts(source, window, across)
    for num, words in mine.items():
        if num not in theirs or not words:
            continue
        own = len(words & theirs[num])
        other = max((len(words & w) for n, w in theirs.items() if n != num), default=0)
        if own == 0 and other >= (1 if across else 2):
            return num
    return None


def _figure_contexts(text: str, window: int, countries: bool) -> dict[str, set[str]]:
    """Each number written in digits → the analysed words (or the countries named) within ``window`` words of
    it, over all its occurrences."""
    words = normalize(text).replace("٫", ".").split()
    out: dict[str, set[str]] = {}
    for i, w in enumerate(words):
        for num in re.findall(r"\d+(?:\.\d+)?", w):
            near = re.sub(r"\d", " ", " ".join(words[max(0, i - window) : i] + words[i + 1 : i + 1 + window]))
            out.setdefault(num, set()).update(countries_named(near) if countries else analyze(near))
    return out


def _negated_terms(text: str) -> set[str]:
    """Analysed terms of the few words after each negation: what the text says is not so."""
    t = _polar_text(text)
    out: set[str] = set()
    for m in _NEGATIONS.finditer(t):
        out |= set(analyze(" ".join(t[m.end() :].split()[:4])))
    return out


def negative(text: str) -> bool:
    """The sentence's polarity: an odd number of negations (particles or negative verbs); a leading
    "No," that answers a yes/no question does not count, nor "لا يزال" (still), nor "عدم" (which makes
    a noun), nor a yes/no word quoted as a word."""
    return negations(text) % 2 == 1


def reverses(claim: str, source_clause: str) -> bool:
    """A reversed fact: the claim is positive and states no absence or failure, while the source clause it
    rests on is negative ("Poland announced it will send ground troops" over «استبعدت بولندا علنًا إرسال قوات
    برية»)."""
    t = normalize(claim)
    return negative(source_clause) and not negative(claim) and not (_ABSENCE.search(t) or _NEGATED_WORD_EN.search(t))


def polarity_across(claim: str, source: str, clause: str) -> bool:
    """Whether a claim in one script says the opposite of its source sentence in the other (``clause``: the
    source's clause closest to the claim). Across scripts a negation's scope cannot be compared word for word,
    so: a claim with more negations (counting its un-/non- words) than its source sentence has negations and
    negated words (غير, بلا) — a negative claim over a source with neither among them; or a positive claim over
    a negative closest clause (``reverses``). A negative claim is not compared with the closest clause: by
    cosine it is often not the one a translation negates."""
    said = negations(claim)
    if said and said + len(_NEGATED_WORD_EN.findall(normalize(claim))) > _marks(source):
        return True
    return reverses(claim, clause)


def _marks(text: str) -> int:
    """Negations and negated words (غير, بلا) in a source."""
    return negations(text) + len(_NEGATED_WORD.findall(normalize(text)))


def negations(text: str) -> int:
    """How many negations (particles or negative verbs) the text holds, skipping the ones that do not
    negate a statement (see ``negative``)."""
    return len(_NEGATIONS.findall(_polar_text(text)))


def _polar_text(text: str) -> str:
    t = _EXCEPTIVE.sub(" ", _NEG_SKIP.sub(" ", _LEADING_ANSWER.sub("", normalize(text))))
    return _QUOTED_WORD.sub(" ", t)


def clauses(sentence: str) -> list[str]:
    """The sentence's clauses (split at commas, brackets, quotes and clause-joining words), each with
    at least three words; the whole sentence when it does not split."""
    parts = [p.strip() for p in _CLAUSE.split(normalize(sentence)) if p and len(p.split()) >= 3]
    return parts if len(parts) > 1 else [sentence]
