"""A local stand-in for the model APIs: an HTTP server on 127.0.0.1 that replays the providers'
documented streaming wire formats, so the tests run the real SDK clients end to end.

- Anthropic Messages API (`POST /v1/messages`, stream): server-sent events named `message_start`,
  `content_block_start`, `ping`, `content_block_delta` (`text_delta`, `input_json_delta` with
  `partial_json` fragments), `content_block_stop`, `message_delta` (stop reason, output usage),
  `message_stop`; errors as `{"type": "error", "error": {"type", "message"}}`, either with an
  HTTP status (429 `rate_limit_error`, 529 `overloaded_error`, 500 `api_error`, 400
  `invalid_request_error`) or as an `error` event inside a started stream.
- OpenAI chat completions (`POST /v1/chat/completions`, stream): `data:` lines carrying
  `chat.completion.chunk` objects whose `choices[0].delta` holds `content` or `tool_calls`
  fragments keyed by `index` (the first with `id`, `type` and `function.name`, the rest appending
  to `function.arguments`), a `finish_reason`, a last chunk with empty `choices` and the `usage`
  (`stream_options.include_usage`), then `data: [DONE]`; errors as `{"error": {"message",
  "type", "param", "code"}}`.

Each request takes the next scripted step; the server records every request for assertions.
Streams are sent with chunked transfer encoding so that a dropped connection is visible to the
client as a truncated body, as it would be with the real services.
"""

import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Stream:
    """A 200 response streaming `frames` (raw SSE text, one event each)."""

    frames: list[str]
    pause: float = 0.0
    # Stop after this many frames: "drop" closes the connection mid-body, "hang" goes silent.
    cut_after: int | None = None
    cut: str = ""


@dataclass
class Status:
    """A plain (non-streamed) HTTP response, e.g. an error with Retry-After."""

    status: int
    body: dict
    headers: dict = field(default_factory=dict)


@dataclass
class Recorded:
    path: str
    headers: dict
    body: dict
    # The client's port: one per connection it opened.
    peer: int = 0


class FakeLLMServer:
    def __init__(self) -> None:
        self.steps: deque = deque()
        self.requests: list[Recorded] = []
        self._stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else {}
                server.requests.append(Recorded(self.path, {k.lower(): v for k, v in self.headers.items()}, body, self.client_address[1]))
                step = server.steps.popleft() if server.steps else Status(500, {"error": {"message": "no scripted step"}})
                if isinstance(step, Status):
                    self._plain(step)
                else:
                    self._stream(step)

            def _plain(self, step: Status) -> None:
                data = json.dumps(step.body).encode()
                self.send_response(step.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in step.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def _chunk(self, text: str) -> None:
                data = text.encode()
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()

            def _stream(self, step: Stream) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream; charset=utf-8")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for index, frame in enumerate(step.frames):
                    if step.cut_after is not None and index == step.cut_after:
                        if step.cut == "hang":
                            server._stopping.wait(30)
                        # Close without the final zero-length chunk: the body is truncated.
                        self.close_connection = True
                        self.connection.shutdown(socket.SHUT_RDWR)
                        return
                    self._chunk(frame)
                    if step.pause:
                        time.sleep(step.pause)
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def anthropic_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def openai_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> "FakeLLMServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def queue(self, *steps) -> None:
        self.steps.extend(steps)


# --- Anthropic Messages API -----------------------------------------------------------------


def _sse(event: str, data: dict) -> str:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n"


def anthropic_stream(
    text: list[str] = (),
    *,
    tool: tuple[str, str, list[str]] | None = None,
    model: str = "claude-test-1",
    input_tokens: int = 42,
    output_tokens: int = 17,
    **options,
) -> Stream:
    """A streamed message: text deltas, then optionally one tool_use block whose input arrives
    as `input_json_delta` fragments (tool = (id, name, fragments))."""
    frames = [
        _sse(
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "id": "msg_01FakeStream",
                    "type": "message",
                    "role": "assistant",
                    "content": [],
                    "model": model,
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": {"input_tokens": input_tokens, "output_tokens": 1},
                },
            },
        ),
    ]
    index = 0
    if text:
        frames.append(_sse("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}))
        frames.append(_sse("ping", {"type": "ping"}))
        for piece in text:
            frames.append(
                _sse("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": piece}})
            )
        frames.append(_sse("content_block_stop", {"type": "content_block_stop", "index": 0}))
        index = 1
    if tool is not None:
        tool_id, name, fragments = tool
        frames.append(
            _sse(
                "content_block_start",
                {"type": "content_block_start", "index": index, "content_block": {"type": "tool_use", "id": tool_id, "name": name, "input": {}}},
            )
        )
        for fragment in ["", *fragments]:
            frames.append(
                _sse(
                    "content_block_delta",
                    {"type": "content_block_delta", "index": index, "delta": {"type": "input_json_delta", "partial_json": fragment}},
                )
            )
        frames.append(_sse("content_block_stop", {"type": "content_block_stop", "index": index}))
    stop_reason = "tool_use" if tool is not None else "end_turn"
    frames.append(
        _sse(
            "message_delta",
            {"type": "message_delta", "delta": {"stop_reason": stop_reason, "stop_sequence": None}, "usage": {"output_tokens": output_tokens}},
        )
    )
    frames.append(_sse("message_stop", {"type": "message_stop"}))
    return Stream(frames, **options)


def anthropic_end_call(reason: str, rationale: str, text: list[str] = (), **options) -> Stream:
    """A message that writes `text` and then calls end_conversation, its input split mid-token."""
    arguments = json.dumps({"reason": reason, "rationale": rationale})
    cut = len(arguments) // 3
    fragments = [arguments[:cut], arguments[cut : 2 * cut], arguments[2 * cut :]]
    return anthropic_stream(text, tool=("toolu_01FakeEnd", "end_conversation", fragments), **options)


def anthropic_error(status: int, error_type: str, message: str, retry_after: str | None = None) -> Status:
    headers = {"request-id": "req_fake"}
    if retry_after is not None:
        headers["retry-after"] = retry_after
    return Status(status, {"type": "error", "error": {"type": error_type, "message": message}, "request_id": "req_fake"}, headers)


def anthropic_error_event(error_type: str, message: str) -> str:
    return _sse("error", {"type": "error", "error": {"type": error_type, "message": message}})


# --- OpenAI chat completions ------------------------------------------------------------------


def _chunk(model: str, delta: dict | None, finish_reason: str | None = None, usage: dict | None = None) -> str:
    choices = [] if delta is None else [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}]
    data = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 1767225600,
        "model": model,
        "system_fingerprint": "fp_fake",
        "choices": choices,
        "usage": usage,
    }
    return f"data: {json.dumps(data)}\n\n"


def openai_stream(
    text: list[str] = (),
    *,
    tool_calls: list[tuple[str, str, list[str]]] = (),
    model: str = "gpt-test-1",
    prompt_tokens: int = 40,
    completion_tokens: int = 15,
    **options,
) -> Stream:
    """A streamed completion: content deltas, then tool calls (id, name, argument fragments),
    each opened by a fragment with its id and name and continued by `index` alone."""
    frames = [_chunk(model, {"role": "assistant", "content": ""})]
    frames += [_chunk(model, {"content": piece}) for piece in text]
    for index, (call_id, name, fragments) in enumerate(tool_calls):
        first = {"index": index, "id": call_id, "type": "function", "function": {"name": name, "arguments": ""}}
        frames.append(_chunk(model, {"tool_calls": [first]}))
        frames += [_chunk(model, {"tool_calls": [{"index": index, "function": {"arguments": part}}]}) for part in fragments]
    frames.append(_chunk(model, {}, "tool_calls" if tool_calls else "stop"))
    usage = {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens, "total_tokens": prompt_tokens + completion_tokens}
    frames.append(_chunk(model, None, usage=usage))
    frames.append("data: [DONE]\n\n")
    return Stream(frames, **options)


def openai_end_call(reason: str, rationale: str, text: list[str] = (), **options) -> Stream:
    arguments = json.dumps({"reason": reason, "rationale": rationale})
    cut = len(arguments) // 2
    return openai_stream(text, tool_calls=[("call_fake_end", "end_conversation", [arguments[:cut], arguments[cut:]])], **options)


def openai_error(status: int, message: str, error_type: str, code: str | None = None, retry_after: str | None = None) -> Status:
    headers = {"x-request-id": "req_fake"}
    if retry_after is not None:
        headers["retry-after"] = retry_after
    return Status(status, {"error": {"message": message, "type": error_type, "param": None, "code": code}}, headers)


def openai_error_chunk(message: str, error_type: str = "server_error") -> str:
    return f"data: {json.dumps({'error': {'message': message, 'type': error_type, 'param': None, 'code': None}})}\n\n"


# --- Non-streamed answers (the end-time risk review's yes/no question) ------------------------


def anthropic_message(text: str, model: str = "claude-test-1") -> Status:
    """A Messages API response without streaming: one text block."""
    return Status(
        200,
        {
            "id": "msg_01FakeAnswer",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [{"type": "text", "text": text}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": 120, "output_tokens": 1},
        },
    )


def openai_completion(text: str, model: str = "gpt-test-1") -> Status:
    """A chat completion without streaming (`object: chat.completion`)."""
    return Status(
        200,
        {
            "id": "chatcmpl-fake-answer",
            "object": "chat.completion",
            "created": 1764400000,
            "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 120, "completion_tokens": 1, "total_tokens": 121},
        },
    )
