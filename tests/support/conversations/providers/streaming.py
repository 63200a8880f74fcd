"""Reading a provider's stream in tests."""

import pytest

from conversations.providers import ProviderError, ProviderResult


def drain(provider, request):
    """Run a provider's stream to its end: the text deltas and the final result."""
    tokens, result = [], None
    for item in provider.stream(request):
        if isinstance(item, ProviderResult):
            result = item
        else:
            tokens.append(item)
    return tokens, result


def collect_until_error(provider, request):
    """The deltas a failing stream yielded before its ProviderError, and that error."""
    tokens = []
    with pytest.raises(ProviderError) as failure:
        for item in provider.stream(request):
            if isinstance(item, str):
                tokens.append(item)
    return tokens, failure.value
