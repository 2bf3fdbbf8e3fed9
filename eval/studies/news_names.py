"""Study: the verifier's names rule over Arabic news — an English sentence naming the Security Council, the United
Nations, the United States or Hezbollah, over an Arabic passage that names it in its Arabic form.

    python -m eval.studies.news_names            # the ANT news passages (~1 min); --show lists the entities

The names rule (``text.questions.phrase_found``, read by the verifier) finds a Latin name in an Arabic source by
its transliteration's skeleton; a name Arabic translates («مجلس الأمن») it could not see, so a right English
sentence naming one was rejected ("names not in the cited passage"). ``text.entities`` gives such names their
Arabic forms. Over every passage of the 5,611 ANT news articles (paragraphs of more than eight words) this
counts, for each entity of that table the passage names in Arabic, whether the rule finds the entity's English
name («مجلس الأمن» → "Security Council") — the right side — and, for one other entity of the table the passage
does not name (chosen by a seeded hash), whether the rule wrongly finds it — the wrong side. "Before" is the
same rule with the table and the translated document words (memorandum, agreement, summit …) taken out, in the
same process. No model, no labels: the table says what each Arabic form is called in English.
"""

from __future__ import annotations

import hashlib
import sys
from collections import Counter
from contextlib import contextmanager

import assistant.text.questions as questions
from assistant.text.entities import _ENTITIES, named_in_arabic
from eval.studies.country_phrases import ANT

NEW_WORDS = frozenset("memorandum agreement agreements accord accords summit declaration initiative".split())


def english_name(entity: int) -> str:
    """The entity's first English form, capitalised as a sentence would write it ("Security Council", "NATO")."""
    form = _ENTITIES[entity][0].split("|")[0]
    if form.isupper():
        return form
    return " ".join(w if w in ("of", "the") else "-".join(p.capitalize() for p in w.split("-")) for w in form.split())


@contextmanager
def rule_before():
    """The names rule without the table and without the translated document words."""
    found, words = questions.entity_words_found, questions.TRANSLATED_NAME_WORDS
    questions.entity_words_found = lambda phrase, text: set()  # type: ignore[assignment]
    questions.TRANSLATED_NAME_WORDS = words - NEW_WORDS
    try:
        yield
    finally:
        questions.entity_words_found, questions.TRANSLATED_NAME_WORDS = found, words


def passages():
    for f in sorted(ANT.rglob("*")):
        if f.is_file():
            for para in f.read_text(encoding="utf-8", errors="ignore").split("\n"):
                if len(para.split()) > 8:
                    yield para


def found(name: str, text: str) -> bool:
    return all(questions.phrase_found(p, text) for p in questions.latin_name_phrases(name))


def count() -> tuple[Counter, Counter]:
    totals: Counter = Counter()
    per_entity: Counter = Counter()
    n = len(_ENTITIES)
    for para in passages():
        totals["passages"] += 1
        named = [i for i in range(n) if named_in_arabic(i, para)]
        if not named:
            continue
        totals["passages naming one"] += 1
        h = int(hashlib.sha256(para.encode()).hexdigest(), 16)
        others = [i for i in range(n) if i not in named]
        other = others[h % len(others)]
        for i in named:
            name = english_name(i)
            per_entity[name] += 1
            totals["mentions"] += 1
            totals["found now"] += found(name, para)
            with rule_before():
                totals["found before"] += found(name, para)
        totals["wrong ones"] += 1
        totals["wrong found now"] += found(english_name(other), para)
        with rule_before():
            totals["wrong found before"] += found(english_name(other), para)
    return totals, per_entity


def main() -> None:
    if not ANT.exists():
        raise SystemExit(f"{ANT} not found: the ANT corpus is read from ../shared/data/ant")
    totals, per_entity = count()
    print(
        f"ANT news passages: {totals['passages']}, naming an entity of the table in Arabic: "
        f"{totals['passages naming one']}"
    )
    print(
        f"right English names (the passage names the entity): found before {totals['found before']}, "
        f"now {totals['found now']} of {totals['mentions']}"
    )
    print(
        f"wrong English names (another entity, not named): found before {totals['wrong found before']}, "
        f"now {totals['wrong found now']} of {totals['wrong ones']}"
    )
    if "--show" in sys.argv[1:]:
        for name, k in per_entity.most_common():
            print(f"  {name}: {k}")


if __name__ == "__main__":
    main()
