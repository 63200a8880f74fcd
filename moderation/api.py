"""The user-facing part of the safety domain's API: feedback on an end."""

import uuid

from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from chatsite.serializer_fields import StrictCharField
from moderation import services
from moderation.models import EndEvent, EndFeedback


class FeedbackIn(serializers.Serializer):
    rating = serializers.ChoiceField(choices=EndFeedback.Rating.choices)
    comment = StrictCharField(required=False, allow_blank=True, max_length=4000)


class EndEventFeedback(APIView):
    def post(self, request, pk):
        try:
            end_event = EndEvent.objects.get(pk=uuid.UUID(str(pk)), user=request.user)
        except (ValueError, EndEvent.DoesNotExist):
            raise NotFound() from None
        serializer = FeedbackIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        feedback = services.feedback_create(end_event=end_event, user=request.user, **serializer.validated_data)
        return Response(
            {"id": feedback.id, "end_event": end_event.id, "rating": feedback.rating, "comment": feedback.comment, "created_at": feedback.created_at},
            status=status.HTTP_201_CREATED,
        )
