"""Model providers: one streaming, tool-aware interface; a registry from setting value to class."""

from conversations.providers.base import (
    ChatTurn,
    Provider,
    ProviderError,
    ProviderRequest,
    ProviderResult,
    ToolCall,
)
from conversations.providers.registry import get_provider

__all__ = [
    "ChatTurn",
    "Provider",
    "ProviderError",
    "ProviderRequest",
    "ProviderResult",
    "ToolCall",
    "get_provider",
]
