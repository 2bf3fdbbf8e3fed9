"""Study (not used by the product), part of ``abstention_features``: what the chosen sentence's passage says
of the question's words (recorded per read candidate), the decision fitted with it, and the answer step's
country rule (``answer.ask._not_named``) on the same recorded fold (eval/README.md, 2026-12-06)."""

from __future__ import annotations

import json

# What each read candidate's passage says of the question's words (the scorer's per-sentence features)
PASSAGE_X = ("rare_overlap_chunk", "name_match_chunk", "idf_overlap_chunk", "idf_overlap_ctx", "rare_overlap")


def passage_evidence(q, c) -> dict[str, float]:  # noqa: ANN001
    """Of the question ``q`` (``scoring.Question``) and one candidate: the scorer's passage features, and
    whether its passage holds the question's rarest word and the rarest word it lacks (IDF over the top)."""
    from assistant.answer.scoring import _terms

    held = _terms(c.hit.chunk.text)
    top = max(q.idf.values(), default=0.0) or 1.0
    rarest = max(q.terms, key=lambda t: q.idf.get(t, 0.0)) if q.terms else None
    return {k: float(c.x.get(k, 0.0)) for k in PASSAGE_X} | {
        "rarest_in_chunk": float(rarest is not None and rarest in held),
        "missing_max_idf_chunk": max((q.idf.get(t, 0.0) for t in q.terms if t not in held), default=0.0) / top,
    }


PASSAGE_SETS = {
    "shipped": ["z_max", "scorer_logit"],
    "+ rarest word its passage lacks": ["z_max", "scorer_logit", "c_missing_max_idf_chunk"],
    "+ rare words its passage holds": ["z_max", "scorer_logit", "c_rare_overlap_chunk"],
    "+ both": ["z_max", "scorer_logit", "c_missing_max_idf_chunk", "c_rare_overlap_chunk"],
    "+ rarest word in its passage": ["z_max", "scorer_logit", "c_rarest_in_chunk"],
}


def passage_runs(rows: list[dict], target: float) -> dict:
    """The chosen sentence's passage evidence beside the shipped pair, every fit made without the
    nearmiss-known questions (judged only): out-of-fold at exactly the target."""
    from eval.studies.abstention_features import cross_validated

    out = {}
    for label, names in PASSAGE_SETS.items():
        res = cross_validated(rows, names, target, unseen="nearmiss-known")
        out[label] = res
        t = res["at_target"]
        print(
            f"  [no nearmiss-known in the fit] {label:34s} at the target: acc {t['accuracy']:.3f} "
            f"nearmiss-known {res['at_target_by_kind'].get('nearmiss-known', 0):.3f} "
            f"others {res['at_target_others']:.3f} ({res['at_target_by_kind']})"
        )
    return out


def country_rule(rows: list[dict]) -> dict:
    """The answer step's rule (``answer.ask._not_named``) on the recorded fold: per kind, how many the shipped
    decision abstains on (its calibrated threshold) and how many with the rule too — a question naming a
    country that the chosen sentence's passage does not name (the record keeps the passage, not the title)."""
    from assistant.models.reader import READER_DIR
    from assistant.text.countries import countries_not_named

    cal = json.loads((READER_DIR / "reader.json").read_text(encoding="utf-8"))["calibration"]
    out = {}
    for kind in sorted({r["kind"] for r in rows}):
        sub = [r for r in rows if r["kind"] == kind]
        shipped = [r["confidence"] < cal["pairs"][r["pair"]]["threshold"] for r in sub]
        fires = [bool(countries_not_named(r["question"], r["passages"][str(r["chunks"][r["chosen"]])])) for r in sub]
        out[kind] = {
            "n": len(sub),
            "abstained": sum(shipped),
            "with the rule": sum(a or f for a, f in zip(shipped, fires)),
        }
        if kind == "answerable":
            out[kind]["right answers turned away"] = sum(
                f and not a and bool(r["correct"]) for r, a, f in zip(sub, shipped, fires)
            )
    print(f"  a country the chosen passage does not name (abstained: shipped -> with the rule): {out}")
    return out
