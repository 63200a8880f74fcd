"""The staff's home: review every end and every refused end, reopen a branch, export, see feedback.

Moderators (the `moderators` group) hold only the view and change permissions of these models, so
this is all of the admin they see. They meet a conversation only through the transcript snapshot
an end or a refusal carries and the state of its branch; the conversation admin is superuser-only.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html

from chatsite.errors import DomainError
from moderation.models import EndAttempt, EndEvent, EndFeedback
from moderation.selectors import END_ATTEMPT_ORDER, END_EVENT_ORDER
from review import exports
from review.admin_base import FeedbackFilter, ReviewAdmin
from review.services import end_event_reopen


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
    queue_ordering = END_EVENT_ORDER
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
                end_event_reopen(end_event=event, staff_user=request.user)
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
            end_event_reopen(end_event=event, staff_user=request.user)
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
    queue_ordering = END_ATTEMPT_ORDER
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

