"""The staff's home: review every end and every refused end, reopen a branch, export, see feedback.

Moderators (the `moderators` group) hold only the view and change permissions of these models, so
this is all of the admin they see. They meet a conversation only through the transcript snapshot
an end or a refusal carries and the state of its branch; the conversation admin is superuser-only.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html

from chatsite.errors import DomainError
from conversations.selectors import branch_path
from moderation import exports, services
from moderation.models import EndAttempt, EndEvent, EndFeedback, Refusal, ReviewStatus

PENDING_FIRST = Case(
    When(review_status=ReviewStatus.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
).asc()
RISK_VETO_FIRST = Case(When(refusal=Refusal.RISK_VETO, then=Value(0)), default=Value(1), output_field=IntegerField()).asc()

# The big JSON columns are needed on a record's page, never on a changelist or in an export.
HEAVY_FIELDS = ("transcript", "assessments", "decision")


class LightChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).defer(*HEAVY_FIELDS)


class ReviewForm(forms.ModelForm):
    """Staff pick an outcome and may add a note; who reviewed and when is recorded by the service."""

    review_status = forms.ChoiceField(
        label="Review",
        choices=[(s.value, s.label) for s in services.REVIEW_OUTCOMES],
        widget=forms.RadioSelect,
    )

    class Meta:
        fields = ["review_status", "review_note"]


class FeedbackFilter(admin.SimpleListFilter):
    title = "user feedback"
    parameter_name = "feedback"

    def lookups(self, request, model_admin):
        return [("down", "Negative (thumbs down)"), ("up", "Positive (thumbs up)"), ("none", "No feedback")]

    def queryset(self, request, queryset):
        if self.value() in ("up", "down"):
            return queryset.filter(feedback__rating=self.value())
        if self.value() == "none":
            return queryset.filter(feedback__isnull=True)
        return queryset


def _transcript_rows(transcript: list[dict]) -> list[dict]:
    """The snapshot's messages, each user message with its labels sorted by score, for display."""
    rows = []
    for message in transcript:
        assessment = message.get("moderation") or {}
        flagged = set(assessment.get("flagged") or ())
        labels = sorted((assessment.get("labels") or {}).items(), key=lambda item: -item[1])
        rows.append(
            {
                **message,
                "labels": [{"name": name, "score": score, "flagged": name in flagged} for name, score in labels],
                "backend": assessment.get("backend", ""),
                "created": parse_datetime(message.get("created_at") or ""),
            }
        )
    return rows


class ReviewAdmin(admin.ModelAdmin):
    """What end events and refused ends share: review form, review actions, CSV export, read-only
    records, and a changelist that never loads the transcripts."""

    form = ReviewForm
    date_hierarchy = "created_at"
    list_select_related = ["user", "reviewer"]
    list_per_page = 50
    search_fields = ["user__username", "conversation_title", "transcript"]
    search_help_text = "Username, conversation title or any message text."
    actions = ["mark_upheld", "mark_overturned", "export_csv"]
    queue_ordering: list[str] = ["-created_at"]
    csv_columns: list = []
    csv_name = ""

    def get_changelist(self, request, **kwargs):
        return LightChangeList

    def get_ordering(self, request):
        # Expressions, so not in `ordering` (the admin checks that one against model fields).
        return self.queue_ordering

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # SQLite stores JSON with non-ASCII characters escaped (\u00e9), so a word typed with
        # accents is also looked for in its escaped form.
        for term in search_term.split():
            if not term.isascii():
                encoded = term.encode("ascii", "backslashreplace").decode().replace("\\x", "\\u00")
                found |= queryset.filter(transcript__icontains=encoded)
        return found, may_have_duplicates

    def has_add_permission(self, request):
        # Ends and refusals are written by the reply pipeline and the services, never by hand.
        return False

    def get_readonly_fields(self, request, obj=None):
        editable = {"review_status", "review_note"}
        return [name for fieldset in self.fieldsets for name in fieldset[1]["fields"] if name not in editable]

    def save_model(self, request, obj, form, change):
        if form.has_changed():
            services.review_set(
                record=obj,
                reviewer=request.user,
                status=form.cleaned_data["review_status"],
                note=form.cleaned_data["review_note"],
            )

    def _review(self, request, queryset, status: str) -> None:
        count = services.reviews_bulk_set(queryset=queryset, reviewer=request.user, status=status)
        noun = self.model._meta.verbose_name if count == 1 else self.model._meta.verbose_name_plural
        self.message_user(request, f"{count} {noun} marked {status}.", messages.SUCCESS)

    @admin.action(description="Mark selected as upheld", permissions=["change"])
    def mark_upheld(self, request, queryset):
        self._review(request, queryset, ReviewStatus.UPHELD)

    @admin.action(description="Mark selected as overturned", permissions=["change"])
    def mark_overturned(self, request, queryset):
        self._review(request, queryset, ReviewStatus.OVERTURNED)

    @admin.action(description="Export selected as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        return exports.csv_response(queryset.select_related(*self.list_select_related), self.csv_columns, self.csv_name)

    # Read-only displays shared by both record pages.

    @admin.display(description="User", ordering="user__username")
    def username(self, obj):
        return obj.user.username if obj.user else "(deleted user)"

    @admin.display(description="Reviewed by")
    def reviewed_by(self, obj):
        return obj.reviewer.username if obj.reviewer else "-"

    @admin.display(description="Transcript at the time")
    def transcript_view(self, obj):
        return render_to_string("moderation/_transcript.html", {"rows": _transcript_rows(obj.transcript)})

    @admin.display(description="Policy decision")
    def decision_view(self, obj):
        return render_to_string(
            "moderation/_decision.html",
            {"record": obj, "decision": obj.decision, "assessments": _transcript_rows(
                [{"role": "user", "id": a.get("message", ""), "moderation": a} for a in obj.assessments]
            )},
        )

    @admin.display(description="Branch")
    def branch_view(self, obj):
        return render_to_string("moderation/_branch.html", self._branch_context(obj))

    def _branch_context(self, obj) -> dict:
        """The branch as it is now: whether it is still ended, and anything said after the snapshot
        (a reopened branch can go on). One query for the conversation's messages."""
        branch = obj.branch
        if branch is None or branch.conversation.deleted_at is not None:
            # Deleted by the user: hidden from staff too; the snapshot is what stays for review.
            return {"branch": None}
        snapshot_ids = {m.get("id") for m in obj.transcript}
        later = [m for m in branch_path(branch) if str(m.id) not in snapshot_ids]
        return {"branch": branch, "later": later}


@admin.register(EndEvent)
class EndEventAdmin(ReviewAdmin):
    change_form_template = "admin/moderation/endevent/change_form.html"
    list_display = [
        "created_at",
        "username",
        "conversation_title",
        "initiated_by",
        "reason",
        "redirect_attempts",
        "review_status",
        "feedback_rating",
    ]
    list_display_links = ["created_at", "conversation_title"]
    list_filter = ["review_status", "reason", "initiated_by", FeedbackFilter, "created_at", "provider", "policy_version"]
    list_select_related = ["user", "reviewer", "feedback"]
    queue_ordering = [PENDING_FIRST, "-created_at"]
    actions = [*ReviewAdmin.actions, "reopen"]
    csv_columns = exports.END_EVENT_COLUMNS
    csv_name = "end-events"
    fieldsets = [
        ("Review", {"fields": ["review_status", "review_note", "reviewed_by", "reviewed_at"]}),
        (
            "End",
            {
                "fields": [
                    "created_at",
                    "username",
                    "conversation_title",
                    "initiated_by",
                    "reason",
                    "rationale",
                    "redirect_attempts",
                    "provider",
                    "model",
                    "policy_version",
                    "reopen_state",
                ]
            },
        ),
        ("Conversation", {"fields": ["transcript_view", "branch_view"]}),
        ("Policy decision", {"fields": ["decision_view"]}),
        ("User feedback", {"fields": ["feedback_view"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "reviewer", "reopened_by", "feedback", "branch__conversation")

    @admin.display(description="Feedback", ordering="feedback__rating")
    def feedback_rating(self, obj):
        feedback = getattr(obj, "feedback", None)
        if feedback is None:
            return "-"
        return "▲ up" if feedback.rating == EndFeedback.Rating.UP else "▼ down"

    @admin.display(description="User feedback")
    def feedback_view(self, obj):
        return render_to_string("moderation/_feedback.html", {"feedback": getattr(obj, "feedback", None)})

    @admin.display(description="Reopened")
    def reopen_state(self, obj):
        if obj.reopened_at is None:
            return "No"
        who = obj.reopened_by.username if obj.reopened_by else "a deleted user"
        return format_html("Reopened by {} at {}", who, obj.reopened_at.strftime("%Y-%m-%d %H:%M UTC"))

    @admin.action(description="Reopen the ended branch", permissions=["change"])
    def reopen(self, request, queryset):
        reopened, skipped = 0, 0
        for event in queryset.select_related("branch"):
            try:
                services.end_event_reopen(end_event=event, staff_user=request.user)
                reopened += 1
            except DomainError:
                skipped += 1
        self.message_user(request, f"{reopened} branch(es) reopened.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"{skipped} skipped: already reopened, still open or deleted by the user.", messages.WARNING
            )

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("<path:object_id>/reopen/", self.admin_site.admin_view(self.reopen_view), name="%s_%s_reopen" % info),
            *super().get_urls(),
        ]

    def reopen_view(self, request, object_id):
        """The record page's "Reopen the branch" button (a POST of its own, outside the review form)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        event = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_change_permission(request, event):
            raise PermissionDenied
        try:
            services.end_event_reopen(end_event=event, staff_user=request.user)
        except DomainError as error:
            self.message_user(request, error.detail, messages.ERROR)
        else:
            self.log_change(request, event, "Reopened the branch.")
            self.message_user(request, "The branch is open again; the user can write in it.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:moderation_endevent_change", args=[event.pk]))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_reopen"] = (
            obj is not None
            and obj.branch is not None
            and obj.branch.conversation.deleted_at is None
            and obj.branch.ended_at is not None
            and obj.reopened_at is None
            and self.has_change_permission(request, obj)
        )
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(EndAttempt)
class EndAttemptAdmin(ReviewAdmin):
    list_display = [
        "created_at",
        "username",
        "conversation_title",
        "requested_reason",
        "refusal",
        "redirect_attempts",
        "review_status",
    ]
    list_display_links = ["created_at", "conversation_title"]
    list_filter = ["refusal", "review_status", "created_at", "provider", "policy_version"]
    # The queue: unreviewed first and, among those, the refusals that protected a user at risk.
    queue_ordering = [PENDING_FIRST, RISK_VETO_FIRST, "-created_at"]
    csv_columns = exports.END_ATTEMPT_COLUMNS
    csv_name = "refused-ends"
    fieldsets = [
        ("Review", {"fields": ["review_status", "review_note", "reviewed_by", "reviewed_at"]}),
        (
            "Refused end",
            {
                "fields": [
                    "created_at",
                    "username",
                    "conversation_title",
                    "requested_reason",
                    "refusal",
                    "rationale",
                    "redirect_attempts",
                    "provider",
                    "model",
                    "policy_version",
                ]
            },
        ),
        ("Conversation", {"fields": ["transcript_view", "branch_view"]}),
        ("Policy decision", {"fields": ["decision_view"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "reviewer", "branch__conversation")


@admin.register(EndFeedback)
class EndFeedbackAdmin(admin.ModelAdmin):
    list_display = ["created_at", "username", "rating", "comment", "end_event_link"]
    list_filter = ["rating", "created_at"]
    list_select_related = ["user", "end_event"]
    search_fields = ["user__username", "comment"]
    date_hierarchy = "created_at"
    fields = ["created_at", "username", "rating", "comment", "end_event_link"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Feedback is the user's own words: staff read it, nobody edits it.
        return False

    @admin.display(description="User", ordering="user__username")
    def username(self, obj):
        return obj.user.username if obj.user else "(deleted user)"

    @admin.display(description="End")
    def end_event_link(self, obj):
        url = reverse("admin:moderation_endevent_change", args=[obj.end_event_id])
        return format_html('<a href="{}">{}</a>', url, obj.end_event)

