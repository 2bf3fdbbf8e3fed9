"""Training pairs for the support checker: (source window, claim) → does the source support the claim.

Built from real text only — the training articles' paragraphs (Arabic) and, for XQuAD, the English
paragraph that is their translation. The source a claim is checked against is a *window*: one
sentence with its neighbours, as the answer step gives the LLM (``generate.sources_for``). Every claim
is made from a sentence of the window (the *anchor*) or from the rest of the paragraph, and records
how it was made (``kind``):

supported (label 1)
  ``exact``        the anchor itself
  ``stretch``      one or two consecutive clauses of the anchor
  ``rewrite``      the anchor lightly rewritten: a bracket dropped, a leading connective dropped (or,
                   where there is neither, an attribution added: "According to the source, …")
  ``aligned``      the English sentence aligned to the anchor (the two paragraphs are translations)
  ``restated``     a question of the anchor turned into a statement with its gold answer
unsupported (label 0) — the failure modes seen in the LLM's drafts, made on purpose from the passage
  ``number_moved``     a number of the anchor replaced by another number of the paragraph
  ``roles_swapped``    two names (or two content words) of the anchor swapped
  ``entity_replaced``  a name (or content word) of the anchor replaced by one from another sentence
  ``negation``         negation added to, or removed from, the anchor
  ``recombined``       the first clause of the anchor joined to a clause of another sentence
  ``other_sentence``   a sentence of the paragraph outside the window
  ``aligned_other``    the English sentence aligned to a *different* sentence of the paragraph
  ``wrong_answer``     the question restated with a wrong completion (another number or name of the
                       paragraph)

English claims over Arabic windows are made from the aligned English sentence with the same
operations, in English. A kind that cannot be made from a sentence (no number, no two names) is
skipped for it, never forced.

No surface form may give the label away (a first model learnt exactly that: "an attribution prefix
means supported, a near copy means unsupported", and called 93 % of exact copies unsupported). So
every anchor gives its exact copy, and any claim — supported or not — is sometimes attributed.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.text.arabic import normalize
from assistant.training.claim_edits import (
    _finish,
    attributed,
    entity_replaced,
    is_english,
    negation,
    number_moved,
    numbers,
    recombined,
    restate,
    rewrite,
    roles_swapped,
    sentences,
    stretch,
    wrong_completion,
)

SUPPORTED_KINDS = ("exact", "stretch", "rewrite", "aligned", "restated")
UNSUPPORTED_KINDS = (
    "number_moved",
    "roles_swapped",
    "entity_replaced",
    "negation",
    "recombined",
    "other_sentence",
    "aligned_other",
    "wrong_answer",
)


@dataclass(frozen=True)
class SupportPair:
    group: str  # the anchor (claims made from one window share it)
    source: str  # the window: what the claim is checked against
    claim: str
    label: int  # 1: the source supports the claim
    kind: str
    pair: str  # ar-ar or en-ar (claim language - source language)
    article: str  # splits are by article
    dataset: str


@dataclass
class Paragraph:
    pid: str
    article: str
    dataset: str
    text: str  # Arabic
    english: str = ""  # its translation, where there is one (XQuAD)
    qa: tuple[tuple[str, tuple[str, ...], str], ...] = ()  # (question, answers, language) of this paragraph


def window(sents: Sequence[str], i: int, rng: random.Random) -> tuple[int, int]:
    """The sentences given as the source for anchor i: itself, with its neighbours at random (the
    answer step gives the best sentence and, within budget, the one before and the one after)."""
    lo = i - 1 if i > 0 and rng.random() < 0.6 else i
    hi = i + 1 if i + 1 < len(sents) and rng.random() < 0.6 else i
    return lo, hi


def align(ar: Sequence[str], en: Sequence[str], sim) -> dict[int, int]:  # noqa: ANN001
    """Arabic sentence index → English sentence index, where the two are each other's best match
    (cross-lingual cosine, ``sim[i][j]``) and agree in their numbers. Monotone pairs only."""
    out: dict[int, int] = {}
    if not ar or not en:
        return out
    for i in range(len(ar)):
        j = max(range(len(en)), key=lambda k: sim[i][k])
        back = max(range(len(ar)), key=lambda k: sim[k][j])
        if back != i or sim[i][j] < 0.75:
            continue
        if set(numbers(ar[i].translate(_AR_DIGITS))) != set(numbers(en[j])):
            continue
        if out and j <= max(out.values()):
            continue
        out[i] = j
    return out


_AR_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")


def pairs_of(
    para: Paragraph,
    rng: random.Random,
    aligned: dict[int, int] | None = None,
    max_anchors: int = 4,
    attribute_share: float = 0.2,
) -> list[SupportPair]:
    """The claims made from one paragraph, each with its window. ``aligned``: Arabic sentence index →
    English sentence index (XQuAD)."""
    ar = sentences(para.text)
    en = sentences(para.english) if para.english else []
    aligned = aligned or {}
    out: list[SupportPair] = []
    if not ar:
        return out
    anchors = list(range(len(ar)))
    rng.shuffle(anchors)
    anchors = sorted(anchors[:max_anchors], key=lambda i: (i not in aligned, rng.random()))
    for i in anchors:
        lo, hi = window(ar, i, rng)
        source = " ".join(ar[lo : hi + 1])
        outside = [s for k, s in enumerate(ar) if k < lo or k > hi]
        others = [s for k, s in enumerate(ar) if k != i]
        group = f"{para.pid}#{i}"

        def add(
            claim: str | None,
            label: int,
            kind: str,
            pair: str = "ar-ar",
            i: int = i,
            group: str = group,
            source: str = source,
        ) -> None:
            if claim and claim.strip() and (kind == "exact" or claim.strip() != ar[i].strip()):
                if kind not in ("rewrite", "restated", "wrong_answer") and rng.random() < attribute_share:
                    claim = _finish(attributed(claim, rng), is_english(claim))
                out.append(SupportPair(group, source, claim.strip(), label, kind, pair, para.article, para.dataset))

        _edits(add, ar[i], others, "exact", "ar-ar", rng)
        if outside and rng.random() < 0.5:
            add(rng.choice(outside), 0, "other_sentence")
        if i in aligned:
            e = en[aligned[i]]
            _edits(add, e, [x for k, x in enumerate(en) if k != aligned[i]], "aligned", "en-ar", rng)
            inside = {aligned[k] for k in range(lo, hi + 1) if k in aligned}
            far = [x for k, x in enumerate(en) if k not in inside and k != aligned[i]]
            if far:
                add(rng.choice(far), 0, "aligned_other", "en-ar")
        _restatements(add, para, ar[i], en[aligned[i]] if i in aligned else None, rng)
    return [p for p in out if p.label == 1 or _differs(p.claim, p.source)]


def _edits(add: Callable, s: str, others: list[str], first: str, pair: str, rng: random.Random) -> None:
    """The claims made from sentence ``s`` of one language: itself, its clauses, a rewrite, and the edits."""
    add(s, 1, first, pair)
    add(stretch(s, rng), 1, "stretch", pair)
    add(rewrite(s, rng), 1, "rewrite", pair)
    add(number_moved(s, others, rng), 0, "number_moved", pair)
    add(roles_swapped(s, rng), 0, "roles_swapped", pair)
    add(entity_replaced(s, others, rng), 0, "entity_replaced", pair)
    add(negation(s, rng), 0, "negation", pair)
    if others:
        add(recombined(s, rng.choice(others), rng), 0, "recombined", pair)


def _restatements(add: Callable, para: Paragraph, s: str, english: str | None, rng: random.Random) -> None:
    """The paragraph's questions whose answer the anchor (or its English) holds, restated with the answer
    and with a wrong one."""
    for question, answers, lang in para.qa:
        answer = next((a for a in answers if a.strip() and normalize(a) in normalize(s if lang == "ar" else "")), None)
        if lang == "en" and english is not None:
            answer = next((a for a in answers if a.strip() and a.lower() in english.lower()), None)
        if not answer:
            continue
        pair = "ar-ar" if lang == "ar" else "en-ar"
        add(restate(question, answer), 1, "restated", pair)
        wrong = wrong_completion(answer, para.text if lang == "ar" else para.english, s, rng)
        if wrong:
            add(restate(question, wrong), 0, "wrong_answer", pair)


def _differs(claim: str, source: str) -> bool:
    """An unsupported claim must not be a sentence of its own source (the window may hold it)."""
    c = " ".join(normalize(claim).strip(" .").split())
    return not any(c == " ".join(normalize(s).strip(" .").split()) for s in sentences(source))


def kind_group(kind: str) -> str:
    return "supported" if kind in SUPPORTED_KINDS else "unsupported"
