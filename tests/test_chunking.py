from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.ingest.chunking import chunk_document, word_count
from assistant.ingest.cleaning import clean
from assistant.ingest.loaders import load_file
from assistant.ingest.loaders.base import Loaded


def test_seed_chunks_have_exact_offsets_headings_and_fit(seed_path):
    doc = clean(load_file(seed_path), str(seed_path))
    chunks = chunk_document(doc, max_tokens=120)
    assert chunks
    for c in chunks:
        assert doc.text[c.start : c.end] == c.text
        assert word_count(c.text) <= 120 or len(c.text.split()) <= 1
    by_text = {c.text: c for c in chunks}
    hit = next(c for c in chunks if "26 دولة" in c.text)
    assert hit.heading == "الخلاف في الاتحاد الأوروبي بشأن القوات والتكتيكات"
    assert len(by_text) == len(chunks)
    # chunks cover the text in order without overlap
    assert all(a.end <= b.start for a, b in zip(chunks, chunks[1:]))


def test_heading_joins_the_following_paragraph_only(seed_path):
    doc = clean(load_file(seed_path), str(seed_path))
    chunks = chunk_document(doc, max_tokens=320)
    first = next(c for c in chunks if c.text.startswith("ترامب يريد إبقاء خياراته مفتوحة"))
    assert first.text.count("\n\n") == 1  # heading + one paragraph


def test_long_paragraph_split_by_sentences():
    para = " ".join(f"هذه جملة رقم {i} في فقرة طويلة جدا عن الأمن." for i in range(60))
    doc = clean(Loaded(text=para, fmt="text", scraped=False), "x")
    chunks = chunk_document(doc, max_tokens=60)
    assert len(chunks) > 3
    assert all(word_count(c.text) <= 60 for c in chunks)
    assert all(c.text.endswith(".") for c in chunks)


def test_chunk_ids_are_stable_and_distinct():
    doc = clean(
        Loaded(
            text="فقرة أولى طويلة بما يكفي للاختبار هنا.\n\nفقرة ثانية طويلة بما يكفي أيضا هنا.",
            fmt="text",
            scraped=False,
        ),
        "x",
    )
    a = chunk_document(doc, max_tokens=20, min_tokens=1)
    b = chunk_document(doc, max_tokens=20, min_tokens=1)
    assert [c.chunk_id for c in a] == [c.chunk_id for c in b]
    assert len({c.chunk_id for c in a}) == len(a) == 2


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(alphabet="ابتثجحخدذرزسشصضطظعغفقكلمنهوي .،؟\n0123456789ab", min_size=0, max_size=400),
        min_size=1,
        max_size=8,
    )
)
def test_offsets_always_map_back_to_exact_text(parts):
    text = "\n\n".join(parts)
    if not text.strip():
        return
    doc = clean(Loaded(text=text, fmt="text", scraped=False), "x")
    for c in chunk_document(doc, max_tokens=25):
        assert doc.text[c.start : c.end] == c.text
        assert c.text.strip() == c.text and c.text


def test_chunk_ids_fit_in_53_bits_for_json_clients():
    from assistant.ingest.chunking import chunk_id

    ids = [chunk_id(f"doc{i}", i, i + 10) for i in range(2000)]
    assert all(0 <= i < 2**53 for i in ids)
    assert len(set(ids)) == len(ids)
