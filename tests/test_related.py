"""A findings draft's earlier coverage: passages of other articles on the same story, shown by their closest
sentence; a passage near in the embedding but sharing none of the finding's words is not coverage."""

from __future__ import annotations

from assistant.findings.related import related_coverage, shared_terms

NEW = "قصفت الطائرات التركية مواقع القوات الموالية للحكومة السورية في عفرين للمرة الثالثة خلال يومين.\n"
EARLIER = (
    "## عفرين\n\n"
    "وصلت دفعة جديدة من القوات الموالية للحكومة السورية إلى عفرين مساء الخميس. "
    "وهددت أنقرة باستهداف هذه القوات إذا دخلت المنطقة. "
    "ويأتي ذلك بعد أسابيع من المعارك.\n"
)
OTHER = "## الطبخ\n\nيحتاج خبز العجين المخمر إلى دقيق جيد وماء دافئ وصبر طويل قبل الخبز في الفرن.\n"


def _archive(fake_assistant, tmp_path):
    (tmp_path / "earlier.md").write_text(EARLIER, encoding="utf-8")
    (tmp_path / "other.md").write_text(OTHER, encoding="utf-8")
    a = fake_assistant()
    a.ingest([tmp_path / "earlier.md", tmp_path / "other.md"])
    return a


def test_coverage_of_the_same_story_is_shown_by_its_closest_sentence(fake_assistant, tmp_path):
    a = _archive(fake_assistant, tmp_path)
    [r] = related_coverage(a.retriever, NEW.strip(), "new", -1.0, 0.06, a.embedder)  # any cosine: the words decide
    assert r.hit.title == "عفرين" and r.quote != "عفرين"  # never the heading line
    assert r.quote in EARLIER and "\n" not in r.quote
    doc = a.index.get_document(r.hit.chunk.doc_id)
    assert doc.text[r.start : r.end] == r.quote  # exact offsets in the earlier article
    assert {"quote", "start", "end", "title", "doc_id"} <= set(r.to_json())


def test_a_passage_sharing_none_of_the_findings_words_is_not_coverage(fake_assistant, tmp_path):
    a = _archive(fake_assistant, tmp_path)
    assert shared_terms(a.retriever, NEW, OTHER) == 0.0 < shared_terms(a.retriever, NEW, EARLIER)
    titles = [r.hit.title for r in related_coverage(a.retriever, NEW.strip(), "new", -1.0, 0.06, a.embedder)]
    assert "الطبخ" not in titles
    # the cosine alone (the rule before) let it through
    assert "الطبخ" in [r.hit.title for r in related_coverage(a.retriever, NEW.strip(), "new", -1.0, 0.0, a.embedder)]


def test_the_article_itself_is_never_its_own_coverage(fake_assistant, tmp_path):
    a = _archive(fake_assistant, tmp_path)
    earlier_id = next(d["doc_id"] for d in a.index.documents() if d["title"] == "عفرين")
    found = related_coverage(a.retriever, NEW.strip(), earlier_id, -1.0, 0.06, a.embedder)
    assert all(r.hit.chunk.doc_id != earlier_id for r in found)


def test_without_an_embedder_the_sentence_sharing_most_words_is_quoted(fake_assistant, tmp_path):
    a = _archive(fake_assistant, tmp_path)
    [r] = related_coverage(a.retriever, "هددت أنقرة باستهداف القوات في عفرين.", "new", -1.0, 0.06)
    assert r.quote == "وهددت أنقرة باستهداف هذه القوات إذا دخلت المنطقة."
