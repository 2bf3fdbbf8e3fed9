"""Training pairs for the reader, from SQuAD-format data split by article.

A question's candidates are sentences, as the answer step sees them: every sentence of its own
paragraph (a positive when it holds a gold answer) and sentences of the other paragraphs a BM25
search over the training pool finds for it (hard negatives: same words, other facts). A share of
questions is also given without their paragraph ("no-gold" groups, all negatives), so the reader
learns to say that nothing answers — what abstention rests on. With ``swap``, a share of the questions
that name their article is also asked about something else: the title replaced by another training
article's title ("swap" groups, all negatives, the answer sentence among them), so the reader learns
that a sentence about another entity does not answer. With ``nearmiss``, a share of questions is also
asked with their rarest name-like word swapped for a name their paragraph never mentions ("nearmiss"
groups, all negatives, the answer sentence among them) — how the evaluation builds its near-miss
questions. The names come from the training articles only, never from the evaluation's pool of unknown
names.

English twins of XQuAD questions read the Arabic paragraphs: their negatives are found with the
Arabic question (BM25 cannot match English words against Arabic text).
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.evaluation.unanswerable import swap_entity
from assistant.models.reader_text import with_before as compose
from assistant.text.arabic import analyze, normalize, split_sentences

if TYPE_CHECKING:
    from assistant.evaluation.datasets import Dataset


NOGOLD = 0.25  # share of questions also asked without their paragraph, as the shipped reader was trained


@dataclass(frozen=True)
class Pair:
    group: str  # one question's candidates share a group (its id, with "#nogold" for a no-gold group)
    question: str
    sentence: str
    label: int  # 1: the sentence holds a gold answer
    pair: str  # language pair: ar-ar, en-ar, en-en
    article: str  # the question's article (splits are by article)
    source: str  # which dataset
    before: str = ""  # the sentence before it in its paragraph, as the answer step gives it


def digest(pairs: list[Pair]) -> str:
    """sha256 over the pairs in order (group, question, sentence, label): recorded beside a trained model,
    so that its one command can be checked to still build what it was trained on (tests/test_recipes.py)."""
    h = hashlib.sha256()
    for p in pairs:
        h.update("\x1f".join((p.group, p.question, p.sentence, str(p.label))).encode() + b"\x1e")
    return h.hexdigest()


@dataclass
class Question:
    qid: str
    text: str
    pid: str
    article: str
    answers: list[str]
    pair: str
    source: str
    search_text: str = ""  # what BM25 looks for negatives with (the Arabic twin for an English question)
    paragraph: str = field(default="", repr=False)


def sentences(text: str) -> list[str]:
    """A passage's candidate sentences, as the answer step splits them."""
    return [s for s, _ in with_before(text)]


def with_before(text: str) -> list[tuple[str, str]]:
    """A passage's candidate sentences, each with the sentence before it ("" for the first), as the
    answer step gives them (``scoring.candidates``: the one before may be too short to be a candidate)."""
    spans = split_sentences(text)
    out = []
    for i, (s, e) in enumerate(spans):
        piece = text[s:e]
        if len(piece.split()) >= 3 or any(ch.isdigit() for ch in piece):
            out.append((piece, text[spans[i - 1][0] : spans[i - 1][1]] if i else ""))
    return out


def reader_text(p: Pair, before: int) -> str:
    """What the reader reads for a pair: the sentence, or with ``before`` (a count of words) the sentence
    and the opening words of the one before it, as the answer step composes them
    (``models.reader.with_before``)."""
    return compose(p.sentence, p.before, before) if before else p.sentence


def holds_answer(sentence: str, answers: list[str]) -> bool:
    """The sentence contains a gold answer (after normalisation), the evaluation's own rule."""
    h = " ".join(normalize(sentence).split())
    return any(" ".join(normalize(a).split()) in h for a in answers if a.strip())


class Bm25:
    """A small BM25 (k1 1.2, b 0.75) over paragraphs, with the product's analyser."""

    def __init__(self, texts: dict[str, str]) -> None:
        self.ids = list(texts)
        self.docs = [Counter(analyze(texts[i])) for i in self.ids]
        n = len(self.docs)
        df: Counter[str] = Counter()
        for d in self.docs:
            df.update(d.keys())
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self.lengths = [sum(d.values()) for d in self.docs]
        self.avg = sum(self.lengths) / max(n, 1)

    def search(self, text: str, k: int) -> list[str]:
        terms = set(analyze(text))
        scores = []
        for i, d in enumerate(self.docs):
            s = 0.0
            for t in terms:
                f = d.get(t, 0)
                if f:
                    s += self.idf[t] * f * 2.2 / (f + 1.2 * (0.25 + 0.75 * self.lengths[i] / self.avg))
            if s > 0:
                scores.append((s, i))
        scores.sort(reverse=True)
        return [self.ids[i] for _, i in scores[:k]]


def questions_of(ds: Dataset, source: str, pair: str, twin: Dataset | None = None) -> list[Question]:
    """The questions of ``ds`` (its paragraphs are what is read). With ``twin`` (the same questions in
    another language, same ids), the twin's questions are asked over ``ds``'s paragraphs."""
    out = []
    for qid in sorted(ds.qrels):
        pid = next(iter(ds.qrels[qid]))
        title, text = ds.corpus[pid]
        asked = twin.queries.get(qid) if twin is not None else ds.queries[qid]
        if not asked:
            continue
        out.append(
            Question(
                qid if twin is None else f"{qid}@{pair}",
                asked,
                f"{source}:{pid}",
                title,
                ds.answers.get(qid, []),
                pair,
                source,
                ds.queries[qid],
                text,
            )
        )
    return out


def build_pairs(
    questions: list[Question],
    pool: dict[str, str],
    seed: int = 0,
    own: int = 6,
    found: int = 2,
    per_found: int = 3,
    nogold: float = NOGOLD,
    swap: float = 0.0,
    names: list[str] | None = None,
    nearmiss: float = 0.0,
) -> list[Pair]:
    """The candidates of every question, labelled. ``pool``: paragraph id → text, every paragraph
    negatives may come from (the questions' own and distractors; all from training articles).

    Per question: up to ``own`` sentences of its paragraph (all positives kept), and ``per_found``
    sentences of each of the ``found`` best BM25 paragraphs that are not its own. For a ``nogold``
    share of questions, a second group from ``found + 1`` other paragraphs only, every label 0. For a
    ``swap`` share, a group of the question with an entity swapped for one of ``names`` (see
    ``swapped``) over its own positives and up to three of its own negatives, every label 0 (its own
    random stream: the other groups are the same with or without it). For a ``nearmiss`` share, a group of
    the question with its rarest word swapped for one of ``names`` (see ``rare_swapped``) over its own
    positives and one of its own negatives, every label 0 (a random stream of its own too)."""
    rng = random.Random(seed)
    srng = random.Random(seed + 7919)
    nrng = random.Random(seed + 104729)
    bm25 = Bm25(pool)
    ids = sorted(pool)
    out: list[Pair] = []
    for q in questions:
        own_sents = with_before(q.paragraph)
        pos = [s for s in own_sents if holds_answer(s[0], q.answers)]
        if not pos:
            continue  # the answer crosses a sentence boundary: no sentence to learn from
        neg = [s for s in own_sents if s not in pos]
        rng.shuffle(neg)
        others = [p for p in bm25.search(q.search_text or q.text, found + 3) if p != q.pid]
        if len(others) < found + 1:  # too few share a word: any other paragraphs (easy negatives)
            rest = [p for p in rng.sample(ids, min(len(ids), found + 4)) if p != q.pid and p not in others]
            others += rest[: found + 1 - len(others)]
        picked = [(s, 1) for s in pos] + [(s, 0) for s in neg[: max(0, own - len(pos))]]
        picked += [(s, 0) for s in _some(pool, others[:found], per_found, rng, q.answers)]
        out += [Pair(q.qid, q.text, s, y, q.pair, q.article, q.source, b) for (s, b), y in picked]
        if rng.random() < nogold:
            far = _some(pool, others[: found + 1], per_found, rng, q.answers)
            out += [Pair(f"{q.qid}#nogold", q.text, s, 0, q.pair, q.article, q.source, b) for s, b in far]
        if swap and names and srng.random() < swap:
            text = swapped(q, names, srng)
            if text:
                own_neg = neg[:3]
                out += [Pair(f"{q.qid}#swap", text, s, 0, q.pair, q.article, q.source, b) for s, b in pos + own_neg]
        if nearmiss and names and nrng.random() < nearmiss and (text := rare_swapped(q, names, bm25.idf, nrng)):
            out += [Pair(f"{q.qid}#nearmiss", text, s, 0, q.pair, q.article, q.source, b) for s, b in pos + neg[:1]]
    return out


def rare_swapped(q: Question, names: list[str], idf: dict[str, float], rng: random.Random) -> str | None:
    """The question with its rarest name-like word (by ``idf`` over its analysed terms) replaced by one of
    ``names`` that looks like a name (``name_like``), in that word's script, that neither the question nor
    its paragraph holds: the evaluation's own rule for near-miss questions
    (``evaluation.unanswerable.swap_entity``), with training names. None when no word or no name fits."""
    known = set(analyze(q.text + " " + q.paragraph))
    fits = [n for n in name_like(names) if not set(analyze(n)) & known]
    latin, arabic = [n for n in fits if n.isascii()], [n for n in fits if not n.isascii()]
    if not latin or not arabic:
        return None
    pick = (rng.choice(latin), rng.choice(arabic))
    text = swap_entity(q.text, lambda w: max((idf.get(t, 0.0) for t in analyze(w)), default=0.0), [pick], rng)
    return text if text and text != q.text else None


def swapped(q: Question, names: list[str], rng: random.Random) -> str | None:
    """The question about another entity: its article's title (Wikipedia titles name a person, a place,
    a thing), or the title's last word ("Tesla" of "Nikola Tesla"), where the question names it,
    replaced by another of ``names`` in the same script that neither the question nor its paragraph
    holds. None when the question does not name its article or no name fits."""
    title = " ".join(q.article.replace("_", " ").split())
    last = title.split()[-1] if title else ""
    target = None
    for cand in (title, last if last != title and len(last) >= 4 else ""):
        if cand and analyze(cand) and (m := _word_re(cand).search(q.text)):
            target = m
            break
    if target is None:
        return None
    known = set(analyze(q.text + " " + q.paragraph))
    latin = title.isascii()
    fits = [n for n in names if n != title and n.isascii() == latin and not set(analyze(n)) & known]
    if not fits:
        return None
    return q.text[: target.start()] + rng.choice(fits) + q.text[target.end() :]


def name_like(names: list[str]) -> list[str]:
    """The names a near-miss question may be given: titles of one or two words without digits (a name, as
    the evaluation's pool holds, not "Super Bowl 50")."""
    return [n for n in names if len(n.split()) <= 2 and not any(ch.isdigit() for ch in n)]


def _word_re(phrase: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)", re.IGNORECASE if phrase.isascii() else 0)


def _some(
    pool: dict[str, str], pids: list[str], n: int, rng: random.Random, answers: list[str]
) -> list[tuple[str, str]]:
    """``n`` sentences of each paragraph (with the one before each), none holding a gold answer (another
    paragraph may repeat it)."""
    out = []
    for pid in pids:
        cands = [s for s in with_before(pool[pid]) if not holds_answer(s[0], answers)]
        rng.shuffle(cands)
        out += cands[:n]
    return out


def unseen_titles(extra: Dataset, known: list[Dataset]) -> tuple[list[str], list[str]]:
    """(kept, left out): the articles of ``extra`` that none of ``known`` holds — neither its title
    (normalised, ``_`` as a space) nor any of its paragraphs — so that more training data never
    shares an article with an evaluation set, in any of its splits."""

    def key(title: str) -> str:
        return " ".join(normalize(title.replace("_", " ")).split())

    titles = {key(t) for ds in known for t, _ in ds.corpus.values()}
    texts = {" ".join(text.split()) for ds in known for _, text in ds.corpus.values()}
    kept: dict[str, bool] = {}
    for title, text in extra.corpus.values():
        ok = key(title) not in titles and " ".join(text.split()) not in texts
        kept[title] = kept.get(title, True) and ok
    return sorted(t for t, ok in kept.items() if ok), sorted(t for t, ok in kept.items() if not ok)
