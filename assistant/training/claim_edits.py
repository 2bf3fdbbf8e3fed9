"""The edits that make training claims for the support checker from a real sentence (see
support_pairs.py for what each kind is for): clauses kept, light rewrites, attributions, and the
failure modes made on purpose — a number moved, names swapped or replaced, negation flipped, clauses
recombined, a question restated with its answer or with a wrong one."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

from assistant.text.arabic import AR_STOPWORDS, normalize, split_sentences

_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)?(?![\w])")
_CLAUSE = re.compile(
    r"\s*[,،؛;:]\s*"
    r"|\s+(?=(?:و|ف)?(?:التي|الذي|الذين|حيث|بينما|لكن|إلا أن)\s)"
    r"|\s+(?=(?:and|but|which|while|whereas|who)\s)"
)
_LATIN_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:of\s+|the\s+)?[A-Z][a-z]+)*\b")
_AR_WORD = re.compile(r"[\u0621-\u064A]{4,}")
_EN_NEG = re.compile(r"\b(not|never|no)\s+|n't\b", re.IGNORECASE)
_EN_AUX = re.compile(r"\b(is|are|was|were|has|have|had|will|can|could|would|should|may|might|must)\b")
_AR_NEG = re.compile(r"(?<!\S)(لا|لم|لن|ليس|ليست|غير)\s+")
_AR_PREFIXES = ("وفقاً للمصدر، ", "بحسب النص، ", "يذكر المصدر أن ")
_EN_PREFIXES = ("According to the source, ", "The text states that ", "As reported, ")
_AR_CONNECTIVES = re.compile(r"^(?:و?(?:قد|كما|ثم|لذلك|أيضاً|أيضا)\s+)")
_EN_CONNECTIVES = re.compile(r"^(?:However|Moreover|Also|Additionally|In addition|Thus|Therefore),?\s+")
_AR_QWORDS = re.compile(
    r"^(?:ما هو|ما هي|ما هم|من هو|من هي|ما|ماذا|من|متى|أين|اين|كم|كيف|لماذا|هل"
    r"|في أي|فى أي|بأي|إلى أي|ما الذي|ما اسم|ما هى)\s+"
)
_EN_QWORDS = re.compile(
    r"^(?:what|who|whom|which|when|where|how many|how much|how|why)\s+"
    r"(?:(?:is|are|was|were|did|does|do|has|have|had)\s+)?",
    re.IGNORECASE,
)
_EN_STARTERS = frozenset("at in on after before during however while although since many some most".split())
_EN_STOP = frozenset(
    "the a an of in on at to for from by with and or but is are was were be been has have had this that "
    "these those it its as which who whom what when where how there their they he she his her".split()
)


def sentences(text: str) -> list[str]:
    """A paragraph's sentences (three words or more, or holding a digit), as the answer step splits them."""
    out = []
    for a, b in split_sentences(text):
        piece = text[a:b].strip()
        if len(piece.split()) >= 3 or any(ch.isdigit() for ch in piece):
            out.append(piece)
    return out


def is_english(text: str) -> bool:
    return bool(re.search(r"[A-Za-z]", text)) and not re.search(r"[\u0600-\u06FF]", text)


def clause_spans(sentence: str) -> list[str]:
    """The sentence's clauses in its own spelling (split at punctuation and joining words), each with
    three words or more."""
    return [p.strip() for p in _CLAUSE.split(sentence) if p and len(p.split()) >= 3]


def _finish(text: str, english: bool) -> str:
    text = " ".join(text.split()).strip(" ,،؛;:")
    if not text:
        return text
    if english:
        text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?؟" else text + "."


def stretch(sentence: str, rng: random.Random) -> str | None:
    parts = clause_spans(sentence)
    if len(parts) < 2:
        return None
    i = rng.randrange(len(parts))
    j = min(len(parts), i + rng.choice((1, 1, 2)))
    out = " ".join(parts[i:j])
    if len(out.split()) < 4 or out.strip(". ") == sentence.strip(". "):
        return None
    return _finish(out, is_english(sentence))


def rewrite(sentence: str, rng: random.Random) -> str | None:
    english = is_english(sentence)
    out = re.sub(r"\s*\([^)]*\)", "", sentence)
    out = (_EN_CONNECTIVES if english else _AR_CONNECTIVES).sub("", out)
    if out == sentence:  # nothing to drop: half the time an attribution, else no rewrite
        if rng.random() < 0.5:
            return None
        out = attributed(out, rng)
    return _finish(out, english) if out.strip() != sentence.strip() else None


def attributed(claim: str, rng: random.Random) -> str:
    """The claim behind an attribution ("According to the source, …"), which changes nothing it says."""
    english = is_english(claim)
    body = claim.strip()
    if english and body[:1].isupper() and not _LATIN_NAME.match(body):
        body = body[0].lower() + body[1:]
    return rng.choice(_EN_PREFIXES if english else _AR_PREFIXES) + body


def numbers(text: str) -> list[str]:
    return _NUMBER.findall(text)


def number_moved(sentence: str, others: Sequence[str], rng: random.Random) -> str | None:
    """A number of the sentence replaced by a different number from the other sentences (or, when
    there is none, the same number changed)."""
    mine = numbers(sentence)
    if not mine:
        return None
    target = rng.choice(mine)
    pool = sorted({n for o in others for n in numbers(o)} - set(mine))
    if pool:
        new = rng.choice(pool)
    else:
        digits = target.replace(",", "").replace(".", "")
        if not digits.isdigit():
            return None
        new = str(int(digits) + rng.choice((1, 2, 3, 5, 10, 100)))
    return re.sub(rf"(?<![\d.,]){re.escape(target)}(?![\d])", new, sentence, count=1)


def names_of(sentence: str) -> list[str]:
    """Names an edit can move: Latin capitalised phrases (English), or the sentence's longer content
    words (Arabic, where no capitals mark names), in order of appearance, without repeats."""
    if is_english(sentence):
        found = [m.group(0) for m in _LATIN_NAME.finditer(sentence)]
        found = [n for n in found if n.split()[0].lower() not in _EN_STOP and n.lower() not in _EN_STARTERS]
    else:
        # not the first word (Arabic sentences mostly open with their verb), nor words with a present-tense prefix
        words = _AR_WORD.findall(" ".join(sentence.split()[1:]))
        found = [
            w for w in words if normalize(w) not in AR_STOPWORDS and len(w) >= 5 and not re.match(r"^(?:و|ف)?[يت]", w)
        ]
    return list(dict.fromkeys(found))


def roles_swapped(sentence: str, rng: random.Random) -> str | None:
    """Two names of the sentence swapped (the first and another one well after it)."""
    names = names_of(sentence)
    if len(names) < 2:
        return None
    a = names[0]
    later = [n for n in names[1:] if normalize(n) != normalize(a) and a not in n and n not in a]
    if not later:
        return None
    b = rng.choice(later[-2:])
    marker = "\x00"
    out = _swap_word(sentence, a, marker)
    out = _swap_word(out, b, a)
    out = out.replace(marker, b, 1)
    return out if out != sentence else None


def _swap_word(text: str, old: str, new: str) -> str:
    return re.sub(rf"(?<!\w){re.escape(old)}(?!\w)", lambda _m: new, text, count=1)


def entity_replaced(sentence: str, others: Sequence[str], rng: random.Random) -> str | None:
    """A name of the sentence replaced by a name another sentence of the paragraph holds and this one lacks."""
    mine = names_of(sentence)
    theirs = [n for o in others for n in names_of(o) if normalize(n) not in normalize(sentence)]
    if not mine or not theirs:
        return None
    out = _swap_word(sentence, rng.choice(mine), rng.choice(theirs))
    return out if out != sentence else None


def negation(sentence: str, rng: random.Random) -> str:
    """Negation removed where the sentence has one, otherwise added."""
    if is_english(sentence):
        if _EN_NEG.search(sentence):
            return _EN_NEG.sub(lambda m: "" if m.group(0).lower() != "n't" else "", sentence, count=1)
        m = _EN_AUX.search(sentence)
        if m:
            return sentence[: m.end()] + " not" + sentence[m.end() :]
        body = sentence.strip().rstrip(".")
        return rng.choice(("It is not true that ", "It is false that ")) + body[0].lower() + body[1:] + "."
    if _AR_NEG.search(sentence):
        return _AR_NEG.sub("", sentence, count=1)
    words = sentence.split()
    verbs = [i for i, w in enumerate(words[:8]) if re.match(r"^(?:و|ف)?(?:ي|ت)[\u0621-\u064A]{2,}$", w)]
    if verbs and rng.random() < 0.6:
        i = verbs[0]
        w = words[i]
        lead = w[0] if w[0] in "وف" and len(w) > 3 and w[1] in "يت" else ""
        words[i] = lead + "لا " + w[len(lead) :]
        return " ".join(words)
    return rng.choice(("ليس صحيحاً أن ", "من غير الصحيح أن ", "لم يثبت أن ")) + sentence.strip()


def recombined(sentence: str, other: str, rng: random.Random) -> str | None:
    """The first clause of the sentence with a later clause of another sentence."""
    mine, theirs = clause_spans(sentence), clause_spans(other)
    if not mine or len(theirs) < 2:
        return None
    joint = " و" if not is_english(sentence) else rng.choice((", and ", ", which "))
    tail = re.sub(r"^(?:(?:and|but|which|while|whereas|who)\s+|و(?=\S{3}))", "", rng.choice(theirs[1:]))
    if is_english(sentence):
        tail = tail[0].lower() + tail[1:] if not _LATIN_NAME.match(tail) else tail
    return _finish(mine[0].rstrip(".") + joint + tail, is_english(sentence))


def restate(question: str, answer: str) -> str | None:
    """A question turned into a statement that ends with ``answer`` ("X هو Y." / "X: Y.")."""
    q = question.strip().rstrip("?؟ ").strip()
    if is_english(q):
        body = _EN_QWORDS.sub("", q)
        if body == q or len(body.split()) < 2:
            return None
        return _finish(f"{body[0].upper() + body[1:]}: {answer}", True)
    body = _AR_QWORDS.sub("", q)
    if body == q or len(body.split()) < 2:
        return None
    return _finish(f"{body}: {answer}", False)


def wrong_completion(answer: str, paragraph: str, anchor: str, rng: random.Random) -> str | None:
    """Another number (for a numeric answer) or name (otherwise) of the paragraph, not the answer's."""
    if numbers(answer):
        pool = [n for n in numbers(paragraph) if n not in answer]
    else:
        pool = [n for s in sentences(paragraph) for n in names_of(s)]
        pool = [n for n in pool if normalize(n) not in normalize(answer) and normalize(answer) not in normalize(n)]
    pool = list(dict.fromkeys(pool))
    return rng.choice(pool) if pool else None
