"""Study: the country asked about, looked for before the answer is turned away for not naming it.

    python -m eval.studies.abstention_features --record --english-offtopic 150 --nearmiss-known 100  # ~10 min
    python -m eval.studies.country_first [--out eval/results/country-first-fold.json]             # seconds

Over the bundled samples «ما موقف فرنسا من إرسال قوات برية إلى أوكرانيا؟» is answered «… أقرب مقطع إليه لا
يذكر «فرنسا»»: the reader's best sentence (0.89) is Poland's refusal, whose passage never names France, so
``answer.ask._not_named`` turns the question away — while among its six candidates «فرنسا وبريطانيا تضغطان
باتجاه التدخل …» names France. ``answer.quote.asked_country_first`` (the best of the six naming the asked
country by name, where the best names another one instead) acts only after that decision. Here, on the
development fold as recorded (the training articles' fold among 300 ANT articles; nothing of any test split),
both orders are replayed from the record: the shipped one (abstain when the chosen sentence's passage does
not name the country, else move the asked country's sentence first) and the variant (move first, then the
same test on the moved sentence's passage). A quote counts right when its first sentence holds the gold
answer (both arms alike). Rule set before the record was read: the variant ships if, in each language pair,
it turns no answerable question from right to wrong, rights at least as many as it wrongs, and loses at most
2 % of the abstentions of each unanswerable kind (nearmiss-known included: a near miss about a country the
archive names elsewhere is what the turning-away is for).

``--variant nearest`` (2026-12-07, after the variant above failed that rule): the shipped order, except that where the
question would be turned away, a read sentence naming the asked country is moved first only when it stands in the
passage retrieval put first (``answer.quote.asked_country_nearest``, shipped with it in the product). A near miss
about a country named elsewhere seldom has its nearest passage name that country; the bundled samples' France
question does. Judged by the same rule, written before this record was read. (The record keeps each candidate's
passage rank since that day; an older record has none and this variant refuses it.)
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from types import SimpleNamespace

from eval.studies.abstention_features import RECORD


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def _ranked(r: dict, blend: float) -> list[SimpleNamespace]:
    """The record's candidates in the reader's order (``reading.read``: logit + blend · the scorer's logit)."""
    cands = [
        SimpleNamespace(
            text=t,
            passage=r["passages"][str(c)],
            gold=bool(r["gold"][i]) if r["gold"] else False,
            # what answer.quote reads of a candidate's passage (the record keeps no title: both arms read none)
            hit=SimpleNamespace(
                rank=r["ranks"][i] if "ranks" in r else 0, title="", chunk=SimpleNamespace(text=r["passages"][str(c)])
            ),
        )
        for i, (t, c) in enumerate(zip(r["texts"], r["chunks"]))
    ]
    order = sorted(range(len(cands)), key=lambda i: -(r["z"][i] + blend * _logit(r["probs"][i])))
    return [cands[i] for i in order]


def outcome(r: dict, pair_cal: dict, variant: str | None) -> tuple[bool, bool]:
    """(abstained, right) for one recorded question: the order shipped before 2026-12-07 (``variant`` None), moved
    first then tested (``first``), or the nearest passage's sentence moved first where it would be turned away
    (``nearest``)."""
    from assistant.answer.quote import asked_country_first, asked_country_nearest
    from assistant.text.countries import countries_not_named

    if r["confidence"] < pair_cal["threshold"]:
        return True, False
    ranked = _ranked(r, float(pair_cal.get("blend", 0.0)))
    if variant == "first":
        ranked = asked_country_first(r["question"], ranked) or ranked  # type: ignore[arg-type]
    moved = asked_country_nearest(r["question"], ranked) if variant == "nearest" else None  # type: ignore[arg-type]
    ranked = moved or ranked
    if countries_not_named(r["question"], ranked[0].passage):
        return True, False
    if variant != "first" and moved is None:  # as answer.ask: a moved sentence is not moved again
        ranked = asked_country_first(r["question"], ranked) or ranked  # type: ignore[arg-type]
    return False, ranked[0].gold


def compare(path: Path, variant: str = "first") -> dict:
    from assistant.models.reader import READER_DIR

    cal = json.loads((READER_DIR / "reader.json").read_text(encoding="utf-8"))["calibration"]["pairs"]
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if variant == "nearest" and rows and "ranks" not in rows[0]:
        raise SystemExit(f"{path} keeps no passage ranks (recorded before 2026-12-07): record it again (see above)")
    out: dict = {"record": str(path), "variant": variant, "pairs": {}}
    for pair in sorted({r["pair"] for r in rows}):
        res: dict = {}
        for kind in sorted({r["kind"] for r in rows if r["pair"] == pair}):
            sub = [r for r in rows if r["pair"] == pair and r["kind"] == kind]
            before = [outcome(r, cal[pair], None) for r in sub]
            after = [outcome(r, cal[pair], variant) for r in sub]
            entry = {"n": len(sub), "abstained": [sum(a for a, _ in before), sum(a for a, _ in after)]}
            if kind == "answerable":
                entry["right"] = [sum(x for _, x in before), sum(x for _, x in after)]
                # the replay against the product's own verdict (which also reads a second sentence and the title)
                entry["replay_agrees_with_run"] = sum(x == bool(r["correct"]) for r, (_, x) in zip(sub, before))
                entry["won"] = sum(not b[1] and a[1] for b, a in zip(before, after))
                entry["lost"] = sum(b[1] and not a[1] for b, a in zip(before, after))
            res[kind] = entry
        out["pairs"][pair] = res
    out["ships"] = all(_passes(res) for res in out["pairs"].values())
    print(json.dumps(out, indent=1, ensure_ascii=False))
    return out


def _passes(res: dict) -> bool:
    ans = res.get("answerable", {"lost": 0, "won": 0})
    kinds = [v for k, v in res.items() if k != "answerable"]
    return (
        ans["lost"] == 0
        and ans["won"] >= ans["lost"]
        and all(v["abstained"][0] - v["abstained"][1] <= 0.02 * v["n"] for v in kinds)
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--path", type=Path, default=RECORD)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--variant", choices=("first", "nearest"), default="first")
    args = ap.parse_args()
    res = compare(args.path, args.variant)
    if args.out:
        args.out.write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
