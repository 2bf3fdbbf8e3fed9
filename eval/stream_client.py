"""A lean reader of the web app's streamed endpoints, as the browser's page reads them.

The page joins Gradio's queue (``POST …/queue/join``) and reads the job's server-sent events
(``GET …/queue/data``) as they arrive. ``gradio_client`` does the same but hands each event over
through two polling loops (one sleeps 50 ms between looks), which on a two-core machine added
~0.12 s to the time to the quote (eval/README.md, "The quote on the wire"). The load benchmark
(``eval/load_real.py``) reads the stream this way by default, so that what it times is the app.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx


class StreamClient:
    """One user's connection to the app at ``url``: ``stream(api_name, *inputs)`` yields the endpoint's
    outputs in order, as whole values (Gradio sends a streamed value's later versions as diffs)."""

    def __init__(self, url: str, timeout: float = 60.0) -> None:
        from gradio_client.utils import apply_diff  # the protocol's own diff format

        self._apply_diff = apply_diff
        self.http = httpx.Client(timeout=timeout)
        root = url.rstrip("/")
        config = self.http.get(root + "/config").json()
        self.prefix = root + config.get("api_prefix", "/gradio_api")
        self.ids = {d["api_name"]: d["id"] for d in config["dependencies"] if d.get("api_name")}

    def stream(self, api_name: str, *inputs: Any) -> Iterator[Any]:
        session = uuid.uuid4().hex
        join = {
            "data": list(inputs),
            "event_data": None,
            "fn_index": self.ids[api_name.lstrip("/")],
            "trigger_id": None,
            "session_hash": session,
        }
        self.http.post(self.prefix + "/queue/join", json=join).raise_for_status()
        latest: list | None = None
        with self.http.stream("GET", self.prefix + "/queue/data", params={"session_hash": session}) as events:
            for line in events.iter_lines():
                if not line.startswith("data:"):
                    continue
                msg = json.loads(line[5:])
                kind = msg.get("msg")
                if kind == "process_generating":
                    data = msg["output"]["data"]
                    latest = list(data) if latest is None else [self._apply_diff(a, b) for a, b in zip(latest, data)]
                    yield latest[0]
                elif kind == "process_completed":
                    if not msg.get("success", True):
                        raise RuntimeError(f"{api_name}: {msg.get('output', {}).get('error') or 'failed'}")
                    return
                elif kind == "close_stream":
                    return

    def close(self) -> None:
        self.http.close()
