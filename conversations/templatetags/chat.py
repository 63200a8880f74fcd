"""Template helpers for the chat pages: markdown that is safe to show, and small display helpers."""

import re
from functools import lru_cache

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from conversations import markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    # Through the module, so a benchmark can swap the cached function for the uncached one.
    return markdown.render_markdown(text)


@register.filter
def highlight(text: str, query: str) -> SafeString:
    """The text, escaped, with every occurrence of the query (any case) marked."""
    text = escape(text or "")
    query = escape((query or "").strip())
    if not query:
        return mark_safe(text)  # noqa: S308 - escaped above
    marked = re.sub(re.escape(query), lambda match: f"<mark>{match.group(0)}</mark>", text, flags=re.IGNORECASE)
    return mark_safe(marked)  # noqa: S308 - escaped above, only <mark> added


@register.simple_tag
def markdown_rules() -> dict:
    return markdown.sanitiser_rules()


@register.simple_tag
def chat_assets() -> dict:
    """The scripts static/chat/chat.js loads only when a page needs them (static/vendor/)."""
    return {
        "markdown": static("vendor/markdown-it/markdown-it.min.js"),
        "purify": static("vendor/dompurify/purify.min.js"),
        "highlight": static("vendor/highlight/highlight.min.js"),
    }


@register.simple_tag
def signup_enabled() -> bool:
    return bool(settings.ALLOW_SIGNUP)


@register.simple_tag
def support_resources() -> str:
    return settings.SUPPORT_RESOURCES


@lru_cache(maxsize=4096)
def _reverse(prefix: str, viewname: str, args: tuple[str, ...]) -> str:
    # `prefix` is only part of the key: reverse() reads the current script prefix itself.
    return reverse(viewname, args=args)


@register.simple_tag
def link(viewname: str, *args) -> str:
    """{% url %}, remembered per process. A chat page has a link or two per message and one to
    three per conversation in the sidebar, about fifty, and Django's reverse takes 30 to 40
    microseconds each: about 8 % of the page's time. Pages are shown again and again with the same
    links. The script prefix is part of the key because the same view has another address under
    another one."""
    return _reverse(get_script_prefix(), viewname, tuple(str(arg) for arg in args))
