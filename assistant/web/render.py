"""HTML for the web app. Every piece of document or user text goes through ``esc``: text, never HTML."""

from __future__ import annotations

import html
import re

from assistant.prompts import UI
from assistant.records import Answer, Citation, Dropped, Findings, Hit, said_in
from assistant.text.arabic import detect_language

_MARK = re.compile(r"\[(\d+)\]")


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _dir(text: str) -> str:
    return "rtl" if detect_language(text) == "ar" else "ltr"


def answer_html(ans: Answer, turn: int, passages: dict[int, tuple[str, int]] | None = None) -> str:
    """The answer with its [n] markers as links to the source cards below it."""
    lang = ans.language
    body = esc(ans.answer)
    body = _MARK.sub(lambda m: f'<a class="cite" href="#src-{turn}-{m.group(1)}">[{m.group(1)}]</a>', body)
    cls = "answer abstained" if ans.abstained else "answer"
    parts = [f'<div class="{cls}" dir="{_dir(ans.answer)}" data-mode="{esc(ans.mode)}">{body}</div>']
    if ans.citations:
        parts.append(f'<div class="sources-label" dir="auto">{esc(UI[lang]["sources"])}</div>')
        seen = set()
        for c in ans.citations:
            if c.n in seen:
                continue
            seen.add(c.n)
            text, start = (passages or {}).get(c.chunk_id, (c.passage or None, c.passage_start))
            parts.append(source_card(c, turn, text, start))
    if ans.nearest:
        parts.append(f'<div class="sources-label" dir="auto">{esc(UI[lang]["nearest"])}</div>')
        parts.extend(hit_card(h) for h in ans.nearest)
    if ans.llm_status == "translated quote":
        parts.append(f'<div class="llm-status translated" dir="auto">{esc(UI[lang]["translated quote"])}</div>')
    elif ans.llm_status and ans.llm_status != "used":
        parts.append(
            f'<div class="llm-status" dir="auto">{esc(UI[lang]["draft_not_used"])}: '
            f"{esc(UI[lang].get(ans.llm_status, ans.llm_status))}</div>"
        )
    parts.append(dropped_html(ans.dropped, lang))
    return "".join(parts)


def dropped_html(dropped: tuple[Dropped, ...], lang: str) -> str:
    """The model's sentences that did not pass, collapsed and counted, each with why, in the page's language."""
    if not dropped:
        return ""
    ui = UI.get(lang, UI["en"])
    items = "".join(f'<li dir="auto">{esc(d.sentence)} — <em>{esc(said_in(d.reason, lang))}</em></li>' for d in dropped)
    return (
        f'<details class="dropped"><summary dir="auto">{esc(ui["not_verified"])} · {esc(ui["unsupported"])} '
        f"({len(dropped)})</summary><ul>{items}</ul></details>"
    )


def draft_html(text: str, ahead: int | None = None) -> str:
    """The LLM's draft as it streams under the quote (or the place in the model's queue)."""
    if not text:
        wait = (
            f"بانتظار النموذج: {ahead} قبلك · waiting for the model: {ahead} ahead of you"
            if ahead
            else "يكتب النموذج إجابة… · the model is drafting an answer…"
        )
        return f'<div class="draft waiting" dir="auto">{esc(wait)}</div>'
    return (
        f'<div class="draft streaming" dir="{_dir(text)}"><span class="draft-label">'
        f"{esc('مسودة قيد التحقق · draft, being checked')}</span> {esc(text)}</div>"
    )


def _meta(title: str, date: str | None, heading: str, page: int | None) -> str:
    bits = [f'<span class="title">{esc(title)}</span>']
    if date:
        bits.append(f'<bdi class="date" dir="ltr">{esc(date)}</bdi>')
    if heading:
        bits.append(f'<span class="heading">{esc(heading)}</span>')
    if page:
        bits.append(f'<bdi class="page" dir="ltr">p. {int(page)}</bdi>')
    return " · ".join(bits)


def source_card(c: Citation, turn: int, passage: str | None = None, offset: int = 0) -> str:
    """A source card: document, date, heading, page, and the quote highlighted in its passage.

    ``offset`` is the passage's start in the document, so the quote is located by its offsets.
    """
    quote = f"<mark>{esc(c.quote)}</mark>"
    a, b = c.start - offset, c.end - offset
    if passage is not None and 0 <= a <= b <= len(passage) and passage[a:b] == c.quote:
        quote = esc(passage[:a]) + quote + esc(passage[b:])
    return (
        f'<div class="source" id="src-{turn}-{c.n}"><div class="meta" dir="auto">[{c.n}] '
        f"{_meta(c.title, c.date, c.heading, c.page)}</div>"
        f'<blockquote dir="{_dir(c.quote)}">{quote}</blockquote></div>'
    )


def hit_card(h: Hit) -> str:
    return (
        f'<div class="source near"><div class="meta" dir="auto">{_meta(h.title, h.date, h.chunk.heading, h.chunk.page)}'
        f'</div><blockquote dir="{_dir(h.chunk.text)}">{esc(h.chunk.text)}</blockquote></div>'
    )


def conversation_html(turns: list[tuple[str, ...]], coming: int = 0) -> str:
    """turns: (question, rendered answer HTML[, the question answered, when a follow-up was written out]).
    ``coming``: how many of the last turns are not final yet (the answer being written — the quote shown, the
    draft awaited or streaming — and the questions waiting their turn after it): each is marked
    ``aria-busy="true"`` until its final form, for screen readers and for whoever waits on it (the quote alone
    looks final for a moment before the draft starts)."""
    if not turns:
        return '<div class="empty" dir="auto">اطرح سؤالاً عن المقالات المفهرسة · Ask a question about the indexed articles</div>'  # noqa: E501
    out = []
    for i, (q, a_html, *asked) in enumerate(turns):
        out.append(f'<div class="msg user" dir="{_dir(q)}">{esc(q)}')
        if asked and asked[0] != q:
            label = "أُجيب بوصفه" if detect_language(asked[0]) == "ar" else "answered as"
            out.append(f'<div class="asked-as">{esc(label)}: «{esc(asked[0])}»</div>')
        out.append("</div>")
        pending = ' aria-busy="true"' if i >= len(turns) - coming else ""
        out.append(f'<div class="msg bot"{pending}>{a_html}</div>')
    return '<div class="conversation">' + "".join(out) + "</div>"


STARTED = '<div class="answer streaming" dir="auto">…</div>'  # an answer begun, nothing of it shown yet


def waiting_html() -> str:
    """A question sent while the answer before it is still coming: it waits its turn."""
    return (
        '<div class="answer waiting" dir="auto">ينتظر اكتمال الإجابة السابقة · waiting for the answer before it</div>'
    )


def error_html(message: str) -> str:
    """A question that could not be answered: why, in the conversation beside it (the question is kept)."""
    return f'<div class="answer error" role="alert" dir="auto">{esc(message)}</div>'


def findings_html(f: Findings) -> str:
    head = "النتائج" if f.language == "ar" else "Findings"
    d = "rtl" if f.language == "ar" else "ltr"
    out = [f'<div class="findings" dir="{d}"><h3>{esc(head)} — {esc(f.title)}</h3>']
    if f.excluded_section:
        note = (
            f"(استُبعد قسم «{f.excluded_section}» الموجود في المقال من المدخلات)"
            if f.language == "ar"
            else f"(the article's own section '{f.excluded_section}' was left out of the input)"
        )
        out.append(f'<p class="note">{esc(note)}</p>')
    out.append("<ol>")
    for fd in f.findings:
        refs = " ".join(f'<a class="cite" href="#para-{c.paragraph}">¶{c.paragraph}</a>' for c in fd.citations)
        related = "".join(
            f'<div class="related" dir="auto">↳ {esc(r.hit.title)}: {esc(r.quote)}</div>' for r in fd.related
        )
        out.append(f"<li>{esc(fd.text)} {refs}{related}</li>")
    out.append("</ol><details><summary>¶</summary>")
    cited = {c.paragraph for fd in f.findings for c in fd.citations}
    for i, p in enumerate(f.paragraphs, 1):
        cls = ' class="cited"' if i in cited else ""
        out.append(f'<p id="para-{i}"{cls} dir="auto"><b>¶{i}</b> {esc(p)}</p>')
    out.append("</details>" + dropped_html(f.dropped, f.language) + "</div>")
    return "".join(out)


def findings_markdown(f: Findings) -> str:
    head = "النتائج" if f.language == "ar" else "Findings"
    lines = [f"# {head}: {f.title}", ""]
    for i, fd in enumerate(f.findings, 1):
        refs = ", ".join(f"¶{c.paragraph}" for c in fd.citations)
        lines.append(f"{i}. {fd.text} [{refs}]")
        for r in fd.related:
            lines.append(f"   - {r.hit.title}: {r.quote}")
    return "\n".join(lines) + "\n"


CSS = """
.conversation { display: flex; flex-direction: column; gap: 10px; }
.msg { padding: 10px 14px; border-radius: 10px; max-width: 100%; line-height: 1.7; }
.msg.user { background: #eef2ff; align-self: flex-start; font-weight: 600; }
.asked-as { font-weight: 400; font-size: 0.85em; color: #475569; margin-top: 4px; }
.msg.bot { background: #f8fafc; border: 1px solid #e2e8f0; }
.answer { font-size: 1.05em; margin-bottom: 8px; }
.answer.abstained { color: #92400e; }
.answer.waiting { color: #64748b; font-style: italic; }
.answer.error { color: #b91c1c; }
.draft { margin-top: 8px; padding: 6px 10px; border: 1px dashed #94a3b8; color: #334155; }
.draft .draft-label { font-size: 0.8em; color: #64748b; }
.llm-status { font-size: 0.85em; color: #64748b; margin-top: 6px; }
.source { border-inline-start: 3px solid #6366f1; padding: 4px 10px; margin: 6px 0; background: white; }
.source.near { border-color: #94a3b8; }
.source .meta { font-size: 0.85em; color: #475569; }
.source blockquote { margin: 4px 0; }
.source mark { background: #fde68a; }
.sources-label { font-weight: 700; margin-top: 8px; }
a.cite { text-decoration: none; font-weight: 700; }
.findings li { margin-bottom: 8px; line-height: 1.7; }
.findings p.cited { background: #fef9c3; }
.related { font-size: 0.85em; color: #475569; }
.empty { color: #64748b; padding: 20px; text-align: center; }
textarea, input[type=text] { unicode-bidi: plaintext; }
"""
RTL_CSS = (
    ".gradio-container { direction: rtl; } .gradio-container input, .gradio-container textarea { text-align: start; }"
)
