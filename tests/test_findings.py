from assistant.findings.summarize import body_paragraphs, load_article
from assistant.ingest.cleaning import clean
from assistant.ingest.loaders import load_file
from assistant.web.render import findings_html
from tests.conftest import ScriptedLLM


def _findings_section(doc):
    sec = next(s for s in doc.sections if s.heading == "النتائج")
    return doc.text[sec.start : sec.end]


def test_seed_findings_are_arabic_cited_and_not_from_its_own_findings(fake_assistant, seed_path):
    a = fake_assistant()
    f = a.summarize(path=seed_path)
    assert f.language == "ar" and f.excluded_section == "النتائج"
    assert 5 <= len(f.findings) <= 8
    doc = clean(load_file(seed_path), str(seed_path))
    own = _findings_section(doc)
    paras, _ = body_paragraphs(doc)
    for fd in f.findings:
        assert fd.text not in own
        for c in fd.citations:
            assert c.quote in paras[c.paragraph - 1].text  # verbatim in the cited paragraph
            assert doc.text[c.start : c.end] == c.quote
    starts = [fd.citations[0].start for fd in f.findings]
    assert starts == sorted(starts)  # in article order


def test_pasted_english_text(fake_assistant):
    text = "\n\n".join(
        f"Paragraph {i}: European governments debated security guarantees for Ukraine while Washington "
        f"hesitated, and analysts expect the dilemma to persist in round {i} of talks."
        for i in range(1, 13)
    )
    f = fake_assistant().summarize(text=text)
    assert f.language == "en" and 5 <= len(f.findings) <= 8


def test_related_coverage_excludes_the_article_itself(fake_assistant, seed_path, tmp_path):
    other = tmp_path / "other.txt"
    other.write_text(
        "تقرير سابق\n\nذكر موقع أكسيوس أن مكالمة ترامب الهاتفية مع القادة الأوروبيين تناولت النفط الروسي.\n",
        encoding="utf-8",
    )
    a = fake_assistant()
    a.ingest([seed_path, other])
    f = a.summarize(path=seed_path, related=True)
    seed_id = load_article(seed_path, None).doc_id
    related = [r.hit for fd in f.findings for r in fd.related]
    assert related and all(h.chunk.doc_id != seed_id for h in related)


def test_generative_findings_are_verified_one_by_one(fake_assistant, seed_path):
    doc = clean(load_file(seed_path), str(seed_path))
    paras, _ = body_paragraphs(doc)
    chosen = [fd.citations[0] for fd in fake_assistant().summarize(path=seed_path, mode="extractive").findings]
    first, second = chosen[0], chosen[1]
    replies = [
        f"{first.quote} [{first.paragraph}]",  # kept (verbatim is supported)
        f"التزمت 34 دولة أوروبية بإرسال قوات إلى أوكرانيا [{second.paragraph}]",
    ]  # invented number
    replies += ["[1]"] * (len(chosen) - 2)  # no sentence at all
    steps: list[str] = []
    llm = ScriptedLLM(*replies)
    a = fake_assistant(llm=llm)
    f = a.summarize(path=seed_path, mode="generative", progress=lambda d, t, w: steps.append(w))
    assert f.mode == "generative" and len(f.findings) == len(chosen) == len(llm.sent)
    assert f.findings[0].text == first.quote.rstrip(".") or f.findings[0].text.startswith(first.quote[:20])
    assert f.findings[1].text == second.quote  # fell back to its extractive sentence
    assert "numbers not in the cited passage: 34" in " ".join(d.reason for d in f.dropped)
    assert sum("wrote no finding" in d.reason for d in f.dropped) == len(chosen) - 2
    page = findings_html(f)  # the dropped drafts, collapsed and counted, each with why, in Arabic
    assert f"صياغة النموذج — لم يُتحقق منها · حُذف لأن المصادر لا تدعمه ({len(f.dropped)})" in page
    assert "أرقام ليست في المقطع المستشهد به: 34" in page and "لم يكتب النموذج أي نتيجة" in page
    assert "numbers not in the cited passage" not in page
    for fd in f.findings:
        for c in fd.citations:
            assert doc.text[c.start : c.end] == c.quote and c.quote in paras[c.paragraph - 1].text
    assert steps[0] == f"finding 1/{len(chosen)}" and steps[-1] == "findings drafted"
    assert "(in Arabic)" in llm.sent[0][1]["content"] and f"[{first.paragraph}]" in llm.sent[0][1]["content"]
