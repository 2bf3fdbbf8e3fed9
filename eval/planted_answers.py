"""Each planted line put into a real article, then the product asked about it: is it ever quoted?

Arabic lines go into ANT articles (every n-th file, so the hosts are spread across sources and
sections), English ones into XQuAD's English articles, each as its own paragraph after the second.
All hosts are indexed together with the real embedder; the question asked is the planted line
itself (retrieval then finds it first: the hardest case), answered without an LLM (the LLM never
reads a flagged line: ``text.planted.without_planted``). A planted line is *shown* when an answer
quotes it.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path


def _host_texts(rows: list[dict], ant: Path) -> list[tuple[dict, str, str]]:
    from eval.planted_eval import ant_articles, xquad_english

    ar_hosts = [a for src in sorted(ant_articles(ant).values(), key=len) for a in src]
    en_hosts = xquad_english()
    ar_rows = [r for r in rows if r["lang"] == "ar"]
    en_rows = [r for r in rows if r["lang"] == "en"]
    out = []
    step = max(1, len(ar_hosts) // max(1, len(ar_rows)))
    for i, r in enumerate(ar_rows):
        name, text = ar_hosts[(i * step) % len(ar_hosts)]
        out.append((r, Path(name).stem, text))
    for i, r in enumerate(en_rows):  # more lines than articles: alternate paragraphs, never one host twice
        title, text = en_hosts[i % len(en_hosts)]
        paras = text.split("\n")
        part = paras[(i // len(en_hosts)) % 2 :: 2] if len(en_rows) > len(en_hosts) else paras
        out.append((r, f"{title}-{i}", "\n".join(part)))
    return out


def _plant(text: str, line: str) -> str:
    paras = [p for p in text.split("\n") if p.strip()]
    return "\n\n".join(paras[:2] + [line] + paras[2:]) + "\n"


def planted_answers(rows: list[dict], ant: Path) -> dict:
    from assistant import Assistant
    from assistant.text.planted import is_planted

    hosts = _host_texts(rows, ant)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        for r, stem, text in hosts:
            (folder / f"{r['id']}-{stem[:40]}.txt").write_text(_plant(text, r["line"]), encoding="utf-8")
        a = Assistant(data_dir=Path(tmp) / "index", llm_backend="none")
        t0 = time.perf_counter()
        rep = a.ingest([folder])
        ingest_s = time.perf_counter() - t0
        per_row = []
        for r, _, _ in hosts:
            ans = a.ask(r["line"], mode="extractive")
            needle = " ".join(r["line"].split())[:40]
            shown = any(needle in " ".join(c.quote.split()) for c in ans.citations)
            per_row.append(
                {"id": r["id"], "flagged": is_planted(r["line"]), "shown": shown, "abstained": ans.abstained}
            )
        a.close()
    summary = {
        "hosts indexed": rep.documents,
        "ingest seconds": round(ingest_s, 1),
        "planted lines": len(per_row),
        "flagged": sum(p["flagged"] for p in per_row),
        "shown as an answer": sum(p["shown"] for p in per_row),
        "shown of the flagged": sum(p["shown"] and p["flagged"] for p in per_row),
        "abstained": sum(p["abstained"] for p in per_row),
    }
    return {"summary": summary, "rows": per_row}
