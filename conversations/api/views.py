"""The chat API: thin views that parse, check ownership, call a service and render."""

import uuid

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from conversations import selectors, services
from conversations.api import serializers as s
from conversations.api.schema import created_stream_response, error_response
from conversations.relay import created_stream
from conversations.api.throttles import scoped
from conversations.models import Branch, Conversation
from moderation.models import Initiator, EndReason


def get_owned(queryset, pk):
    """The object with this id among the user's own; anything else (or a malformed id) is a 404."""
    try:
        return queryset.get(pk=owned_id(pk))
    except queryset.model.DoesNotExist:
        raise NotFound() from None


def owned_id(pk) -> uuid.UUID:
    """An object id from the URL, for a service that checks ownership itself; malformed is a 404."""
    try:
        return uuid.UUID(str(pk))
    except ValueError:
        raise NotFound() from None


def _parse(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def reply_response(body: dict, reply, http_status: int, stream: bool):
    """The answer to a request that started a reply: JSON, or with `"stream": true` the same JSON
    as a first event followed by the reply's own events."""
    if stream:
        return created_stream(body, reply, http_status)
    return Response(body, status=http_status)


def turn_out(user_message, reply) -> dict:
    # One list serializer for both: a ModelSerializer builds its fields from the model for every
    # instance, a third of a millisecond each, on every send.
    user_out, reply_out = s.MessageOut([user_message, reply], many=True).data
    return {"user_message": user_out, "assistant_message": reply_out}


def branch_response(branch: Branch, http_status=status.HTTP_200_OK) -> Response:
    context = {"messages": selectors.branch_path(branch), "end_event": selectors.current_end_event(branch)}
    return Response(s.BranchOut(branch, context=context).data, status=http_status)


class ConversationPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        # DRF ignores a page_size it cannot read; this API says so instead (400 `invalid`).
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and not (raw.isascii() and raw.isdigit() and int(raw) > 0):
            raise ValidationError({self.page_size_query_param: ["A positive integer."]})
        return super().get_page_size(request)


def _filter_conversations(queryset, query_params):
    filters = s.ConversationFilters(data=query_params.dict())
    filters.is_valid(raise_exception=True)
    data = filters.validated_data
    if "ended" in data:
        queryset = queryset.filter(active_branch__ended_at__isnull=not data["ended"])
    if data.get("q"):
        queryset = queryset.filter(title__icontains=data["q"])
    return queryset


@extend_schema_view(
    get=extend_schema(
        summary="List your conversations",
        description="Newest activity first, in pages (`page`, `page_size` up to 100).",
        parameters=[s.ConversationFilters],
    ),
    post=extend_schema(
        summary="Start a conversation",
        request=s.ConversationIn,
        responses={
            201: s.ConversationOut,
            429: error_response(
                "throttled",
                "conversation_limit",
                description="Too many new conversations: a rate limit (with `Retry-After`), or the hourly "
                "cap (MAX_CONVERSATIONS_PER_HOUR). Ends never count.",
            ),
        },
        description="It has one open, empty branch. A model not offered by GET models/ is 400 `invalid`.",
    ),
)
class ConversationListCreate(generics.ListAPIView):
    serializer_class = s.ConversationOut
    pagination_class = ConversationPagination
    throttle_classes = scoped()
    throttle_scope = "conversations"

    def get_queryset(self):
        queryset = selectors.conversation_detail_qs(self.request.user).order_by("-updated_at", "-created_at")
        return _filter_conversations(queryset, self.request.query_params)

    def post(self, request):
        data = _parse(s.ConversationIn, request)
        choice = data["choice"]
        conversation = services.conversation_create(
            user=request.user, title=data.get("title", ""), provider=choice.provider, model=choice.model
        )
        conversation = selectors.conversation_detail_qs(request.user).get(pk=conversation.pk)
        return Response(s.ConversationOut(conversation).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(summary="Read a conversation", responses=s.ConversationOut),
    patch=extend_schema(
        summary="Rename a conversation or switch its active branch",
        request=s.ConversationPatch,
        responses=s.ConversationOut,
    ),
    delete=extend_schema(summary="Delete a conversation", responses={204: None}),
)
class ConversationDetail(APIView):
    def get_object(self, request, pk) -> Conversation:
        return get_owned(selectors.conversation_detail_qs(request.user), pk)

    def get(self, request, pk):
        return Response(s.ConversationOut(self.get_object(request, pk)).data)

    def patch(self, request, pk):
        conversation = self.get_object(request, pk)
        data = _parse(s.ConversationPatch, request)
        branch = None
        if "active_branch" in data:
            branch = get_owned(Branch.objects.filter(conversation=conversation), data["active_branch"])
        services.conversation_update(conversation=conversation, title=data.get("title"), active_branch=branch)
        return Response(s.ConversationOut(self.get_object(request, pk)).data)

    def delete(self, request, pk):
        services.conversation_delete(conversation=self.get_object(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    get=extend_schema(summary="Read a branch: its messages root to tip, and its end", responses=s.BranchOut)
)
class BranchDetail(APIView):
    def get(self, request, pk):
        return branch_response(get_owned(selectors.branches_for(request.user), pk))


@extend_schema_view(
    post=extend_schema(
        summary="Send a message",
        description='Saves your message and a pending reply; stream the reply from messages/{id}/stream/, or ask for '
        '`"stream": true` to get it in this response.',
        request=s.ContentIn,
        responses={
            (202, "application/json"): s.SendOut,
            (202, "text/event-stream"): created_stream_response(),
            409: error_response(
                "branch_ended", "reply_pending", description="The branch has ended, or its last reply is not finished."
            ),
            503: error_response("service_unavailable", description="The task queue is down; nothing was saved."),
        },
    )
)
class BranchMessages(APIView):
    throttle_classes = scoped()
    throttle_scope = "messages"

    def post(self, request, pk):
        # The service finds the user's branch as it locks it: one query, and a 404 otherwise.
        branch_id = owned_id(pk)
        data = _parse(s.ContentIn, request)
        user_message, reply = services.message_send(user=request.user, branch_id=branch_id, content=data["content"])
        return reply_response(turn_out(user_message, reply), reply, status.HTTP_202_ACCEPTED, data["stream"])


@extend_schema_view(
    post=extend_schema(
        summary="End a branch yourself",
        request=s.EndIn,
        responses={200: s.BranchOut, 409: error_response("branch_ended", description="It has already ended.")},
    )
)
class BranchEnd(APIView):
    def post(self, request, pk):
        branch = get_owned(selectors.branches_for(request.user), pk)
        data = _parse(s.EndIn, request)
        services.branch_end(
            branch=branch,
            initiated_by=Initiator.USER,
            reason=EndReason.USER_REQUEST,
            rationale=data.get("reason", ""),
            initiator_user=request.user,
        )
        branch.refresh_from_db()
        return branch_response(branch)


@extend_schema_view(get=extend_schema(summary="Read a message", responses=s.MessageOut))
class MessageDetail(APIView):
    def get(self, request, pk):
        return Response(s.MessageOut(get_owned(selectors.messages_for(request.user), pk)).data)


@extend_schema_view(
    post=extend_schema(
        summary="Edit a user message into a new branch",
        description="Works on any earlier message, also of an ended branch; the new branch becomes active.",
        request=s.ContentIn,
        responses={
            (201, "application/json"): s.EditOut,
            (201, "text/event-stream"): created_stream_response(),
            503: error_response("service_unavailable", description="The task queue is down; nothing was saved."),
        },
    )
)
class MessageEdit(APIView):
    throttle_classes = scoped()
    throttle_scope = "messages"

    def post(self, request, pk):
        message = get_owned(selectors.messages_for(request.user).select_related("parent"), pk)
        data = _parse(s.ContentIn, request)
        branch, user_message, reply = services.message_edit(user=request.user, message=message, content=data["content"])
        body = {"branch": s.BranchSummary(branch).data, **turn_out(user_message, reply)}
        return reply_response(body, reply, status.HTTP_201_CREATED, data["stream"])


@extend_schema_view(
    post=extend_schema(
        summary="Retry an assistant reply in a new branch",
        description="Works on any earlier reply, also of an ended branch; the new branch becomes active.",
        request=s.StreamIn,
        responses={
            (201, "application/json"): s.RetryOut,
            (201, "text/event-stream"): created_stream_response(),
            409: error_response("reply_pending", description="The reply is not finished yet."),
            503: error_response("service_unavailable", description="The task queue is down; nothing was saved."),
        },
    )
)
class MessageRetry(APIView):
    throttle_classes = scoped()
    throttle_scope = "messages"

    def post(self, request, pk):
        message = get_owned(selectors.messages_for(request.user).select_related("parent"), pk)
        data = _parse(s.StreamIn, request)
        branch, reply = services.message_retry(user=request.user, message=message)
        body = {"branch": s.BranchSummary(branch).data, "assistant_message": s.MessageOut(reply).data}
        return reply_response(body, reply, status.HTTP_201_CREATED, data["stream"])


@extend_schema_view(
    post=extend_schema(
        summary="Stop a reply",
        description="A reply no worker has started stops at once, empty. One being written stops a token or two "
        "later, keeping the text so far: the answer is then still `streaming`, and its stream ends with "
        '`done` `{"status": "stopped"}`. A stopped reply can be retried. Stopping one already stopped changes nothing.',
        request=None,
        responses={
            202: s.MessageOut,
            400: error_response("invalid", description="A user message, not a reply."),
            409: error_response("reply_finished", description="The reply is complete or failed already."),
            503: error_response("service_unavailable", description="Redis is down, so the worker cannot be told."),
        },
    )
)
class MessageCancel(APIView):
    def post(self, request, pk):
        message = get_owned(selectors.messages_for(request.user), pk)
        message = services.reply_cancel(message=message)
        return Response(s.MessageOut(message).data, status=status.HTTP_202_ACCEPTED)
