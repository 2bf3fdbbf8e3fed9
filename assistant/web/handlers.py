"""The web app's handlers: module-level functions that take the facade first (bound when the app is
built), so they can be tested without a browser; ``user_errors`` turns every failure into one message."""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.core import Assistant, load_dataset, open_dataset, unpack_uploads
from assistant.web.api import no_paths, public, user_errors
from assistant.web.render import (
    findings_html,
    findings_markdown,
)

log = logging.getLogger("assistant.web")
BUNDLED_SETS = {"XQuAD-ar (1190 أسئلة)": "xquad-ar", "XQuAD-en": "xquad-en", "ARCD train": "arcd"}
EVAL_COLUMNS = ("ndcg@10", "recall@1", "recall@5", "mrr@10", "map")
ASK_CONCURRENCY = 32  # questions answered side by side (retrieval and quotes); the LLM queues them


def docs_rows(a: Assistant, needle: str = "") -> list[list[Any]]:
    rows = []
    for d in a.documents():
        if needle and needle.lower() not in (d["title"] + " " + d["source"]).lower():
            continue
        rows.append([d["doc_id"], d["title"], d["date"] or "", Path(d["source"]).name, d["language"], d["n_chunks"]])
    return rows


@user_errors
def on_findings(a: Assistant, file: str | None, text: str, lang: str, related: bool) -> tuple[str, str, str]:
    f = a.summarize(
        path=file or None,
        text=None if file else text,
        lang=None if lang == "auto" else lang,
        related=related,
        isolate=True,
    )
    md = findings_markdown(f)
    out = outputs_folder() / "findings.md"
    out.write_text(md, encoding="utf-8")
    return findings_html(f), md, str(out)


@user_errors
def on_ingest(a: Assistant, files: list[str] | None, progress: Any = None) -> tuple[str, list]:
    """Library uploads: zips unpacked within limits, every file reported by the name the user knows;
    files that were not added are not kept."""
    import gradio as gr

    if not files:
        raise gr.Error("اختر ملفات أولاً · choose files first")
    dest = Path(a.settings.data_dir) / "uploads" / f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
    try:
        up = unpack_uploads(files, dest)
        step = (lambda d, t, w: progress(d / max(t, 1), desc=no_paths(w))) if progress is not None else None
        rep = a.ingest(up.files, progress=step, isolate=True) if up.files else None
    except BaseException as exc:
        partial = getattr(exc, "ingest_report", None)
        if partial is None or not (partial.added or partial.updated):  # else the committed files stay
            shutil.rmtree(dest, ignore_errors=True)
        raise
    shown = {str(p.resolve()): n for p, n in up.shown.items()}

    def name(path: str) -> str:
        return shown.get(str(Path(path).resolve()), Path(path).name)

    failed = up.refused + (rep.failed if rep else [])
    near = [d for d in (rep.duplicates if rep else []) if d.get("kind") == "near"]
    for f in [*(rep.failed if rep else []), *near, *(rep.skipped if rep else [])]:
        Path(f["path"]).unlink(missing_ok=True)  # not in the index: not kept
    _prune_empty(dest)
    added = rep.added if rep else 0
    updated, unchanged, stats = rep.updated if rep else 0, rep.unchanged if rep else 0, a.stats()
    lines = [  # in Arabic, then in English (as the page's labels)
        f"أُضيف **{added}** · حُدِّث **{updated}** · بلا تغيير **{unchanged}** · تعذّر **{len(failed)}** — "
        f"{stats['documents']} مستند، {stats['chunks']} مقطع\n",
        f"**{added}** added · **{updated}** updated · **{unchanged}** unchanged · **{len(failed)}** failed — "
        f"{stats['documents']} documents, {stats['chunks']} chunks\n",
    ]
    lines += [f"- ⚠ {_md_text(name(f['path']))}: {_failed_text(f)}" for f in failed]
    lines += [
        f"- ⧉ {_md_text(name(d['path']))} = {_md_text(Path(d['duplicate_of']).name)}"
        for d in (rep.duplicates if rep else [])
    ]
    lines += [f"- ↷ {_md_text(name(s_['path']))}: {_both(s_, 'reason')}" for s_ in (rep.skipped if rep else [])]
    return "\n".join(lines), docs_rows(a)


def _failed_text(f: dict[str, str]) -> str:
    """Why a file failed, without the path it was saved under: in Arabic, then in English, where both exist."""
    said = [no_paths(f[k].split(": ", 1)[-1]) for k in ("error_ar", "error") if f.get(k)]
    return " · ".join(_md_text(t) for t in dict.fromkeys(said))


def _both(entry: dict[str, str], key: str) -> str:
    """An entry's ``key`` in Arabic (``key``_ar), then in English, where both exist."""
    return " · ".join(_md_text(entry[k]) for k in (f"{key}_ar", key) if entry.get(k))


def _prune_empty(folder: Path) -> None:
    for d in sorted((p for p in folder.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)) + [folder]:
        try:
            d.rmdir()
        except OSError:
            pass


@user_errors
def on_delete(a: Assistant, doc_id: str, needle: str) -> tuple[str, list]:
    n = a.remove(doc_id.strip())
    return f"removed {_md_text(doc_id)} ({n} chunks)", docs_rows(a, needle)


@user_errors
def on_eval(a: Assistant, choice: str, upload: str | None, names: list[str], progress: Any = None) -> tuple:
    out = outputs_folder() / "report"
    with tempfile.TemporaryDirectory(prefix="assistant-eval-upload-") as work:  # removed, also on error
        ds = open_dataset(Path(upload), Path(work)) if upload else load_dataset(BUNDLED_SETS[choice])
        step = (lambda d, t, w: progress(d / max(t, 1), desc="indexing")) if progress is not None else None
        res = a.evaluate_retrieval(ds, names or ["hybrid"], None, out, progress=step)
    rows = [[n, *(round(m[c], 4) for c in EVAL_COLUMNS)] for n, m in res["retrievers"].items()]
    return rows, str(out / "metrics.png"), str(out / "report.md")


_OUTPUTS: list[Path] = []


def outputs_folder(keep_seconds: float = 3600.0) -> Path:
    """A fresh folder for files a page offers for download; folders older than an hour are removed, and
    all of them when the app exits."""
    import atexit

    if not _OUTPUTS:
        root = Path(tempfile.mkdtemp(prefix="assistant-web-"))
        _OUTPUTS.append(root)
        atexit.register(shutil.rmtree, root, True)
    root = _OUTPUTS[0]
    for old in root.iterdir():
        if time.time() - old.stat().st_mtime > keep_seconds:
            shutil.rmtree(old, ignore_errors=True)
    folder = root / uuid.uuid4().hex
    folder.mkdir()
    return folder


class Api:
    """The named endpoints for programs (gradio_client); None means the configured default."""

    def __init__(self, a: Assistant) -> None:
        self.a = a

    @user_errors
    def ask(self, question: str, k: int | None = None, retriever: str | None = None, mode: str | None = None) -> dict:
        """Answer a question from the indexed articles, with checked citations."""
        return public(self.a.ask(question, k=_int(k), retriever=retriever or None, mode=mode or None).to_json())

    @user_errors
    def ask_after(
        self, question: str, previous: str, k: int | None = None, retriever: str | None = None, mode: str | None = None
    ) -> dict:
        """As ``ask``, for a question that may follow up ``previous``: «وماذا عن فرنسا؟» after a question about
        Germany asks it about France (the answer's ``question`` is the question answered)."""
        ans = self.a.ask(question, k=_int(k), retriever=retriever or None, mode=mode or None, previous=previous or None)
        return public(ans.to_json())

    @user_errors
    def ask_stream(
        self, question: str, k: int | None = None, retriever: str | None = None, mode: str | None = None
    ) -> Iterator[dict]:
        """The answer in stages: {"stage": "quote"} at once, {"stage": "waiting", "ahead": n} while the
        model is busy with others, {"stage": "drafting"} when it starts on this one, then {"stage":
        "final"}; quote and final carry the answer."""
        for ev in self.a.ask_events(question, k=_int(k), retriever=retriever or None, mode=mode or None):
            if ev.kind in ("quote", "final") and ev.answer is not None:
                yield {"stage": ev.kind, "ahead": 0, "answer": public(ev.answer.to_json())}
            elif ev.kind in ("waiting", "drafting"):
                yield {"stage": ev.kind, "ahead": ev.ahead, "answer": None}

    @user_errors
    def search(self, query: str, k: int | None = None, retriever: str | None = None) -> list:
        """Retrieve the passages that best match a query."""
        return public([h.to_json() for h in self.a.search(query, k=_int(k), retriever=retriever or None)])

    @user_errors
    def summarize(self, text: str, lang: str = "auto", related: bool = False) -> dict:
        """Draft the findings of an article given as text."""
        return public(self.a.summarize(text=text, lang=None if lang == "auto" else lang, related=related).to_json())

    @user_errors
    def documents(self) -> list:
        """List the indexed documents."""
        return public(self.a.documents())


def _int(k: Any) -> int | None:
    """k as sent by a client: None (the default), or a whole number (the facade checks its range)."""
    if k is None or k == "":
        return None
    if isinstance(k, float) and k.is_integer():
        return int(k)
    return k


def _esc(text: str) -> str:
    import html

    return html.escape(text)


def _md_text(text: str) -> str:
    """Text shown inside Markdown: no HTML, no markup."""
    import html

    return re.sub(r"([\\`*_{}\[\]()#+!|<>-])", r"\\\1", html.unescape(html.escape(text)))
