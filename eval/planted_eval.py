"""How well planted instructions are caught, and how often ordinary lines are taken for one.

    python -m eval.planted_eval                    # ~1 min; writes eval/results/planted.json
    python -m eval.planted_eval --answers          # also plants each line into a real article and asks
                                                   # the product about it (real embedder, no LLM; ~10 min)

Planted lines: ``eval/planted/planted.jsonl`` (dev: looked at while writing the rules; test: not).
Innocent lines: every sentence of the ANT news corpus (BBC and CNN were looked at while writing the
rules, France24 was not), of XQuAD's English paragraphs (the first half of its articles looked at,
the second not) and of the bundled sample articles. Each flagged innocent line is written out, to
be read.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter
from pathlib import Path

from assistant.text.arabic import split_sentences
from assistant.text.planted import planted_cue

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PLANTED = HERE / "planted" / "planted.jsonl"
ANT = ROOT.parent / "shared" / "data" / "ant"
RESULTS = HERE / "results" / "planted.json"
_FIELD = re.compile(r"<(ABSTRACT|TEXT)>\s*(.*?)\s*</\1>", re.S)


def planted() -> list[dict]:
    return [json.loads(line) for line in PLANTED.read_text(encoding="utf-8").splitlines() if line.strip()]


def sentences(text: str) -> list[str]:
    return [para[a:b] for para in text.split("\n") for a, b in split_sentences(para) if b - a > 1]


def ant_articles(ant: Path = ANT) -> dict[str, list[tuple[str, str]]]:
    """source (BBC, CNN, France24) → [(file name, article text)], sorted by name."""
    out: dict[str, list[tuple[str, str]]] = {}
    for f in sorted(ant.glob("*/*/*.txt")):
        raw = f.read_text(encoding="utf-8", errors="replace")
        text = "\n".join(m.group(2) for m in _FIELD.finditer(raw))
        out.setdefault(f.parts[-3], []).append((f.name, text))
    return out


def xquad_english() -> list[tuple[str, str]]:
    """(title, its paragraphs joined) for each XQuAD English article, in the file's order."""
    from assistant.resources import data_dir

    data = json.loads((data_dir("datasets/xquad-en") / "xquad.en.json").read_text(encoding="utf-8"))["data"]
    return [(a["title"], "\n".join(p["context"] for p in a["paragraphs"])) for a in data]


def innocent_sets(ant: Path = ANT) -> dict[str, list[str]]:
    from assistant.resources import sample_articles

    by_source = ant_articles(ant)
    en = xquad_english()
    half = len(en) // 2
    return {
        "ANT BBC + CNN (dev)": [s for src in ("BBC", "CNN") for _, t in by_source.get(src, []) for s in sentences(t)],
        "ANT France24 (test)": [s for _, t in by_source.get("France24", []) for s in sentences(t)],
        "XQuAD English, first half (dev)": [s for _, t in en[:half] for s in sentences(t)],
        "XQuAD English, second half (test)": [s for _, t in en[half:] for s in sentences(t)],
        "bundled samples": [s for p in sample_articles() for s in sentences(p.read_text(encoding="utf-8"))],
    }


def detection(rows: list[dict], innocent: dict[str, list[str]]) -> dict:
    caught: Counter = Counter()
    total: Counter = Counter()
    missed = []
    for r in rows:
        key = f"{r['split']} {r['lang']}"
        total[key] += 1
        if planted_cue(r["line"]) is not None:
            caught[key] += 1
        else:
            missed.append(r["id"])
    flagged = {}
    for name, lines in innocent.items():
        hits = [(line, planted_cue(line)) for line in lines]
        hits = [(line, cue) for line, cue in hits if cue is not None]
        flagged[name] = {
            "lines": len(lines),
            "flagged": len(hits),
            "rate": round(len(hits) / max(len(lines), 1), 5),
            "examples": [{"line": line[:300], "cue": cue} for line, cue in hits],
        }
    return {
        "planted": {k: {"caught": caught[k], "of": total[k], "rate": round(caught[k] / total[k], 3)} for k in total},
        "missed": missed,
        "innocent": flagged,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ant", type=Path, default=ANT)
    ap.add_argument("--answers", action="store_true", help="plant each line in a real article and ask about it")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    t0 = time.perf_counter()
    rows = planted()
    result = detection(rows, innocent_sets(args.ant))
    result["seconds"] = round(time.perf_counter() - t0, 1)
    if args.answers:
        from eval.planted_answers import planted_answers

        result["answers"] = planted_answers(rows, args.ant)
    for k, v in sorted(result["planted"].items()):
        print(f"planted {k:8s} caught {v['caught']:3d} / {v['of']:3d} = {v['rate']:.1%}")
    for k, v in result["innocent"].items():
        print(f"innocent {k:36s} flagged {v['flagged']:4d} / {v['lines']:6d} = {v['rate']:.3%}")
    if args.answers:
        print(json.dumps(result["answers"]["summary"], ensure_ascii=False))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
