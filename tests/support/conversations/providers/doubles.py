"""Provider doubles for the tests. They run inside the real worker (registered through
LLM_EXTRA_PROVIDERS) and stand in for a model that misbehaves or fails."""

import os
import time

from conversations.providers import ProviderError, ProviderResult, ToolCall
from conversations.providers.local import LocalProvider
from conversations.providers.prompts import END_TOOL_NAME


class AlwaysEndProvider(LocalProvider):
    """A model that asks to end every conversation, whatever the user said."""

    name = "always_end"
    default_model = "always-end-1"

    def stream(self, request):
        for item in super().stream(request):
            if isinstance(item, ProviderResult):
                call = ToolCall(END_TOOL_NAME, {"reason": "abuse", "rationale": "I want to stop."}, "double-end")
                item.tool_calls = [call]
                item.stop_reason = "tool_use"
            yield item


class FailingProvider(LocalProvider):
    """A model whose service is down: it streams a few tokens, then fails."""

    name = "failing"
    default_model = "failing-1"
    transient = True

    def stream(self, request):
        yield "Partial "
        yield "answer "
        raise ProviderError("The model service is overloaded (HTTP 529).", transient=self.transient)


class RejectingProvider(FailingProvider):
    """A model that rejects the request outright (an HTTP 4xx): never worth retrying."""

    name = "rejecting"
    transient = False


class SlowProvider(LocalProvider):
    """A model that takes its time: a token every half second, SLOW_PROVIDER_TOKENS of them
    (240 unless set: two minutes, long enough to kill a worker in the middle of it)."""

    name = "slow"
    default_model = "slow-1"

    def stream(self, request):
        words = [f"word{number} " for number in range(int(os.environ.get("SLOW_PROVIDER_TOKENS") or 240))]
        for word in words:
            yield word
            time.sleep(0.5)
        yield ProviderResult(text="".join(words), stop_reason="end_turn")


class SteadyProvider(LocalProvider):
    """The offline assistant at a reading pace: 100 ms between words instead of the suite's 2 ms,
    so a page sees its reply grow over many frames. At 40 ms the whole reply (about 45 words) took
    under two seconds, and once in CI, on a loaded machine, it had finished before the page began
    to read it."""

    name = "steady"
    default_model = "steady-1"

    def stream(self, request):
        for item in super().stream(request):
            if isinstance(item, str):
                time.sleep(0.1)
            yield item
