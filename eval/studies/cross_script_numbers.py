"""Study: the verifier's number check across scripts — an English claim's figures found in its Arabic source.

    python -m eval.studies.cross_script_numbers             # XQuAD's training articles (~1 min); --show lists
    python -m eval.studies.cross_script_numbers --test      # its test articles, read once the rules were fixed

The rules as they were: over a worktree of the code as it was, with this study and ``cross_script_names``
copied into its eval/studies/ (it has neither), ``PYTHONPATH=../before python -m eval.studies.cross_script_numbers``.

The same right claims as ``cross_script_names`` (XQuAD's English sentences aligned to their Arabic
sentences); the number rule rejects one whose figures — digits, number words, scales, a percentage — it
does not find in the Arabic paragraph ("18th and 19th centuries" over «القرنين الثامن عشر والتاسع عشر»).
The other side: each claim stating a figure with that figure changed — a digit number n to n + 1, a number
word to the next one ("two" → "three") — which the English paragraph does not state (so neither does its
Arabic translation). Only the number rule is counted (``number_facts`` and the verifier's comparison of
them). Figures in eval/README.md, "Numbers across scripts".
"""

from __future__ import annotations

import re
import sys
from collections import Counter

from assistant.answer.grounding import Verifier
from assistant.config import load_settings
from assistant.models.loading import load_embedder
from eval.studies.cross_script_names import claims

_WORDS = "two three four five six seven eight nine ten eleven twelve".split()
_FIGURE = re.compile(r"\b(\d+)\b|\b(" + "|".join(_WORDS[:-1]) + r")\b", re.IGNORECASE)


def changed(claim: str, en_text: str) -> str | None:
    """The claim with its first figure changed to one its English paragraph does not state, or None."""
    for m in _FIGURE.finditer(claim):
        if m.group(1):
            new = str(int(m.group(1)) + 1)
            if re.search(rf"\b{new}\b", en_text):
                continue
        else:
            word = m.group(2)
            new = _WORDS[_WORDS.index(word.lower()) + 1]
            if re.search(rf"\b{new}\b", en_text, re.IGNORECASE):
                continue
            new = new.capitalize() if word[0].isupper() else new
        return claim[: m.start()] + new + claim[m.end() :]
    return None


def rejected(claim: str, ar_text: str) -> bool:
    """The verifier's number rule alone (the first checks of ``Verifier.check``)."""
    reason = Verifier().check(claim, ar_text)
    return reason is not None and reason.code in ("numbers", "scale", "percent")


def main() -> None:
    args = sys.argv[1:]
    split = "test" if "--test" in args else "train"
    c: Counter = Counter()
    for _, claim, ar_text, en_text in claims(split, load_embedder(load_settings(llm_backend="none"))):
        c["right"] += 1
        if rejected(claim, ar_text):
            c["right rejected"] += 1
            if "--show" in args:
                print(f"rejected right: {claim}")
        lie = changed(claim, en_text)
        if lie is not None:
            c["lie"] += 1
            caught = rejected(lie, ar_text)
            c["lie caught"] += caught
            if "--show" in args and not caught:
                print(f"passed lie: {lie}")
    print(f"\nXQuAD {split} articles, the number rule alone:")
    print(f"  right translations rejected: {c['right rejected']} of {c['right']}")
    print(f"  a figure changed, caught: {c['lie caught']} of {c['lie']}")


if __name__ == "__main__":
    main()
