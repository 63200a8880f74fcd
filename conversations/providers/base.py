import email.utils
import json
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ToolCall:
    name: str
    arguments: dict
    id: str = ""


@dataclass(frozen=True)
class ChatTurn:
    """One turn of the transcript a provider sees.

    `role` is "user", "assistant" or "tool". An assistant turn may carry the tool calls it made; a
    "tool" turn is the server's answer to one of them (`tool_call_id`), with `content` as the result.
    Each provider maps these onto its own wire format.
    """

    role: str
    content: str
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str = ""


@dataclass(frozen=True)
class ProviderRequest:
    system: str
    messages: list[ChatTurn]
    model: str
    tools: list[dict] = field(default_factory=list)
    # What the server's safety check read in the latest user turn: "support" (the reply is a
    # support reply), "check" (at the veto line only) or None. A real model is told it in `system`
    # (prompts.risk_note); the offline provider, which has no model to tell, reads it here.
    risk: str | None = None


@dataclass
class ProviderResult:
    text: str
    tool_calls: list[ToolCall] = field(default_factory=list)
    model: str = ""
    usage: dict | None = None
    stop_reason: str = ""

    def tool_call(self, name: str) -> ToolCall | None:
        return next((call for call in self.tool_calls if call.name == name), None)


class ProviderError(Exception):
    """A failed call to a model. Transient errors (rate limits, overload, timeouts) are retried."""

    def __init__(self, message: str, *, transient: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.transient = transient
        self.retry_after = retry_after


class Provider:
    """Streams a reply: yields text deltas (str), then exactly one ProviderResult."""

    name = ""
    default_model = ""
    # A real model, which the end-time risk review asks a yes/no question (`ask`) before an end.
    answers_risk_questions = False

    def stream(self, request: ProviderRequest) -> Iterator[str | ProviderResult]:
        raise NotImplementedError

    def ask(self, system: str, question: str, *, model: str, timeout: float) -> str:
        """One short, non-streamed answer to `question`; raises on any failure or after `timeout`
        seconds. Only providers with `answers_risk_questions` implement it."""
        raise NotImplementedError


def retry_after_seconds(headers: Mapping[str, str] | None) -> float | None:
    """The wait a rate-limited or overloaded server asks for: `retry-after-ms` (Anthropic and
    OpenAI send it), else `Retry-After` as seconds or as an HTTP date. None when absent."""
    if not headers:
        return None
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        raw = headers.get(name)
        if raw is None:
            continue
        try:
            return max(0.0, float(raw) / scale)
        except ValueError:
            parsed = email.utils.parsedate_tz(raw)
            if parsed is not None:
                return max(0.0, email.utils.mktime_tz(parsed) - time.time())
    return None


def status_error(status: int, detail: str, headers: Mapping[str, str] | None = None) -> ProviderError:
    """A ProviderError for an HTTP status: rate limits (429), overload (529) and other 5xx are
    worth retrying; any other 4xx means the request itself is wrong and never will succeed."""
    retry_after = retry_after_seconds(headers)
    if status == 429:
        return ProviderError(f"The model service is rate limiting requests (HTTP 429): {detail}", transient=True, retry_after=retry_after)
    if status == 529:
        return ProviderError(f"The model service is overloaded (HTTP 529): {detail}", transient=True, retry_after=retry_after)
    if status >= 500:
        return ProviderError(f"The model service failed (HTTP {status}): {detail}", transient=True, retry_after=retry_after)
    return ProviderError(f"The model service rejected the request (HTTP {status}): {detail}", transient=False)


def error_detail(body: object, fallback: str) -> str:
    """The human-readable message of an error body, {"error": {"message": ...}} in both APIs."""
    if isinstance(body, Mapping):
        inner = body.get("error", body)
        if isinstance(inner, Mapping) and isinstance(inner.get("message"), str):
            return inner["message"][:500]
    return fallback[:500]


def parse_arguments(raw: str | dict | None) -> dict:
    """Tool arguments as a dict, whatever the model produced (a bad JSON string becomes {})."""
    if isinstance(raw, dict):
        return raw
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
