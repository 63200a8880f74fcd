"""The user's thumbs up or down: POST end-events/{id}/feedback/ on an end of their own (once, with
a comment), POST messages/{id}/feedback/ on any of their replies (changeable)."""

import uuid

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from chatsite.serializer_fields import StrictCharField
from conversations.api.schema import ErrorOut
from conversations import services
from conversations.api.views import get_owned
from conversations.selectors import end_events_for, messages_for
from moderation.services import feedback_create
from moderation.models import EndEvent, EndFeedback


class FeedbackIn(serializers.Serializer):
    rating = serializers.ChoiceField(choices=EndFeedback.Rating.choices)
    comment = StrictCharField(required=False, allow_blank=True, max_length=4000)


class FeedbackOut(serializers.Serializer):
    """The shape of the 201 answer (for the schema; the view builds it directly)."""

    id = serializers.UUIDField()
    end_event = serializers.UUIDField()
    rating = serializers.ChoiceField(choices=EndFeedback.Rating.choices)
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()


class EndEventFeedback(APIView):
    @extend_schema(
        summary="Give feedback on an end",
        request=FeedbackIn,
        responses={201: FeedbackOut, 409: OpenApiResponse(ErrorOut, description="Codes: `feedback_exists`.")},
        tags=["end-events"],
    )
    def post(self, request, pk):
        try:
            # Only ends the user can still see: a deleted conversation's end is a 404 like the rest.
            end_event = end_events_for(request.user).get(pk=uuid.UUID(str(pk)))
        except (ValueError, EndEvent.DoesNotExist):
            raise NotFound() from None
        serializer = FeedbackIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        feedback = feedback_create(end_event=end_event, user=request.user, **serializer.validated_data)
        return Response(
            {"id": feedback.id, "end_event": end_event.id, "rating": feedback.rating, "comment": feedback.comment, "created_at": feedback.created_at},
            status=status.HTTP_201_CREATED,
        )


class ReplyRatingIn(serializers.Serializer):
    rating = serializers.ChoiceField(choices=EndFeedback.Rating.choices)


class ReplyRatingOut(serializers.Serializer):
    message = serializers.UUIDField()
    rating = serializers.ChoiceField(choices=EndFeedback.Rating.choices)


class ReplyFeedback(APIView):
    @extend_schema(
        summary="Rate a reply",
        description="Thumbs up or down on one of your finished replies; rating it again replaces the rating. "
        "Staff see it beside the feedback on ends.",
        request=ReplyRatingIn,
        responses={200: ReplyRatingOut, 400: OpenApiResponse(ErrorOut, description="Codes: `invalid` (a user message, or a reply not finished).")},
        tags=["messages"],
    )
    def post(self, request, pk):
        message = get_owned(messages_for(request.user), pk)
        serializer = ReplyRatingIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        feedback = services.reply_rate(user=request.user, message=message, rating=serializer.validated_data["rating"])
        return Response({"message": message.id, "rating": feedback.rating})
