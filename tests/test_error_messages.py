"""Our errors in Arabic for the web page, beside the English the CLI prints."""

from __future__ import annotations

import errno
import pickle
import re
import sqlite3

import pytest

from assistant.errors import (
    DocumentNotFound,
    IndexLockedError,
    InputError,
    LoadError,
    ModelError,
    storage_error,
)
from assistant.prompts import ERRORS_AR, GENERAL_ERROR_AR, UNEXPECTED_ERROR_AR

LATIN = re.compile(r"[A-Za-z]")
ALLOWED_LATIN = {"request: k": "k", "request: language": "ar en auto"}  # the values a user types, as typed


def test_every_arabic_message_is_arabic():
    for code, template in ERRORS_AR.items():
        words = set(re.sub(r"\{[a-z_]+\}", "", template).split())
        latin = {w for w in words if LATIN.search(w)}
        assert latin <= set(ALLOWED_LATIN.get(code, "").split()) | {"(k)"}, (code, latin)
        assert re.search(r"[\u0600-\u06ff]", template), code
    for text in (GENERAL_ERROR_AR, UNEXPECTED_ERROR_AR):
        assert not LATIN.search(text.replace("{name}", ""))


def test_an_error_carries_its_arabic_through_a_pickle():
    err = InputError.said("text: empty", "the question is empty: type a question", the="السؤال", acc="سؤالاً")
    assert str(err) == "the question is empty: type a question"  # what the CLI prints, unchanged
    assert err.message_ar == "لا نص في السؤال: اكتب سؤالاً"
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is InputError and str(back) == str(err) and back.message_ar == err.message_ar
    plain = ModelError("the model file is damaged")
    assert plain.message_ar == "" and pickle.loads(pickle.dumps(plain)).message_ar == ""


def test_a_file_error_names_the_file_in_arabic_without_its_folder():
    err = LoadError.known("/srv/secret/تقرير.pdf", "pdf: no text layer")
    assert err.message_ar.startswith("تقرير.pdf: لا طبقة نص فيه")
    assert "/srv" not in err.message_ar


@pytest.mark.parametrize(
    ("exc", "arabic"),
    [
        (OSError(errno.ENOSPC, "No space left on device", "/data/x"), "القرص ممتلئ"),
        (OSError(errno.EROFS, "Read-only file system"), "القرص للقراءة فقط"),
        (OSError(errno.EIO, "Input/output error"), "أبلغ القرص عن خطأ في القراءة أو الكتابة"),
        (sqlite3.OperationalError("database or disk is full"), "تعذّرت الكتابة في قاعدة سجلات الفهرس"),
    ],
)
def test_a_disk_failure_is_said_in_arabic_with_what_to_do(exc, arabic):
    found = storage_error(exc, "ingest")
    assert found is not None and found.message_ar.startswith(arabic + ". لم يُحفظ شيء نصف مكتوب")
    assert "حرّر مساحة" in found.message_ar
    assert str(found).startswith(("the disk", "the records database"))  # the English as before
    assert storage_error(OSError(errno.ENOENT, "missing")) is None


def test_the_web_page_says_our_errors_arabic_first_and_names_the_unexpected(tmp_path):
    import gradio as gr

    from assistant.store.lock import WriteLock
    from assistant.web.api import user_errors

    def raising(exc):  # noqa: ANN001, ANN202
        @user_errors
        def handler():  # noqa: ANN202
            raise exc

        with pytest.raises(gr.Error) as err:
            handler()
        return err.value.message

    held = WriteLock(tmp_path / "lock")
    held.acquire()
    try:
        with pytest.raises(IndexLockedError) as locked:
            WriteLock(tmp_path / "lock").acquire()
    finally:
        held.release()
    shown = raising(locked.value)
    assert shown.startswith("الفهرس قيد التحديث من العملية ") and " · index " in shown
    assert str(tmp_path) not in shown
    assert raising(DocumentNotFound.said("index: no document", "no document with id 'x'", doc_id="x")).startswith(
        "لا وثيقة بالمعرّف «x» في الفهرس"
    )
    assert raising(ModelError("the reader file is damaged")) == f"{GENERAL_ERROR_AR} · the reader file is damaged"
    assert raising(RuntimeError("boom")).startswith("خطأ غير متوقع (RuntimeError)؛ التفاصيل في سجل الخادم · unexpected")
