"""The chat pages. Thin: parse with a form, check ownership, call a service, redirect or render.

Every page works without JavaScript (a form POST, then a redirect; a pending reply shows when the
page reloads itself). With JavaScript, static/chat/chat.js submits the same forms in the
background, swaps in the page the server renders, and streams pending replies from the
server-sent-events endpoint. A send, edit or retry that asks for `text/event-stream` gets the page
and its reply in one response.

- `context`: what a chat page shows, and the answers every view shares;
- `chat`: the chat itself (start, send, edit, retry, stop, switch versions);
- `manage`: rename, delete and undo, end, feedback on an end or a reply;
- `lists`: the conversation list and search, the export.
"""

from conversations.views.chat import (
    branch_switch,
    conversation_detail,
    conversation_new,
    home,
    message_edit,
    message_retry,
    message_send,
    message_stop,
)
from conversations.views.context import chat_context
from conversations.views.lists import conversation_list, conversations_export, favicon
from conversations.views.manage import (
    branch_end,
    conversation_delete,
    conversation_rename,
    conversation_restore,
    end_feedback,
    reply_rate,
)

__all__ = [
    "branch_end",
    "branch_switch",
    "chat_context",
    "conversation_delete",
    "conversation_detail",
    "conversation_list",
    "conversation_new",
    "conversation_rename",
    "conversation_restore",
    "conversations_export",
    "end_feedback",
    "favicon",
    "home",
    "message_edit",
    "message_retry",
    "message_send",
    "message_stop",
    "reply_rate",
]
