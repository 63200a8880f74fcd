"""Template helpers for the chat pages: markdown that is safe to show, and small display helpers.

Messages come from users and from a model, so both are untrusted. Markdown is rendered with raw
HTML turned off (any tag is shown as text), then the HTML is cleaned by an allow-list sanitiser,
so no script, event handler, style or `javascript:` link can reach the page even if the renderer
had a bug.
"""

from functools import lru_cache

import nh3
from django import template
from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

register = template.Library()

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol",
    "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "code": {"class"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    # Images are off: a model or a user could otherwise make every reader's browser fetch a URL.
    return MarkdownIt("commonmark", {"html": False, "breaks": True}).enable(["table", "strikethrough"]).disable("image")


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    # Only the renderer's own code-language classes, so content cannot borrow the page's styles.
    if element == "code" and attribute == "class":
        return value if value.startswith("language-") and value[9:].replace("-", "").isalnum() else None
    return value


# A chat page renders every message on its path at each load (and again when a reply finishes),
# while a message's text never changes once written: the texts of the last few pages shown are
# kept, per process, by their content.
@lru_cache(maxsize=512)
def render_markdown(text: str) -> SafeString:
    html = _renderer().render(text or "")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_keep_attribute,
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised just above


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return render_markdown(text)


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
