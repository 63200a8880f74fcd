"""The staff's home: review every end and every refused end, reopen a branch, export, see feedback.

Moderators (the `moderators` group) hold only the view and change permissions of these models, so
this is all of the admin they see. They meet a conversation only through the transcript snapshot
an end or a refusal carries and the state of its branch; the conversation admin is superuser-only.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html

from chatsite.errors import DomainError
from moderation.models import EndAttempt, EndEvent, EndFeedback, ReviewStatus
from moderation.selectors import END_ATTEMPT_ORDER, END_EVENT_ORDER, INITIATOR_CHOICES, by_initiator
from review import exports
from review.admin_base import FeedbackFilter, ReviewAdmin
from review.services import branch_risk_clear, end_event_reopen


def _apply_each(records, act) -> tuple[int, int]:
    """Run a bulk action's service on each record: (done, skipped), a refused one (DomainError)
    skipped rather than failing the rest."""
    done = skipped = 0
    for record in records:
        try:
            act(record)
            done += 1
        except DomainError:
            skipped += 1
    return done, skipped


class InitiatorFilter(admin.SimpleListFilter):
    """Who ended it. By default the queue leaves out the ends users chose themselves: there is
    nothing to review in them. Picking "The user" (or "Anyone") shows them."""

    title = "ended by"
    parameter_name = "initiated_by"

    def lookups(self, request, model_admin):
        return INITIATOR_CHOICES

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "The assistant or staff",
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        return by_initiator(queryset, self.value())


@admin.register(EndEvent)
class EndEventAdmin(ReviewAdmin):
    change_form_template = "admin/moderation/endevent/change_form.html"
    list_display = [
        "created_at",
        "username",
        "conversation_title",
        "why",
        "redirect_attempts",
        "review_status",
        "feedback_rating",
    ]
    list_display_links = ["created_at", "conversation_title"]
    list_filter = ["review_status", "reason", InitiatorFilter, FeedbackFilter, "created_at", "provider", "policy_version"]
    list_select_related = ["user", "reviewer", "feedback"]
    queue_ordering = END_EVENT_ORDER
    actions = [*ReviewAdmin.actions, "reopen"]
    csv_columns = exports.END_EVENT_COLUMNS
    csv_name = "end-events"
    # The first fieldset (the review) sits beside the rest on the record's page
    # (templates/admin/moderation/review_change_form.html); new fieldsets join the record column.
    fieldsets = [
        ("Review", {"fields": ["review_status", "review_note", "reviewed_by", "reviewed_at"]}),
        ("Conversation", {"fields": ["transcript_view", "branch_view"]}),
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
        ("Policy decision", {"fields": ["decision_view"]}),
        ("End-time risk review", {"fields": ["risk_review_view"]}),
        ("User feedback", {"fields": ["feedback_view"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "reviewer", "reopened_by", "feedback", "branch__conversation")

    @admin.display(description="Ended by, why", ordering="reason")
    def why(self, obj):
        return f"{obj.get_initiated_by_display()}: {obj.get_reason_display()}"

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

    @admin.action(description="Reopen the ended branch…", permissions=["change"])
    def reopen(self, request, queryset):
        """Asks first (a page listing the selection), then reopens what may be reopened."""
        if request.POST.get("confirm") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": "Reopen these branches?",
                "opts": self.opts,
                "events": queryset,
                "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/moderation/endevent/reopen_selected_confirm.html", context)
        reopened, skipped = _apply_each(
            queryset.select_related("branch"), lambda event: end_event_reopen(end_event=event, staff_user=request.user)
        )
        self.message_user(request, f"{reopened} branch(es) reopened.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"{skipped} skipped: upheld on review, already reopened, still open or deleted by the user.",
                messages.WARNING,
            )

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("<path:object_id>/reopen/", self.admin_site.admin_view(self.reopen_view), name="%s_%s_reopen" % info),
            *super().get_urls(),
        ]

    def reopen_view(self, request, object_id):
        """The record page's "Reopen the branch" link: a confirmation page (GET), then the reopen (POST)."""
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        event = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_change_permission(request, event):
            raise PermissionDenied
        if request.method == "GET":
            context = {
                **self.admin_site.each_context(request),
                "title": "Reopen this branch?",
                "opts": self.opts,
                "original": event,
                "refusal": self._reopen_refusal(event),
            }
            return TemplateResponse(request, "admin/moderation/endevent/reopen_confirm.html", context)
        try:
            end_event_reopen(end_event=event, staff_user=request.user)
        except DomainError as error:
            self.message_user(request, error.detail, messages.ERROR)
        else:
            self.log_change(request, event, "Reopened the branch.")
            self.message_user(request, "The branch is open again; the user can write in it.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:moderation_endevent_change", args=[event.pk]))

    @staticmethod
    def _reopen_refusal(event) -> str:
        """Why this end's branch cannot be reopened now, in words for the page; "" when it can."""
        if event.branch is None or event.branch.conversation.deleted_at is not None:
            return "The user has deleted this conversation."
        if event.reopened_at is not None or event.branch.ended_at is None:
            return "The branch is open already."
        if event.review_status == ReviewStatus.UPHELD:
            return "This end was upheld on review. Mark it overturned first, then reopen the branch."
        return ""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and self.has_change_permission(request, obj):
            refusal = self._reopen_refusal(obj)
            context["can_reopen"] = not refusal
            context["reopen_refusal"] = refusal if obj.review_status == ReviewStatus.UPHELD else ""
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
    actions = [*ReviewAdmin.actions, "clear_risk"]
    csv_columns = exports.END_ATTEMPT_COLUMNS
    csv_name = "refused-ends"
    fieldsets = [
        ("Review", {"fields": ["review_status", "review_note", "reviewed_by", "reviewed_at"]}),
        ("Conversation", {"fields": ["transcript_view", "branch_view"]}),
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
        ("Policy decision", {"fields": ["decision_view"]}),
        ("End-time risk review", {"fields": ["risk_review_view"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "reviewer", "risk_cleared_by", "branch__conversation")

    @admin.action(description="Clear the risk on the branch (a false alarm: the model may end it again)", permissions=["change"])
    def clear_risk(self, request, queryset):
        cleared, skipped = _apply_each(
            queryset.select_related("branch__conversation"), lambda attempt: branch_risk_clear(attempt=attempt, staff_user=request.user)
        )
        self.message_user(request, f"Risk cleared on {cleared} branch(es).", messages.SUCCESS)
        if skipped:
            self.message_user(request, f"{skipped} skipped: not a risk veto, or the conversation was deleted.", messages.WARNING)


class FeedbackSubjectFilter(admin.SimpleListFilter):
    title = "about"
    parameter_name = "about"

    def lookups(self, request, model_admin):
        return [("end", "An end"), ("reply", "A reply")]

    def queryset(self, request, queryset):
        if self.value() == "end":
            return queryset.filter(end_event__isnull=False)
        if self.value() == "reply":
            return queryset.filter(message__isnull=False)
        return queryset


@admin.register(EndFeedback)
class EndFeedbackAdmin(admin.ModelAdmin):
    """The users' thumbs up and down, on ends and on ordinary replies."""

    class Media:
        # The rated reply keeps its line breaks, as in the review pages.
        css = {"all": ["moderation/review.css"]}

    list_display = ["created_at", "username", "rating", "subject", "comment"]
    list_filter = [FeedbackSubjectFilter, "rating", "created_at"]
    list_select_related = ["user", "end_event", "message"]
    search_fields = ["user__username", "comment", "message__content"]
    date_hierarchy = "created_at"
    fields = ["created_at", "username", "rating", "comment", "subject", "reply_text"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Feedback is the user's own words: staff read it, nobody edits it.
        return False

    @admin.display(description="User", ordering="user__username")
    def username(self, obj):
        return obj.user.username if obj.user else "(deleted user)"

    @admin.display(description="About")
    def subject(self, obj):
        if obj.end_event_id:
            url = reverse("admin:moderation_endevent_change", args=[obj.end_event_id])
            return format_html('<a href="{}">{}</a>', url, obj.end_event)
        if obj.message is None:
            return "(a reply since deleted)"
        text = obj.message.content
        return format_html("Reply: {}", text if len(text) <= 120 else text[:119] + "…")

    @admin.display(description="The reply rated")
    def reply_text(self, obj):
        if obj.message is None:
            return "-"
        return format_html('<div class="content feedback-reply">{}</div>', obj.message.content)
