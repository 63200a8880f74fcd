"""Markdown for messages, safe to show, and the plain text of a message for titles.

Messages come from users and from a model, so both are untrusted. Markdown is rendered with raw
HTML turned off (any tag is shown as text), then the HTML is cleaned by an allow-list sanitiser,
so no script, event handler, style or `javascript:` link can reach the page even if the renderer
had a bug. The browser renders a reply while it streams with the same renderer (markdown-it, the
JavaScript original of markdown-it-py) and the same allow-list (`sanitiser_rules()`, handed to
static/chat/chat.js by the page), so a reply looks the same before and after it is saved.
"""

import html
import re
from functools import lru_cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol",
    "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "code": {"class"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
# The renderer's own code-language classes only, so content cannot borrow the page's styles.
CODE_CLASS = re.compile(r"^language-[A-Za-z0-9-]+$")
LINK_REL = "noopener noreferrer nofollow"


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    # Images are off: a model or a user could otherwise make every reader's browser fetch a URL.
    return MarkdownIt("commonmark", {"html": False, "breaks": True}).enable(["table", "strikethrough"]).disable("image")


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    if element == "code" and attribute == "class":
        return value if CODE_CLASS.match(value) else None
    return value


# A chat page renders every message on its path at each load (and again when a reply finishes),
# while a message's text never changes once written: the texts of the last few pages shown are
# kept, per process, by their content.
@lru_cache(maxsize=512)
def render_markdown(text: str) -> SafeString:
    rendered = _renderer().render(text or "")
    cleaned = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        attribute_filter=_keep_attribute,
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised just above


def sanitiser_rules() -> dict:
    """The allow-list above for the browser's sanitiser (DOMPurify), as JSON-ready data."""
    return {
        "tags": sorted(ALLOWED_TAGS),
        "attributes": {tag: sorted(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        "schemes": sorted(URL_SCHEMES),
        "codeClass": CODE_CLASS.pattern,
        "linkRel": LINK_REL,
    }


def plain_text(text: str) -> str:
    """What a reader sees of a message's markdown, as one line: no markup, no symbols."""
    rendered = _renderer().render(text or "")
    stripped = nh3.clean(rendered, tags=set())
    return " ".join(html.unescape(stripped).split())


def cut_at_word(text: str, limit: int) -> str:
    """At most `limit` characters, cut after a whole word (with an ellipsis when cut)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–—") + "…"
