from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ChatTurn:
    role: str  # "user" or "assistant"
    content: str


@dataclass(frozen=True)
class ProviderRequest:
    system: str
    messages: list[ChatTurn]
    model: str
    tools: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class ToolCall:
    name: str
    arguments: dict
    id: str = ""


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

    def stream(self, request: ProviderRequest) -> Iterator[str | ProviderResult]:
        raise NotImplementedError
