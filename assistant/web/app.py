"""The Gradio web app: layout, plus thin handlers over the Assistant facade. Start with ``python app.py``.

Handlers are module-level functions that take the facade first (bound when the app is built), so
they can be tested without a browser; ``user_errors`` turns every failure into one message.
"""

from __future__ import annotations

import functools
import logging
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from assistant.config import ANSWER_MODES, RETRIEVERS
from assistant.core import Assistant, load_dataset, open_dataset, unpack_uploads
from assistant.errors import ConfigError
from assistant.resources import sample_articles
from assistant.text.words import safe_name
from assistant.web.api import is_loopback, no_paths, parse_auth, public, user_errors
from assistant.web.render import (
    CSS,
    RTL_CSS,
    answer_html,
    conversation_html,
    draft_html,
    findings_html,
    findings_markdown,
)

__all__ = ["build_app", "ensure_samples", "is_loopback", "parse_auth", "safe_name", "serve"]

log = logging.getLogger("assistant.web.app")
BUNDLED_SETS = {"XQuAD-ar (1190 أسئلة)": "xquad-ar", "XQuAD-en": "xquad-en", "ARCD train": "arcd"}
EVAL_COLUMNS = ("ndcg@10", "recall@1", "recall@5", "mrr@10", "map")
ASK_CONCURRENCY = 32  # questions answered side by side (retrieval and quotes); the LLM queues them


def L(ar: str, en: str) -> str:  # noqa: N802 - a label in both languages
    return f"{ar} · {en}"


def ensure_samples(a: Assistant) -> None:
    """On first run (an index never written to), index the bundled sample articles so that a new user
    can ask right away. An index whose documents were all removed stays empty."""
    if a.stats()["generation"] == 0:
        files = sample_articles()
        print(f"indexing {len(files)} bundled sample articles into {a.settings.data_dir} …", flush=True)
        rep = a.ingest(files)
        print(f"  {rep.documents} documents, {rep.chunks} chunks", flush=True)


# ------------------------------------------------------------------ handlers
def docs_rows(a: Assistant, needle: str = "") -> list[list[Any]]:
    rows = []
    for d in a.documents():
        if needle and needle.lower() not in (d["title"] + " " + d["source"]).lower():
            continue
        rows.append([d["doc_id"], d["title"], d["date"] or "", Path(d["source"]).name, d["language"], d["n_chunks"]])
    return rows


@user_errors
def on_ask(a: Assistant, q: str, history: list, k: float, retriever: str, mode: str) -> Iterator[tuple]:
    """The chat: the quote at once, then the place in the model's queue, the draft as it streams, and the
    answer to keep with its sources (the verified draft, or the quote with what was removed and why)."""
    q = (q or "").strip()
    if not q:
        yield conversation_html(history), history, ""
        return
    turn = len(history) + 1
    yield conversation_html(history + [(q, '<div class="answer streaming" dir="auto">…</div>')]), history, ""
    quote_html, draft = "", ""
    for ev in a.ask_events(q, k=int(k), retriever=retriever, mode=mode):
        if ev.kind == "quote":
            quote_html = answer_html(ev.answer, turn, a.passages([c.chunk_id for c in ev.answer.citations]))
            live = quote_html
        elif ev.kind in ("waiting", "drafting"):
            live = quote_html + draft_html("", ev.ahead)
        elif ev.kind == "token":
            draft += ev.text
            live = quote_html + draft_html(draft)
        else:
            ans = ev.answer
            final = answer_html(ans, turn, a.passages([c.chunk_id for c in ans.citations]))
            new = history + [(q, final)]
            yield conversation_html(new), new, ""
            return
        yield conversation_html(history + [(q, live)]), history, ""


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
    except BaseException:
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
    lines = [
        f"**{added}** added · **{rep.updated if rep else 0}** updated · **{rep.unchanged if rep else 0}** "
        f"unchanged · **{len(failed)}** failed — {a.stats()['documents']} documents, {a.stats()['chunks']} chunks"
    ]
    lines += [f"- ⚠ {_md_text(name(f['path']))}: {_md_text(no_paths(f['error'].split(': ', 1)[-1]))}" for f in failed]
    lines += [
        f"- ⧉ {_md_text(name(d['path']))} = {_md_text(Path(d['duplicate_of']).name)}"
        for d in (rep.duplicates if rep else [])
    ]
    lines += [f"- ↷ {_md_text(name(s_['path']))}: {_md_text(s_['reason'])}" for s_ in (rep.skipped if rep else [])]
    return "\n".join(lines), docs_rows(a)


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
    def ask_stream(
        self, question: str, k: int | None = None, retriever: str | None = None, mode: str | None = None
    ) -> Iterator[dict]:
        """The answer in stages: {"stage": "quote"} at once, {"stage": "waiting", "ahead": n} while the
        model is busy with others, {"stage": "drafting"} when it starts on this one, then {"stage":
        "final"}; quote and final carry the answer."""
        for ev in self.a.ask_events(question, k=_int(k), retriever=retriever or None, mode=mode or None):
            if ev.kind in ("quote", "final"):
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


# -------------------------------------------------------------------- layout
def _bind(fn: Callable, a: Assistant) -> Callable:
    return functools.partial(fn, a)


def _with_progress(fn: Callable, a: Assistant) -> Callable:
    """A handler that reports progress: Gradio fills ``progress`` when the default is a gr.Progress."""
    import gradio as gr

    def run(*args: Any, progress: Any = gr.Progress()) -> Any:  # noqa: B008
        return fn(a, *args, progress=progress)

    return run


def _ask_tab(a: Assistant) -> None:
    import gradio as gr

    s = a.settings
    turns = gr.State([])
    convo = gr.HTML(conversation_html([]), elem_id="conversation")
    with gr.Row():
        # lines=1 with room to grow: Enter sends, Shift+Enter starts a new line (Gradio's rule).
        question = gr.Textbox(
            label=L("السؤال — Enter للإرسال، Shift+Enter لسطر جديد", "Question — Enter sends, Shift+Enter new line"),
            lines=1,
            max_lines=8,
            scale=5,
            elem_id="question",
            placeholder="كم دولة التزمت بإرسال جنود ضمن قوة أمنية؟",
        )
        with gr.Column(scale=1, min_width=120):
            send = gr.Button(L("إرسال", "Send"), variant="primary", elem_id="send")
            clear = gr.Button(L("محادثة جديدة", "New chat"), elem_id="new-chat")
    with gr.Accordion(L("إعدادات الاسترجاع", "Retrieval settings"), open=False):
        k = gr.Slider(1, 20, value=s.top_k, step=1, label=L("عدد المقاطع", "Passages (k)"))
        retriever = gr.Radio(list(RETRIEVERS), value=s.retriever, label=L("المسترجع", "Retriever"))
        mode = gr.Radio(list(ANSWER_MODES), value=s.answer_mode, label=L("نمط الإجابة", "Answer mode"))
    inputs, outputs = [question, turns, k, retriever, mode], [convo, turns, question]
    # Many askers at once: each gets the quote at once; the LLM itself takes one at a time (Assistant.gate).
    for event in (send.click, question.submit):
        event(
            _bind(on_ask, a),
            inputs,
            outputs,
            api_visibility="private",
            concurrency_id="ask",
            concurrency_limit=ASK_CONCURRENCY,
        )
    clear.click(lambda: (conversation_html([]), []), None, [convo, turns], api_visibility="private")


def _findings_tab(a: Assistant) -> None:
    import gradio as gr

    with gr.Row():
        file = gr.File(
            label=L("ملف المقال", "Article file"),
            file_types=[".txt", ".md", ".html", ".htm", ".pdf", ".docx"],
            elem_id="findings-file",
        )
        text = gr.Textbox(label=L("أو الصق النص", "or paste the text"), lines=6, elem_id="findings-text")
    with gr.Row():
        lang = gr.Radio(["auto", "ar", "en"], value="auto", label=L("اللغة", "Language"))
        related = gr.Checkbox(value=True, label=L("تغطية سابقة من الأرشيف", "Related coverage from the archive"))
        go = gr.Button(L("صياغة النتائج", "Draft findings"), variant="primary", elem_id="draft")
    out = gr.HTML(elem_id="findings-out")
    md = gr.Textbox(label="Markdown", lines=6, buttons=["copy"], elem_id="findings-md")
    download = gr.File(label=L("تنزيل", "Download"), elem_id="findings-download")
    go.click(
        _bind(on_findings, a),
        [file, text, lang, related],
        [out, md, download],
        api_visibility="private",
        concurrency_id="model",
    )


def _library_tab(a: Assistant) -> None:
    import gradio as gr

    up = gr.File(label=L("ملفات أو ملف zip", "Files or a zip"), file_count="multiple", elem_id="upload")
    ingest_btn = gr.Button(L("إضافة إلى الفهرس", "Add to the index"), variant="primary", elem_id="ingest")
    msg = gr.Markdown(elem_id="ingest-result")
    with gr.Row():
        needle = gr.Textbox(label=L("بحث في العناوين", "Filter titles"), scale=3)
        del_id = gr.Textbox(label=L("معرّف المستند للحذف", "Document id to delete"), scale=2, elem_id="delete-id")
        del_btn = gr.Button(L("حذف", "Delete"), variant="stop", scale=1, elem_id="delete")
    table = gr.Dataframe(
        value=docs_rows(a),
        headers=["id", "title", "date", "source", "lang", "chunks"],
        datatype=["str", "str", "str", "str", "str", "number"],
        interactive=False,
        wrap=True,
        elem_id="docs-table",
    )
    ingest_btn.click(_with_progress(on_ingest, a), [up], [msg, table], api_name="ingest", concurrency_id="write")
    del_btn.click(_bind(on_delete, a), [del_id, needle], [msg, table], api_visibility="private", concurrency_id="write")
    needle.change(_bind(docs_rows, a), [needle], [table], api_visibility="private")


def _evaluation_tab(a: Assistant) -> None:
    import gradio as gr

    with gr.Row():
        choice = gr.Dropdown(
            list(BUNDLED_SETS), value=next(iter(BUNDLED_SETS)), label=L("مجموعة البيانات", "Dataset"), elem_id="dataset"
        )
        upload = gr.File(label=L("أو ارفع SQuAD JSON أو BEIR zip", "or upload SQuAD JSON / BEIR zip"))
        names = gr.CheckboxGroup(
            list(RETRIEVERS)[::-1], value=list(RETRIEVERS)[::-1], label=L("المسترجعات", "Retrievers")
        )
    run = gr.Button(L("تشغيل التقييم", "Run evaluation"), variant="primary", elem_id="run-eval")
    table = gr.Dataframe(headers=["retriever", *EVAL_COLUMNS], interactive=False, elem_id="eval-table")
    chart = gr.Image(label=L("مخطط", "Chart"), type="filepath", elem_id="eval-chart")
    report = gr.File(label=L("التقرير", "Report"))
    run.click(
        _with_progress(on_eval, a),
        [choice, upload, names],
        [table, chart, report],
        api_visibility="private",
        concurrency_id="model",
    )


def build_app(a: Assistant):  # noqa: ANN201
    import gradio as gr

    # Gradio's own copies of uploads and downloads: removed once an hour when older than an hour.
    with gr.Blocks(title="مساعد المقالات · Article assistant", delete_cache=(3600, 3600)) as demo:
        gr.Markdown("## مساعد المقالات · Article assistant", elem_id="app-title")
        with gr.Tabs():
            with gr.Tab(L("اسأل", "Ask"), id="ask"):
                _ask_tab(a)
            with gr.Tab(L("ملخص النتائج", "Findings"), id="findings"):
                _findings_tab(a)
            with gr.Tab(L("المكتبة", "Library"), id="library"):
                _library_tab(a)
            with gr.Tab(L("التقييم", "Evaluation"), id="evaluation"):
                _evaluation_tab(a)
        api = Api(a)
        gr.api(api.ask, api_name="ask", concurrency_id="ask", concurrency_limit=ASK_CONCURRENCY)
        gr.api(api.ask_stream, api_name="ask_stream", concurrency_id="ask", concurrency_limit=ASK_CONCURRENCY)
        gr.api(api.search, api_name="search", concurrency_id="model")
        gr.api(api.summarize, api_name="summarize", concurrency_id="model")
        gr.api(api.documents, api_name="documents")
    return demo


def _esc(text: str) -> str:
    import html

    return html.escape(text)


def _md_text(text: str) -> str:
    """Text shown inside Markdown: no HTML, no markup."""
    import html

    return re.sub(r"([\\`*_{}\[\]()#+!|<>-])", r"\\\1", html.unescape(html.escape(text)))


def serve(
    data_dir: Path | str | None = None,
    host: str | None = None,
    port: int | None = None,
    sample: bool = True,
    block: bool = True,
) -> Any:
    """Open (or build) the index, then start the web app. Returns the Gradio app when not blocking."""
    a = Assistant(data_dir=data_dir) if data_dir else Assistant()
    host = host or a.settings.server_name
    port = int(port or a.settings.server_port)
    auth = parse_auth(a.settings.auth)
    if not is_loopback(host) and not auth:
        raise ConfigError(
            f"refusing to listen on {host} without a login: set ASSISTANT_AUTH='user:password' or bind to 127.0.0.1"
        )
    a.warm_up()  # load the models (and the question path) before the first request
    if sample:
        ensure_samples(a)
    demo = build_app(a)
    demo.queue(default_concurrency_limit=1, max_size=64)
    print(f"serving {a.stats()['documents']} documents from {a.settings.data_dir} at http://{host}:{port}", flush=True)
    demo.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        prevent_thread_lock=not block,
        quiet=True,
        max_file_size=f"{int(a.settings.max_file_mb)}mb",
        css=CSS + RTL_CSS,
        footer_links=["api"],
        show_error=False,
    )
    return demo
