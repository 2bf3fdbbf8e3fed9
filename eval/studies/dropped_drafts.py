"""Study: what the verifier drops of the bundled LLM's drafts — XQuAD's training questions, Arabic and their English
twins, asked in ``auto`` mode over the training articles alone; every dropped sentence with its reason.

    python -m eval.studies.dropped_drafts OUT.json [N]      # N questions in each language (30: ~6 min on 2 cores)

No test article is read. The rows (question, gold answers, the LLM's status, the answer shown, each dropped sentence
and why) are for reading: whether a dropped sentence was right is judged by hand (eval/README.md).
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path


def training_archive(folder: Path) -> list[Path]:
    """XQuAD-ar's training articles, one file each (title heading, paragraphs)."""
    from assistant.evaluation.datasets import bundled, load_dataset
    from assistant.evaluation.splits import load_splits, part

    ar = part(load_dataset(bundled("xquad-ar")), load_splits()["xquad"]["train"])
    by_title = defaultdict(list)
    for _, (title, text) in sorted(ar.corpus.items()):
        by_title[title].append(text)
    paths = []
    for i, (title, paras) in enumerate(sorted(by_title.items())):
        p = folder / f"a{i}.md"
        p.write_text(f"# {title}\n\n" + "\n\n".join(paras), encoding="utf-8")
        paths.append(p)
    return paths


def main() -> None:
    from assistant import Assistant
    from assistant.config import load_settings
    from assistant.evaluation.datasets import bundled, load_dataset
    from assistant.evaluation.splits import load_splits, part
    from assistant.models.loading import load_embedder, load_llm

    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    titles = load_splits()["xquad"]["train"]
    ar = part(load_dataset(bundled("xquad-ar")), titles)
    en = part(load_dataset(bundled("xquad-en")), titles)
    folder = Path(tempfile.mkdtemp())
    settings = load_settings(llm_backend="llama-cpp")
    a = Assistant(data_dir=folder / "index", embedder=load_embedder(settings), llm=load_llm(settings))
    a.ingest(training_archive(folder))
    qids = sorted(ar.queries, key=lambda q: hashlib.sha256(f"0:{q}".encode()).hexdigest())[:n]
    out = []
    for q in qids:
        for lang, ds in (("ar", ar), ("en", en)):
            question = ds.queries.get(q)
            if not question:
                continue
            ans = a.ask(question, mode="auto")
            row = {
                "lang": lang,
                "q": question,
                "gold": ds.answers.get(q, [])[:2],
                "status": ans.llm_status,
                "answer": ans.answer[:300],
                "dropped": [[x.sentence, str(x.reason)] for x in ans.dropped],
            }
            out.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    Path(sys.argv[1]).write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
