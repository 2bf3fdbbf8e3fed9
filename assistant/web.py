"""The Gradio web app: thin handlers over the Assistant facade. Start with ``python app.py``."""
from __future__ import annotations

import ipaddress
import logging
import os
import queue
import re
import shutil
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .core import Assistant
from .errors import AssistantError, ConfigError
from .render import CSS, RTL_CSS, answer_html, conversation_html, findings_html, findings_markdown

log = logging.getLogger("assistant.web")
SAMPLES = Path(__file__).parent / "samples" / "articles"
EVAL_DIR = Path(__file__).resolve().parent.parent / "eval"
BUNDLED_SETS = {"XQuAD-ar (1190 أسئلة)": "xquad-ar", "XQuAD-en": "xquad-en", "ARCD train": "arcd"}
_SAFE_NAME = re.compile(r"[^\w\u0600-\u06FF .()\-]+")


def L(ar: str, en: str) -> str:  # noqa: N802 - a label in both languages
    return f"{ar} · {en}"


def safe_name(name: str) -> str:
    """A file name that cannot leave the upload folder (no separators, no NUL, no dot-dot)."""
    base = name.replace("\\", "/").split("/")[-1].replace("\x00", "")
    base = _SAFE_NAME.sub("_", base).strip(" .")
    return base or "upload"


def _fail(exc: Exception) -> None:
    import gradio as gr

    if isinstance(exc, AssistantError):
        raise gr.Error(str(exc)) from exc
    log.exception("unexpected error in a web handler")
    raise gr.Error(f"unexpected error ({type(exc).__name__}); the details are in the server log") from exc


def ensure_samples(a: Assistant) -> None:
    """On first run (an index never written to), index the bundled sample articles so that a new user
    can ask right away. An index whose documents were all removed stays empty."""
    if a.index.generation == 0:
        files = sorted(SAMPLES.iterdir())
        print(f"indexing {len(files)} bundled sample articles into {a.settings.data_dir} …", flush=True)
        rep = a.ingest(files)
        print(f"  {rep.documents} documents, {rep.chunks} chunks", flush=True)


def _docs_rows(a: Assistant, needle: str = "") -> list[list[Any]]:
    rows = []
    for d in a.documents():
        if needle and needle.lower() not in (d["title"] + " " + d["source"]).lower():
            continue
        rows.append([d["doc_id"], d["title"], d["date"] or "", Path(d["source"]).name, d["language"], d["n_chunks"]])
    return rows


def _extract_uploads(files: list[str], dest: Path) -> list[Path]:
    """Copy uploads (and zip members) into dest under safe names."""
    dest.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    for f in files or []:
        src = Path(f)
        if zipfile.is_zipfile(src):
            with zipfile.ZipFile(src) as z:
                for info in z.infolist():
                    if info.is_dir():
                        continue
                    target = dest / safe_name(info.filename)
                    with z.open(info) as fin, open(target, "wb") as fout:
                        shutil.copyfileobj(fin, fout, 1 << 20)
                    out.append(target)
        else:
            target = dest / safe_name(src.name)
            shutil.copyfile(src, target)
            out.append(target)
    return out


def build_app(a: Assistant, ui_lang: str = "ar"):  # noqa: ANN201, C901
    import gradio as gr

    with gr.Blocks(title="مساعد المقالات · Article assistant") as demo:
        gr.Markdown("## مساعد المقالات · Article assistant", elem_id="app-title")
        with gr.Tabs():
            # ------------------------------------------------------------------ chat
            with gr.Tab(L("اسأل", "Ask"), id="ask"):
                turns = gr.State([])
                convo = gr.HTML(conversation_html([]), elem_id="conversation")
                with gr.Row():
                    question = gr.Textbox(label=L("السؤال", "Question"), lines=2, scale=5, elem_id="question",
                                          placeholder="كم دولة التزمت بإرسال جنود ضمن قوة أمنية؟")
                    with gr.Column(scale=1, min_width=120):
                        send = gr.Button(L("إرسال", "Send"), variant="primary", elem_id="send")
                        clear = gr.Button(L("محادثة جديدة", "New chat"), elem_id="new-chat")
                with gr.Accordion(L("إعدادات الاسترجاع", "Retrieval settings"), open=False):
                    k = gr.Slider(1, 20, value=a.settings.top_k, step=1, label=L("عدد المقاطع", "Passages (k)"))
                    retriever = gr.Radio(["hybrid", "dense", "bm25"], value=a.settings.retriever,
                                         label=L("المسترجع", "Retriever"))
                    mode = gr.Radio(["auto", "extractive", "generative"], value=a.settings.answer_mode,
                                    label=L("نمط الإجابة", "Answer mode"))

                def on_ask(q: str, history: list, k_: float, retr: str, mode_: str) -> Iterator[tuple]:
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
                            box["answer"] = a.ask(q, k=int(k_), retriever=retr, mode=mode_, on_token=tokens.put)
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
                        _fail(box["error"])
                    ans = box["answer"]
                    ids = [c.chunk_id for c in ans.citations]
                    recs = a.index.chunks_by_id(ids)
                    passages = {cid: (ch.text, ch.start) for cid, (ch, _) in recs.items()}
                    new = history + [(q, answer_html(ans, turn, passages))]
                    yield conversation_html(new), new, ""

                send.click(on_ask, [question, turns, k, retriever, mode], [convo, turns, question],
                           api_visibility="private", concurrency_id="model")
                question.submit(on_ask, [question, turns, k, retriever, mode], [convo, turns, question],
                                api_visibility="private", concurrency_id="model")
                clear.click(lambda: (conversation_html([]), []), None, [convo, turns], api_visibility="private")

            # --------------------------------------------------------------- findings
            with gr.Tab(L("ملخص النتائج", "Findings"), id="findings"):
                with gr.Row():
                    f_file = gr.File(label=L("ملف المقال", "Article file"), file_types=[".txt", ".md", ".html", ".htm", ".pdf", ".docx"],
                                     elem_id="findings-file")
                    f_text = gr.Textbox(label=L("أو الصق النص", "or paste the text"), lines=6, elem_id="findings-text")
                with gr.Row():
                    f_lang = gr.Radio(["auto", "ar", "en"], value="auto", label=L("اللغة", "Language"))
                    f_related = gr.Checkbox(value=True, label=L("تغطية سابقة من الأرشيف", "Related coverage from the archive"))
                    f_go = gr.Button(L("صياغة النتائج", "Draft findings"), variant="primary", elem_id="draft")
                f_out = gr.HTML(elem_id="findings-out")
                f_md = gr.Textbox(label="Markdown", lines=6, buttons=["copy"], elem_id="findings-md")
                f_dl = gr.File(label=L("تنزيل", "Download"), elem_id="findings-download")

                def on_findings(file: str | None, text: str, lang: str, related: bool):  # noqa: ANN202
                    try:
                        f = a.summarize(path=file or None, text=None if file else text,
                                        lang=None if lang == "auto" else lang, related=related)
                    except Exception as exc:
                        _fail(exc)
                    md = findings_markdown(f)
                    out = Path(tempfile.mkdtemp(prefix="findings-")) / "findings.md"
                    out.write_text(md, encoding="utf-8")
                    return findings_html(f), md, str(out)

                f_go.click(on_findings, [f_file, f_text, f_lang, f_related], [f_out, f_md, f_dl],
                           api_visibility="private", concurrency_id="model")

            # ---------------------------------------------------------------- library
            with gr.Tab(L("المكتبة", "Library"), id="library"):
                up = gr.File(label=L("ملفات أو ملف zip", "Files or a zip"), file_count="multiple", elem_id="upload")
                ingest_btn = gr.Button(L("إضافة إلى الفهرس", "Add to the index"), variant="primary", elem_id="ingest")
                ingest_msg = gr.Markdown(elem_id="ingest-result")
                with gr.Row():
                    needle = gr.Textbox(label=L("بحث في العناوين", "Filter titles"), scale=3)
                    del_id = gr.Textbox(label=L("معرّف المستند للحذف", "Document id to delete"), scale=2, elem_id="delete-id")
                    del_btn = gr.Button(L("حذف", "Delete"), variant="stop", scale=1, elem_id="delete")
                table = gr.Dataframe(value=_docs_rows(a), headers=["id", "title", "date", "source", "lang", "chunks"],
                                     datatype=["str", "str", "str", "str", "str", "number"], interactive=False,
                                     wrap=True, elem_id="docs-table")

                def on_ingest(files: list[str] | None, progress=gr.Progress()):  # noqa: ANN001, ANN202, B008
                    if not files:
                        raise gr.Error("اختر ملفات أولاً · choose files first")
                    dest = Path(a.settings.data_dir) / "uploads" / time.strftime("%Y%m%d-%H%M%S")
                    try:
                        paths = _extract_uploads(files, dest)
                        rep = a.ingest(paths, progress=lambda d, t, w: progress(d / max(t, 1), desc=w))
                    except Exception as exc:
                        _fail(exc)
                    lines = [f"**{rep.added}** added · **{rep.updated}** updated · **{rep.unchanged}** unchanged · "
                             f"**{len(rep.failed)}** failed — {rep.documents} documents, {rep.chunks} chunks"]
                    lines += [f"- ⚠ {_md_text(Path(f['path']).name)}: {_md_text(f['error'].split(': ', 1)[-1])}"
                              for f in rep.failed]
                    lines += [f"- ⧉ {_md_text(Path(d['path']).name)} = {_md_text(Path(d['duplicate_of']).name)}"
                              for d in rep.duplicates]
                    return "\n".join(lines), _docs_rows(a)

                def on_delete(doc_id: str, needle_: str):  # noqa: ANN202
                    try:
                        n = a.remove(doc_id.strip())
                    except Exception as exc:
                        _fail(exc)
                    return f"removed {_md_text(doc_id)} ({n} chunks)", _docs_rows(a, needle_)

                ingest_btn.click(on_ingest, [up], [ingest_msg, table], api_name="ingest", concurrency_id="write")
                del_btn.click(on_delete, [del_id, needle], [ingest_msg, table], api_visibility="private",
                              concurrency_id="write")
                needle.change(lambda s: _docs_rows(a, s), [needle], [table], api_visibility="private")

            # ------------------------------------------------------------- evaluation
            with gr.Tab(L("التقييم", "Evaluation"), id="evaluation"):
                with gr.Row():
                    ds_choice = gr.Dropdown(list(BUNDLED_SETS), value=next(iter(BUNDLED_SETS)),
                                            label=L("مجموعة البيانات", "Dataset"), elem_id="dataset")
                    ds_upload = gr.File(label=L("أو ارفع SQuAD JSON أو BEIR zip", "or upload SQuAD JSON / BEIR zip"))
                    retrs = gr.CheckboxGroup(["bm25", "dense", "hybrid"], value=["bm25", "dense", "hybrid"],
                                             label=L("المسترجعات", "Retrievers"))
                ev_btn = gr.Button(L("تشغيل التقييم", "Run evaluation"), variant="primary", elem_id="run-eval")
                ev_table = gr.Dataframe(headers=["retriever", "ndcg@10", "recall@1", "recall@5", "mrr@10", "map"],
                                        interactive=False, elem_id="eval-table")
                ev_chart = gr.Image(label=L("مخطط", "Chart"), type="filepath", elem_id="eval-chart")
                ev_report = gr.File(label=L("التقرير", "Report"))

                def on_eval(choice: str, upload: str | None, names: list[str], progress=gr.Progress()):  # noqa: ANN001, ANN202, B008
                    from .evaluation.datasets import load_dataset
                    from .evaluation.retrieval import evaluate_retrieval

                    try:
                        if upload:
                            src = Path(upload)
                            if zipfile.is_zipfile(src):
                                folder = Path(tempfile.mkdtemp(prefix="beir-"))
                                _extract_beir(src, folder)
                                ds = load_dataset(folder)
                            else:
                                ds = load_dataset(src)
                        else:
                            ds = load_dataset(EVAL_DIR / BUNDLED_SETS[choice])
                        out = Path(tempfile.mkdtemp(prefix="eval-"))
                        res = evaluate_retrieval(ds, a.embedder, a.settings, names or ["hybrid"], None, out,
                                                 progress=lambda d, t, w: progress(d / max(t, 1), desc="indexing"))
                    except Exception as exc:
                        _fail(exc)
                    rows = [[n, *(round(m[c], 4) for c in ("ndcg@10", "recall@1", "recall@5", "mrr@10", "map"))]
                            for n, m in res["retrievers"].items()]
                    return rows, str(out / "metrics.png"), str(out / "report.md")

                ev_btn.click(on_eval, [ds_choice, ds_upload, retrs], [ev_table, ev_chart, ev_report],
                             api_visibility="private", concurrency_id="model")

        # ---------------------------------------------------------------- JSON API
        def ask(question: str, k: int = 5, retriever: str = "hybrid", mode: str = "auto") -> dict:
            """Answer a question from the indexed articles, with checked citations."""
            try:
                return a.ask(question, k=int(k), retriever=retriever, mode=mode).to_json()
            except Exception as exc:
                _fail(exc)

        def search(query: str, k: int = 5, retriever: str = "hybrid") -> list:
            """Retrieve the passages that best match a query."""
            try:
                return [h.to_json() for h in a.search(query, k=int(k), retriever=retriever)]
            except Exception as exc:
                _fail(exc)

        def summarize(text: str, lang: str = "auto", related: bool = False) -> dict:
            """Draft the findings of an article given as text."""
            try:
                return a.summarize(text=text, lang=None if lang == "auto" else lang, related=related).to_json()
            except Exception as exc:
                _fail(exc)

        def documents() -> list:
            """List the indexed documents."""
            return a.documents()

        gr.api(ask, api_name="ask", concurrency_id="model")
        gr.api(search, api_name="search", concurrency_id="model")
        gr.api(summarize, api_name="summarize", concurrency_id="model")
        gr.api(documents, api_name="documents")
    return demo


def _extract_beir(src: Path, folder: Path) -> None:
    with zipfile.ZipFile(src) as z:
        for info in z.infolist():
            parts = [p for p in info.filename.replace("\\", "/").split("/") if p and p != ".."]
            if info.is_dir() or not parts:
                continue
            # keep only the BEIR layout: corpus.jsonl, queries.jsonl, qrels/*.tsv
            rel = Path(*parts[-2:]) if parts[-2:-1] == ["qrels"] else Path(parts[-1])
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            with z.open(info) as fin, open(folder / rel, "wb") as fout:
                shutil.copyfileobj(fin, fout)


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
    a.embedder.embed_queries(["تهيئة"])  # load the model (and its question path) before the first request
    if sample:
        ensure_samples(a)
    ui_lang = os.environ.get("ASSISTANT_UI_LANG", "ar")
    demo = build_app(a, ui_lang)
    demo.queue(default_concurrency_limit=1, max_size=64)
    print(f"serving {a.index.counts()[0]} documents from {a.settings.data_dir} at http://{host}:{port}", flush=True)
    demo.launch(server_name=host, server_port=port, auth=auth, prevent_thread_lock=not block, quiet=True,
                max_file_size=f"{int(a.settings.max_file_mb)}mb", css=CSS + (RTL_CSS if ui_lang == "ar" else ""),
                footer_links=["api"], show_error=False)
    return demo
