"""A local HTTP server that answers like the OpenAI moderation endpoint and a Llama Guard server.

It runs in a thread on 127.0.0.1 and replies in the services' real wire formats, so the
backends' real httpx code is exercised. Each test sets what the next requests get.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

OPENAI_CATEGORIES = (
    "harassment",
    "harassment/threatening",
    "hate",
    "hate/threatening",
    "illicit",
    "illicit/violent",
    "self-harm",
    "self-harm/intent",
    "self-harm/instructions",
    "sexual",
    "sexual/minors",
    "violence",
    "violence/graphic",
)


def moderation_response(**scores: float) -> dict:
    """A moderation response; keyword names use _ for / and - (self_harm_intent -> self-harm/intent)."""
    named = {name: 0.0001 for name in OPENAI_CATEGORIES}
    for key, value in scores.items():
        match = next(name for name in OPENAI_CATEGORIES if name.replace("/", "_").replace("-", "_") == key)
        named[match] = value
    return {
        "id": "modr-0001",
        "model": "omni-moderation-latest",
        "results": [
            {
                "flagged": any(v >= 0.5 for v in named.values()),
                "categories": {name: value >= 0.5 for name, value in named.items()},
                "category_scores": named,
                "category_applied_input_types": {name: ["text"] for name in named},
            }
        ],
    }


def chat_completion(content: str) -> dict:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1764230000,
        "model": "meta-llama/Llama-Guard-3-8B",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 200, "completion_tokens": 5, "total_tokens": 205},
    }


class FakeModerationServer:
    def __init__(self) -> None:
        self.status = 200
        self.body: dict | str = {}
        self.delay = 0.0
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            # Keep-alive, like the real services, so a client that reuses its connection can.
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 (the http.server API)
                length = int(self.headers.get("Content-Length", 0))
                server.requests.append(
                    {
                        "path": self.path,
                        "json": json.loads(self.rfile.read(length) or b"{}"),
                        "auth": self.headers.get("Authorization"),
                        # The client's port: one per connection it opened.
                        "peer": self.client_address[1],
                    }
                )
                if server.delay:
                    time.sleep(server.delay)
                payload = server.body if isinstance(server.body, str) else json.dumps(server.body)
                data = payload.encode()
                try:
                    self.send_response(server.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, *args) -> None:
                pass

        class QuietServer(ThreadingHTTPServer):
            def handle_error(self, request, client_address) -> None:
                pass  # a client that timed out and hung up is what the timeout tests expect

        self.httpd = QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def answer(self, body: dict | str, status: int = 200, delay: float = 0.0) -> None:
        self.body, self.status, self.delay = body, status, delay

    def __enter__(self) -> FakeModerationServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
