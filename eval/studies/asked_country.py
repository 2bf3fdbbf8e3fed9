"""Study: the asked-country rule (``answer.quote.asked_country_first``), paired, on the questions it can move.

The rule puts first the best sentence naming the country a question asks about when the reader's best names
another one in its place and not the asked one. Only questions naming a country can move, so only those are
asked, each twice from the same index (rule on, rule off): the answerable ones (XQuAD also in English over the
Arabic index) and the off-topic ones (XQuAD's other articles, never indexed: an abstention there is right). The
index is the evaluation's (`assistant eval answers`): the part's articles among 300 ANT news articles. Not asked
here: the `removed` and `nearmiss` kinds.

    python -m eval.studies.asked_country train OUT.json     # the training articles, where the rule is decided
    python -m eval.studies.asked_country test OUT.json      # the held-out articles, read once

Rule set before the first training run: ship if, over the three sets' training articles, the answerable questions
it moves are won more often than lost, and at most one off-topic question loses its abstention. That form (any
country the question names, adjectives and peoples included) moved 4 and lost 2 ("the German ruler", "the French
republicans"), won none: not shipped. Second form, countries asked about by their names only; its rule, set
before its run: ship if it loses no training question it moves and, read once after, none held out on balance.
(The rule acts after the abstention decision: no unanswerable question's abstention can change.)
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ANT = Path(__file__).resolve().parents[3] / "shared" / "data" / "ant"
SETS = ("xquad-ar", "arcd", "tydiqa-ar")


def _both(question: str, lang: str, env: dict) -> tuple:  # noqa: ANN001
    """The reader's answer with the rule and without it."""
    import assistant.answer.ask as ask_mod
    from assistant.answer.ask import decide_answers

    rule = ask_mod.asked_country_first
    fired: list[bool] = []

    def spy(q: str, ranked: list) -> list | None:
        first = rule(q, ranked)
        fired.append(first is not None)  # the reader's decision is the last one made
        return first

    out = []
    for on in (True, False):
        ask_mod.asked_country_first = spy if on else (lambda q, r: None)
        try:
            both, _, _ = decide_answers(question, lang, *env["args"])
        finally:
            ask_mod.asked_country_first = rule
        out.append(both.get("reader", both["scorer"]))
    return out[0], out[1], bool(fired and fired[-1])


def _one_set(name: str, split: str, a, embedder) -> dict:  # noqa: ANN001
    from assistant.answer.ask import AnswerOptions, question_language
    from assistant.answer.scoring import default_scorer
    from assistant.core import answer_set
    from assistant.evaluation.answers import _judged, build_answer_index
    from assistant.text.countries import asked_countries

    spec = answer_set(name, split, True, "offtopic", ANT, 300, 0, 0, None)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        _, retriever, _, archive = build_answer_index(spec, embedder, a.settings, Path(tmp))
        options = AnswerOptions.from_settings(a.settings, mode="extractive")
        env = {"args": (retriever, embedder, options, default_scorer(), a.reader)}
        asks = [(d, "answerable") for d in [spec.ds, spec.cross] if d is not None]
        asks += [(d, "offtopic") for d in spec.offtopic]
        for d, kind in asks:
            for qid in sorted(d.queries):
                q = d.queries[qid]
                if not asked_countries(q):
                    continue
                gold = next(iter(d.qrels[qid])) if kind == "answerable" else None
                answers = spec.ds.answers.get(qid, []) if kind == "answerable" else []  # quotes are Arabic
                on, off, moved = _both(q, question_language(q), env)
                j_on, j_off = _judged(on, gold, answers), _judged(off, gold, answers)
                rows.append(
                    {
                        "set": name,
                        "qid": qid,
                        "kind": kind,
                        "pair": f"{question_language(q)}-{archive}",
                        "question": q,
                        "moved": moved,
                        "on": {k: j_on[k] for k in ("correct", "abstained")} | {"quote": on.answer[:300]},
                        "off": {k: j_off[k] for k in ("correct", "abstained")} | {"quote": off.answer[:300]},
                    }
                )
        print(f"{name}: {len(rows)} questions naming a country", flush=True)
    return {"rows": rows}


def _summary(rows: list[dict]) -> dict:
    out: dict = {}
    for key in sorted({(r["set"], r["pair"], r["kind"]) for r in rows}):
        part = [r for r in rows if (r["set"], r["pair"], r["kind"]) == key]
        moved = [r for r in part if r["moved"]]
        if key[2] == "answerable":
            won = sum(r["on"]["correct"] and not r["off"]["correct"] for r in part)
            lost = sum(r["off"]["correct"] and not r["on"]["correct"] for r in part)
            fig = {
                "correct_on": sum(r["on"]["correct"] for r in part),
                "correct_off": sum(r["off"]["correct"] for r in part),
            }
        else:
            won = sum(r["on"]["abstained"] and not r["off"]["abstained"] for r in part)
            lost = sum(r["off"]["abstained"] and not r["on"]["abstained"] for r in part)
            fig = {
                "abstained_on": sum(r["on"]["abstained"] for r in part),
                "abstained_off": sum(r["off"]["abstained"] for r in part),
            }
        out["/".join(key)] = {"questions": len(part), "moved": len(moved), "won": won, "lost": lost} | fig
    return out


def main() -> None:
    if len(sys.argv) < 3 or sys.argv[1] not in ("train", "test"):
        raise SystemExit(__doc__)
    from assistant import Assistant
    from assistant.config import load_settings
    from assistant.models.loading import load_embedder

    settings = load_settings()
    embedder = load_embedder(settings)
    a = Assistant(data_dir=Path(tempfile.mkdtemp()) / "index", embedder=embedder)
    rows: list[dict] = []
    for name in SETS:
        rows += _one_set(name, sys.argv[1], a, embedder)["rows"]
    result = {"split": sys.argv[1], "summary": _summary(rows), "rows": rows}
    Path(sys.argv[2]).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(result["summary"], indent=1))


if __name__ == "__main__":
    main()
