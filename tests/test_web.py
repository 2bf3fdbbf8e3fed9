"""The web app's handlers without a browser: fake embedder, scripted LLM, real Gradio objects."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ScriptedLLM

Q = "كم دولة التزمت بإرسال جنود ضمن قوة أمنية؟"


@pytest.fixture
def web(fake_assistant, seed_path):
    from assistant.web import app as web

    a = fake_assistant()
    msg, rows = web.on_ingest(a, [str(seed_path)])
    assert msg.startswith("أُضيف **1**") and "**1** added" in msg and len(rows) == 1
    return web, a


def test_ingest_reports_each_failed_file_by_name(web, tmp_path):
    web_, a = web
    bad = tmp_path / "فارغ.txt"
    bad.write_bytes(b"")
    msg, rows = web_.on_ingest(a, [str(bad)])
    assert "**1** failed" in msg and "فارغ.txt" in msg and "empty file" in msg
    assert len(rows) == 1


def test_ingest_without_files_is_a_clear_error(web):
    import gradio as gr

    web_, a = web
    with pytest.raises(gr.Error, match="choose files first"):
        web_.on_ingest(a, [])


def test_an_upload_stopped_by_a_full_disk_says_what_was_committed_and_keeps_those_files(web, tmp_path, monkeypatch):
    import errno

    import gradio as gr

    from assistant.ingest import pipeline
    from assistant.store.vectors import FaissVectors

    web_, a = web
    monkeypatch.setattr(pipeline, "_BATCH_CHUNKS", 1)
    save, calls = FaissVectors.save, []

    def fills_up(self, path):  # noqa: ANN001, ANN202
        calls.append(path)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return save(self, path)

    monkeypatch.setattr(FaissVectors, "save", fills_up)
    files = []
    for i in range(3):
        f = tmp_path / f"تقرير {i}.txt"
        f.write_text(f"تقرير {i}\n\nناقش وزراء الخارجية العرب في الاجتماع {i} أمن الملاحة في البحر الأحمر.\n")
        files.append(str(f))
    said = r"القرص ممتلئ\. لم يُحفظ شيء نصف مكتوب.* · the disk is full.* — 1 added and 0 updated were committed"
    with pytest.raises(gr.Error, match=said):
        web_.on_ingest(a, files)
    assert a.stats()["documents"] == 2  # the seed and the one committed
    kept = list((a.settings.data_dir / "uploads").rglob("تقرير *.txt"))
    assert kept  # the committed upload's copy is not deleted with the rest


def test_chat_streams_then_shows_the_verified_answer_with_its_source(fake_assistant, seed_path):
    from assistant.web import app as web

    llm = ScriptedLLM("أكد ماكرون أن 26 دولة على الأقل التزمت بإرسال جنود ضمن قوة أمنية [1].")
    a = fake_assistant(llm=llm)
    a.ingest([seed_path])
    chat = web.Chat()
    box, shown = web.on_send(chat, Q, 5, "hybrid", "generative")
    assert box == "" and Q in shown and 'aria-busy="true"' in shown  # the question at once, its answer to come
    states = list(web.on_answer(a, chat))
    assert len(states) >= 5  # the page, the question, the quote, streamed pieces, the final answer
    assert 'class="answer streaming"' in states[1]
    assert 'data-mode="extractive"' in states[2] and "26" in states[2]  # the quote, at once
    assert any('class="draft streaming"' in st for st in states[3:-1])  # the draft as it streams
    html = states[-1]
    assert len(chat.turns) == 1 and not chat.waiting and chat.live is None
    # every state before the final one is marked as still coming, the quote's too; the final one is not
    assert all('<div class="msg bot" aria-busy="true">' in st for st in states[:-1])
    assert "aria-busy" not in html
    assert 'data-mode="generative"' in html and "26 دولة" in html and '<div class="source"' in html
    assert "<mark>" in html  # the quote is highlighted in its passage


def test_chat_ignores_an_empty_question(web):
    web_, a = web
    chat = web_.Chat()
    assert web_.on_send(chat, "   ", 5, "hybrid", "auto") == ("", web_.conversation_html([]))
    assert list(web_.on_answer(a, chat)) == [web_.conversation_html([])]


def test_each_question_is_answered_with_its_settings_and_one_that_fails_stays_with_the_reason(web):
    web_, a = web
    chat = web_.Chat()
    web_.on_send(chat, Q, 5, "bm52", "extractive")  # sent with a retriever that does not exist
    web_.on_send(chat, Q, 5, "hybrid", "extractive")
    web_.on_send(chat, Q, 3, "bm25", "extractive")
    *_, html = web_.on_answer(a, chat)
    # Arabic first, then the English the CLI prints, beside the question kept in the conversation
    said = "طريقة بحث غير معروفة «bm52»؛ اختر واحدة من: hybrid, dense, bm25 · unknown retriever &#x27;bm52&#x27;"
    assert [t[0] for t in chat.turns] == [Q, Q, Q] and not chat.waiting
    assert 'class="answer error" role="alert"' in chat.turns[0][1] and said in chat.turns[0][1], html
    assert all('data-mode="extractive"' in t[1] for t in chat.turns[1:])  # the next ones answered


def test_handler_errors_are_one_clear_message(web):
    import gradio as gr

    web_, a = web
    with pytest.raises(gr.Error, match="لا وثيقة بالمعرّف «nope» في الفهرس.* · no document with id 'nope'"):
        web_.on_delete(a, "nope", "")


def test_findings_tab_gives_html_markdown_and_a_download(web, seed_path):
    web_, a = web
    html, md, path = web_.on_findings(a, str(seed_path), "", "auto", False)
    assert html.count("<li>") >= 5 and md.startswith("# النتائج")
    with open(path, encoding="utf-8") as fh:
        assert fh.read() == md


def test_delete_and_filter(web):
    web_, a = web
    doc = a.documents()[0]["doc_id"]
    assert web_.docs_rows(a, "تحالف") and not web_.docs_rows(a, "لا يوجد عنوان كهذا")
    msg, rows = web_.on_delete(a, f" {doc} ", "")
    assert msg.startswith("removed") and rows == []


def test_evaluation_on_an_uploaded_squad_file(web, tmp_path):
    web_, a = web
    f = tmp_path / "s.json"
    f.write_text(
        json.dumps(
            {
                "data": [
                    {
                        "title": "T",
                        "paragraphs": [
                            {
                                "context": "حصلت روسيا على مليار يورو من مبيعات الوقود",
                                "qas": [{"id": "a", "question": "مبيعات الوقود الروسية"}],
                            },
                            {
                                "context": "فاز المنتخب الأرجنتيني بكأس العالم",
                                "qas": [{"id": "b", "question": "من فاز بكأس العالم"}],
                            },
                        ],
                    }
                ]
            }
        )
    )
    rows, chart, report = web_.on_eval(a, "", str(f), ["bm25"])
    assert rows[0][0] == "bm25" and rows[0][1] == 1.0
    assert chart.endswith("metrics.png") and report.endswith("report.md")


def test_api_defaults_come_from_settings(fake_assistant, seed_path):
    from assistant.web.app import Api

    a = fake_assistant(top_k=2, retriever="bm25")
    a.ingest([seed_path])
    api = Api(a)
    assert len(api.search("قوة أمنية")) == 2
    ans = api.ask(Q)
    assert "26" in ans["answer"] and ans["mode"] == "extractive"


def test_the_app_builds_with_defaults_from_settings(fake_assistant):
    from assistant.web.app import build_app

    a = fake_assistant(retriever="dense", answer_mode="extractive")
    demo = build_app(a)
    radios = {c.label: c.value for c in demo.blocks.values() if type(c).__name__ == "Radio"}
    assert radios["المسترجع · Retriever"] == "dense" and radios["نمط الإجابة · Answer mode"] == "extractive"
    assert {"/ask", "/search", "/summarize", "/documents", "/ingest"} <= {
        f"/{d.api_name}" for d in demo.fns.values() if d.api_name
    }


def test_an_answer_that_ends_without_its_final_form_is_kept_as_it_stands():
    from assistant.answer.ask import AnswerEvent
    from assistant.web.chat import Chat, on_answer, on_send

    class Stops:  # an answer stream that stops after the draft's first words (a model server gone)
        def asked(self, q, previous):  # noqa: ANN001, ANN202
            return q

        def ask_events(self, q, **_):  # noqa: ANN001, ANN003, ANN202
            yield AnswerEvent("drafting")
            yield AnswerEvent("token", text="أكد ماكرون")

    chat = Chat()
    on_send(chat, Q, 5, "hybrid", "generative")
    on_send(chat, "وماذا عن فرنسا؟", 5, "hybrid", "generative")
    *_, html = on_answer(Stops(), chat)  # type: ignore[arg-type]
    assert len(chat.turns) == 2 and chat.live is None and "aria-busy" not in html
    assert all("أكد ماكرون" in t[1] for t in chat.turns)
