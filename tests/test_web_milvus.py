"""The web app, unchanged, on the Milvus store (Milvus Lite), with the real embedder."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, free_port, serving

pytestmark = [pytest.mark.real, pytest.mark.milvus]


def test_web_app_serves_the_samples_from_milvus(tmp_path, model_cache):
    pytest.importorskip("milvus_lite")
    data = tmp_path / "index"
    port = free_port()
    env = {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(data),
        "GRADIO_SERVER_NAME": "127.0.0.1",
        "GRADIO_SERVER_PORT": str(port),
        "ASSISTANT_MODEL_CACHE": str(model_cache),
        "ASSISTANT_LLM_BACKEND": "none",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "ASSISTANT_VECTOR_STORE": "milvus",
    }
    url = f"http://127.0.0.1:{port}/"
    with (
        open(tmp_path / "app.log", "w") as log,
        serving(
            [sys.executable, "app.py"],
            url,
            f"the web app (log: {log.name})",
            240,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        ),
    ):
        from gradio_client import Client

        c = Client(url, verbose=False)
        ans = c.predict("كم دولة التزمت بإرسال جنود ضمن قوة أمنية؟", 5, "hybrid", "auto", api_name="/ask")
        assert "26" in ans["answer"] and "26 دولة" in ans["citations"][0]["quote"]
        # (In English this question ranks the English 1973 oil-crisis sample first, on either store.)
        hits = c.predict("كم حصلت روسيا من مبيعات الوقود إلى الاتحاد الأوروبي؟", 3, "hybrid", api_name="/search")
        assert any("1.1 مليار يورو" in h["text"] for h in hits)
    manifest = (data / "manifest.json").read_text()
    assert '"vector_store": "milvus"' in manifest and (data / "milvus.db").exists()
    assert not any((data / "vectors").glob("*.faiss"))  # nothing went to FAISS files
