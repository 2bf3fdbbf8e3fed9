"""Study: is the findings draft's "related earlier coverage" related? The archive: the 281 Middle East articles of
the ANT news corpus dated February 2018 (BBC, CNN, France24); the new articles: 12 of early March 2018, seeded. Each
article's extractive findings (no LLM) ask the archive for their two nearest passages of other articles at any
score, as ``Retriever.related`` does; every pair is written for labelling without its scores, then the scores are
joined to the labels by ``--report``.

    python -m eval.studies.related_coverage run OUT.jsonl      # ~6 min on 2 cores (indexing the archive)
    python -m eval.studies.related_coverage report OUT.jsonl LABELS.json

LABELS.json: {"<row id>": 1 or 0} — 1 when an analyst writing the new article would want the passage beside the
finding (the same event, actor and subject; a follow-up of the same story), 0 otherwise. Rules are chosen on the
fit half (new articles by position: even) and read on the other half.
"""

from __future__ import annotations

import json
import random
import re
import sys
import tempfile
from pathlib import Path

import numpy as np

ANT = Path(__file__).resolve().parents[3] / "shared" / "data" / "ant"
NEW = 12


def _files(month: str, days: tuple[str, ...] = ()) -> list[Path]:
    out = []
    for p in sorted(ANT.glob("*/middleEast/*.txt")):
        date = re.search(r"(20\d{6})\.txt$", p.name)
        if date and date.group(1).startswith(month) and (not days or date.group(1)[6:] in days):
            out.append(p)
    return out


def run(out_path: Path) -> None:
    from assistant import Assistant
    from assistant.config import load_settings
    from assistant.findings.related import shared_terms
    from assistant.models.loading import load_embedder
    from assistant.text.arabic import split_sentences

    archive = _files("201802")
    new = _files("201803", ("01", "02", "03", "04", "05"))
    random.Random(0).shuffle(new)
    new = new[:NEW]
    settings = load_settings()
    a = Assistant(data_dir=Path(tempfile.mkdtemp()) / "index", embedder=load_embedder(settings))
    print(f"indexing {len(archive)} archive articles …", flush=True)
    a.ingest(archive)
    emb = a.embedder
    rows = []
    for k, f in enumerate(new):
        found = a.summarize(path=f, mode="extractive")
        for i, fd in enumerate(found.findings):
            qvec = emb.embed_queries([fd.text])[0]
            for rank, h in enumerate(a.retriever.related(fd.text, 2, -1.0, ""), 1):
                spans = [(s, e) for s, e in split_sentences(h.chunk.text) if len(h.chunk.text[s:e].split()) >= 3]
                sents = [h.chunk.text[s:e] for s, e in spans] or [h.chunk.text]
                cos = emb.embed_passages(sents) @ qvec
                best = int(np.argmax(cos))
                rows.append(
                    {
                        "id": f"{k}.{i}.{rank}",
                        "new": f.name,
                        "half": "fit" if k % 2 == 0 else "read",
                        "finding": fd.text,
                        "title": h.title,
                        "best_sentence": sents[best],
                        "chunk_cos": round(float(h.score), 4),
                        "sentence_cos": round(float(cos[best]), 4),
                        "idf_shared": round(shared_terms(a.retriever, fd.text, h.chunk.text), 4),
                        "idf_shared_sentence": round(shared_terms(a.retriever, fd.text, sents[best]), 4),
                        "rank": rank,
                    }
                )
        print(f"{k + 1}/{len(new)} {f.name}: {len(found.findings)} findings", flush=True)
    out_path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    blind = out_path.with_suffix(".to-label.txt")
    blind.write_text(
        "".join(f"{r['id']}\n  F: {r['finding']}\n  R: {r['title']} — {r['best_sentence']}\n\n" for r in rows),
        encoding="utf-8",
    )
    print(f"{len(rows)} pairs → {out_path}; to label (no scores): {blind}")


def _figures(rows: list[dict], keep) -> dict:  # noqa: ANN001
    shown = [r for r in rows if keep(r)]
    good = sum(r["label"] for r in rows)
    right = sum(r["label"] for r in shown)
    return {
        "shown": len(shown),
        "related_shown": right,
        "precision": round(right / len(shown), 3) if shown else None,
        "related_kept": round(right / good, 3) if good else None,
    }


def report(rows_path: Path, labels_path: Path) -> None:
    labels = json.loads(labels_path.read_text(encoding="utf-8"))
    rows = [json.loads(x) for x in rows_path.read_text(encoding="utf-8").splitlines() if x.strip()]
    rows = [{**r, "label": int(labels[r["id"]])} for r in rows if r["id"] in labels]
    fit = [r for r in rows if r["half"] == "fit"]
    read = [r for r in rows if r["half"] == "read"]
    print(f"labelled {len(rows)} (fit {len(fit)}, read {len(read)}); related {sum(r['label'] for r in rows)}")
    for name in ("chunk_cos", "sentence_cos", "idf_shared", "idf_shared_sentence"):
        print(f"\n{name}: fit → read")
        for t in sorted({round(r[name], 2) for r in fit}):
            f = _figures(fit, lambda r, t=t, n=name: r[n] >= t)
            if f["shown"] and f["shown"] <= len(fit):
                g = _figures(read, lambda r, t=t, n=name: r[n] >= t)
                print(f"  ≥ {t:.2f}: fit {f}  read {g}")
    rules = {
        "before, chunk_cos ≥ 0.81": lambda r: r["chunk_cos"] >= 0.81,
        "shipped, chunk_cos ≥ 0.87 and idf_shared ≥ 0.06": lambda r: r["chunk_cos"] >= 0.87 and r["idf_shared"] >= 0.06,
    }
    for name, keep in rules.items():
        print(f"\n{name}:")
        for half, part in (("fit", fit), ("read", read)):
            print(f"  {half}: {_figures(part, keep)}")


def main() -> None:
    if len(sys.argv) >= 3 and sys.argv[1] == "run":
        run(Path(sys.argv[2]))
    elif len(sys.argv) >= 4 and sys.argv[1] == "report":
        report(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
