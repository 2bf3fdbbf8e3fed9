"""Arabic-aware text utilities: normalisation, tokenisation, light stemming, scripts, sentences.

All pure functions. The stemmer is our own implementation of Light10 (Larkey, Ballesteros and
Connell, 2007), a published light stemmer; FACTS.md measured it level with Tashaphyne (GPL).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Harakat, tanwin, shadda, sukun, superscript alef, Quranic marks.
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_TATWEEL = "\u0640"
_ALEFS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_TOKEN = re.compile(r"[^\W_]+(?:[.,][0-9]+)*", re.UNICODE)

_ARABIC_RANGES = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))

AR_STOPWORDS = frozenset(
    """في من على الى إلى عن ان أن إن او أو ثم ما لا لم لن قد كان كانت يكون هذا هذه ذلك تلك التي الذي
    الذين هو هي هم هن نحن انا أنا انت مع بين كل بعد قبل عند حتى اذا إذا كما لكن بل غير اي أي ايضا أيضا
    وقد وفي ومن وعلى وان وأن وهو وهي ولا وما به بها له لها منذ حول خلال ضمن دون الا إلا كم كيف متى اين
    أين لماذا ماذا هل""".split()
)
EN_STOPWORDS = frozenset(
    """a an the of to in on at for from by with and or but not no is are was were be been being it its
    this that these those as into than then so such do does did has have had what which who whom how
    many much when where why will would can could should may might there their they them he she his
    her we our you your i me my""".split()
)


def is_arabic_char(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _ARABIC_RANGES)


# The letters of the Arabic blocks, and the Latin ones: counted by C loops (an answer asks the language of
# every candidate sentence: a Python loop per character was its largest pure-Python cost in a profile).
_ARABIC_LETTERS = frozenset(chr(cp) for lo, hi in _ARABIC_RANGES for cp in range(lo, hi + 1) if chr(cp).isalpha())
_LATIN_LETTER = re.compile(r"[A-Za-z]")


def _letters(text: str) -> tuple[int, int]:
    """How many letters the text has, and how many of them are Arabic."""
    return sum(map(str.isalpha, text)), sum(map(_ARABIC_LETTERS.__contains__, text))


def arabic_ratio(text: str) -> float:
    """Share of letters in Arabic script (0 when there are no letters)."""
    letters, arabic = _letters(text)
    return arabic / letters if letters else 0.0


def detect_language(text: str) -> str:
    """'ar', 'en' or 'und', by script; enough for our two languages."""
    sample = text[:20000]
    letters, arabic = _letters(sample)
    if letters < 3:
        return "und"
    if arabic / letters >= 0.5:
        return "ar"
    return "en" if len(_LATIN_LETTER.findall(sample)) / letters >= 0.5 else "und"


def normalize(text: str) -> str:
    """Search normalisation: NFKC, no diacritics or tatweel, unified alef/ya/ta-marbuta, digits."""
    text = unicodedata.normalize("NFKC", text)
    text = _DIACRITICS.sub("", text).replace(_TATWEEL, "")
    return text.translate(_ALEFS).translate(_DIGITS).lower()


ARTICLE_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")  # Light10 list after ة→ه, ية→يه


@lru_cache(maxsize=500_000)
def stem(word: str) -> str:
    """Light10 stem of a normalised Arabic word; other words are returned unchanged."""
    if not word or not is_arabic_char(word[0]):
        return word
    if len(word) >= 4 and word[0] == "و":
        word = word[1:]
    for p in ARTICLE_PREFIXES:
        if word.startswith(p) and len(word) - len(p) >= 2:
            word = word[len(p) :]
            break
    for s in _SUFFIXES:
        if word.endswith(s) and len(word) - len(s) >= 2:
            word = word[: -len(s)]
    return word


def tokenize(text: str) -> list[str]:
    """Normalised word tokens (numbers kept, punctuation dropped)."""
    return _TOKEN.findall(normalize(text))


def analyze(text: str, stopwords: bool = True, stemming: bool = True) -> list[str]:
    """The BM25 analyser: normalise, tokenise, drop stopwords, light-stem."""
    out = []
    for tok in tokenize(text):
        if stopwords and (tok in AR_STOPWORDS or tok in EN_STOPWORDS):
            continue
        out.append(stem(tok) if stemming else tok)
    return out


def _no_stem(text: str) -> list[str]:
    return analyze(text, stemming=False)


# Analysers by the name an index records in its manifest.
ANALYZERS = {"ar-norm+light10-v1": analyze, "ar-norm-v1": _no_stem}


# Sentence ends: . ! ? ؟ ؛ … (a dot between digits is a decimal point) and line breaks.
_SENT_END = re.compile(r"(?<!\d)[.!?؟؛…]+[\"”’»)]*(?=\s|$)|(?<=\d)[.!?؟؛]+(?=\s|$)|\n+")
# A dot that ends no sentence: after a lone Latin letter (initials and abbreviations: "U.S. officials", "William
# E. Simon", "e.g.") or an English title ("Mr. Trump"), when Latin text or a number follows («كروموسوم Y. البظر»
# still ends there).
_NOT_AN_END = re.compile(
    r"(?:(?<![^\s.(\"“])[A-Za-z]|\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Lt|Col|Sgt|Capt|Gov|Sen|Rep|Rev|St))\.$"
)
_LATIN_NEXT = re.compile(r"\s+[A-Za-z0-9]")


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) spans of sentences in text[start:end], stripped of surrounding space."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    pos = start
    for m in _SENT_END.finditer(text, start, end):
        if m.group() == "." and _NOT_AN_END.search(text, max(pos, m.start() - 5), m.end()):
            if _LATIN_NEXT.match(text, m.end(), end):
                continue
        cut = m.end() if text[m.start()] != "\n" else m.start()
        _append_span(text, pos, cut, spans)
        pos = m.end()
    _append_span(text, pos, end, spans)
    return spans


def _append_span(text: str, a: int, b: int, spans: list[tuple[int, int]]) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if b > a and any(c.isalnum() for c in text[a:b]):
        spans.append((a, b))


def numbers_in(text: str) -> set[str]:
    """Numbers written in text (Arabic-Indic digits unified), e.g. {'26', '1.1', '2025'}."""
    return set(re.findall(r"\d+(?:[.,]\d+)*", text.translate(_DIGITS)))
