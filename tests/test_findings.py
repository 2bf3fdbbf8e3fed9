from assistant.cleaning import clean
from assistant.findings import body_paragraphs, load_article
from assistant.loaders import load_file
from tests.conftest import ScriptedLLM


def _findings_section(doc):
    sec = next(s for s in doc.sections if s.heading == "النتائج")
    return doc.text[sec.start:sec.end]


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
            assert doc.text[c.start:c.end] == c.quote
    starts = [fd.citations[0].start for fd in f.findings]
    assert starts == sorted(starts)  # in article order


def test_pasted_english_text(fake_assistant):
    text = "\n\n".join(
        f"Paragraph {i}: European governments debated security guarantees for Ukraine while Washington "
        f"hesitated, and analysts expect the dilemma to persist in round {i} of talks." for i in range(1, 13))
    f = fake_assistant().summarize(text=text)
    assert f.language == "en" and 5 <= len(f.findings) <= 8


def test_related_coverage_excludes_the_article_itself(fake_assistant, seed_path, tmp_path):
    other = tmp_path / "other.txt"
    other.write_text("تقرير سابق\n\nتردد ترامب في فرض العقوبات على روسيا وأبقى خياراته مفتوحة في التعامل مع الأوروبيين.\n",
                     encoding="utf-8")
    a = fake_assistant()
    a.ingest([seed_path, other])
    f = a.summarize(path=seed_path, related=True)
    seed_id = load_article(seed_path, None).doc_id
    related = [h for fd in f.findings for h in fd.related]
    assert related and all(h.chunk.doc_id != seed_id for h in related)


def test_generative_findings_verified_against_paragraphs(fake_assistant, seed_path):
    from assistant.findings import select_sentences

    doc = clean(load_file(seed_path), str(seed_path))
    paras, _ = body_paragraphs(doc)
    chosen = select_sentences(doc, paras, min(8, max(5, len(paras) // 6)))
    num = chosen[0].para.number  # a paragraph the LLM is given
    good = chosen[0].text.replace('"', "'")
    answer = ('{"findings": [' + ", ".join(
        [f'{{"text": "{good}", "paragraphs": [{num}]}}'] * 3
        + [f'{{"text": "التزمت 34 دولة أوروبية بإرسال قوات", "paragraphs": [{num}]}}',
           '{"text": "جملة", "paragraphs": [999]}']) + "]}")
    a = fake_assistant(llm=ScriptedLLM(answer))
    f = a.summarize(path=seed_path, mode="generative")
    assert f.mode == "generative" and len(f.findings) == 3
    assert all("34" not in fd.text for fd in f.findings)
    reasons = {d.sentence: d.reason for d in f.dropped}
    assert "numbers not in the cited passage: 34" in reasons["التزمت 34 دولة أوروبية بإرسال قوات"]
    assert "not given: [999]" in reasons["جملة"]
    assert all(c.paragraph == num and c.quote in paras[num - 1].text for fd in f.findings for c in fd.citations)
