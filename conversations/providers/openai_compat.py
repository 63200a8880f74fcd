"""Any OpenAI-compatible chat completions server (OpenAI, vLLM, Ollama, llama.cpp) through the
official `openai` SDK, streamed, with the end tool offered as a function.

The key and base URL come from OPENAI_API_KEY and OPENAI_BASE_URL (or their _FILE variants), read
by the settings rule (empty = unset); self-hosted servers usually accept any key, but the SDK
insists on one. One SDK client per process and per base URL, key and timeouts, kept, so its
connection pool saves each reply a new connection and TLS handshake (docs/benchmarks.md). Its own retries are off: the reply task retries (tasks.py).
"""

import json
from collections.abc import Iterator
from functools import lru_cache

import httpx2
import openai
from django.conf import settings
from openai.types.chat import ChatCompletionChunk

from chatsite.env import env_str

from conversations.providers.base import (
    ChatTurn,
    Provider,
    ProviderError,
    ProviderRequest,
    ProviderResult,
    ToolCall,
    error_detail,
    parse_arguments,
    status_error,
)

# The SDK's own default, used when OPENAI_BASE_URL is unset or empty.
DEFAULT_BASE_URL = "https://api.openai.com/v1"


@lru_cache(maxsize=8)
def _client(base_url: str, api_key: str | None, read_timeout: float, connect_timeout: float) -> openai.OpenAI:
    timeout = openai.Timeout(read_timeout, connect=connect_timeout)
    return openai.OpenAI(base_url=base_url, api_key=api_key, timeout=timeout, max_retries=0)


class OpenAICompatProvider(Provider):
    name = "openai"
    answers_risk_questions = True

    @property
    def default_model(self) -> str:
        return settings.OPENAI_MODEL

    def client(self) -> openai.OpenAI:
        return _client(
            env_str("OPENAI_BASE_URL", DEFAULT_BASE_URL),
            env_str("OPENAI_API_KEY") or None,
            settings.LLM_READ_TIMEOUT_SECONDS,
            settings.LLM_CONNECT_TIMEOUT_SECONDS,
        )

    def stream(self, request: ProviderRequest) -> Iterator[str | ProviderResult]:
        params = {
            "model": request.model or self.default_model,
            "messages": [{"role": "system", "content": request.system}, *to_messages(request.messages)],
            "max_tokens": settings.LLM_MAX_OUTPUT_TOKENS,
            "stream": True,
            # The usage of the whole call arrives in one last chunk with no choices.
            "stream_options": {"include_usage": True},
        }
        if request.tools:
            params["tools"] = [to_function(tool) for tool in request.tools]
        text: list[str] = []
        # Tool calls stream as fragments keyed by `index`: the first carries the id and name, the
        # rest append to the JSON arguments.
        calls: dict[int, dict] = {}
        finish_reason = None
        model = ""
        usage = None
        try:
            with self.client().chat.completions.with_streaming_response.create(**params) as response:
                for chunk in _chunks(response):
                    model = chunk.model or model
                    if chunk.usage is not None:
                        usage = {"input_tokens": chunk.usage.prompt_tokens, "output_tokens": chunk.usage.completion_tokens}
                    for choice in chunk.choices:
                        if choice.index != 0:
                            continue
                        delta = choice.delta
                        if delta.content:
                            text.append(delta.content)
                            yield delta.content
                        for fragment in delta.tool_calls or ():
                            call = calls.setdefault(fragment.index, {"id": "", "name": "", "arguments": []})
                            if fragment.id:
                                call["id"] = fragment.id
                            if fragment.function is not None:
                                if fragment.function.name:
                                    # The name arrives whole, with the call's first fragment.
                                    call["name"] = fragment.function.name
                                if fragment.function.arguments:
                                    call["arguments"].append(fragment.function.arguments)
                        if choice.finish_reason:
                            finish_reason = choice.finish_reason
        except openai.APIStatusError as error:
            raise status_error(error.status_code, error_detail(error.body, str(error)), error.response.headers) from error
        except openai.APITimeoutError as error:
            raise ProviderError("The model service did not answer in time.", transient=True) from error
        except openai.APIConnectionError as error:
            raise ProviderError("The connection to the model service failed or dropped mid-reply.", transient=True) from error
        except httpx2.TimeoutException as error:
            raise ProviderError("The model service did not answer in time.", transient=True) from error
        except httpx2.TransportError as error:
            raise ProviderError("The connection to the model service failed or dropped mid-reply.", transient=True) from error
        except openai.OpenAIError as error:
            raise ProviderError(f"The model service is not configured: {error}", transient=False) from error

        if finish_reason is None:
            raise ProviderError("The model's reply stopped before it finished.", transient=True)
        tool_calls = [
            ToolCall(call["name"], parse_arguments("".join(call["arguments"])), call["id"]) for _, call in sorted(calls.items())
        ]
        yield ProviderResult(
            text="".join(text),
            tool_calls=tool_calls,
            model=model or params["model"],
            usage=usage,
            stop_reason=finish_reason,
        )

    def ask(self, system: str, question: str, *, model: str, timeout: float) -> str:
        client = self.client().with_options(timeout=openai.Timeout(timeout, connect=min(timeout, settings.LLM_CONNECT_TIMEOUT_SECONDS)))
        completion = client.chat.completions.create(
            model=model or self.default_model,
            messages=[{"role": "system", "content": system}, {"role": "user", "content": question}],
            max_tokens=16,
            temperature=0,
        )
        return (completion.choices[0].message.content or "") if completion.choices else ""


def _chunks(response) -> Iterator[ChatCompletionChunk]:
    """The chunks of a streamed completion, reading the body to its end.

    The SDK's own stream stops reading at `data: [DONE]` and closes the response with the end of
    the body unread, and an HTTP/1.1 connection closed so cannot go back to the pool: every reply
    paid a new connection and TLS handshake (openai 3.57; its async stream drains the body "for
    connection reuse", the sync one does not). Read to the end here, the kept client's connection
    serves the next reply. An error object inside a stream that had started (HTTP 200) means the
    server failed mid-reply.
    """
    done = False
    for line in response.iter_lines():
        if done or not line.startswith("data:"):
            continue
        data = line.removeprefix("data:").strip()
        if data == "[DONE]":
            # The rest is the end of the body; reading it is what frees the connection.
            done = True
            continue
        payload = json.loads(data)
        if isinstance(payload, dict) and payload.get("error"):
            detail = error_detail(payload, "An error occurred during streaming")
            raise ProviderError(f"The model service failed mid-reply: {detail}", transient=True)
        # construct, as the SDK itself builds response models: no validation of what the server sent.
        yield ChatCompletionChunk.construct(**payload)


def to_function(tool: dict) -> dict:
    """The end tool (Anthropic's shape, our canonical one) as a chat completions function."""
    return {
        "type": "function",
        "function": {"name": tool["name"], "description": tool["description"], "parameters": tool["input_schema"]},
    }


def to_messages(turns: list[ChatTurn]) -> list[dict]:
    messages: list[dict] = []
    for turn in turns:
        if turn.role == "tool":
            messages.append({"role": "tool", "tool_call_id": turn.tool_call_id, "content": turn.content})
        elif turn.tool_calls:
            messages.append(
                {
                    "role": "assistant",
                    "content": turn.content or None,
                    "tool_calls": [
                        {"id": call.id, "type": "function", "function": {"name": call.name, "arguments": json.dumps(call.arguments)}}
                        for call in turn.tool_calls
                    ],
                }
            )
        else:
            messages.append({"role": turn.role, "content": turn.content})
    return messages
