"""Property-based tests: whatever the input, the clever pure functions keep their promises."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.answer.grounding import parse_claims
from assistant.records import Chunk, Hit
from assistant.text.arabic import analyze, normalize, split_sentences

ARABICISH = st.text(
    alphabet=st.sampled_from(list("ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئةىًٌٍَُِّْـ؟،؛.!? \n0123456789٠١٢٣abcXYZ\u200f\u200b")),
    max_size=300,
)
ANY = st.text(max_size=300)


@given(ANY)
def test_normalize_is_idempotent(s):
    assert normalize(normalize(s)) == normalize(s)


@given(ARABICISH)
def test_normalize_removes_diacritics_and_tatweel(s):
    out = normalize(s)
    assert "ـ" not in out and not any("\u064b" <= c <= "\u0652" for c in out)


@given(ANY)
def test_sentence_spans_are_ordered_inside_and_stripped(s):
    spans = split_sentences(s)
    prev = 0
    for a, b in spans:
        assert prev <= a < b <= len(s)
        assert s[a:b] == s[a:b].strip()
        prev = b


@given(ANY)
def test_analyze_never_crashes_and_yields_nonempty_tokens(s):
    assert all(t for t in analyze(s))


MARKERS = st.sampled_from(
    [
        "[",
        "]",
        "[1]",
        "[2]",
        "[99]",
        "[0]",
        "[1,2]",
        "[1،3]",
        "【1】",
        "[١]",
        "[٢]",
        "[-1]",
        "[1-2]",
        "[ 2 ]",
        "[[1]]",
        " ",
        ".",
        "؟",
        "26 دولة",
        "Macron",
        "\n",
    ]
)


def _hit(n: int, text: str) -> Hit:
    return Hit(n, 1.0, Chunk(n, f"d{n}", 0, 0, len(text), text), f"t{n}", f"s{n}")


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(MARKERS, ARABICISH), max_size=30), st.integers(min_value=1, max_value=4))
def test_verifier_never_shows_a_citation_to_a_passage_not_given(parts, n_passages):
    from assistant.answer.generate import Source, draft_answer
    from assistant.answer.grounding import Verifier
    from tests.conftest import ScriptedLLM

    text = "أكد ماكرون أن 26 دولة التزمت بإرسال جنود ضمن قوة أمنية. Macron said so."
    sources = [Source(i + 1, _hit(i + 1, text), 0, len(text)) for i in range(n_passages)]
    draft = draft_answer("كم دولة؟", sources, "ar", ScriptedLLM("".join(parts)), Verifier())
    if draft.answer is None:
        return
    assert draft.answer.citations
    for c in draft.answer.citations:
        assert c.chunk_id in {s.hit.chunk.chunk_id for s in sources}
        assert c.quote == text[c.start : c.end]
    assert all(1 <= int(m) <= len(draft.answer.citations) for m in re.findall(r"\[(\d+)\]", draft.answer.answer))


@given(st.lists(st.one_of(MARKERS, ARABICISH), max_size=30))
def test_parsed_claims_carry_only_integers_and_no_brackets(parts):
    for c in parse_claims("".join(parts)):
        assert all(isinstance(n, int) for n in c.cited)
        assert not any(ch in c.text for ch in "[]【】")
