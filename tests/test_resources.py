"""Shipped data: every file listed with its checksum, read through one loader that fails loudly."""

from __future__ import annotations

import json
import shutil

import pytest

from assistant import resources
from assistant.errors import ResourceError


def test_manifest_matches_the_shipped_files():
    """A tool that rewrote a data file without `python -m assistant.resources` fails here, not in use."""
    assert resources.scan() == resources.manifest()


@pytest.fixture()
def copy(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(resources.DATA, data)
    monkeypatch.setattr(resources, "DATA", data)
    resources.manifest.cache_clear()
    resources.data_file.cache_clear()
    yield data
    resources.manifest.cache_clear()
    resources.data_file.cache_clear()


def test_missing_file_names_it(copy):
    (copy / "verifier.json").unlink()
    with pytest.raises(ResourceError, match=r"verifier\.json: missing from the installed package; reinstall"):
        resources.load_json("verifier.json")


def test_edited_file_is_refused(copy):
    spec = json.loads((copy / "fusion.json").read_text(encoding="utf-8"))
    spec["embedders"] = {}
    (copy / "fusion.json").write_text(json.dumps(spec), encoding="utf-8")
    with pytest.raises(ResourceError, match=r"fusion\.json: does not match its recorded sha256"):
        resources.load_json("fusion.json")


def test_unlisted_and_manifest_missing(copy):
    (copy / "new.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ResourceError, match="not listed"):
        resources.data_file("new.json")
    (copy / "MANIFEST.json").unlink()
    resources.manifest.cache_clear()
    with pytest.raises(ResourceError, match=r"MANIFEST\.json: missing"):
        resources.data_file("fusion.json")


def test_the_product_reads_through_the_loader(copy):
    """The tuned fusion is what retrieval uses; without its file retrieval refuses instead of falling back."""
    from assistant.retrieval import fusion_for

    fusion_for.cache_clear()
    (copy / "fusion.json").unlink()
    try:
        with pytest.raises(ResourceError, match="fusion.json"):
            fusion_for("multilingual-e5-small")
    finally:
        fusion_for.cache_clear()


def test_bundled_datasets_resolve_by_name():
    from assistant.evaluation.datasets import dataset_path, load_dataset

    assert dataset_path("xquad-ar").name == "xquad-ar"
    ds = load_dataset("tydiqa-ar")
    assert len(ds.queries) == 638 and ds.splits == "tydiqa"


def test_samples_are_shipped():
    names = [p.name for p in resources.sample_articles()]
    assert "article-ar.txt" in names
