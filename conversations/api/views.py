"""The chat API: thin views that parse, check ownership, call a service and render."""

import uuid

from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from conversations import selectors, services
from conversations.api import serializers as s
from conversations.models import Branch, Conversation
from moderation.models import Initiator, EndReason


def get_owned(queryset, pk):
    """The object with this id among the user's own; anything else (or a malformed id) is a 404."""
    try:
        return queryset.get(pk=uuid.UUID(str(pk)))
    except (ValueError, queryset.model.DoesNotExist):
        raise NotFound() from None


def _parse(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def branch_response(branch: Branch, http_status=status.HTTP_200_OK) -> Response:
    context = {"messages": selectors.branch_path(branch), "end_event": selectors.current_end_event(branch)}
    return Response(s.BranchOut(branch, context=context).data, status=http_status)


class ConversationListCreate(generics.ListAPIView):
    serializer_class = s.ConversationOut

    def get_queryset(self):
        return selectors.conversation_detail_qs(self.request.user).order_by("-updated_at", "-created_at")

    def post(self, request):
        data = _parse(s.ConversationIn, request)
        choice = data["choice"]
        conversation = services.conversation_create(
            user=request.user, title=data.get("title", ""), provider=choice.provider, model=choice.model
        )
        conversation = selectors.conversation_detail_qs(request.user).get(pk=conversation.pk)
        return Response(s.ConversationOut(conversation).data, status=status.HTTP_201_CREATED)


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


class BranchDetail(APIView):
    def get(self, request, pk):
        return branch_response(get_owned(selectors.branches_for(request.user), pk))


class BranchMessages(APIView):
    def post(self, request, pk):
        branch = get_owned(selectors.branches_for(request.user), pk)
        data = _parse(s.ContentIn, request)
        user_message, reply = services.message_send(user=request.user, branch=branch, content=data["content"])
        return Response(
            {"user_message": s.MessageOut(user_message).data, "assistant_message": s.MessageOut(reply).data},
            status=status.HTTP_202_ACCEPTED,
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


class MessageDetail(APIView):
    def get(self, request, pk):
        return Response(s.MessageOut(get_owned(selectors.messages_for(request.user), pk)).data)


class MessageEdit(APIView):
    def post(self, request, pk):
        message = get_owned(selectors.messages_for(request.user).select_related("parent"), pk)
        data = _parse(s.ContentIn, request)
        branch, user_message, reply = services.message_edit(user=request.user, message=message, content=data["content"])
        return Response(
            {
                "branch": s.BranchSummary(branch).data,
                "user_message": s.MessageOut(user_message).data,
                "assistant_message": s.MessageOut(reply).data,
            },
            status=status.HTTP_201_CREATED,
        )


class MessageRetry(APIView):
    def post(self, request, pk):
        message = get_owned(selectors.messages_for(request.user).select_related("parent"), pk)
        branch, reply = services.message_retry(user=request.user, message=message)
        return Response(
            {"branch": s.BranchSummary(branch).data, "assistant_message": s.MessageOut(reply).data},
            status=status.HTTP_201_CREATED,
        )
