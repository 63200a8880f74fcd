"""The staff API: the review queue of ends and refused ends, and their review, for moderators.

Anyone who cannot moderate (a regular user, or staff outside the `moderators` group who is not a
superuser) gets a 404, as if these endpoints did not exist; an anonymous request gets the usual 401.
"""

import uuid
from datetime import datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import smart_split, unescape_string_literal
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from chatsite.serializer_fields import StrictCharField
from conversations.api.schema import ErrorOut
from moderation import services
from moderation.models import EndAttempt, EndEvent, EndReason, Refusal, ReviewStatus
from moderation.permissions import can_moderate
from moderation.selectors import HEAVY_FIELDS, INITIATOR_CHOICES, by_initiator, end_attempt_queue, end_event_queue, with_feedback
from review.services import branch_risk_clear, end_event_reopen


class CanModerate(BasePermission):
    """Staff with the moderation permissions; everyone else is told the resource does not exist."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        action = "view" if request.method in ("GET", "HEAD", "OPTIONS") else "change"
        if can_moderate(request.user, action=action, model_name=view.model._meta.model_name):
            return True
        raise NotFound()


# Output.


@extend_schema_serializer(component_name="StaffFeedback")
class FeedbackOut(serializers.Serializer):
    rating = serializers.CharField()
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="StaffReview")
class ReviewOut(serializers.Serializer):
    status = serializers.CharField(source="review_status")
    reviewer = serializers.CharField(source="reviewer.username", default=None, allow_null=True)
    note = serializers.CharField(source="review_note")
    reviewed_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(component_name="StaffEndEvent")
class EndEventOut(serializers.Serializer):
    id = serializers.UUIDField()
    created_at = serializers.DateTimeField()
    user = serializers.CharField(source="user.username", default=None, allow_null=True)
    conversation = serializers.UUIDField(source="conversation_id", allow_null=True)
    branch = serializers.UUIDField(source="branch_id", allow_null=True)
    conversation_title = serializers.CharField()
    initiated_by = serializers.CharField()
    reason = serializers.CharField()
    rationale = serializers.CharField()
    redirect_attempts = serializers.IntegerField()
    provider = serializers.CharField()
    model = serializers.CharField()
    policy_version = serializers.CharField()
    review = ReviewOut(source="*")
    feedback = serializers.SerializerMethodField()
    reopened_at = serializers.DateTimeField(allow_null=True)
    reopened_by = serializers.CharField(source="reopened_by.username", default=None, allow_null=True)

    @extend_schema_field(FeedbackOut(allow_null=True))
    def get_feedback(self, obj) -> dict | None:
        feedback = getattr(obj, "feedback", None)
        if feedback is None:
            return None
        return {"rating": feedback.rating, "comment": feedback.comment, "created_at": feedback.created_at}


@extend_schema_serializer(component_name="StaffEndAttempt")
class EndAttemptOut(serializers.Serializer):
    id = serializers.UUIDField()
    created_at = serializers.DateTimeField()
    user = serializers.CharField(source="user.username", default=None, allow_null=True)
    conversation = serializers.UUIDField(source="conversation_id", allow_null=True)
    branch = serializers.UUIDField(source="branch_id", allow_null=True)
    conversation_title = serializers.CharField()
    requested_reason = serializers.CharField()
    refusal = serializers.CharField()
    rationale = serializers.CharField()
    redirect_attempts = serializers.IntegerField()
    provider = serializers.CharField()
    model = serializers.CharField()
    policy_version = serializers.CharField()
    review = ReviewOut(source="*")
    # Staff judged the risk that refused this end a false alarm (`clear-risk/`).
    risk_cleared_at = serializers.DateTimeField(allow_null=True)
    risk_cleared_by = serializers.CharField(source="risk_cleared_by.username", default=None, allow_null=True)


class RecordDetail(serializers.Serializer):
    """What a record's page shows besides the list columns: the snapshot, the decision and what
    the end-time risk review found (empty when none ran)."""

    transcript = serializers.JSONField()
    assessments = serializers.JSONField()
    decision = serializers.JSONField()
    risk_review = serializers.JSONField()


@extend_schema_serializer(component_name="StaffEndEventDetail")
class EndEventDetailOut(EndEventOut, RecordDetail):
    pass


@extend_schema_serializer(component_name="StaffEndAttemptDetail")
class EndAttemptDetailOut(EndAttemptOut, RecordDetail):
    pass


# Filters, the same as the admin changelists offer.


class QueueFilters(serializers.Serializer):
    review_status = serializers.ChoiceField(choices=ReviewStatus.choices, required=False)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    provider = serializers.CharField(required=False)
    model = serializers.CharField(required=False)
    policy_version = serializers.CharField(required=False)
    q = serializers.CharField(required=False, help_text="Username, conversation title or message text.")


class EndEventFilters(QueueFilters):
    reason = serializers.ChoiceField(choices=EndReason.choices, required=False)
    initiated_by = serializers.ChoiceField(
        choices=[value for value, _ in INITIATOR_CHOICES],
        required=False,
        help_text="Who ended it. By default the queue leaves out the ends users chose themselves (nothing to review there); `user` or `any` shows them.",
    )
    feedback = serializers.ChoiceField(choices=["up", "down", "none"], required=False)


class EndAttemptFilters(QueueFilters):
    refusal = serializers.ChoiceField(choices=Refusal.choices, required=False)


def _filter(queryset: QuerySet, filters: dict) -> QuerySet:
    tz = timezone.get_current_timezone()
    exact = {name: filters[name] for name in ("review_status", "provider", "model", "policy_version", "reason", "refusal") if name in filters}
    queryset = queryset.filter(**exact)
    if "date_from" in filters:
        queryset = queryset.filter(created_at__gte=datetime.combine(filters["date_from"], time.min, tzinfo=tz))
    if "date_to" in filters:
        queryset = queryset.filter(created_at__lt=datetime.combine(filters["date_to"] + timedelta(days=1), time.min, tzinfo=tz))
    queryset = with_feedback(queryset, filters.get("feedback"))
    if queryset.model is EndEvent:
        queryset = by_initiator(queryset, filters.get("initiated_by"))
    for term in _terms(filters.get("q", "")):
        queryset = queryset.filter(
            Q(user__username__icontains=term) | Q(conversation_title__icontains=term) | Q(transcript__icontains=term)
        )
    return queryset


def _terms(text: str) -> list[str]:
    """Words, or "quoted phrases", as the admin search box reads them."""
    return [unescape_string_literal(bit) if bit[:1] in "\"'" and bit[-1:] == bit[:1] else bit for bit in smart_split(text)]


NOT_MODERATOR = OpenApiResponse(
    ErrorOut, description="Codes: `not_found`. No such record, or you cannot moderate (these endpoints then do not exist for you)."
)


# Views.


@extend_schema_serializer(component_name="StaffReviewIn")
class ReviewIn(serializers.Serializer):
    status = serializers.ChoiceField(choices=[(s.value, s.label) for s in services.REVIEW_OUTCOMES])
    note = StrictCharField(required=False, allow_blank=True, max_length=4000, default="")


class QueuePagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


class _Queue(ListAPIView):
    permission_classes = [CanModerate]
    pagination_class = QueuePagination
    model = None
    filters_class = None

    def get_queryset(self):
        filters = self.filters_class(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return _filter(self.base_queryset().defer(*HEAVY_FIELDS), filters.validated_data)


class _Record(APIView):
    permission_classes = [CanModerate]
    model = None
    out = None

    def get_object(self, pk):
        try:
            return self.base_queryset().get(pk=uuid.UUID(str(pk)))
        except (ValueError, self.model.DoesNotExist):
            raise NotFound() from None


class _Detail(_Record):
    def get(self, request, pk):
        return Response(self.out(self.get_object(pk)).data)


class _Review(_Record):
    def post(self, request, pk):
        record = self.get_object(pk)
        data = ReviewIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.review_set(record=record, reviewer=request.user, status=data.validated_data["status"], note=data.validated_data["note"])
        return Response(self.out(record).data)


@extend_schema_view(
    get=extend_schema(summary="The queue of ends", parameters=[EndEventFilters], responses={200: EndEventOut(many=True), 404: NOT_MODERATOR}, tags=["moderation"])
)
class EndEventQueue(_Queue):
    """GET end-events/: pending first, then newest; filter like the admin changelist."""

    model = EndEvent
    filters_class = EndEventFilters
    serializer_class = EndEventOut
    base_queryset = staticmethod(end_event_queue)


@extend_schema_view(get=extend_schema(summary="One end, with its transcript and decision", responses={200: EndEventDetailOut, 404: NOT_MODERATOR}, tags=["moderation"]))
class EndEventDetail(_Detail):
    model = EndEvent
    out = EndEventDetailOut
    base_queryset = staticmethod(end_event_queue)


@extend_schema_view(post=extend_schema(summary="Review an end", request=ReviewIn, responses={200: EndEventOut, 404: NOT_MODERATOR}, tags=["moderation"]))
class EndEventReview(_Review):
    model = EndEvent
    out = EndEventOut
    base_queryset = staticmethod(end_event_queue)


@extend_schema_view(
    post=extend_schema(
        summary="Reopen the branch an end closed",
        request=None,
        responses={
            200: EndEventOut,
            404: NOT_MODERATOR,
            409: OpenApiResponse(ErrorOut, description="Codes: `already_reopened`, `branch_open`, `branch_deleted`, `end_upheld` (overturn the review first)."),
        },
        tags=["moderation"],
    )
)
class EndEventReopen(_Record):
    """POST end-events/{id}/reopen/: staff reopen the branch the end closed (recorded)."""

    model = EndEvent
    out = EndEventOut
    base_queryset = staticmethod(lambda: end_event_queue().select_related("branch"))

    def post(self, request, pk):
        event = self.get_object(pk)
        end_event_reopen(end_event=event, staff_user=request.user)
        return Response(EndEventOut(self.get_object(pk)).data)


@extend_schema_view(
    get=extend_schema(summary="The queue of refused ends", parameters=[EndAttemptFilters], responses={200: EndAttemptOut(many=True), 404: NOT_MODERATOR}, tags=["moderation"])
)
class EndAttemptQueue(_Queue):
    """GET end-attempts/: pending first, risk vetoes first among them, then newest."""

    model = EndAttempt
    filters_class = EndAttemptFilters
    serializer_class = EndAttemptOut
    base_queryset = staticmethod(end_attempt_queue)


@extend_schema_view(get=extend_schema(summary="One refused end, with its transcript and decision", responses={200: EndAttemptDetailOut, 404: NOT_MODERATOR}, tags=["moderation"]))
class EndAttemptDetail(_Detail):
    model = EndAttempt
    out = EndAttemptDetailOut
    base_queryset = staticmethod(end_attempt_queue)


@extend_schema_view(post=extend_schema(summary="Review a refused end", request=ReviewIn, responses={200: EndAttemptOut, 404: NOT_MODERATOR}, tags=["moderation"]))
class EndAttemptReview(_Review):
    model = EndAttempt
    out = EndAttemptOut
    base_queryset = staticmethod(end_attempt_queue)


@extend_schema_view(
    post=extend_schema(
        summary="Clear the risk that refused this end (a false alarm)",
        description=(
            "The user turns on the branch up to this refused end stop counting as risk for the model's "
            "ends (risk memory and the end-time review skip them); later turns count as usual. Recorded "
            "on each turn's assessment and on the refusal. The user's own ends never depend on it."
        ),
        request=None,
        responses={
            200: EndAttemptOut,
            404: NOT_MODERATOR,
            409: OpenApiResponse(ErrorOut, description="Codes: `not_a_risk_veto`, `branch_deleted`."),
        },
        tags=["moderation"],
    )
)
class EndAttemptClearRisk(_Record):
    """POST end-attempts/{id}/clear-risk/: staff clear a risk veto they judge a false alarm."""

    model = EndAttempt
    out = EndAttemptOut
    base_queryset = staticmethod(lambda: end_attempt_queue().select_related("branch__conversation"))

    def post(self, request, pk):
        branch_risk_clear(attempt=self.get_object(pk), staff_user=request.user)
        return Response(EndAttemptOut(self.get_object(pk)).data)
