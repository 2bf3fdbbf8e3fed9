"""A scripted OpenAI-compatible LLM server that lies: it answers each question with a fixed reply
made from the source's own words (a figure moved, two countries' roles swapped, a fact reversed).

    python -m tests.lying_server PORT SCRIPT.json

SCRIPT.json: a list of [words the question holds, the reply]; the first entry whose words are all
in the question answers it; no match gives "NO ANSWER". Streams like a real server when asked to.
"""

from __future__ import annotations

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main() -> None:
    port, script = int(sys.argv[1]), json.loads(open(sys.argv[2], encoding="utf-8").read())

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # noqa: ANN002
            pass

        def do_GET(self) -> None:  # noqa: N802 - readiness probe
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            user = body["messages"][-1]["content"]
            question = user.rsplit("Question", 1)[-1]
            reply = next((r for words, r in script if all(w in question for w in words)), "NO ANSWER")
            if not body.get("stream"):
                out = json.dumps({"choices": [{"message": {"role": "assistant", "content": reply}}]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for i in range(0, len(reply), 6):
                chunk = {"choices": [{"delta": {"content": reply[i : i + 6]}}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
