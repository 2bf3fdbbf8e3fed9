"""What the reader (and the support checker, its machinery on another task) reads: a question and a
sentence as one pair of e5's tokens, with e5's own prefixes, cut to the reader's length budget — the
sentence, never the question, where it can — and, for a reader trained so, the sentence before a candidate.
The same ids in training (``tokenizers`` over the converted folder) and at answer time (the process's
shared tokenizer, ``PairEncoder``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

QUERY_PREFIX = "query: "  # e5's own prefixes, kept for the pair
PASSAGE_PREFIX = "passage: "
BEFORE_SEP = " </s> "  # the tokenizer's own separator between a candidate and the sentence before it
BEFORE_WORDS = 16  # of the sentence before: its opening words name what the candidate refers back to


def with_before(sentence: str, before: str, words: int = BEFORE_WORDS) -> str:
    """What a reader that reads the sentence before reads for a candidate: the sentence, the separator,
    the opening ``words`` words of the one before (nothing when it opens its passage). The
    sentence comes first, so a pair cut to the length budget loses the context, never the candidate;
    the texts' own ``<s>``/``</s>`` are removed (only ours separate)."""

    def clean(text: str) -> str:
        return text.replace("</s>", " ").replace("<s>", " ")

    opening = clean(before).split()[:words]
    return clean(sentence) + (BEFORE_SEP + " ".join(opening) if opening else "")


def pair_tokenizer(model_dir: Path, max_length: int, strategy: str = "only_second"):  # noqa: ANN201
    """The e5 tokenizer set for (question, sentence) pairs: the sentence is cut, never the question
    (the support checker, whose first text is a claim that may be long, cuts the longer of the two:
    ``longest_first``)."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
    tok.enable_truncation(max_length, strategy=strategy)
    tok.no_padding()
    return tok


def encode_pairs(tok, questions: list[str], sentences: list[str]) -> list[list[int]]:  # noqa: ANN001
    pairs = [(QUERY_PREFIX + q, PASSAGE_PREFIX + s) for q, s in zip(questions, sentences)]
    try:
        return [e.ids for e in tok.encode_batch(pairs)]
    except Exception:  # noqa: BLE001 - a question longer than the whole budget: only_second cannot cut it
        return [e.ids for e in _cut_both(tok).encode_batch(pairs)]


_CUT_BOTH: dict[int, tuple[Any, Any]] = {}  # id(tok) → (tok, its copy): tok kept alive, so its id stays its own


def _cut_both(tok):  # noqa: ANN001, ANN202
    """A copy of ``tok`` that cuts the longer text of a pair (for pairs whose first text alone is too long)."""
    key = id(tok)
    if key not in _CUT_BOTH or _CUT_BOTH[key][0] is not tok:
        from tokenizers import Tokenizer

        other = Tokenizer.from_str(tok.to_str())
        other.enable_truncation(tok.truncation["max_length"], strategy="longest_first")
        other.no_padding()
        _CUT_BOTH[key] = (tok, other)
    return _CUT_BOTH[key][1]


class PairEncoder:
    """``encode_pairs`` over the process's shared tokenizer (``onnx_embedder.shared_tokenizer``, no
    second ~0.3 GB copy): the pair's two texts are encoded, cut as the configured tokenizer cuts them,
    and joined by its post-processor — the same ids (tested against ``encode_pairs``)."""

    def __init__(self, tok, max_length: int, strategy: str = "only_second") -> None:  # noqa: ANN001
        self.tok, self.strategy = tok, strategy
        self.budget = max_length - tok.num_special_tokens_to_add(True)

    def __call__(self, questions: list[str], sentences: list[str]) -> list[list[int]]:
        firsts = self.tok.encode_batch([QUERY_PREFIX + q for q in questions], add_special_tokens=False)
        seconds = self.tok.encode_batch([PASSAGE_PREFIX + s for s in sentences], add_special_tokens=False)
        lengths = [(len(a.ids), len(b.ids)) for a, b in zip(firsts, seconds)]
        # as encode_pairs: one pair whose first text leaves nothing to cut from the second → the batch cuts both
        strategy = self.strategy
        if strategy == "only_second" and any(n1 >= self.budget for n1, _ in lengths):
            strategy = "longest_first"
        out = []
        for a, b, (n1, n2) in zip(firsts, seconds, lengths):
            k1, k2 = _cut(n1, n2, self.budget, strategy)
            if (k1, k2) != (n1, n2):
                a.truncate(k1)
                b.truncate(k2)
            out.append(self.tok.post_process(a, b).ids)
        return out


def _cut(n1: int, n2: int, budget: int, strategy: str) -> tuple[int, int]:
    """The lengths the tokenizers library truncates a pair to (``only_second``, ``longest_first``)."""
    if n1 + n2 <= budget:
        return n1, n2
    if strategy == "only_second":
        return n1, n2 - (n1 + n2 - budget)
    short, long_ = min(n1, n2), max(n1, n2)
    long_ = short if short > budget else max(short, budget - short)
    if short + long_ > budget:
        short, long_ = budget // 2, budget // 2 + budget % 2
    return (short, long_) if n1 <= n2 else (long_, short)
