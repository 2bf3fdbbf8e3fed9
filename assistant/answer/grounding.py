"""Citations: parse markers, verify statements against the sources they cite, find quotes.

A statement is shown as supported only if it cites a source that was given AND that source supports
it. ``verify`` is the lexical check (numbers, Latin names, content overlap); ``Verifier`` adds what
works across languages — numbers after normalisation (digits, number words, scales, percent), names
matched across scripts, negation, rare words the source lacks, and semantic support (the embedder's
cosine between the statement and its best sentence in the source, above a threshold calibrated per
language pair on eval/faithfulness/). Instructions planted in a source never count as support.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.records import Dropped
from assistant.resources import DATA, load_json
from assistant.text.arabic import analyze, detect_language, normalize, numbers_in, split_sentences

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# [1], [1, 2], [1،2], 【1】, ［1］ — with ASCII or Arabic-Indic digits.
_MARKER = re.compile(r"[\[【［]\s*([0-9٠-٩۰-۹]+(?:\s*[,،;؛-]\s*[0-9٠-٩۰-۹]+)*)\s*[\]】］]")
_STRAY = re.compile(r"[\[\]【】［］]")
_LATIN_NAME = re.compile(r"\b[A-Z][a-zA-Z]{2,}\b")

MIN_OVERLAP = 0.6  # share of a sentence's content stems that must occur in the cited passage
# Sentences that address the assistant rather than state facts: never accepted as support.
_INSTRUCTION = re.compile(
    r"(ignore|disregard|forget)\s+(all\s+|any\s+)?(the\s+)?(previous|prior|above)\s+(instructions|prompts?)"
    r"|\b(system|assistant)\s*:|you are now|new instructions"
    r"|\b(the|your)\s+(correct\s+|real\s+|only\s+)?answer\s+(is|must be|should be)\b"
    r"|\b(always\s+)?(answer|reply|respond)\s+(with|that|only)\b|\b(tell|inform)\s+the\s+(user|reader)\b"
    r"|(تجاهل|انس|أهمل|اهمل)\s+(كل\s+|جميع\s+)?(التعليمات|الأوامر|الاوامر)|تعليمات\s+النظام|أنت الآن|انت الان"
    r"|(الإجابة|الاجابة|الجواب)\s+(الصحيحة\s+|الوحيدة\s+)?(هي|هو|يجب أن تكون)"
    r"|(أجب|اجب|أجيبوا|قل للمستخدم|أخبر المستخدم|اكتب في الإجابة)\b",
    re.IGNORECASE,
)


def neutralize_markers(text: str) -> str:
    """Citation-like markers inside quoted document text ("[2]", "【3】", "[١]") turned into "(2)", so
    a reader (and our marker parser) cannot take them for the assistant's own citations."""
    return _MARKER.sub(lambda m: "(" + m.group(1) + ")", text)


def is_instruction(text: str) -> bool:
    """True for text that tries to instruct the model (prompt injection), in Arabic or English."""
    return bool(_INSTRUCTION.search(text))


@dataclass(frozen=True)
class Claim:
    text: str  # the sentence without its markers
    cited: tuple[int, ...]  # passage numbers as written, valid or not


def parse_claims(answer: str) -> list[Claim]:
    """Split a generated answer into sentences, each with the passage numbers it cites."""
    claims: list[Claim] = []
    # Markers often follow the full stop ("… 26 دولة. [1]"): attach them to the sentence before.
    text = re.sub(
        r"([.!?؟؛])\s*((?:" + _MARKER.pattern + r"\s*)+)", lambda m: f" {m.group(2).strip()}{m.group(1)} ", answer
    )
    for a, b in split_sentences(text):
        raw = text[a:b]
        nums: list[int] = []
        for m in _MARKER.finditer(raw):
            for part in re.split(r"[,،;؛-]", m.group(1)):
                part = part.strip().translate(_DIGITS)
                if part.isdigit():
                    nums.append(int(part))
        clean = _STRAY.sub("", _MARKER.sub("", raw))
        clean = re.sub(r"\s+([.!?؟،,؛])", r"\1", re.sub(r"\s{2,}", " ", clean)).strip()
        if clean and any(ch.isalnum() for ch in clean):
            claims.append(Claim(clean, tuple(dict.fromkeys(nums))))
    return claims


def content_overlap(sentence: str, passage: str) -> float:
    """Share of the sentence's content stems that occur in the passage."""
    s = set(analyze(sentence))
    if not s:
        return 0.0
    return len(s & set(analyze(passage))) / len(s)


def unsupported_numbers(sentence: str, passage: str) -> set[str]:
    return numbers_in(sentence) - numbers_in(passage)


def unsupported_names(sentence: str, passage: str) -> set[str]:
    p = normalize(passage)
    return {n for n in _LATIN_NAME.findall(sentence) if n.lower() not in p}


def verify(sentence: str, passage: str, min_overlap: float = MIN_OVERLAP) -> str | None:
    """None when the passage supports the sentence, else the reason it does not."""
    passage = " ".join(passage[a:b] for a, b in split_sentences(passage) if not is_instruction(passage[a:b]))
    if not passage:
        return "the cited passage holds only instructions, not statements"
    nums = unsupported_numbers(sentence, passage)
    if nums:
        return f"numbers not in the cited passage: {', '.join(sorted(nums))}"
    names = unsupported_names(sentence, passage)
    if names:
        return f"names not in the cited passage: {', '.join(sorted(names))}"
    ov = content_overlap(sentence, passage)
    if ov < min_overlap:
        return f"too little of it is in the cited passage (overlap {ov:.2f} < {min_overlap})"
    return None


def best_quote(sentence: str, passage: str) -> tuple[int, int]:
    """Span (in passage) of the passage sentence that best supports the given sentence."""
    spans = split_sentences(passage) or [(0, len(passage))]
    target = set(analyze(sentence))
    nums = numbers_in(sentence)

    def score(span: tuple[int, int]) -> tuple[float, int]:
        piece = passage[span[0] : span[1]]
        words = set(analyze(piece))
        ov = len(target & words) / (len(target) or 1)
        return (ov + 0.5 * len(nums & numbers_in(piece)) / (len(nums) or 1), -(span[1] - span[0]))

    return max(spans, key=score)


@dataclass(frozen=True)
class Support:
    """Source n supports a claim; (start, end) is the best quote's span in that source's text."""

    n: int
    start: int
    end: int


def verify_claims(
    claims: Sequence[Claim],
    sources: Mapping[int, str],
    noun: str = "passage",
    mark: Callable[[int], str] = lambda n: f"[{n}]",
    check: Callable[[str, str], str | None] = verify,
    locate: Callable[[str, str], tuple[int, int]] = best_quote,
) -> tuple[list[tuple[Claim, list[Support]]], list[Dropped]]:
    """Keep the claims that cite a given source which supports them; say why the others went.

    ``sources``: number → text of what the model was given (passages of an answer, paragraphs of an
    article). Shared by answers and findings, so both drop the same things for the same reasons.
    """
    kept: list[tuple[Claim, list[Support]]] = []
    dropped: list[Dropped] = []
    for claim in claims:
        if not claim.cited:
            dropped.append(Dropped(claim.text, f"cites no {noun}"))
            continue
        valid = [n for n in claim.cited if n in sources]
        if not valid:
            dropped.append(Dropped(claim.text, f"cites {noun}s that were not given: {list(claim.cited)}"))
            continue
        supports: list[Support] = []
        reasons = []
        for n in valid:
            why = check(claim.text, sources[n])
            if why is None:
                supports.append(Support(n, *locate(claim.text, sources[n])))
            else:
                reasons.append(f"{mark(n)} {why}")
        if supports:
            kept.append((claim, supports))
        else:
            dropped.append(Dropped(claim.text, "; ".join(reasons)))
    return kept, dropped


# ---------------------------------------------------------------- across languages
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
_LEADING_ANSWER = re.compile(r"^\s*(no|yes|لا|نعم|كلا|بلى)\s*[,،.:]\s*", re.IGNORECASE)


def number_facts(text: str) -> tuple[set[str], set[str], bool]:
    """(numbers as digits, scale words, whether a percentage is stated) — comparable across languages:
    Arabic-Indic digits, Arabic decimal and thousands marks, number words up to 99 in both languages,
    thousand/million/billion and their Arabic names, "%"/"percent"/"بالمئة"."""
    t = normalize(text).replace("٫", ".").replace("٬", ",")
    t = re.sub(r"(?<![\d.,])(\d{1,3}),\s(?=000\b)", r"\1,", t)  # "40, 000" as written by some models
    nums = set()
    for raw in re.findall(r"\d+(?:[.,]\d+)*", t):
        nums.add(raw.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+", raw) else raw.replace(",", "."))
    words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)?", t)
    in_compound: set[int] = set()
    for i, (a, b) in enumerate(zip(words, words[1:])):  # Arabic compounds: "ستة وعشرون" = 26
        if a in _UNITS and b.startswith("و") and b[1:] in _TENS:
            nums.add(str(_UNITS[a] + _TENS[b[1:]]))
            in_compound |= {i, i + 1}
    for i, w in enumerate(words):
        if i in in_compound:
            continue
        w = w[1:] if w.startswith("و") and (w[1:] in _UNITS or w[1:] in _TENS) else w
        head, _, tail = w.partition("-")
        if tail and head in _TENS and tail in _UNITS:
            nums.add(str(_TENS[head] + _UNITS[tail]))
        elif w in _TENS:
            nums.add(str(_TENS[w]))
        elif w in _UNITS and _UNITS[w] > 1:  # "one"/"واحد" are too often not numbers
            nums.add(str(_UNITS[w]))
    scales = {_SCALES[w] for w in words if w in _SCALES}
    return nums, scales, bool(_PERCENT.search(t))


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


def negations(text: str) -> int:
    """How many negations (particles or negative verbs) the text holds, skipping the ones that do not
    negate a statement (see ``negative``)."""
    return len(_NEGATIONS.findall(_polar_text(text)))


def _polar_text(text: str) -> str:
    t = _NEG_SKIP.sub(" ", _LEADING_ANSWER.sub("", normalize(text)))
    return _QUOTED_WORD.sub(" ", t)


def clauses(sentence: str) -> list[str]:
    """The sentence's clauses (split at commas, brackets, quotes and clause-joining words), each with
    at least three words; the whole sentence when it does not split."""
    parts = [p.strip() for p in _CLAUSE.split(normalize(sentence)) if p and len(p.split()) >= 3]
    return parts if len(parts) > 1 else [sentence]


@dataclass(frozen=True)
class Verifier:
    """Checks a statement against the source it cites, in the same language or across languages.

    ``embed``: normalised passage embeddings of a list of texts (semantic support; None skips it);
    ``idf``: IDF of analysed terms in the archive (rare words the source lacks; None skips it)."""

    embed: Callable[[Sequence[str]], Any] | None = None  # rows: unit vectors
    idf: Callable[[Sequence[str]], Mapping[str, float]] | None = None
    min_cosine: Mapping[str, float] | None = None  # per pair "ar-ar", "en-ar", …
    rare_idf: float = 6.0
    min_overlap: float = MIN_OVERLAP

    def check(self, sentence: str, source: str) -> str | None:
        """None when the source supports the sentence, else the reason it does not."""
        from assistant.text.questions import latin_name_phrases, phrase_found

        kept = [source[a:b] for a, b in split_sentences(source) if not is_instruction(source[a:b])]
        if not kept:
            return "the cited passage holds only instructions, not statements"
        text = " ".join(kept)
        nums, scales, pct = number_facts(sentence)
        src_nums, src_scales, src_pct = number_facts(text)
        if nums - src_nums:
            return f"numbers not in the cited passage: {', '.join(sorted(nums - src_nums))}"
        if scales - src_scales:
            return "a scale (thousand/million/billion) the cited passage does not state"
        if pct and not src_pct:
            return "a percentage the cited passage does not state"
        missing_names = [p for p in latin_name_phrases(sentence) if not phrase_found(p, text)]
        if missing_names:
            return f"names not in the cited passage: {', '.join(sorted(set(missing_names)))}"
        same_script = detect_language(sentence) == detect_language(text)
        if same_script:
            ov = content_overlap(sentence, text)
            if ov < self.min_overlap:
                return f"too little of it is in the cited passage (overlap {ov:.2f} < {self.min_overlap})"
            if self.idf is not None:
                missing = self.missing_terms(sentence, text)
                weights = self.idf(sorted(missing)) if missing else {}
                rare = sorted(t for t, w in weights.items() if w >= self.rare_idf)
                if rare:
                    return f"rare words not in the cited passage: {', '.join(rare)}"
        best, cos = self._best_sentence(sentence, kept)
        neg_s, neg_b = negative(sentence), negative(best)
        # A negation in the source only contradicts a positive sentence if it is about the same thing
        # (checked on shared terms, so only within one script; across scripts a source's negation is
        # too often about something else). Across scripts a sentence that negates more than the source
        # is caught, and a negative sentence is compared with the source's clause closest to it: a long
        # Arabic sentence's negation is often in another clause ("since everyday clothes did not
        # survive, most of the collection is formal wear").
        if not same_script:
            parts = clauses(best)
            neg_b = negative(self._best_sentence(sentence, parts)[0]) if len(parts) > 1 else neg_b
            if (neg_s and not neg_b) or negations(sentence) > negations(best):
                return "it negates what the cited passage says (or the other way round)"
        elif neg_s != neg_b and (neg_s or _negated_terms(best) & set(analyze(sentence))):
            return "it negates what the cited passage says (or the other way round)"
        pair = f"{detect_language(sentence)}-{detect_language(text)}"
        floor = (self.min_cosine or {}).get(pair)
        if cos is not None and floor is not None and cos < floor:
            return f"the cited passage does not say this (similarity {cos:.2f} < {floor:.2f})"
        return None

    def locate(self, sentence: str, source: str) -> tuple[int, int]:
        """Span of the source sentence a supported sentence rests on, to quote beside it. Within one
        script, shared words find it (``best_quote``); across scripts there are none, so the sentence
        holding the statement's numbers, then the closest in meaning, is quoted."""
        spans = [(a, b) for a, b in split_sentences(source) if not is_instruction(source[a:b])]
        if self.embed is None or len(spans) < 2 or detect_language(sentence) == detect_language(source):
            return best_quote(sentence, source)
        nums = number_facts(sentence)[0]
        sims = self.embed([sentence, *(source[a:b] for a, b in spans)])
        cos = sims[1:] @ sims[0]
        i = max(
            range(len(spans)),
            key=lambda j: (len(nums & number_facts(source[spans[j][0] : spans[j][1]])[0]), float(cos[j])),
        )
        return spans[i]

    def missing_terms(self, sentence: str, source: str) -> set[str]:
        """The sentence's analysed terms the source lacks."""
        return set(analyze(sentence)) - set(analyze(source))

    def _best_sentence(self, sentence: str, source_sentences: list[str]) -> tuple[str, float | None]:
        if self.embed is None:
            target = set(analyze(sentence))
            return max(source_sentences, key=lambda s: len(target & set(analyze(s)))), None
        vecs = self.embed([sentence, *source_sentences])
        sims = vecs[1:] @ vecs[0]
        i = int(sims.argmax())
        return source_sentences[i], float(sims[i])


VERIFIER_FILE = DATA / "verifier.json"  # written by eval/faithfulness/calibrate.py


def default_verifier(embedder: object | None, idf: Callable[[Sequence[str]], Mapping[str, float]] | None) -> Verifier:
    """The verifier with the thresholds calibrated on eval/faithfulness/ (assistant/data/verifier.json).

    The cosine floors hold for the embedder they were calibrated with; with another embedder (or a
    fake one in tests) the semantic floor is left out and the lexical, number, name and negation
    checks remain."""
    spec = load_json(VERIFIER_FILE.name)
    embed = getattr(embedder, "embed_passages", None)
    same = getattr(embedder, "model_id", None) == spec.get("embedder")
    return Verifier(
        embed=embed,
        idf=idf,
        min_cosine=spec.get("min_cosine") if same else None,
        rare_idf=spec.get("rare_idf", 6.0),
        min_overlap=spec.get("min_overlap", MIN_OVERLAP),
    )
