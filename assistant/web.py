"""The Gradio web app: layout, plus thin handlers over the Assistant facade. Start with ``python app.py``.

Handlers are module-level functions that take the facade first (bound when the app is built), so
they can be tested without a browser; ``user_errors`` turns every failure into one message.
"""
from __future__ import annotations

import functools
import inspect
import ipaddress
import logging
import os
import queue
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .config import ANSWER_MODES, RETRIEVERS
from .core import Assistant
from .errors import AssistantError, ConfigError
from .render import CSS, RTL_CSS, answer_html, conversation_html, findings_html, findings_markdown
from .uploads import extract_uploads, safe_name

__all__ = ["build_app", "ensure_samples", "is_loopback", "parse_auth", "safe_name", "serve"]

log = logging.getLogger("assistant.web")
SAMPLES = Path(__file__).parent / "samples" / "articles"
EVAL_DIR = Path(__file__).resolve().parent.parent / "eval"
BUNDLED_SETS = {"XQuAD-ar (1190 أسئلة)": "xquad-ar", "XQuAD-en": "xquad-en", "ARCD train": "arcd"}
EVAL_COLUMNS = ("ndcg@10", "recall@1", "recall@5", "mrr@10", "map")


def L(ar: str, en: str) -> str:  # noqa: N802 - a label in both languages
    return f"{ar} · {en}"


def user_errors(fn: Callable) -> Callable:
    """The one error rule of every handler: our errors as they are, anything else logged and named."""

    def fail(exc: Exception) -> None:
        import gradio as gr

        if isinstance(exc, gr.Error):
            raise exc
        if isinstance(exc, AssistantError):
            raise gr.Error(str(exc)) from exc
        log.exception("unexpected error in a web handler")
        raise gr.Error(f"unexpected error ({type(exc).__name__}); the details are in the server log") from exc

    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def stream(*args: Any, **kwargs: Any) -> Iterator[Any]:
            try:
                yield from fn(*args, **kwargs)
            except Exception as exc:
                fail(exc)
        return stream

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            fail(exc)
    return call


def ensure_samples(a: Assistant) -> None:
    """On first run (an index never written to), index the bundled sample articles so that a new user
    can ask right away. An index whose documents were all removed stays empty."""
    if a.stats()["generation"] == 0:
        files = sorted(SAMPLES.iterdir())
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
    """The chat: the question at once, the answer as it streams, then the answer with its sources."""
    q = (q or "").strip()
    if not q:
        yield conversation_html(history), history, ""
        return
    turn = len(history) + 1
    pending = history + [(q, '<div class="answer streaming" dir="auto">…</div>')]
    yield conversation_html(pending), history, ""
    tokens: queue.Queue = queue.Queue()
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["answer"] = a.ask(q, k=int(k), retriever=retriever, mode=mode, on_token=tokens.put)
        except Exception as exc:  # handed to the request thread
            box["error"] = exc
        finally:
            tokens.put(None)

    threading.Thread(target=work, daemon=True).start()
    partial = ""
    while (tok := tokens.get()) is not None:
        partial += tok
        live = f'<div class="answer streaming" dir="auto">{_esc(partial)}</div>'
        yield conversation_html(history + [(q, live)]), history, ""
    if "error" in box:
        raise box["error"]
    ans = box["answer"]
    new = history + [(q, answer_html(ans, turn, a.passages([c.chunk_id for c in ans.citations])))]
    yield conversation_html(new), new, ""


@user_errors
def on_findings(a: Assistant, file: str | None, text: str, lang: str, related: bool) -> tuple[str, str, str]:
    f = a.summarize(path=file or None, text=None if file else text, lang=None if lang == "auto" else lang,
                    related=related)
    md = findings_markdown(f)
    out = Path(tempfile.mkdtemp(prefix="findings-")) / "findings.md"
    out.write_text(md, encoding="utf-8")
    return findings_html(f), md, str(out)


@user_errors
def on_ingest(a: Assistant, files: list[str] | None, progress: Any = None) -> tuple[str, list]:
    import gradio as gr

    if not files:
        raise gr.Error("اختر ملفات أولاً · choose files first")
    dest = Path(a.settings.data_dir) / "uploads" / time.strftime("%Y%m%d-%H%M%S")
    paths = extract_uploads(files, dest)
    step = (lambda d, t, w: progress(d / max(t, 1), desc=w)) if progress is not None else None
    rep = a.ingest(paths, progress=step)
    lines = [f"**{rep.added}** added · **{rep.updated}** updated · **{rep.unchanged}** unchanged · "
             f"**{len(rep.failed)}** failed — {rep.documents} documents, {rep.chunks} chunks"]
    lines += [f"- ⚠ {_md_text(Path(f['path']).name)}: {_md_text(f['error'].split(': ', 1)[-1])}" for f in rep.failed]
    lines += [f"- ⧉ {_md_text(Path(d['path']).name)} = {_md_text(Path(d['duplicate_of']).name)}"
              for d in rep.duplicates]
    return "\n".join(lines), docs_rows(a)


@user_errors
def on_delete(a: Assistant, doc_id: str, needle: str) -> tuple[str, list]:
    n = a.remove(doc_id.strip())
    return f"removed {_md_text(doc_id)} ({n} chunks)", docs_rows(a, needle)


@user_errors
def on_eval(a: Assistant, choice: str, upload: str | None, names: list[str], progress: Any = None) -> tuple:
    from .evaluation.datasets import load_dataset, open_dataset

    work = Path(tempfile.mkdtemp(prefix="eval-"))
    ds = open_dataset(Path(upload), work) if upload else load_dataset(EVAL_DIR / BUNDLED_SETS[choice])
    step = (lambda d, t, w: progress(d / max(t, 1), desc="indexing")) if progress is not None else None
    out = work / "report"
    res = a.evaluate_retrieval(ds, names or ["hybrid"], None, out, progress=step)
    rows = [[n, *(round(m[c], 4) for c in EVAL_COLUMNS)] for n, m in res["retrievers"].items()]
    return rows, str(out / "metrics.png"), str(out / "report.md")


class Api:
    """The named endpoints for programs (gradio_client); None means the configured default."""

    def __init__(self, a: Assistant) -> None:
        self.a = a

    @user_errors
    def ask(self, question: str, k: int | None = None, retriever: str | None = None,
            mode: str | None = None) -> dict:
        """Answer a question from the indexed articles, with checked citations."""
        return self.a.ask(question, k=int(k) if k else None, retriever=retriever or None, mode=mode or None).to_json()

    @user_errors
    def search(self, query: str, k: int | None = None, retriever: str | None = None) -> list:
        """Retrieve the passages that best match a query."""
        return [h.to_json() for h in self.a.search(query, k=int(k) if k else None, retriever=retriever or None)]

    @user_errors
    def summarize(self, text: str, lang: str = "auto", related: bool = False) -> dict:
        """Draft the findings of an article given as text."""
        return self.a.summarize(text=text, lang=None if lang == "auto" else lang, related=related).to_json()

    @user_errors
    def documents(self) -> list:
        """List the indexed documents."""
        return self.a.documents()


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
        question = gr.Textbox(label=L("السؤال", "Question"), lines=2, scale=5, elem_id="question",
                              placeholder="كم دولة التزمت بإرسال جنود ضمن قوة أمنية؟")
        with gr.Column(scale=1, min_width=120):
            send = gr.Button(L("إرسال", "Send"), variant="primary", elem_id="send")
            clear = gr.Button(L("محادثة جديدة", "New chat"), elem_id="new-chat")
    with gr.Accordion(L("إعدادات الاسترجاع", "Retrieval settings"), open=False):
        k = gr.Slider(1, 20, value=s.top_k, step=1, label=L("عدد المقاطع", "Passages (k)"))
        retriever = gr.Radio(list(RETRIEVERS), value=s.retriever, label=L("المسترجع", "Retriever"))
        mode = gr.Radio(list(ANSWER_MODES), value=s.answer_mode, label=L("نمط الإجابة", "Answer mode"))
    inputs, outputs = [question, turns, k, retriever, mode], [convo, turns, question]
    for event in (send.click, question.submit):
        event(_bind(on_ask, a), inputs, outputs, api_visibility="private", concurrency_id="model")
    clear.click(lambda: (conversation_html([]), []), None, [convo, turns], api_visibility="private")


def _findings_tab(a: Assistant) -> None:
    import gradio as gr

    with gr.Row():
        file = gr.File(label=L("ملف المقال", "Article file"), file_types=[".txt", ".md", ".html", ".htm", ".pdf", ".docx"],
                       elem_id="findings-file")
        text = gr.Textbox(label=L("أو الصق النص", "or paste the text"), lines=6, elem_id="findings-text")
    with gr.Row():
        lang = gr.Radio(["auto", "ar", "en"], value="auto", label=L("اللغة", "Language"))
        related = gr.Checkbox(value=True, label=L("تغطية سابقة من الأرشيف", "Related coverage from the archive"))
        go = gr.Button(L("صياغة النتائج", "Draft findings"), variant="primary", elem_id="draft")
    out = gr.HTML(elem_id="findings-out")
    md = gr.Textbox(label="Markdown", lines=6, buttons=["copy"], elem_id="findings-md")
    download = gr.File(label=L("تنزيل", "Download"), elem_id="findings-download")
    go.click(_bind(on_findings, a), [file, text, lang, related], [out, md, download], api_visibility="private",
             concurrency_id="model")


def _library_tab(a: Assistant) -> None:
    import gradio as gr

    up = gr.File(label=L("ملفات أو ملف zip", "Files or a zip"), file_count="multiple", elem_id="upload")
    ingest_btn = gr.Button(L("إضافة إلى الفهرس", "Add to the index"), variant="primary", elem_id="ingest")
    msg = gr.Markdown(elem_id="ingest-result")
    with gr.Row():
        needle = gr.Textbox(label=L("بحث في العناوين", "Filter titles"), scale=3)
        del_id = gr.Textbox(label=L("معرّف المستند للحذف", "Document id to delete"), scale=2, elem_id="delete-id")
        del_btn = gr.Button(L("حذف", "Delete"), variant="stop", scale=1, elem_id="delete")
    table = gr.Dataframe(value=docs_rows(a), headers=["id", "title", "date", "source", "lang", "chunks"],
                         datatype=["str", "str", "str", "str", "str", "number"], interactive=False,
                         wrap=True, elem_id="docs-table")
    ingest_btn.click(_with_progress(on_ingest, a), [up], [msg, table], api_name="ingest", concurrency_id="write")
    del_btn.click(_bind(on_delete, a), [del_id, needle], [msg, table], api_visibility="private",
                  concurrency_id="write")
    needle.change(_bind(docs_rows, a), [needle], [table], api_visibility="private")


def _evaluation_tab(a: Assistant) -> None:
    import gradio as gr

    with gr.Row():
        choice = gr.Dropdown(list(BUNDLED_SETS), value=next(iter(BUNDLED_SETS)),
                             label=L("مجموعة البيانات", "Dataset"), elem_id="dataset")
        upload = gr.File(label=L("أو ارفع SQuAD JSON أو BEIR zip", "or upload SQuAD JSON / BEIR zip"))
        names = gr.CheckboxGroup(list(RETRIEVERS)[::-1], value=list(RETRIEVERS)[::-1],
                                 label=L("المسترجعات", "Retrievers"))
    run = gr.Button(L("تشغيل التقييم", "Run evaluation"), variant="primary", elem_id="run-eval")
    table = gr.Dataframe(headers=["retriever", *EVAL_COLUMNS], interactive=False, elem_id="eval-table")
    chart = gr.Image(label=L("مخطط", "Chart"), type="filepath", elem_id="eval-chart")
    report = gr.File(label=L("التقرير", "Report"))
    run.click(_with_progress(on_eval, a), [choice, upload, names], [table, chart, report],
              api_visibility="private", concurrency_id="model")


def build_app(a: Assistant):  # noqa: ANN201
    import gradio as gr

    with gr.Blocks(title="مساعد المقالات · Article assistant") as demo:
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
        gr.api(api.ask, api_name="ask", concurrency_id="model")
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


def parse_auth(value: str | None) -> list[tuple[str, str]] | None:
    if not value:
        return None
    pairs = []
    for item in value.split(","):
        user, sep, pw = item.strip().partition(":")
        if not sep or not user or not pw:
            raise ConfigError("ASSISTANT_AUTH must look like 'user:password' (comma-separated for several users)")
        pairs.append((user, pw))
    return pairs


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(data_dir: Path | str | None = None, host: str | None = None, port: int | None = None,
          sample: bool = True, block: bool = True) -> Any:
    """Open (or build) the index, then start the web app. Returns the Gradio app when not blocking."""
    host = host or os.environ.get("GRADIO_SERVER_NAME") or "127.0.0.1"
    port = int(port or os.environ.get("GRADIO_SERVER_PORT") or 7860)
    auth = parse_auth(os.environ.get("ASSISTANT_AUTH"))
    if not is_loopback(host) and not auth:
        raise ConfigError(f"refusing to listen on {host} without a login: set ASSISTANT_AUTH='user:password' "
                          "or bind to 127.0.0.1")
    kwargs = {"data_dir": data_dir} if data_dir else {}
    a = Assistant(**kwargs)
    a.warm_up()  # load the models (and the question path) before the first request
    if sample:
        ensure_samples(a)
    demo = build_app(a)
    demo.queue(default_concurrency_limit=1, max_size=64)
    print(f"serving {a.stats()['documents']} documents from {a.settings.data_dir} at http://{host}:{port}", flush=True)
    demo.launch(server_name=host, server_port=port, auth=auth, prevent_thread_lock=not block, quiet=True,
                max_file_size=f"{int(a.settings.max_file_mb)}mb", css=CSS + RTL_CSS, footer_links=["api"],
                show_error=False)
    return demo
