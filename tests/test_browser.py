"""The real web app in headless Chromium (Debian's, driven by Playwright), with the real embedder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, free_port, serving

pytestmark = [pytest.mark.browser, pytest.mark.real]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
OUT = ROOT / "test-output" / "browser"
# What waits on the real 1.5B LLM (findings: one call per finding) gets minutes: a busy 2-core CI
# machine is several times slower than an idle one. These tests check behaviour; speed is measured
# by eval/bench.py and eval/llm_latency.py.
LLM_WAIT_MS = 480_000
XSS = (
    "<script>window.__xss = 1</script> تقرير عن الأمن البحري في البحر الأحمر وهجمات الحوثيين على السفن "
    'التجارية <img src=x onerror="window.__xss = 2"> وتأثيرها على التجارة الدولية وأسعار الشحن.'
)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, model_cache):
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: apt-get install -y chromium (.ci/run does this)")
    data = tmp_path_factory.mktemp("webapp") / "index"
    port = free_port()
    env = {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(data),
        "GRADIO_SERVER_NAME": "127.0.0.1",
        "GRADIO_SERVER_PORT": str(port),
        "ASSISTANT_MODEL_CACHE": str(model_cache),
        "GRADIO_ANALYTICS_ENABLED": "False",
    }  # the default local LLM drafts answers, as for a user
    url = f"http://127.0.0.1:{port}/"
    with (
        open(tmp_path_factory.mktemp("logs") / "app.log", "w") as log,
        serving(
            [sys.executable, "-m", "assistant.cli", "serve", "--no-sample"],
            url,
            f"the web app (log: {log.name})",
            180,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        ),
    ):
        yield url


@pytest.fixture(scope="module")
def page(app_url):
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        pg = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="ar")
        pg.dialogs = []  # type: ignore[attr-defined]
        pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
        pg.goto(app_url)
        pg.wait_for_selector("#app-title", timeout=60_000)
        yield pg
        browser.close()


def _tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def test_library_upload_seed_and_hostile_article(page, seed_path, tmp_path):
    _tab(page, "المكتبة · Library")
    evil = tmp_path / "<img src=x onerror=alert(1)> تقرير.txt"
    # a scraped article with payloads in its text (a file that is mostly tags is refused as markup)
    prose = (
        "وتشير تقديرات شركات الشحن إلى أن تحويل مسار السفن حول رأس الرجاء الصالح يضيف أياماً إلى الرحلة "
        "ويرفع كلفة التأمين والوقود، وهو ما ينعكس على أسعار السلع في الأسواق الأوروبية والآسيوية."
    )
    evil.write_text(f"<script>window.__xss = 3</script> عنوان خبيث\n\n{XSS}\n\n{prose}\n", encoding="utf-8")
    page.set_input_files("#upload input[type=file]", [str(seed_path), str(evil)])
    page.click("#ingest")
    page.wait_for_function("document.querySelector('#ingest-result').innerText.includes('added')", timeout=120_000)
    assert "2** added" in page.inner_text("#ingest-result") or "2 added" in page.inner_text("#ingest-result")
    page.wait_for_function("document.querySelector('#docs-table').innerText.includes('تحالف الراغبين')")
    page.screenshot(path=str(OUT / "library.png"), full_page=True)
    assert page.evaluate("window.__xss") is None
    # every column in view, the last one too (the title's width once pushed «chunks» out of sight)
    right = page.evaluate(
        """() => { const t = document.querySelector('#docs-table');
        const cells = [...t.querySelectorAll('th')].filter(c => c.innerText.trim() === 'chunks');
        return [cells.length ? cells[0].getBoundingClientRect().right : -1, t.getBoundingClientRect().right]; }"""
    )
    assert 0 < right[0] <= right[1] + 1, right


def test_chat_answers_in_arabic_with_citation_and_rtl(page):
    _tab(page, "اسأل · Ask")
    page.fill("#question textarea", "كم دولة التزمت بإرسال جنود ضمن قوة أمنية؟")
    page.press("#question textarea", "Enter")  # Enter sends
    page.wait_for_selector("#conversation .msg.bot .answer:not(.streaming)", timeout=120_000)  # the quote, first
    page.wait_for_selector("#conversation .source", timeout=60_000)
    assert "26" in page.inner_text("#conversation .answer")
    page.wait_for_selector("#conversation .draft", timeout=60_000)  # then the model's draft streams in
    page.wait_for_function("!document.querySelector('#conversation .draft')", timeout=LLM_WAIT_MS)  # and is replaced
    answer = page.inner_text("#conversation .answer")
    assert "26" in answer and "[1]" in answer
    assert "26 دولة" in page.inner_text("#conversation .source mark")
    assert page.eval_on_selector("#conversation .answer", "e => getComputedStyle(e).direction") == "rtl"
    page.click("#conversation a.cite")  # the marker links to its source card
    page.screenshot(path=str(OUT / "chat.png"), full_page=True)


def test_shift_enter_starts_a_new_line_instead_of_sending(page):
    _tab(page, "اسأل · Ask")
    before = len(page.query_selector_all("#conversation .msg.user"))
    page.fill("#question textarea", "سطر أول")
    page.press("#question textarea", "Shift+Enter")
    page.keyboard.type("سطر ثان")
    assert page.input_value("#question textarea") == "سطر أول\nسطر ثان"
    assert len(page.query_selector_all("#conversation .msg.user")) == before
    page.fill("#question textarea", "")


def test_hostile_article_text_is_inert_in_chat(page):
    _tab(page, "اسأل · Ask")
    page.fill("#question textarea", "ما تأثير هجمات الحوثيين على التجارة الدولية وأسعار الشحن؟")
    page.click("#send")
    page.wait_for_function(
        "document.querySelectorAll('#conversation .msg.bot').length >= 2 && "
        "!document.querySelector('#conversation [aria-busy=\"true\"]')",
        timeout=LLM_WAIT_MS,
    )
    text = page.inner_text("#conversation")
    assert "<script>" in text or "onerror" in text  # shown as text...
    assert page.evaluate("window.__xss") is None  # ...and nothing ran
    assert page.dialogs == []  # type: ignore[attr-defined]
    assert page.query_selector("#conversation script") is None
    assert page.query_selector("#conversation img") is None


def test_findings_tab_drafts_cited_findings(page, seed_path):
    _tab(page, "ملخص النتائج · Findings")
    page.set_input_files("#findings-file input[type=file]", str(seed_path))
    page.click("#draft")
    page.wait_for_selector("#findings-out .findings > ol > li", timeout=LLM_WAIT_MS)
    items = page.query_selector_all("#findings-out .findings > ol > li")  # the findings (not the dropped drafts)
    assert 5 <= len(items) <= 8
    assert all("¶" in i.inner_text() for i in items)
    assert page.eval_on_selector("#findings-out .findings", "e => getComputedStyle(e).direction") == "rtl"
    dropped = page.query_selector("#findings-out .findings details.dropped")
    if dropped is not None:  # the model's drafts that did not pass: collapsed, counted, said in Arabic
        assert "صياغة النموذج" in dropped.inner_text() and not dropped.get_attribute("open")
    page.screenshot(path=str(OUT / "findings.png"), full_page=True)


def test_evaluation_tab_runs_xquad(page):
    _tab(page, "التقييم · Evaluation")
    page.get_by_label("hybrid").check() if not page.get_by_label("hybrid").is_checked() else None
    for name in ("bm25", "dense"):
        box = page.get_by_label(name, exact=True)
        if box.is_checked():
            box.uncheck()
    page.click("#run-eval")
    page.wait_for_function("document.querySelector('#eval-table').innerText.includes('hybrid')", timeout=300_000)
    table = page.inner_text("#eval-table")
    assert "0.9" in table  # hybrid nDCG@10 on XQuAD-ar is about 0.95
    page.screenshot(path=str(OUT / "evaluation.png"), full_page=True)
    assert page.evaluate("window.__xss") is None


def test_abstention_is_shown_with_nearest_passages_and_new_chat_clears(page):
    _tab(page, "اسأل · Ask")
    page.fill("#question textarea", "من فاز بكأس العالم 2022؟")
    page.click("#send")
    page.wait_for_selector("#conversation .answer.abstained", timeout=120_000)
    assert "لا تتضمن المقالات المفهرسة" in page.inner_text("#conversation .answer.abstained")
    assert page.query_selector_all("#conversation .source.near")
    page.screenshot(path=str(OUT / "abstention.png"), full_page=True)
    page.click("#new-chat")
    page.wait_for_selector("#conversation .empty")


def test_a_follow_up_is_answered_as_the_earlier_question_about_its_country(page):
    _tab(page, "اسأل · Ask")
    page.click("#new-chat")
    page.wait_for_selector("#conversation .empty")
    # the answer's final form: the quote alone looks final for a moment before the draft starts (aria-busy marks it)
    done = "!document.querySelector('#conversation [aria-busy=\"true\"]')"
    for i, q in enumerate(["ما نسبة تأييد انضمام أوكرانيا إلى الاتحاد الأوروبي في السويد؟", "وماذا عن بولندا؟"], 1):
        page.fill("#question textarea", q)
        page.click("#send")
        page.wait_for_function(
            f"document.querySelectorAll('#conversation .msg.bot').length >= {i} && {done}", timeout=LLM_WAIT_MS
        )
    users = page.query_selector_all("#conversation .msg.user")
    assert users[0].query_selector(".asked-as") is None  # asked as typed
    said = users[1].inner_text()
    assert "أُجيب بوصفه" in said and "في بولندا؟" in said  # the question answered, under the one typed
    assert "51%" in page.query_selector_all("#conversation .msg.bot")[1].inner_text()
    page.screenshot(path=str(OUT / "follow-up.png"), full_page=True)


def test_a_question_sent_while_the_answer_before_it_is_drafting_waits_its_turn_and_loses_nothing(page):
    """An analyst types the next question while the model drafts the last answer, and presses Enter: the question is
    answered after it, as its follow-up, and both turns stay in the conversation."""
    _tab(page, "اسأل · Ask")
    page.click("#new-chat")
    page.wait_for_selector("#conversation .empty")
    page.fill("#question textarea", "ما موقف ألمانيا من إرسال قوات برية إلى أوكرانيا؟")
    page.click("#send")
    page.wait_for_selector(
        '#conversation .msg.bot[aria-busy="true"] .source', timeout=120_000
    )  # the quote; a draft to come
    page.fill("#question textarea", "وماذا عن فرنسا؟")
    page.press("#question textarea", "Enter")
    # shown at once, waiting its turn, and the box emptied for the next question
    page.wait_for_selector("#conversation .answer.waiting", timeout=30_000)
    assert page.input_value("#question textarea") == ""
    page.screenshot(path=str(OUT / "waiting-its-turn.png"), full_page=True)
    page.wait_for_function(
        "document.querySelectorAll('#conversation .msg.bot').length >= 2 && "
        "!document.querySelector('#conversation [aria-busy=\"true\"]')",
        timeout=2 * LLM_WAIT_MS,
    )
    users = page.query_selector_all("#conversation .msg.user")
    assert len(users) == 2 and "ألمانيا" in users[0].inner_text()
    said = users[1].inner_text()
    assert "أُجيب بوصفه" in said and "موقف فرنسا" in said, said
    bots = page.query_selector_all("#conversation .msg.bot")
    assert len(bots) == 2 and "فرنسا" in bots[1].inner_text()
    page.screenshot(path=str(OUT / "sent-while-drafting.png"), full_page=True)


def test_named_api_endpoints_with_gradio_client(app_url):
    from gradio_client import Client

    c = Client(app_url, verbose=False)
    ans = c.predict("كم دولة التزمت بإرسال جنود ضمن قوة أمنية؟", 5, "hybrid", "auto", api_name="/ask")
    assert "26" in ans["answer"] and "26 دولة" in ans["citations"][0]["quote"]
    hits = c.predict("How much money did Russia make from EU fuel sales?", 3, "hybrid", api_name="/search")
    assert any("1.1 مليار يورو" in h["text"] for h in hits)
    docs = c.predict(api_name="/documents")
    assert len(docs) >= 2
    # ten different paragraphs (near-identical ones are dropped as repeated lines before selection)
    topics = [
        "الضمانات الأمنية لأوكرانيا",
        "تمويل الدفاع الأوروبي",
        "العقوبات على صادرات الطاقة الروسية",
        "أمن الملاحة في البحر الأحمر",
        "توسيع حلف شمال الأطلسي",
        "الهجرة عبر البحر المتوسط",
        "الانتخابات في بولندا",
        "الصناعات العسكرية الألمانية",
        "التعاون الاستخباراتي عبر الأطلسي",
        "مستقبل المفاوضات مع موسكو",
    ]
    text = "\n\n".join(
        f"تناول المحللون في الجلسة رقم {i} ملف {t}، ورأوا أن تطوراته خلال عام {2014 + i} "
        f"ستحدد مواقف العواصم المعنية في المرحلة المقبلة."
        for i, t in enumerate(topics, 1)
    )
    f = c.predict(text, "auto", False, api_name="/summarize")
    assert f["language"] == "ar" and 3 <= len(f["findings"]) <= 8, f["findings"]


def test_the_load_benchmarks_page_client_reads_the_answer_stream_as_gradio_client_does(app_url):
    """eval/load_real.py times the app through eval/stream_client.py (the page's own way of reading the
    queue's events): the same stages and the same answer as gradio_client gets."""
    from gradio_client import Client

    from eval.stream_client import StreamClient

    question = "كم دولة التزمت بإرسال جنود ضمن قوة أمنية؟"
    page = StreamClient(app_url)
    try:
        outs = list(page.stream("/ask_stream", question, None, None, "extractive"))
    finally:
        page.close()
    theirs = list(Client(app_url, verbose=False).submit(question, None, None, "extractive", api_name="/ask_stream"))
    assert [o["stage"] for o in outs] == [o["stage"] for o in theirs] == ["quote", "final"]
    assert outs[-1]["answer"] == theirs[-1]["answer"] and "26 دولة" in outs[0]["answer"]["answer"]
    with pytest.raises(RuntimeError, match="ask_stream"):
        list(StreamClient(app_url).stream("/ask_stream", "   ", None, None, "extractive"))
