"""How the API describes itself in OpenAPI (drf-spectacular): the error shape on every operation,
UUID path parameters, and the server-sent-events endpoint, which is a plain async Django view.

The schema is generated from the code and committed at docs/openapi.yaml; tests/conversations/api/test_schema.py
fails when the two differ.
"""

from django.urls import reverse
from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiViewExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_serializer, extend_schema_view
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

# Paths as the hook sees them (drf-spectacular then names the `pk` parameter `id`).
STREAM_PATH = "/api/v1/messages/{pk}/stream/"


@extend_schema_serializer(component_name="Error")
class ErrorOut(serializers.Serializer):
    """The one error shape, produced by conversations.api.errors.exception_handler."""

    code = serializers.CharField(help_text="Stable and machine-readable, e.g. `branch_ended`, `throttled`.")
    detail = serializers.CharField(help_text="A sentence for people.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Validation errors only (`code` is `invalid`): the messages per field.",
    )


def error_response(*codes: str, description: str = "") -> OpenApiResponse:
    """An error response whose `code` is one of `codes`."""
    listed = ", ".join(f"`{code}`" for code in codes)
    text = f"{description} Codes: {listed}." if description else f"Codes: {listed}."
    return OpenApiResponse(ErrorOut, description=text.strip())


# The errors any operation of a kind may answer with, added by AutoSchema unless a view says more.
THROTTLED = OpenApiResponse(
    ErrorOut,
    description="Codes: `throttled`. Too many requests; the `Retry-After` header says how many seconds to wait.",
)
NOT_AUTHENTICATED = error_response(
    "not_authenticated", "authentication_failed", description="No credentials, or a wrong token."
)
NOT_FOUND = error_response("not_found", description="No such object among yours (another user's is a 404 too), or no such page.")
INVALID = error_response("invalid", description="The body or the query parameters are not valid; `errors` says which.")
CSRF = error_response("permission_denied", description="A session-authenticated write without a CSRF token.")
UNSUPPORTED = error_response("unsupported_media_type", description="A body that is not JSON.")

_WRITES = {"POST", "PUT", "PATCH"}


class AutoSchema(openapi.AutoSchema):
    """Adds the error responses an operation can give to whatever its view declares."""

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        # Ids are UUIDs; the URL patterns take any string so a malformed id is a 404 like a missing one.
        if "{id}" in self.path and not any(getattr(p, "name", None) == "id" for p in parameters):
            parameters.append(OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The object's id."))
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if not getattr(self.view, "standard_errors", True):
            return responses
        standard = {}
        if self.method in _WRITES or self._has_query_parameters():
            standard["400"] = INVALID
        if self.view.get_authenticators():
            standard["401"] = NOT_AUTHENTICATED
            if self.method in _WRITES or self.method == "DELETE":
                standard["403"] = CSRF
        if "{" in self.path or self._get_paginator() is not None:
            standard["404"] = NOT_FOUND
        if self.method in _WRITES:
            standard["415"] = UNSUPPORTED
        standard["429"] = THROTTLED
        for code, response in standard.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return dict(sorted(responses.items()))

    def _get_response_headers_for_code(self, status_code, direction="response"):
        headers = super()._get_response_headers_for_code(status_code, direction)
        if str(status_code) == "429":
            headers["Retry-After"] = {
                "schema": {"type": "integer"},
                "description": "Seconds to wait before trying again.",
            }
        return headers

    def _has_query_parameters(self) -> bool:
        if self.method != "GET":
            return False
        return any(
            parameter.get("in") == "query" for parameter in self._get_parameters()
        )


# One server-sent event, as OpenAPI 3.0 describes the items of a text/event-stream response.
SSE_EVENT = {
    "type": "object",
    "required": ["event", "data"],
    "properties": {
        "event": {"type": "string", "enum": ["token", "reset", "done", "error"]},
        "data": {
            "type": "string",
            "description": 'A JSON object: `{"text"}` (token), `{}` or `{"reason"}` (reset), `{"status", "kind", "ended"}` '
            'and `error` on failure (done), `{"code", "detail"}` (error).',
        },
        "id": {"type": "string", "description": "The Redis Stream entry id; absent on a replay from the database."},
    },
}


# The `"stream": true` answer of a send, edit or retry: the JSON body as a first `created` event,
# then the reply's own events.
CREATED_SSE_EVENT = {
    **SSE_EVENT,
    "properties": {
        **SSE_EVENT["properties"],
        "event": {"type": "string", "enum": ["created", "token", "reset", "done", "error"]},
        "data": {
            "type": "string",
            "description": "A JSON object: the JSON answer's body (created), then as from messages/{id}/stream/.",
        },
    },
}


def created_stream_response() -> OpenApiResponse:
    return OpenApiResponse(
        CREATED_SSE_EVENT,
        description='With `"stream": true`: a `created` event carrying the JSON answer, then the reply\'s events as '
        "messages/{id}/stream/ sends them, ending with `done`. To resume after a drop, read that stream with `Last-Event-ID`.",
        examples=[
            OpenApiExample(
                "A short reply",
                value=(
                    'event: created\ndata: {"assistant_message": {"id": "..."}}\n\n'
                    'id: 1767225600000-0\nevent: token\ndata: {"text": "Hello"}\n\n'
                    'id: 1767225600001-0\nevent: done\ndata: {"status": "complete", "kind": "answer", "ended": false}\n\n'
                ),
                media_type="text/event-stream",
            )
        ],
    )


class ReplyStreamDoc(APIView):
    """Documentation only: the schema's entry for conversations.relay.reply_stream.

    The stream is a plain Django view returning an async stream (one web process holds many open
    streams), so drf-spectacular cannot see it; `add_reply_stream` lists this class in its place. It is never routed.
    """

    permission_classes = [IsAuthenticated]
    # Not a DRF view underneath: no throttles, and it declares every error it gives itself.
    standard_errors = False

    @extend_schema(
        operation_id="messages_stream",
        summary="Stream a reply as server-sent events",
        description=(
            "Relays an assistant reply from its start, so a late joiner misses nothing. Events:\n\n"
            "- `token` `{\"text\"}`: the next piece of the reply;\n"
            "- `reset`: discard the text so far (a crashed attempt is being redone, the stream was resynced, or a refused "
            "end's farewell was withdrawn);\n"
            "- `done` `{\"status\", \"kind\", \"ended\"}` (and `error` when the reply failed): the last event;\n"
            "- `error` `{\"code\", \"detail\"}`: the live stream is unavailable (`service_unavailable`) or the "
            "reply was deleted (`not_found`); reload the message.\n\n"
            "Events relayed from the live stream have an `id:`; send the last one back as `Last-Event-ID` to resume after a drop. Lines starting "
            "with `:` are keep-alive comments. A finished reply whose stream has expired is replayed from "
            "the database as one `token` and a `done`."
        ),
        parameters=[
            OpenApiParameter(
                "Last-Event-ID",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=False,
                description="Resume after this event id (the `id:` of the last event you read). Absent or empty: from the start.",
                # Empty is allowed: EventSource sends none, but a client may send the header empty.
                pattern=r"^([0-9]+-[0-9]+)?$",
            )
        ],
        responses={
            (200, "text/event-stream"): OpenApiResponse(
                SSE_EVENT,
                description="A stream of server-sent events, ending with `done`.",
                examples=[
                    OpenApiExample(
                        "A short reply",
                        value=(
                            "id: 1767225600000-0\nevent: token\ndata: {\"text\": \"Hello\"}\n\n"
                            "id: 1767225600001-0\nevent: done\ndata: {\"status\": \"complete\", \"kind\": \"answer\", \"ended\": false}\n\n"
                        ),
                        media_type="text/event-stream",
                    )
                ],
            ),
            400: error_response("invalid", description="`Last-Event-ID` is not an event id of this stream."),
            401: NOT_AUTHENTICATED,
            404: error_response("not_found", description="No such reply among yours (a user message has no stream)."),
        },
        tags=["messages"],
    )
    def get(self, request, pk):  # pragma: no cover - never routed
        raise NotImplementedError


def add_reply_stream(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: list the SSE endpoint, documented by ReplyStreamDoc."""
    path = reverse("api-reply-stream", kwargs={"pk": "00000000-0000-0000-0000-000000000000"})
    regex = "^" + path.lstrip("/").replace("00000000-0000-0000-0000-000000000000", "(?P<pk>[^/.]+)") + "$"
    entry = (STREAM_PATH, regex, "GET", ReplyStreamDoc.as_view())
    index = next((i for i, (p, *_rest) in enumerate(endpoints) if p.startswith("/api/v1/messages/{pk}/")), len(endpoints))
    return [*endpoints[:index], entry, *endpoints[index:]]


class ExportOut(serializers.Serializer):
    format = serializers.CharField(help_text="`chat-export-1`.")
    user = serializers.CharField()
    exported_at = serializers.DateTimeField()
    conversations = serializers.ListField(
        child=serializers.DictField(),
        help_text="Every conversation you can see, with its branches (and their ends) and its whole message tree.",
    )


class ExportSchema(OpenApiViewExtension):
    """Describes GET export/ (conversations/api/export.py) without touching the view."""

    target_class = "conversations.api.export.Export"

    def view_replacement(self):
        @extend_schema_view(get=extend_schema(summary="Export all your conversations as JSON", responses=ExportOut, tags=["export"]))
        class Export(self.target_class):
            pass

        return Export


# (operationId, status) -> links from that response to the operations its ids lead to, for
# clients and for Schemathesis's stateful fuzzing (tests/api/test_fuzz_stateful.py), which chains
# them into sequences such as create -> send -> end -> send. Schemathesis infers the links whose
# id is the answer's own `id`; these are the ones it cannot guess (a conversation's
# `active_branch`, a send's two messages).
LINKS = {
    ("conversations_create", "201"): {
        "SendToItsBranch": ("branches_messages_create", "$response.body#/active_branch"),
        "EndItsBranch": ("branches_end_create", "$response.body#/active_branch"),
        "GetItsBranch": ("branches_retrieve", "$response.body#/active_branch"),
    },
    ("branches_messages_create", "202"): {
        "StreamTheReply": ("messages_stream", "$response.body#/assistant_message/id"),
        "RetryTheReply": ("messages_retry_create", "$response.body#/assistant_message/id"),
        "EditTheMessage": ("messages_edit_create", "$response.body#/user_message/id"),
        "EndTheBranch": ("branches_end_create", "$request.path.id"),
        "SendAgain": ("branches_messages_create", "$request.path.id"),
    },
    ("branches_end_create", "200"): {
        "SendToTheEndedBranch": ("branches_messages_create", "$response.body#/id"),
    },
    ("messages_edit_create", "201"): {
        "SendToTheNewBranch": ("branches_messages_create", "$response.body#/branch/id"),
        "StreamTheReply": ("messages_stream", "$response.body#/assistant_message/id"),
    },
    ("messages_retry_create", "201"): {
        "SendToTheNewBranch": ("branches_messages_create", "$response.body#/branch/id"),
    },
}


def add_links(result, generator, request, public):
    """Add LINKS to the responses they start from (a drf-spectacular postprocessing hook)."""
    responses = {
        (operation.get("operationId"), status): response
        for methods in result.get("paths", {}).values()
        for operation in methods.values()
        if isinstance(operation, dict)
        for status, response in operation.get("responses", {}).items()
    }
    for (operation_id, status), links in LINKS.items():
        response = responses.get((operation_id, status))
        if response is None:
            raise ValueError(f"no {status} response of {operation_id} to link from")
        response["links"] = {
            name: {"operationId": target, "parameters": {"id": expression}} for name, (target, expression) in links.items()
        }
    return result
