"""The Gradio web app: its layout and ``serve``. Start with ``python app.py``. The handlers are in
``handlers`` (re-exported here)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.config import ANSWER_MODES, RETRIEVERS
from assistant.core import Assistant
from assistant.errors import ConfigError
from assistant.resources import sample_articles
from assistant.text.words import safe_name
from assistant.web.api import LoginGuard, is_loopback, parse_auth
from assistant.web.chat import Chat, on_answer, on_new_chat, on_send
from assistant.web.handlers import (  # noqa: E402
    ASK_CONCURRENCY,
    BUNDLED_SETS,
    EVAL_COLUMNS,
    Api,
    docs_rows,
    on_delete,
    on_eval,
    on_findings,
    on_ingest,
)
from assistant.web.render import (
    CSS,
    RTL_CSS,
    conversation_html,
)

__all__ = ["build_app", "ensure_samples", "is_loopback", "parse_auth", "safe_name", "serve"]

log = logging.getLogger("assistant.web.app")


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
    chat = gr.State(Chat())  # each tab gets its own copy
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
    # Every Enter or Send counts, even while an answer is still coming: the question is taken at once (shown,
    # waiting its turn) and the answering runs after it; sent meanwhile, it runs again when it ends, so a
    # question is never dropped (web/chat.py). Many askers at once: each gets the quote at once; the LLM
    # itself takes one at a time (Assistant.gate).
    sent = gr.on(
        [send.click, question.submit],
        on_send,
        [chat, question, k, retriever, mode],  # a question is answered with the settings it was sent with
        [question, convo],
        api_visibility="private",
        trigger_mode="multiple",
        show_progress="hidden",
    )
    sent.then(
        _bind(on_answer, a),
        [chat],
        [convo],
        api_visibility="private",
        concurrency_id="ask",
        concurrency_limit=ASK_CONCURRENCY,
        trigger_mode="always_last",
        show_progress="hidden",
    )
    clear.click(on_new_chat, [chat], [convo], api_visibility="private", show_progress="hidden")


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
        column_widths=["15%", "41%", "10%", "20%", "6%", "8%"],  # all six in view; the title wraps
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
        gr.api(api.ask_after, api_name="ask_after", concurrency_id="ask", concurrency_limit=ASK_CONCURRENCY)
        gr.api(api.search, api_name="search", concurrency_id="model")
        gr.api(api.summarize, api_name="summarize", concurrency_id="model")
        gr.api(api.documents, api_name="documents")
    return demo


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
    if a.settings.share and not auth:
        raise ConfigError(
            "refusing a public share link (GRADIO_SHARE) without a login: set ASSISTANT_AUTH='user:password' "
            "or unset GRADIO_SHARE"
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
        auth=LoginGuard(auth) if auth else None,
        share=a.settings.share,  # explicit: Gradio would otherwise read GRADIO_SHARE itself
        prevent_thread_lock=not block,
        quiet=True,
        max_file_size=f"{int(a.settings.max_file_mb)}mb",
        state_session_capacity=a.settings.web_sessions,
        css=CSS + RTL_CSS,
        footer_links=["api"],
        # Every handler turns its own failures into a clear gr.Error (web/api.user_errors: anything
        # unexpected is logged and named by type only), so what this shows besides are Gradio's own
        # refusals before a handler runs — a server path given to /ingest ("… was not uploaded by a
        # user"), a malformed file parameter — which would otherwise reach the client as {"error": null}.
        show_error=True,
    )
    return demo
