from conversations.providers import ProviderResult
from conversations.providers.base import Provider


class FixedReplyProvider(Provider):
    """A provider with no latency of its own and a short fixed reply: what is left is our overhead."""

    name = "fixed"
    default_model = "fixed-1"
    TOKENS = ("Hello", " there,", " this", " is", " a", " short", " fixed", " reply.")

    def stream(self, request):
        yield from self.TOKENS
        yield ProviderResult(text="".join(self.TOKENS), model=self.default_model, stop_reason="end_turn")
