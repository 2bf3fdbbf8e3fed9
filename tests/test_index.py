import json
import os
import subprocess
import sys

import numpy as np
import pytest

from assistant.errors import DocumentNotFound, IndexLockedError, IndexMismatchError
from assistant.models.embedder import HashEmbedder
from assistant.store import Index

ART1 = "تحالف الراغبين\n\nأكد ماكرون أن 26 دولة على الأقل التزمت بإرسال جنود ضمن قوة أمنية إلى أوكرانيا بعد وقف إطلاق النار.\n"  # noqa: E501
ART2 = "سوق الطاقة\n\nحصلت روسيا على 1.1 مليار يورو من مبيعات الوقود إلى الاتحاد الأوروبي خلال عام واحد وفق التقرير.\n"


@pytest.fixture(params=["faiss", pytest.param("milvus", marks=pytest.mark.milvus)])
def backend(request):
    """The store suite runs on the FAISS default and on Milvus (Milvus Lite, a real engine)."""
    if request.param == "milvus":
        pytest.importorskip("milvus_lite", reason="pip install -e '.[test]' brings Milvus Lite")
    return request.param


@pytest.fixture
def fake_assistant(fake_assistant, backend):
    def make(**kw):
        kw.setdefault("vector_store", backend)
        return fake_assistant(**kw)

    return make


def _write(p, text):
    p.write_text(text, encoding="utf-8")
    return p


def test_ingest_search_reingest_update_remove(fake_assistant, tmp_path):
    a = fake_assistant()
    f1, f2 = _write(tmp_path / "a.txt", ART1), _write(tmp_path / "b.txt", ART2)
    r = a.ingest([f1, f2])
    assert (r.added, r.updated, r.unchanged, r.failed) == (2, 0, 0, [])
    assert r.documents == 2 and r.chunks >= 2
    hits = a.search("كم دولة التزمت بإرسال جنود", k=2)
    assert "26 دولة" in hits[0].chunk.text
    assert a.search("مبيعات الوقود", k=1, retriever="bm25")[0].chunk.doc_id != hits[0].chunk.doc_id

    gen = a.index.generation
    again = a.ingest([f1, f2])
    assert (again.added, again.unchanged) == (0, 2)
    assert a.index.generation == gen  # nothing written

    _write(f1, ART1.replace("26 دولة", "27 دولة"))
    upd = a.ingest([f1])
    assert (upd.added, upd.updated) == (0, 1)
    assert upd.documents == 2
    texts = " ".join(h.chunk.text for h in a.search("دولة التزمت بإرسال جنود", k=5))
    assert "27 دولة" in texts and "26 دولة" not in texts

    doc_id = a.search("مبيعات الوقود", k=1)[0].chunk.doc_id
    assert a.remove(doc_id) >= 1
    assert all(h.chunk.doc_id != doc_id for h in a.search("مبيعات الوقود", k=5))
    assert len(a.documents()) == 1
    with pytest.raises(DocumentNotFound):
        a.remove(doc_id)


def test_exact_duplicate_is_one_document_with_both_paths(fake_assistant, tmp_path):
    a = fake_assistant()
    f1, f2 = _write(tmp_path / "a.txt", ART1), _write(tmp_path / "copy of a.txt", ART1)
    r = a.ingest([f1, f2])
    assert r.added == 1 and r.documents == 1
    assert r.duplicates and r.duplicates[0]["path"].endswith("copy of a.txt")
    doc_id = a.documents()[0]["doc_id"]
    assert sorted(os.path.basename(p) for p in a.index.paths_of(doc_id)) == ["a.txt", "copy of a.txt"]


def test_bad_files_fail_alone(fake_assistant, tmp_path):
    from tests.conftest import FIXTURES

    a = fake_assistant()
    good = _write(tmp_path / "good.txt", ART1)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blob.txt").write_bytes(bytes(range(256)) * 10)
    (tmp_path / "trunc.pdf").write_bytes((FIXTURES / "truncated.pdf").read_bytes())
    r = a.ingest(
        [good, tmp_path / "empty.txt", tmp_path / "blob.txt", tmp_path / "trunc.pdf", tmp_path / "missing.txt"]
    )
    assert r.added == 1
    errors = {os.path.basename(f["path"]): f["error"] for f in r.failed}
    assert set(errors) == {"empty.txt", "blob.txt", "trunc.pdf", "missing.txt"}
    assert "empty file" in errors["empty.txt"]
    assert "binary file" in errors["blob.txt"]
    assert "corrupt or truncated PDF" in errors["trunc.pdf"]
    assert "no such file" in errors["missing.txt"]
    for path, err in errors.items():
        assert path in err  # every message names its file


def test_index_persists_and_reopens(fake_assistant, tmp_path):
    a = fake_assistant()
    a.ingest([_write(tmp_path / "a.txt", ART1)])
    a.close()
    b = fake_assistant()
    assert len(b.documents()) == 1
    assert "26 دولة" in b.search("جنود قوة أمنية", k=1)[0].chunk.text


def test_other_embedder_is_refused(tmp_path):
    Index.open(tmp_path / "i", "model-a", 64, 320).close()
    with pytest.raises(IndexMismatchError, match="built with embedder 'model-a'"):
        Index.open(tmp_path / "i", "model-b", 64, 320)


def test_an_index_refuses_the_assistant_of_another_embedder_named_by_string(tmp_path, seed_path):
    from assistant import Assistant

    a = Assistant(data_dir=tmp_path / "i", embedder="hash-64", llm_backend="none")
    assert a.embedder.model_id == "hash-64"
    a.ingest([seed_path])
    a.close()
    b = Assistant(data_dir=tmp_path / "i", embedder="hash-32", llm_backend="none")
    with pytest.raises(IndexMismatchError, match="hash-64"):
        b.search("قوة أمنية")


def test_second_writer_gets_clear_error(tmp_path):
    idx = Index.open(tmp_path / "i", "m", 8, 320)
    with idx.writer():
        with pytest.raises(IndexLockedError, match=f"being updated by process {os.getpid()}"):
            with idx.writer():
                pass
    with idx.writer():  # released
        pass


def _half_written(fake_assistant, tmp_path):
    """An index holding ART1, and an open writer that added ART2 (rows written, nothing committed)."""
    from assistant.ingest.chunking import chunk_document
    from assistant.ingest.cleaning import clean
    from assistant.ingest.loaders import load_file
    from assistant.store.index import IndexWriter

    a = fake_assistant()
    a.ingest([_write(tmp_path / "a.txt", ART1)])
    w = IndexWriter(a.index)
    doc = clean(load_file(_write(tmp_path / "b.txt", ART2)), str(tmp_path / "b.txt"))
    chunks = chunk_document(doc)
    vecs = HashEmbedder().embed_passages([c.text for c in chunks])
    w.add_document(doc, chunks, vecs, [a.index.analyze(c.text) for c in chunks], "b.txt")
    return a, w


def test_uncommitted_rows_are_invisible_and_rolled_back(fake_assistant, tmp_path):
    """A writer that dies after its SQLite transaction but before the manifest switch."""
    a, w = _half_written(fake_assistant, tmp_path)
    w.close()  # "crash": no commit
    assert len(a.documents()) == 1
    assert all("1.1" not in h.chunk.text for h in a.search("مبيعات الوقود", k=5))
    r = a.ingest([tmp_path / "b.txt"])  # the next writer rolls back, then adds it properly
    assert r.added == 1 and r.documents == 2


def test_concurrent_writer_in_another_process_is_refused(tmp_path):
    idx = Index.open(tmp_path / "i", "m", 8, 320)
    code = (
        "import sys\nfrom assistant.store import Index\nfrom assistant.errors import IndexLockedError\n"
        f"idx = Index.open({str(tmp_path / 'i')!r}, 'm', 8, 320)\n"
        "try:\n    ctx = idx.writer(); ctx.__enter__()\nexcept IndexLockedError as e:\n    print(e); sys.exit(3)\n"
    )
    with idx.writer():
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 3, out.stderr
    assert f"being updated by process {os.getpid()}" in out.stdout


@pytest.mark.parametrize("backend", ["faiss"])
def test_manifest_describes_the_index(fake_assistant, tmp_path):
    a = fake_assistant()
    a.ingest([_write(tmp_path / "a.txt", ART1)])
    m = json.loads((tmp_path / "index" / "manifest.json").read_text())
    assert m["embedder"] == "hash-64" and m["dim"] == 64 and m["format_version"] == 1
    assert m["documents"] == 1 and m["generation"] >= 1
    assert (tmp_path / "index" / "vectors" / f"{m['generation']}.faiss").exists()
    assert np.load(tmp_path / "index" / "bm25" / str(m["generation"]) / "chunk_ids.npy").size == m["chunks"]


@pytest.mark.parametrize("backend", ["faiss"])
def test_approximate_index_above_threshold_finds_what_exact_search_finds(fake_assistant, tmp_path, seed_path):
    """The fast path (IVF-SQ8 above ann_threshold) against the plain path (exact flat search)."""
    exact = fake_assistant(data_dir=tmp_path / "exact")
    approx = fake_assistant(data_dir=tmp_path / "approx", ann_threshold=20)
    for a in (exact, approx):
        a.ingest([seed_path])
    from assistant.store.vectors import FaissVectors

    g = approx.index.generation
    assert FaissVectors.load(tmp_path / "approx" / "vectors" / f"{g}.faiss").kind == "ivf-sq8"
    assert FaissVectors.load(tmp_path / "exact" / "vectors" / f"{exact.index.generation}.faiss").kind == "flat"
    queries = ["كم دولة التزمت بإرسال جنود", "مبيعات الوقود الروسية", "موقف ميرز من القوات", "الناتو وروسيا وأوكرانيا"]
    overlap = []
    for q in queries:
        e = [h.chunk.chunk_id for h in exact.search(q, k=10, retriever="dense")]
        p = [h.chunk.chunk_id for h in approx.search(q, k=10, retriever="dense")]
        overlap.append(len(set(e) & set(p)) / len(e))
        assert e[0] == p[0]
    assert sum(overlap) / len(overlap) >= 0.9
    # removal works on the approximate index too
    doc = approx.documents()[0]["doc_id"]
    approx.remove(doc)
    assert approx.index.check() == []


def test_search_restricted_to_documents(fake_assistant, tmp_path):
    a = fake_assistant()
    a.ingest([_write(tmp_path / "a.txt", ART1), _write(tmp_path / "b.txt", ART2)])
    docs = {d["source"].rsplit("/", 1)[-1]: d["doc_id"] for d in a.documents()}
    query = "مبيعات الوقود إلى الاتحاد الأوروبي"
    assert a.search(query, k=1)[0].chunk.doc_id == docs["b.txt"]
    for retriever in ("dense", "bm25", "hybrid"):
        hits = a.search(query, k=5, retriever=retriever, doc_ids=[docs["a.txt"]])
        assert {h.chunk.doc_id for h in hits} <= {docs["a.txt"]}, retriever
        assert hits or retriever == "bm25", retriever  # BM25 finds nothing when no term is shared
    assert a.search("دولة جنود", k=5, retriever="bm25", doc_ids=[docs["a.txt"]])
    assert a.search(query, k=5, doc_ids=[]) == []


def test_persists_across_processes(fake_assistant, tmp_path, backend):
    a = fake_assistant()
    a.ingest([_write(tmp_path / "a.txt", ART1), _write(tmp_path / "b.txt", ART2)])
    a.close()
    code = (
        "import sys\nfrom assistant import Assistant\nfrom assistant.models.embedder import HashEmbedder\n"
        f"a = Assistant(embedder=HashEmbedder(), data_dir={str(tmp_path / 'index')!r}, llm_backend='none', "
        f"vector_store={backend!r}, model_cache={str(tmp_path / 'models')!r})\n"
        "hits = a.search('مبيعات الوقود', k=1, retriever='hybrid')\n"
        "print(len(a.documents()), hits[0].chunk.text.splitlines()[-1])\n"
        "a.remove(hits[0].chunk.doc_id)\n"
        "a.close()\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("2 ") and "1.1 مليار يورو" in out.stdout
    b = fake_assistant()  # the removal made in the other process is seen here
    assert len(b.documents()) == 1
    assert all("1.1" not in h.chunk.text for h in b.search("مبيعات الوقود", k=5))
    assert b.index.check() == []


def test_writer_that_died_while_committing_is_rolled_back(fake_assistant, tmp_path):
    """The store was written for generation G+1, but the manifest never switched to it."""
    a, w = _half_written(fake_assistant, tmp_path)
    idx = a.index
    idx.store.write(w.plan())
    w.close()  # dies here: no manifest switch
    for retriever in ("dense", "bm25", "hybrid"):
        assert all("1.1" not in h.chunk.text for h in a.search("مبيعات الوقود", k=5, retriever=retriever))
    assert idx.check() == []
    r = a.ingest([tmp_path / "b.txt"])
    assert r.added == 1 and r.documents == 2
    assert "1.1 مليار" in a.search("مبيعات الوقود", k=1)[0].chunk.text
    assert idx.check() == []


def test_check_finds_a_damaged_store_and_repair_rebuilds_it(fake_assistant, tmp_path, backend):
    a = fake_assistant()
    a.ingest([_write(tmp_path / "a.txt", ART1), _write(tmp_path / "b.txt", ART2)])
    idx = a.index
    victim = a.search("مبيعات الوقود", k=1)[0].chunk.chunk_id
    if backend == "milvus":
        idx.store.client.delete(idx.store.collection, ids=[victim])
    else:
        from assistant.store.vectors import FaissVectors

        path = tmp_path / "index" / "vectors" / f"{idx.generation}.faiss"
        vec = FaissVectors.load(path)
        vec.remove(np.array([victim]))
        vec.save(path)
        idx.store.close()  # drop the copy this process had loaded
    problems = idx.check()
    assert problems and "1 missing" in " ".join(problems)
    if backend == "milvus":  # the committed seal (row count and id checksum) tells too
        assert any("were committed" in p for p in problems), problems
    idx.repair()
    assert idx.check() == []
    assert a.search("مبيعات الوقود", k=1)[0].chunk.chunk_id == victim


def test_index_kept_in_one_store_is_refused_by_the_other(fake_assistant, tmp_path, backend):
    a = fake_assistant()
    a.ingest([_write(tmp_path / "a.txt", ART1)])
    a.close()
    other = "faiss" if backend == "milvus" else "milvus"
    with pytest.raises(IndexMismatchError, match="assistant export"):
        fake_assistant(vector_store=other).documents()


def test_export_import_round_trips_between_stores(fake_assistant, tmp_path, backend):
    """FAISS → the backend under test → FAISS, with no re-embedding; results stay the same."""
    from assistant.store.transfer import export_index, import_index

    src = fake_assistant(data_dir=tmp_path / "src", vector_store="faiss")
    src.ingest(
        [_write(tmp_path / "a.txt", ART1), _write(tmp_path / "b.txt", ART2), _write(tmp_path / "copy.txt", ART1)]
    )
    meta = export_index(src.index, tmp_path / "one.aidx")
    assert (meta["documents"], meta["embedder"]) == (2, "hash-64")

    dst = fake_assistant(data_dir=tmp_path / "dst")  # the parametrised backend
    dst.embedder.embed_passages = None  # importing must not embed anything
    r = import_index(dst.index, tmp_path / "one.aidx")
    assert (r["documents_added"], r["documents_skipped"], r["documents"]) == (2, 0, 2)
    assert dst.index.check() == []
    assert [d["doc_id"] for d in dst.documents()] == [d["doc_id"] for d in src.documents()]
    doc = src.documents()[0]["doc_id"]
    assert sorted(dst.index.paths_of(doc)) == sorted(src.index.paths_of(doc))
    for q in ("كم دولة التزمت بإرسال جنود", "مبيعات الوقود", "Ukraine"):
        for retriever in ("dense", "bm25", "hybrid"):
            assert [h.chunk.chunk_id for h in dst.search(q, k=3, retriever=retriever)] == [
                h.chunk.chunk_id for h in src.search(q, k=3, retriever=retriever)
            ], (q, retriever)
    assert import_index(dst.index, tmp_path / "one.aidx")["documents_skipped"] == 2  # idempotent

    export_index(dst.index, tmp_path / "two.aidx")
    back = fake_assistant(data_dir=tmp_path / "back", vector_store="faiss")
    import_index(back.index, tmp_path / "two.aidx")
    assert back.index.check() == [] and back.index.counts() == src.index.counts()


def test_import_refuses_other_embedder_and_bad_files(fake_assistant, tmp_path):
    from assistant.errors import LoadError
    from assistant.store.transfer import export_index, import_index

    src = fake_assistant(data_dir=tmp_path / "src")
    src.ingest([_write(tmp_path / "a.txt", ART1)])
    export_index(src.index, tmp_path / "one.aidx")
    other = Index.open(tmp_path / "other", "model-b", 64, 320)
    with pytest.raises(IndexMismatchError, match="exported with embedder 'hash-64'"):
        import_index(other, tmp_path / "one.aidx")
    (tmp_path / "junk.aidx").write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(LoadError, match="junk.aidx: not an index export"):
        import_index(other, tmp_path / "junk.aidx")
    with pytest.raises(LoadError, match="missing.aidx: no such export file"):
        import_index(other, tmp_path / "missing.aidx")
    assert other.counts() == (0, 0)


@pytest.mark.milvus
def test_a_collection_is_never_shared_by_two_indexes(fake_assistant, tmp_path):
    pytest.importorskip("milvus_lite")
    uri = str(tmp_path / "shared-milvus.db")
    a = fake_assistant(data_dir=tmp_path / "one", vector_store="milvus", milvus_uri=uri)
    a.ingest([_write(tmp_path / "a.txt", ART1)])
    b = fake_assistant(data_dir=tmp_path / "two", vector_store="milvus", milvus_uri=uri)
    with pytest.raises(IndexMismatchError, match="already holds .* chunks of another index"):
        b.documents()
    c = fake_assistant(data_dir=tmp_path / "one", vector_store="milvus", milvus_uri=uri, milvus_collection="other")
    with pytest.raises(IndexMismatchError, match="collection 'article_chunks'"):
        c.documents()
    assert len(a.documents()) == 1 and a.index.check() == []  # the first index is untouched


def test_file_edited_into_a_copy_of_another_document_drops_its_old_text(fake_assistant, tmp_path):
    a = fake_assistant()
    a.ingest([_write(tmp_path / "a.txt", ART1), _write(tmp_path / "b.txt", ART2)])
    r = a.ingest([_write(tmp_path / "b.txt", ART1)])  # b.txt now holds a.txt's article
    assert (r.updated, r.documents) == (1, 1)
    assert all("1.1" not in h.chunk.text for h in a.search("مبيعات الوقود", k=5))
    doc = a.documents()[0]["doc_id"]
    assert sorted(os.path.basename(p) for p in a.index.paths_of(doc)) == ["a.txt", "b.txt"]
    assert a.index.check() == []
