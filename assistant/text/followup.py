"""A chat's follow-up question about another country, written out in full from the question before it.

«ما موقف ألمانيا من إرسال قوات إلى أوكرانيا؟» then «وماذا عن فرنسا؟» asks «ما موقف فرنسا من إرسال قوات إلى
أوكرانيا؟»; "What did Poland say about ground troops?" then "And what about Italy?" asks "What did Italy say
about ground troops?". Only this shape is written out — a short «(و)ماذا عن …» / «(و)بالنسبة ل…» / "(and)
what/how about …" naming one country by its name, after a question naming another country by its name — and
where the earlier question names several, the one the archive names least («ألمانيا» in a question about
Germany and Ukraine over articles about Ukraine: ``rarity``); anything else is answered as it was asked
(``None``)."""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.text.countries import asked_countries, country_words

_AR = re.compile(r"^\s*و?\s*(?:ماذا\s+عن|بالنسبة\s+(?:ل|الى|إلى)\s*)\s*(?P<x>[^؟?]+?)\s*[؟?]*\s*$")
_EN = re.compile(r"^\s*(?:and\s+)?(?:what|how)\s+about\s+(?P<x>[^?]+?)\s*\?*\s*$", re.IGNORECASE)
MAX_WORDS = 3  # «وماذا عن كوريا الشمالية؟»: the follow-up is the country, not a question of its own
_PREFIXES = ("", "و", "ب", "ل", "ف", "وب", "ول", "وف")  # kept from the earlier question's word («بألمانيا»)


def _bare(word: str, country: str) -> tuple[str, str] | None:
    """(the one-letter prefixes a word for the country carries, the word without them): «بألمانيا» → (ب, ألمانيا);
    None when the word names it by no name («الألماني»)."""
    for p in sorted(_PREFIXES, key=len, reverse=True):  # «وألمانيا» is و + ألمانيا, though it names Germany whole
        rest = word[len(p) :]
        if p.endswith("ل") and rest.startswith("ل"):
            rest = "ا" + rest  # «للصين» is ل + الصين
        if word.startswith(p) and rest and country in asked_countries(rest, by_name=True):
            return p, rest
    return None


def follow_up(question: str, previous: str | None, rarity: Callable[[str], float] | None = None) -> str | None:
    """The earlier question with its country swapped for the one a follow-up names, or None when the
    question is not such a follow-up (it is then answered as asked). ``rarity``: how rare a word is in the
    archive (its IDF), to choose among several countries of the earlier question; without it, only an
    earlier question naming one country is written out."""
    if not previous or not previous.strip():
        return None
    m = _AR.match(question) or _EN.match(question)
    x = m.group("x") if m else ""
    if x.startswith("ل") and m is not None and m.group(0).lstrip("و ").startswith("بالنسبة"):
        x = "ا" + x  # «بالنسبة للصين»: ل + الصين
    new, old = asked_countries(x, by_name=True), asked_countries(previous, by_name=True)
    if m is None or len(x.split()) > MAX_WORDS or len(new) != 1 or not old or new <= old:
        return None
    (country,) = new
    words = country_words(x, new)
    if not words:
        return None
    was = _swapped(previous, old, rarity)
    if was is None:
        return None
    bare = _bare(words[0], country)
    if bare is None:
        return None
    name = bare[1]
    if re.match(rf"the\s+{re.escape(name)}", x, re.IGNORECASE):
        name = x[: x.lower().index(name.lower())] + name  # "the United States"
    out = previous
    for w in country_words(previous, {was}):
        named = _bare(w, was)
        if named is None:  # «الجيش الألماني» stays: an adjective is not the country swapped
            continue
        prefix = named[0]
        joined = prefix + (name[1:] if prefix.endswith("ل") and name.startswith("ال") else name)  # ل + الصين: للصين
        out = re.sub(rf"(?<!\w){re.escape(w)}(?!\w)", joined, out)
    return out if out != previous else None


def _swapped(previous: str, old: set[str], rarity: Callable[[str], float] | None) -> str | None:
    """The earlier question's country to swap: its only one, or the one whose word the archive names least."""
    if len(old) == 1:
        return next(iter(old))
    if rarity is None:
        return None
    scored = sorted((max((rarity(w) for w in country_words(previous, {c})), default=0.0), c) for c in old)
    return scored[-1][1] if scored[-1][0] > scored[-2][0] else None
