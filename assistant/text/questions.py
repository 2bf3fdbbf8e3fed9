"""What a question asks for, and what a sentence offers: pure functions, Arabic and English.

Question types (count, percent, date, person, place, list, reason, yes/no, other) come from the
question's cue words; answer cues (numbers, percentages, dates, enumerations, causes, names) from a
sentence's words. Latin names are matched across scripts by a consonant skeleton, so "Macron"
finds "ماكرون" and "Tesla" finds "تسلا".
"""

from __future__ import annotations

import re

from assistant.text.arabic import detect_language, normalize, numbers_in, tokenize
from assistant.text.entities import entity_words_found
from assistant.text.names import name_spelled, nation_found  # noqa: E402

QTYPES = ("count", "percent", "date", "person", "place", "list", "reason", "yesno", "other")

_AR_NUMBER_WORDS = frozenset(
    """واحد واحده اثنان اثنين اثنتان اثنتين ثلاث ثلاثه اربع اربعه خمس خمسه ست سته سبع
    سبعه ثمان ثماني ثمانيه تسع تسعه عشر عشره عشرون عشرين ثلاثون ثلاثين اربعون اربعين خمسون خمسين مئه مائه مئات
    الف الاف مليون ملايين مليار مليارات""".split()
)
_EN_NUMBER_WORDS = (
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "twenty",
    "thirty",
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "million",
    "millions",
    "billion",
    "billions",
    "dozen",
)
_CARDINALS = (
    "ثلاث",
    "ثلاثه",
    "اربع",
    "اربعه",
    "خمس",
    "خمسه",
    "ست",
    "سته",
    "سبع",
    "سبعه",
    "اثنين",
    "اثنتين",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
)
_MONTHS = (
    "يناير",
    "فبراير",
    "مارس",
    "ابريل",
    "مايو",
    "يونيو",
    "يوليو",
    "اغسطس",
    "سبتمبر",
    "اكتوبر",
    "نوفمبر",
    "ديسمبر",
    "كانون",
    "شباط",
    "اذار",
    "نيسان",
    "ايار",
    "حزيران",
    "تموز",
    "اب",
    "ايلول",
    "تشرين",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)

# Each pattern runs on arabic.normalize(question) (alef/ya/ta-marbuta unified, lower case).
_TYPE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (t, re.compile(p))
    for t, p in (
        (
            "percent",
            r"\bنسبه\b|\bنسبه\s|بالمئه|بالمائه|في المائه|في المئه|%|٪|\bpercent|\bpercentage|\bproportion|"
            r"\bwhat share\b|\bwhat fraction\b",
        ),
        (
            "count",
            r"(^|\s)كم\s|^كم|\bعدد\b|\bhow many\b|\bhow much\b|\bwhat number\b|\bhow long\b|\bhow old\b|"
            r"\bhow far\b|\bhow large\b|\bhow big\b",
        ),
        (
            "date",
            r"\bمتي\b|في اي (عام|سنه|يوم|شهر|تاريخ|قرن|عقد)|\bما تاريخ\b|\bwhen\b|\bwhat year\b|\bwhich year\b|"
            r"\bwhat date\b|\bwhat century\b|\bin what year\b|\bwhat decade\b",
        ),
        (
            "place",
            r"\bاين\b|\bمن اين\b|في اي (مدينه|دوله|بلد|مكان|منطقه|قاره)|\bما (مدينه|دوله|عاصمه)\b|"
            r"\bwhere\b|\bwhich (city|country|state|region|continent|town)\b|\bwhat (city|country|state)\b",
        ),
        (
            "reason",
            r"\bلماذا\b|\bلما\b|\bما سبب\b|\bما السبب\b|\bما اسباب\b|\bما الذي دفع\b|\bwhy\b|"
            r"\bwhat caused\b|\bwhat was the reason\b|\bfor what reason\b|\bwhat led\b",
        ),
        (
            "person",
            r"^من\s|\sمن (هو|هي|هم)\b|\bمن الذي\b|\bما اسم\b|\bمن كان\b|^who\b|\swho\b|\bwhom\b|\bwhose\b|"
            r"\bwhat is the name\b|\bwhat was the name\b",
        ),
        (
            "list",
            r"\bما (هي|هو)\b.*\b(ال)?(" + "|".join(_CARDINALS) + r")\b|\bاذكر\b|\bعدد\s+ال|\bما هي ال\w+ات\b|"
            r"\bwhat are the\b|\bwhich are\b|\blist\b|\bname the\b|\bwhat were the\b",
        ),
        ("yesno", r"^هل\b|^(is|are|was|were|do|does|did|can|could|will|would|has|have|had|should)\b"),
    )
)

_PERCENT = re.compile(r"%|٪|بالمئه|بالمائه|في المائه|في المئه|\bpercent\b|\bper cent\b")
_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")
_BECAUSE = re.compile(
    r"\bلان\b|\bلانه\b|\bلانها\b|\bبسبب\b|\bنتيجه\b|\bبفضل\b|\bبهدف\b|\bمن اجل\b|\bكي\b|"
    r"\bbecause\b|\bdue to\b|\bsince\b|\bas a result\b|\bin order to\b|\bso that\b|\bowing to\b"
)
_LATIN_NAME = re.compile(r"\b[A-Z][a-zA-Z\-]{2,}\b")
# Capitalised words that are not names: function words, months and days, and the words an English
# answer often starts with ("Most of the collection …"), capitalised only because they come first.
_EN_CAP_STOP = frozenset(
    """The A An In On At Of For From By With And Or But What Which Who Whom Whose When Where Why How
    Is Are Was Were Do Does Did Can Could Will Would Has Have Had Should This That These Those It Its
    There Their They He She His Her We Our You Your As After Before During Since Until
    January February March April May June July August September October November December
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mr Mrs Ms Dr
    Most Some Many Much All Each Every Both Few Several Such Other Another Only Also However According
    Not Yes One Two Three Four Five Six Seven Eight Nine Ten First Second Third Last Then Thus Therefore
    Here Today Among About Over Under Between Through Although Because While If Yet Still Instead""".split()
)


def question_type(question: str) -> str:
    """One of QTYPES, from Arabic and English cue words (the first matching type wins)."""
    q = " ".join(normalize(question).replace("؟", " ").replace("?", " ").split())
    for name, pattern in _TYPE_PATTERNS:
        if pattern.search(q):
            return name
    return "other"


def latin_names(text: str) -> list[str]:
    """Capitalised Latin words that are likely names (not a sentence's function words)."""
    return [w for w in _LATIN_NAME.findall(text) if w not in _EN_CAP_STOP]


# Capitalised words inside names that Arabic translates rather than transliterates ("Royal Society of
# Edinburgh" = الجمعية الملكية في إدنبرة): inside a phrase whose other names are found they need not be.
TRANSLATED_NAME_WORDS = frozenset(
    """academy act administration agency air airport alliance army assembly association
    authority bank basin bay board bridge british cathedral central centre center church city coast college
    commission committee company conference congress constitution corporation council county court cup
    democratic department district east eastern empire european federal festival force forces foundation
    front general government great group gulf high house human institute international island islands kingdom
    lake league liberal library military ministry movement museum national navy new north northern ocean office
    old organization organisation park parliament party people peoples police popular port prize province
    republic revolution river road royal school schools sea security senate society south southern state states
    station street supreme theatre treaty tribunal union united university valley war west western world
    president presidents minister ministers prime secretary governor ambassador chairman deputy member members
    foreign affairs interior defence defense finance justice health public medical space flight gallery galleries
    stadium mountains mount bridge memorial town battle fort middle vice consul
    memorandum agreement agreements accord accords summit declaration initiative""".split()
)
# Capitalised words that are never names in a claim (the verifier's view; the answer scorer keeps
# ``latin_names``): connectives and adverbs an English sentence starts with ("Despite …", "Gradually …").
_NOT_NAMES = frozenset(
    """Despite Moreover Furthermore Additionally Nevertheless Nonetheless Meanwhile Though Rather Even Neither Either
    Whether Later Earlier Soon Once Finally Eventually Hence Indeed Overall Together Following Ranging Based Unlike
    Like Within Without Along Across Around Against Throughout Upon Beyond Toward Towards Near Above Below Just
    Nearly Almost Likewise Consequently Besides Regardless Whereas Whilst Unless Perhaps Already Again""".split()
)
_ADVERB = re.compile(r"[A-Z][a-z]{3,}(?:ally|ually|ently|antly|ively|arly|ously)")
# Latin letters with accents (Maizière, Piñera): a name is not cut at its first accented letter.
_CLAIM_WORD = re.compile(r"\b[A-Z][A-Za-z\u00C0-\u024F\-]{2,}")
_CLAIM_PHRASE = re.compile(
    r"\b[A-Z][a-zA-Z\u00C0-\u024F\-]{2,}(?:\s+(?:(?:of|the|de|del|for)\s+)?[A-Z][a-zA-Z\u00C0-\u024F\-]{2,})*"
)


def claim_names(phrase: str) -> list[str]:
    """The words of a phrase the verifier checks as names: ``latin_names``' test, accented letters kept, and
    none of the connectives and adverbs above."""
    return [
        w
        for w in _CLAIM_WORD.findall(phrase)
        if w not in _EN_CAP_STOP and w not in _NOT_NAMES and not _ADVERB.fullmatch(w)
    ]


def latin_name_phrases(text: str) -> list[str]:
    """Runs of capitalised Latin words ("Royal Society of Edinburgh") that hold at least one name."""
    return [m.group(0) for m in _CLAIM_PHRASE.finditer(text) if claim_names(m.group(0))]


def phrase_found(phrase: str, text: str) -> bool:
    """Every name of the phrase occurs in text, except words Arabic translates (Society, Act, Airport),
    provided at least one name does: "Burgess Lilongwe" is not "Burgess Shale" when Lilongwe is absent.
    A country or people counts as found when the text names it in Arabic ("Poles", «البولنديين»), and so does an
    institution, group or place of the news that Arabic translates ("Security Council", «مجلس الأمن»;
    ``text.entities``): the
    verifier's test, with the looser transliterations of ``name_spelled`` (Johnson/جونسون, Wilhelm/فيلهلم;
    measured in eval/studies/cross_script_names.py). The answer scorer's name features use ``name_found`` alone
    — it was trained on it, and counting nations there made no answer right on XQuAD and two off-topic
    questions answered (eval/README.md)."""
    names = claim_names(phrase)
    named = entity_words_found(phrase, text) if names else set()  # «مجلس الأمن» for "Security Council"
    found = [n in named or name_spelled(n, text) or bool(nation_found(n, text)) for n in names]
    if all(found):
        return True
    return any(found) and all(f or n.lower() in TRANSLATED_NAME_WORDS for n, f in zip(names, found))


def answer_cues(sentence: str) -> dict[str, bool]:
    """What kinds of answer a sentence can give."""
    n = normalize(sentence)
    words = set(tokenize(sentence))
    bare = {w[1:] if w.startswith(("و", "ب", "ل")) and len(w) > 3 else w for w in words}
    has_number = (
        bool(numbers_in(sentence))
        or any(w in words for w in _EN_NUMBER_WORDS)
        or bool(bare & _AR_NUMBER_WORDS)
        or any(w[2:] in _AR_NUMBER_WORDS for w in bare if w.startswith("ال"))
    )
    enum = n.count("،") + n.count(",") + n.count("؛") + n.count(";")
    return {
        "number": has_number,
        "percent": bool(_PERCENT.search(n)),
        "date": bool(_YEAR.search(n)) or any(m in words or f"و{m}" in words for m in _MONTHS),
        "list": enum >= 2 or ":" in sentence,
        "reason": bool(_BECAUSE.search(n)),
        "name": bool(latin_names(sentence)),
    }


# What each question type wants to see in an answer sentence.
_WANTS = {"count": "number", "percent": "percent", "date": "date", "list": "list", "reason": "reason"}


def type_match(qtype: str, cues: dict[str, bool]) -> tuple[float, float]:
    """(the sentence offers what the question type asks for, it lacks it) — both 0 for open types."""
    want = _WANTS.get(qtype)
    if want is None:
        return 0.0, 0.0
    return (1.0, 0.0) if cues[want] else (0.0, 1.0)


def script_pair(question: str, sentence: str) -> str:
    """'ar-ar', 'en-ar' (cross-lingual), 'en-en' or 'ar-en', by the scripts of question and sentence."""
    q = detect_language(question)
    s = detect_language(sentence)
    q = q if q in ("ar", "en") else "ar"
    s = s if s in ("ar", "en") else q
    return f"{q}-{s}"
