"""The quote: which spans of the best candidates are quoted (widened to the sentence before when the
best one refers back to it, and to the next sentence when it gives what the best one announces; a second
sentence when nearly as likely), as a cited answer."""

from __future__ import annotations

import re

from assistant.answer.grounding import neutralize_markers
from assistant.answer.scoring import (
    Candidate,
)
from assistant.records import Answer, Chunk, Citation, Hit
from assistant.text.arabic import analyze, split_sentences
from assistant.text.countries import asked_countries, countries_in_passage, countries_not_named
from assistant.text.planted import is_planted
from assistant.text.questions import answer_cues

# A sentence that announces what the next one gives ("… as follows:", "the three pillars are").
_ANNOUNCES = re.compile(
    r"[:：]\s*$|التالي(ه|ة)?\s*[:.]?$|ما يلي|كالتالي|الاتي|الآتي|as follows|the following", re.IGNORECASE
)
# A sentence whose subject is the one before it: it opens (after a conjunction) with a pronoun or a
# demonstrative — «وهو كذلك الظهير الرباعي الأكبر سناً…» names its man in the sentence before, «وهذا مهد
# الطريق…» points back at what did. Quoted alone it answers "who?" with "he".
_REFERS_BACK = re.compile(
    r"^[\s«\"'(]*(?:[وف]|لكن\s+|ثم\s+)?(?:هو|هي|هم|هما|هن|هذا|هذه|ذلك|تلك|هؤلاء|هذان|هاتان|أولئك|إنه|إنها|إنهم)"
    r"(?=[\s،,.؛:]|$)"
    r"|^[\s\"'(]*(?:(?:and|but)\s+)?(?:he|she|it|they|this|these|those|his|her|its|their)\b",
    re.IGNORECASE,
)

# A sentence that answers with a pointer to the one before it: a demonstrative whose noun is what the question
# asks about — «تستعمل حزمة البروتوكولات إكس 25 هذا النوع من الشبكة.» for «ما هو نوع الشبكة الذي تستعمله إكس 25؟»
# (the type is named in the sentence before), «… باستخدام هذه الأجهزة.» for «ما هو الجهاز المستخدم …؟». The noun
# is definite, as after a demonstrative (so «بعد ذلك نائب…» is not one), and «بما في ذلك» ("including") is not.
_POINTER = re.compile(
    r"(?:^|(?<=[\s«(\"'،,]))(?<!بما في )[وفبلك]?(?:هذا|هذه|ذلك|تلك|هؤلاء|هذان|هاتان|هذين|هاتين)\s+"
    r"((?:[وفبك]?ال|لل)\S+)"
    r"|\b(?:this|these|those|such)\s+(\w+)",
    re.IGNORECASE,
)
_LONG_VOWELS = str.maketrans("", "", "اأإآويىة")


def _points_back(question: str, sentence: str) -> bool:
    """The sentence points back (``_POINTER``) at a thing the question names and the sentence did not name
    before the pointer: the demonstrative's noun has a question word's stem, or its letters without long vowels
    (أجهزة and جهاز, a broken plural), or shares its first four letters (devices, device)."""
    asked = set(analyze(question))
    for m in _POINTER.finditer(sentence):
        before = set(analyze(sentence[: m.start()]))  # «… اللغات …، وكانت هذه اللغات»: named in the sentence itself
        for noun in set(analyze(m.group(1) or m.group(2))) - before:
            bare = noun.translate(_LONG_VOWELS)
            for w in asked:
                if noun == w or (len(bare) >= 3 and bare == w.translate(_LONG_VOWELS)):
                    return True
                if min(len(noun), len(w)) >= 4 and noun[:4] == w[:4] and noun[0].isascii():
                    return True
    return False


# How far down the ranking a sentence naming the asked country is looked for: the candidates the reader reads.
ASKED_WITHIN = 6


def asked_country_first(question: str, ranked: list[Candidate]) -> list[Candidate] | None:
    """The ranking with the best sentence that names the country the question asks about (by its name)
    first, where the best one names another country in its place and not the asked one ("Will Germany send
    ground troops?" was answered «بينما استبعدت بولندا علنًا إرسال قوات برية إلى أوكرانيا»; the reader reads
    the question and the sentence together but not which country each is about). None: the ranking stands.
    A country an adjective or a people names ("the German ruler", «الفرنسيون») is no topic: on the training
    articles that form lost three questions and won none (eval/README.md, "The country asked about")."""
    asked = asked_countries(question, by_name=True)  # «الحاكم الألماني» describes; «ألمانيا» is asked about
    if not asked or not ranked:
        return None
    named = countries_in_passage(ranked[0].text)
    missing = asked - named
    if not missing or not named - asked:
        return None
    for i, c in enumerate(ranked[1:ASKED_WITHIN], 1):
        if missing & countries_in_passage(c.text):
            return [c, *ranked[:i], *ranked[i + 1 :]]
    return None


def not_named_where(question: str, c: Candidate) -> dict[str, str]:
    """The countries the question asks about that the candidate's passage and its article's title never name (by
    name, adjective, people or capital), each with the question's word for it: why the answer is turned away."""
    return countries_not_named(question, f"{c.hit.title}\n{c.hit.chunk.text}")


def asked_country_nearest(question: str, ranked: list[Candidate]) -> list[Candidate] | None:
    """The ranking with the best read sentence that names the country the question asks about (by its name)
    first, where the chosen sentence's passage and title never name it (the answer would be turned away:
    ``ask._not_named``) and that sentence stands in the passage retrieval put first. «ما موقف فرنسا من إرسال
    قوات برية إلى أوكرانيا؟» over the bundled samples: the reader chose Poland's refusal, from a passage that
    never names France, while the nearest passage says «فرنسا وبريطانيا تضغطان باتجاه التدخل …». Only where
    that passage (or its title) names every country the question asks about, as the chosen one must; only the
    nearest passage: moving any sentence that names the country lost near misses about a country the archive
    names elsewhere (eval/README.md, "The country asked about"). None: the ranking stands."""
    asked = asked_countries(question, by_name=True)
    if not asked or not ranked:
        return None
    missing = asked & set(not_named_where(question, ranked[0]))
    if not missing:
        return None
    for i, c in enumerate(ranked[1:ASKED_WITHIN], 1):
        if c.hit.rank != 1 or not missing & countries_in_passage(c.text):
            continue
        if not not_named_where(question, c):  # every country asked about
            return [c, *ranked[:i], *ranked[i + 1 :]]
    return None


def choose_sentences(
    scored: list[Candidate], qtype: str, threshold: float, second_ratio: float, question: str = ""
) -> list[tuple[Candidate, int, int]]:
    """(candidate, start, end) spans to quote: the best sentence, widened to the sentence before when it
    refers back to it (or points back at what ``question`` asks about) and to the next sentence when it
    announces what that one gives, and a second sentence when it is nearly as likely."""
    best = scored[0]
    chosen = [(best, *_widen(best, qtype, question))]
    for c in scored[1:3]:
        if c.prob < second_ratio * best.prob:
            break
        if any(_overlaps(c, x, s, e) or _similar(c.text, x.text) for x, s, e in chosen):
            continue
        chosen.append((c, c.start, c.end))
        break
    return sorted(chosen, key=lambda t: (t[0].hit.rank, t[1]))


def _widen(c: Candidate, qtype: str, question: str = "") -> tuple[int, int]:
    """The best sentence's span, starting at the sentence before it when it refers back to that one
    (``_REFERS_BACK``, or ``_points_back`` at what the question asks about; once more where that one refers
    back too, ``_back_to``), and running on to the next sentence of its passage when it announces a list or
    a figure that the next one gives."""
    chunk = c.hit.chunk
    spans = split_sentences(chunk.text)
    start, end = c.start, c.end
    if 0 < c.position < len(spans) and (_REFERS_BACK.match(c.text) or _points_back(question, c.text)):
        start = _back_to(chunk, spans, c.position, start)
    if c.position + 1 >= len(spans):
        return start, end
    nxt = chunk.text[spans[c.position + 1][0] : spans[c.position + 1][1]]
    if is_planted(nxt):
        return start, end
    cues, nxt_cues = answer_cues(c.text), answer_cues(nxt)
    announces = bool(_ANNOUNCES.search(c.text.strip()))
    lacking = {"count": "number", "percent": "percent", "date": "date", "list": "list"}.get(qtype)
    if announces or (lacking and not cues[lacking] and nxt_cues[lacking]):
        return start, chunk.start + spans[c.position + 1][1]
    return start, end


# How many sentences before the best one a quote may reach back: the one it refers to, and the one before that
# when the first itself opens by referring back («وهذا ما ينتج عنه…» before «… هذا النوع من الشبكة.»).
BACK_AT_MOST = 2


def _back_to(chunk: Chunk, spans: list[tuple[int, int]], position: int, start: int) -> int:
    """Where the quote of the sentence at ``position`` starts when it refers back: at the sentence before
    it, and again at the one before that while the sentence just taken in opens by referring back itself
    (``BACK_AT_MOST`` in all). A short line or a planted one is never taken in, nor anything before it."""
    for i in range(position - 1, max(-1, position - 1 - BACK_AT_MOST), -1):
        a, b = spans[i]
        prev = chunk.text[a:b]
        if len(prev.split()) < 3 or is_planted(prev):  # a quote never rests on a line addressed to us
            break
        start = chunk.start + a
        if not _REFERS_BACK.match(prev):
            break
    return start


def _overlaps(c: Candidate, other: Candidate, start: int, end: int) -> bool:
    return c.hit.chunk.doc_id == other.hit.chunk.doc_id and start < c.end and c.start < end


def _extractive(question: str, chosen: list[tuple[Candidate, int, int]], lang: str) -> Answer:
    numbers: dict[int, int] = {}
    citations: list[Citation] = []
    parts = []
    for c, start, end in chosen:
        chunk = c.hit.chunk
        cid = chunk.chunk_id
        if cid not in numbers:
            numbers[cid] = len(numbers) + 1
        n = numbers[cid]
        text = chunk.text[start - chunk.start : end - chunk.start]
        # Markers written in the article itself ("[2]") must not pass for ours.
        parts.append(f"{neutralize_markers(text)} [{n}]")
        citations.append(_citation(n, c.hit, start, end, text))
    return Answer(question, " ".join(parts), "extractive", False, tuple(citations), language=lang)


def _similar(x: str, y: str) -> bool:
    a, b = set(analyze(x)), set(analyze(y))
    return bool(a and b) and len(a & b) / min(len(a), len(b)) > 0.8


def _citation(n: int, hit: Hit, start: int, end: int, quote: str) -> Citation:
    ch = hit.chunk
    return Citation(
        n=n,
        doc_id=ch.doc_id,
        title=hit.title,
        source=hit.source,
        chunk_id=ch.chunk_id,
        quote=quote,
        start=start,
        end=end,
        heading=ch.heading,
        page=ch.page,
        date=hit.date,
        passage=ch.text,
        passage_start=ch.start,
    )
