"""Claude through the official `anthropic` SDK: the Messages API, streamed, with the end tool.

The key and base URL come from ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL (or their _FILE
variants), read here by the settings rule (empty = unset) rather than by the SDK, which would take
an empty ANTHROPIC_BASE_URL for a URL. One SDK client per process and per base URL, key and
timeouts, kept: its connection pool keeps the connection to the API, so a reply does not pay for a
new TCP connection and TLS handshake (docs/benchmarks.md). The SDK's own retries are off: a failed call becomes a ProviderError
and the reply task retries it with backoff (tasks.py), so there is one retry policy, not two.
"""

from collections.abc import Iterator
from functools import lru_cache

import anthropic
import httpx2
from django.conf import settings

from chatsite.env import env_str

from conversations.providers.base import (
    ChatTurn,
    Provider,
    ProviderError,
    ProviderRequest,
    ProviderResult,
    ToolCall,
    error_detail,
    status_error,
)

# Errors Anthropic sends inside a stream that has already started (HTTP 200), by error type.
_TRANSIENT_STREAM_ERRORS = {"overloaded_error", "api_error", "rate_limit_error", "timeout_error"}


# The SDK's own default, used when ANTHROPIC_BASE_URL is unset or empty.
DEFAULT_BASE_URL = "https://api.anthropic.com"


@lru_cache(maxsize=8)
def _client(base_url: str, api_key: str | None, read_timeout: float, connect_timeout: float) -> anthropic.Anthropic:
    timeout = anthropic.Timeout(read_timeout, connect=connect_timeout)
    return anthropic.Anthropic(base_url=base_url, api_key=api_key, timeout=timeout, max_retries=0)


class AnthropicProvider(Provider):
    name = "anthropic"
    answers_risk_questions = True

    @property
    def default_model(self) -> str:
        return settings.ANTHROPIC_MODEL

    def client(self) -> anthropic.Anthropic:
        return _client(
            env_str("ANTHROPIC_BASE_URL", DEFAULT_BASE_URL),
            env_str("ANTHROPIC_API_KEY") or None,
            settings.LLM_READ_TIMEOUT_SECONDS,
            settings.LLM_CONNECT_TIMEOUT_SECONDS,
        )

    def stream(self, request: ProviderRequest) -> Iterator[str | ProviderResult]:
        params = {
            "model": request.model or self.default_model,
            "max_tokens": settings.LLM_MAX_OUTPUT_TOKENS,
            "system": request.system,
            "messages": to_messages(request.messages),
        }
        if request.tools:
            params["tools"] = request.tools
        try:
            with self.client().messages.stream(**params) as stream:
                for event in stream:
                    if event.type == "text" and event.text:
                        yield event.text
                message = stream.get_final_message()
        except anthropic.APIStatusError as error:
            raise _status_error(error) from error
        except anthropic.APITimeoutError as error:
            raise ProviderError("The model service did not answer in time.", transient=True) from error
        except anthropic.APIConnectionError as error:
            raise ProviderError("The model service could not be reached.", transient=True) from error
        except httpx2.TimeoutException as error:
            raise ProviderError("The model service stopped sending its reply (read timeout).", transient=True) from error
        except httpx2.TransportError as error:
            raise ProviderError("The connection to the model service dropped mid-reply.", transient=True) from error
        except anthropic.AnthropicError as error:
            # No credentials, or a client misconfiguration: retrying cannot help.
            raise ProviderError(f"The model service is not configured: {error}", transient=False) from error

        if message.stop_reason is None:
            raise ProviderError("The model's reply stopped before it finished.", transient=True)
        text = "".join(block.text for block in message.content if block.type == "text")
        calls = [
            ToolCall(block.name, dict(block.input or {}), block.id) for block in message.content if block.type == "tool_use"
        ]
        usage = message.usage
        yield ProviderResult(
            text=text,
            tool_calls=calls,
            model=message.model,
            usage={"input_tokens": usage.input_tokens, "output_tokens": usage.output_tokens},
            stop_reason=message.stop_reason,
        )


    def ask(self, system: str, question: str, *, model: str, timeout: float) -> str:
        client = self.client().with_options(timeout=anthropic.Timeout(timeout, connect=min(timeout, settings.LLM_CONNECT_TIMEOUT_SECONDS)))
        message = client.messages.create(
            model=model or self.default_model,
            max_tokens=16,
            system=system,
            messages=[{"role": "user", "content": question}],
        )
        return "".join(block.text for block in message.content if block.type == "text")


def to_messages(turns: list[ChatTurn]) -> list[dict]:
    """Our transcript as Messages API turns: assistant tool calls become `tool_use` blocks and
    the server's answers `tool_result` blocks in a user turn, as the API requires."""
    messages: list[dict] = []
    for turn in turns:
        if turn.role == "tool":
            # All the results for one assistant turn go back together, in a single user turn.
            block = {"type": "tool_result", "tool_use_id": turn.tool_call_id, "content": turn.content}
            previous = messages[-1] if messages else None
            if previous and previous["role"] == "user" and isinstance(previous["content"], list):
                previous["content"].append(block)
            else:
                messages.append({"role": "user", "content": [block]})
        elif turn.tool_calls:
            blocks = [{"type": "text", "text": turn.content}] if turn.content.strip() else []
            blocks += [{"type": "tool_use", "id": call.id, "name": call.name, "input": call.arguments} for call in turn.tool_calls]
            messages.append({"role": "assistant", "content": blocks})
        else:
            messages.append({"role": turn.role, "content": turn.content})
    return messages


def _status_error(error: anthropic.APIStatusError) -> ProviderError:
    detail = error_detail(error.body, str(error))
    status = error.status_code
    if status == 200:
        # An `error` event in a stream that had started: the body names its type.
        kind = ""
        if isinstance(error.body, dict) and isinstance(error.body.get("error"), dict):
            kind = str(error.body["error"].get("type", ""))
        transient = kind in _TRANSIENT_STREAM_ERRORS
        return ProviderError(f"The model service failed mid-reply ({kind or 'error'}): {detail}", transient=transient)
    return status_error(status, detail, error.response.headers)
