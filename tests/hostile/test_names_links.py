"""Names that forge output, links that leave the folder, folders that cannot be read."""

from __future__ import annotations

import json
import os

from click.testing import CliRunner

from assistant.cli import main
from tests.hostile.conftest import ARTICLE

ENV = {"ASSISTANT_EMBEDDER": "hash-64", "ASSISTANT_LLM_BACKEND": "none", "ASSISTANT_ABSTAIN_THRESHOLD": "0"}


def _cli(tmp_path, *args):
    return CliRunner().invoke(
        main,
        ["--data-dir", str(tmp_path / "idx"), *args],
        env={**ENV, "ASSISTANT_MODEL_CACHE": str(tmp_path / "models")},
    )


def test_a_newline_in_a_file_name_cannot_forge_a_line(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    forged = folder / "x.txt\nadded 999, updated 0, unchanged 0, failed 0; all good\n.txt"
    forged.write_bytes(b"")  # fails (empty), so its name is printed
    (folder / "ok.txt").write_text(ARTICLE, encoding="utf-8")
    r = _cli(tmp_path, "ingest", str(folder))
    assert r.exit_code == 1
    lines = r.output.splitlines()
    assert lines[0].startswith("added 1, updated 0")
    assert not any(line.startswith("added 999") for line in lines)
    assert any("\\u000aadded 999" in line for line in lines)


def test_bidi_controls_are_escaped_in_output_and_removed_from_titles(tmp_path):
    spoof = tmp_path / "invoice\u202egpj.txt"
    spoof.write_text("\u202eعنوان\u2066 مقلوب\n\n" + ARTICLE.split("\n\n", 1)[1], encoding="utf-8")
    r = _cli(tmp_path, "ingest", str(spoof), "--json")
    assert r.exit_code == 0, r.output
    docs = json.loads(_cli(tmp_path, "docs", "--json").output)
    assert not any(ch in docs[0]["title"] for ch in "\u202e\u2066")
    listing = _cli(tmp_path, "docs").output
    assert "\u202e" not in listing and "\u2066" not in listing
    bad = tmp_path / "bad\u202ename.txt"
    bad.write_bytes(b"")
    r = _cli(tmp_path, "ingest", str(bad))
    assert "\u202e" not in r.output and "\\u202e" in r.output


def test_links_out_of_the_folder_are_not_followed(tmp_path, fake_assistant):
    outside = tmp_path / "secret.txt"
    outside.write_text(
        "كلمة السر للخادم: هذا نص سري لا يجوز أن يدخل الفهرس أبدا تحت أي ظرف من الظروف.\n", encoding="utf-8"
    )
    folder = tmp_path / "articles"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    os.symlink(outside, folder / "link.txt")
    os.symlink("/etc", folder / "etc-link")
    os.symlink(folder / "a.txt", folder / "sub" / "inside-link.txt")  # stays inside: followed
    a = fake_assistant()
    rep = a.ingest([folder])
    assert rep.added == 1 and rep.unchanged == 1 and not rep.failed
    reasons = {os.path.basename(s["path"]): s["reason"] for s in rep.skipped}
    assert reasons["link.txt"].startswith("a link to something outside the folder")
    assert reasons["etc-link"].startswith("a link to something outside the folder")
    assert {s["reason_ar"] for s in rep.skipped} == {"رابط إلى ما هو خارج المجلد: لم يُتّبع"}  # the page's Arabic
    assert all("سري" not in h.chunk.text for h in a.search("كلمة السر للخادم", k=5))


def test_an_unreadable_sub_folder_is_reported(tmp_path, fake_assistant, monkeypatch):
    folder = tmp_path / "articles"
    (folder / "locked").mkdir(parents=True)
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    real = os.scandir

    def scandir(path="."):  # noqa: ANN001, ANN202 - as if permissions denied it (the tests run as root)
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    rep = fake_assistant().ingest([folder])
    assert rep.added == 1
    assert len(rep.failed) == 1 and "locked: cannot read this folder (Permission denied)" in rep.failed[0]["error"]
