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

from assistant.answer.facts import _negated_terms, clauses, moved_figure, negative, number_facts, polarity_across
from assistant.records import Dropped, Reason
from assistant.resources import DATA, load_json
from assistant.text.arabic import analyze, detect_language, normalize, numbers_in, split_sentences
from assistant.text.countries import countries_named, country_words
from assistant.text.planted import is_planted

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# [1], [1, 2], [1،2], 【1】, ［1］ — with ASCII or Arabic-Indic digits.
_MARKER = re.compile(r"[\[【［]\s*([0-9٠-٩۰-۹]+(?:\s*[,،;؛-]\s*[0-9٠-٩۰-۹]+)*)\s*[\]】］]")
_STRAY = re.compile(r"[\[\]【】［］]")
_LATIN_NAME = re.compile(r"\b[A-Z][a-zA-Z]{2,}\b")

MIN_OVERLAP = 0.6  # share of a sentence's content stems that must occur in the cited passage


def neutralize_markers(text: str) -> str:
    """Citation-like markers inside quoted document text ("[2]", "【3】", "[١]") turned into "(2)", so
    a reader (and our marker parser) cannot take them for the assistant's own citations."""
    return _MARKER.sub(lambda m: "(" + m.group(1) + ")", text)


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


def verify(sentence: str, passage: str, min_overlap: float = MIN_OVERLAP) -> Reason | None:
    """None when the passage supports the sentence, else the reason it does not."""
    passage = " ".join(passage[a:b] for a, b in split_sentences(passage) if not is_planted(passage[a:b]))
    if not passage:
        return Reason("instructions only")
    nums = unsupported_numbers(sentence, passage)
    if nums:
        return Reason("numbers", items=", ".join(sorted(nums)))
    names = unsupported_names(sentence, passage)
    if names:
        return Reason("names", items=", ".join(sorted(names)))
    ov = content_overlap(sentence, passage)
    if ov < min_overlap:
        return Reason("overlap", overlap=f"{ov:.2f}", least=str(min_overlap))
    return None


def swapped_countries(sentence: str, best: str) -> Reason | None:
    """A country in place of another: the sentence names a country that the source sentence it rests on
    does not, and leaves out one that it does («بولندا وألمانيا من بين الدول الـ26» from «إيطاليا وألمانيا
    من بين الدول الـ26»; Poland is named in the next sentence, so no word of the claim is missing from the
    passage). In either script; a sentence that only adds a country, or only leaves one out, passes."""
    claim, source = countries_named(sentence), countries_named(best)
    added, left_out = claim - source, source - claim
    if added and left_out:
        return Reason(
            "swapped countries",
            added=", ".join(sorted(c.title() for c in added)),
            left_out=", ".join(sorted(c.title() for c in left_out)),
            added_words=_words_naming(sentence, added),
            left_out_words=_words_naming(best, left_out),
        )
    return None


def _words_naming(text: str, countries: set[str]) -> str:
    """The text's own words for the given countries («بولندا», «الإيطالي»), as the Arabic reason quotes them."""
    return "، ".join(f"«{w}»" for w in country_words(text, countries)) or ", ".join(
        sorted(c.title() for c in countries)
    )


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
            dropped.append(Dropped(claim.text, Reason("cites nothing", noun=noun)))
            continue
        valid = [n for n in claim.cited if n in sources]
        if not valid:
            dropped.append(Dropped(claim.text, Reason("cites what was not given", noun=noun, cited=list(claim.cited))))
            continue
        supports: list[Support] = []
        reasons: list[tuple[str, Reason]] = []
        for n in valid:
            why = check(claim.text, sources[n])
            if why is None:
                supports.append(Support(n, *locate(claim.text, sources[n])))
            else:
                reasons.append((mark(n), why if isinstance(why, Reason) else Reason("given", text=why)))
        if supports:
            kept.append((claim, supports))
        else:
            dropped.append(Dropped(claim.text, Reason.per_source(reasons)))
    return kept, dropped


# ---------------------------------------------------------------- across languages
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
    # The support checker (``models.reader`` over assistant/data/support/): the probability that a source
    # window supports a claim, read together; a claim is kept only at or above ``min_support`` for its
    # language pair. Without it, the rules above decide alone.
    support: Callable[[str, str], float] | None = None
    min_support: Mapping[str, float] | None = None

    def check(self, sentence: str, source: str) -> Reason | None:
        """None when the source supports the sentence, else the reason it does not."""
        from assistant.text.questions import latin_name_phrases, phrase_found

        kept = [source[a:b] for a, b in split_sentences(source) if not is_planted(source[a:b])]
        if not kept:
            return Reason("instructions only")
        text = " ".join(kept)
        nums, scales, pct = number_facts(sentence)
        src_nums, src_scales, src_pct = number_facts(text)
        if nums - src_nums:
            return Reason("numbers", items=", ".join(sorted(nums - src_nums)))
        if scales - src_scales:
            return Reason("scale")
        if pct and not src_pct:
            return Reason("percent")
        moved = moved_figure(sentence, text)
        if moved:
            return Reason("moved figure", items=moved)
        missing_names = [p for p in latin_name_phrases(sentence) if not phrase_found(p, text)]
        if missing_names:
            return Reason("names", items=", ".join(sorted(set(missing_names))))
        same_script = detect_language(sentence) == detect_language(text)
        if same_script:
            ov = content_overlap(sentence, text)
            if ov < self.min_overlap:
                return Reason("overlap", overlap=f"{ov:.2f}", least=str(self.min_overlap))
            if self.idf is not None:
                missing = self.missing_terms(sentence, text)
                weights = self.idf(sorted(missing)) if missing else {}
                rare = sorted(t for t, w in weights.items() if w >= self.rare_idf)
                if rare:
                    return Reason("rare words", items=", ".join(rare))
        best, cos = self._best_sentence(sentence, kept)
        swapped = swapped_countries(sentence, best)
        if swapped:
            return swapped
        if self._opposite(sentence, best, same_script):
            return Reason("negation")
        pair = f"{detect_language(sentence)}-{detect_language(text)}"
        floor = (self.min_cosine or {}).get(pair)
        if cos is not None and floor is not None and cos < floor:
            return Reason("similarity", similarity=f"{cos:.2f}", least=f"{floor:.2f}")
        need = (self.min_support or {}).get(pair)  # a pair the checker was not calibrated for: the rules alone
        if self.support is not None and need is not None:
            i = kept.index(best)
            p = self.support(sentence, " ".join(kept[max(0, i - 1) : i + 2]))
            if p < need:
                return Reason("support checker", p=f"{p:.2f}", least=f"{need:.2f}")
        return None

    def _opposite(self, sentence: str, best: str, same_script: bool) -> bool:
        """Whether the sentence says the opposite of its closest source sentence. A negation in the source
        only contradicts a positive sentence if it is about the same thing (checked on shared terms within
        one script). Across scripts (``polarity_across``) the claim is compared with the source sentence and
        with its clause closest to the claim: a long Arabic sentence's negation is often in another clause
        ("since everyday clothes did not survive, most of the collection is formal wear")."""
        if not same_script:
            parts = clauses(best)
            clause = self._best_sentence(sentence, parts)[0] if len(parts) > 1 else best
            return polarity_across(sentence, best, clause)
        return negative(sentence) != negative(best) and (
            negative(sentence) or bool(_negated_terms(best) & set(analyze(sentence)))
        )

    def window(self, sentence: str, source_sentences: list[str]) -> str:
        """What the support checker reads: the source sentence closest to the claim with the one
        before and the one after (how the answer step gives sources to the LLM)."""
        best, _ = self._best_sentence(sentence, source_sentences)
        i = source_sentences.index(best)
        return " ".join(source_sentences[max(0, i - 1) : i + 2])

    def support_probability(self, sentence: str, source: str) -> float | None:
        """The checker's probability alone (None without a checker): what calibration reads."""
        if self.support is None:
            return None
        kept = [source[a:b] for a, b in split_sentences(source) if not is_planted(source[a:b])] or [source]
        return self.support(sentence, self.window(sentence, kept))

    def locate(self, sentence: str, source: str) -> tuple[int, int]:
        """Span of the source sentence a supported sentence rests on, to quote beside it. Within one
        script, shared words find it (``best_quote``); across scripts there are none, so the sentence
        holding the statement's numbers, then the closest in meaning, is quoted."""
        spans = [(a, b) for a, b in split_sentences(source) if not is_planted(source[a:b])]
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


def default_verifier(
    embedder: object | None,
    idf: Callable[[Sequence[str]], Mapping[str, float]] | None,
    checker: Any = None,
) -> Verifier:
    """The verifier with the thresholds calibrated on eval/faithfulness/ (assistant/data/verifier.json),
    and, with a ``checker`` (``models.reader.Reader`` over the support checker, or a fake with the same
    ``probabilities`` and ``record``), the checker at its calibrated operating point.

    The cosine floors hold for the embedder they were calibrated with; with another embedder (or a
    fake one in tests) the semantic floor is left out and the lexical, number, name and negation
    checks remain. The checker's calibration says whether the floor is still worth keeping beside it."""
    spec = load_json(VERIFIER_FILE.name)
    embed = getattr(embedder, "embed_passages", None)
    same = getattr(embedder, "model_id", None) == spec.get("embedder")
    floors = spec.get("min_cosine") if same else None
    support = min_support = None
    if checker is not None:
        cal = checker.record.get("calibration") or {}
        min_support = cal.get("min_support")
        keep = cal.get("keep_cosine_floor") or {}
        if floors:
            floors = {pair: v for pair, v in floors.items() if keep.get(pair, True)}

        def support(claim: str, window: str) -> float:
            return float(checker.probabilities(claim, [window])[0])

    return Verifier(
        embed=embed,
        idf=idf,
        min_cosine=floors,
        rare_idf=spec.get("rare_idf", 6.0),
        min_overlap=spec.get("min_overlap", MIN_OVERLAP),
        support=support,
        min_support=min_support,
    )
