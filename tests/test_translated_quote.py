"""An English question over Arabic sources whose draft fails: with LLM_TRANSLATE_QUOTE on, the quote
rendered in English by the LLM, checked like any draft sentence, and marked as a translation (issue:
drafts a reader can trust); off by default (the bundled 1.5B mistranslates most sentences)."""

from assistant.answer.ask import AnswerOptions, answer_question
from assistant.answer.grounding import Verifier
from tests.conftest import ScriptedLLM
from tests.test_answer import Q, _setup

EN_Q = "How many countries committed troops to a security force?"


def _one_sentence(fake_assistant, tmp_path, llm):
    """An archive of one sentence: the hash embedder cannot rank Arabic for an English question."""
    f = tmp_path / "one.txt"
    f.write_text("قوة أمنية\n\nأكد ماكرون أن 26 دولة على الأقل التزمت بإرسال جنود ضمن قوة أمنية.\n", encoding="utf-8")
    a = fake_assistant(llm=llm)
    a.ingest([f])
    return a


def test_an_english_question_gets_the_quote_rendered_in_english_and_checked(fake_assistant, tmp_path):
    # the draft's only sentence fails (a number the source lacks); the rendering of the quote passes
    llm = ScriptedLLM(
        "At least 34 countries committed troops [1].", "At least 26 countries committed to sending troops."
    )
    a = _one_sentence(fake_assistant, tmp_path, llm)
    opts = AnswerOptions(mode="generative", abstain_threshold=0.0, draft_min_ratio=0.0, translate_quote=True)
    ans = answer_question(EN_Q, a.retriever, a.embedder, llm, opts, verifier=Verifier())
    assert ans.llm_status == "translated quote"
    assert ans.answer == "At least 26 countries committed to sending troops. [1]"
    assert len(ans.citations) == 1 and "26 دولة" in ans.citations[0].quote  # the Arabic original, cited
    assert any("34" in d.reason for d in ans.dropped)  # the failed draft is still shown as removed
    asked = llm.sent[1]
    assert "translate" in asked[0]["content"].lower() and asked[1]["content"] == " ".join(
        ans.citations[0].quote.split()
    )
    from assistant.web.render import answer_html

    html = answer_html(ans, 1)
    assert "English rendering of the quoted sentence" in html and "not verified" in html


def test_a_rendering_that_fails_the_check_leaves_the_arabic_quote(fake_assistant, tmp_path):
    llm = ScriptedLLM(
        "At least 34 countries committed troops [1].", "At least 35 countries committed to sending troops."
    )
    a = _one_sentence(fake_assistant, tmp_path, llm)
    opts = AnswerOptions(mode="generative", abstain_threshold=0.0, draft_min_ratio=0.0, translate_quote=True)
    ans = answer_question(EN_Q, a.retriever, a.embedder, llm, opts, verifier=Verifier())
    assert ans.llm_status == "no usable sentence" and "26 دولة" in ans.answer
    assert any(d.reason.startswith("English rendering of the quote") and "35" in d.reason for d in ans.dropped)


def test_an_arabic_question_is_never_translated(fake_assistant, tmp_path):
    a = _setup(fake_assistant, tmp_path)
    llm = ScriptedLLM("التزمت 99 دولة [1].", "should never be asked")
    opts = AnswerOptions(mode="generative", abstain_threshold=0.0, draft_min_ratio=0.0, translate_quote=True)
    ans = answer_question(Q, a.retriever, a.embedder, llm, opts, verifier=Verifier())
    assert ans.llm_status == "no usable sentence" and len(llm.sent) == 1


def test_a_rendering_that_says_no_answer_is_not_listed_as_dropped(fake_assistant, tmp_path):
    llm = ScriptedLLM("At least 34 countries committed troops [1].", "NO ANSWER")
    a = _one_sentence(fake_assistant, tmp_path, llm)
    opts = AnswerOptions(mode="generative", abstain_threshold=0.0, draft_min_ratio=0.0, translate_quote=True)
    ans = answer_question(EN_Q, a.retriever, a.embedder, llm, opts, verifier=Verifier())
    assert ans.llm_status != "translated quote" and "26" in ans.answer
    assert not any("English rendering" in d.reason for d in ans.dropped)
    assert len(llm.sent) == 2  # the rendering was asked for


def test_by_default_an_english_question_keeps_the_arabic_quote_and_no_rendering_is_asked(fake_assistant, tmp_path):
    from assistant.config import Settings

    llm = ScriptedLLM("At least 34 countries committed troops [1].", "At least 26 countries committed troops.")
    a = _one_sentence(fake_assistant, tmp_path, llm)
    assert Settings().llm_translate_quote is False
    opts = AnswerOptions(mode="generative", abstain_threshold=0.0, draft_min_ratio=0.0)
    ans = answer_question(EN_Q, a.retriever, a.embedder, llm, opts, verifier=Verifier())
    assert ans.llm_status == "no usable sentence" and "26 دولة" in ans.answer
    assert len(llm.sent) == 1  # the draft only: no rendering was asked for
    on = AnswerOptions.from_settings(Settings(llm_translate_quote=True))
    assert on.translate_quote is True
