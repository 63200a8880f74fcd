from django.contrib import admin

from conversations import services as chat
from moderation import services
from moderation.models import EndAttempt, EndEvent, EndFeedback, ReviewStatus


class ReviewActions:
    actions = ["mark_upheld", "mark_overturned"]

    def _review(self, request, queryset, status: str) -> None:
        for record in queryset:
            services.review_set(record=record, reviewer=request.user, status=status)
        self.message_user(request, f"{queryset.count()} marked {status}.")

    @admin.action(description="Mark upheld")
    def mark_upheld(self, request, queryset):
        self._review(request, queryset, ReviewStatus.UPHELD)

    @admin.action(description="Mark overturned")
    def mark_overturned(self, request, queryset):
        self._review(request, queryset, ReviewStatus.OVERTURNED)


@admin.register(EndEvent)
class EndEventAdmin(ReviewActions, admin.ModelAdmin):
    list_display = ["created_at", "user", "conversation_title", "initiated_by", "reason", "redirect_attempts", "review_status"]
    list_filter = ["reason", "initiated_by", "review_status"]
    list_select_related = ["user"]
    search_fields = ["user__username", "conversation_title"]
    date_hierarchy = "created_at"
    actions = [*ReviewActions.actions, "reopen"]
    readonly_fields = [f.name for f in EndEvent._meta.fields if f.name not in ("review_status", "review_note")]

    @admin.action(description="Reopen the branch")
    def reopen(self, request, queryset):
        reopened = 0
        for event in queryset.select_related("branch"):
            if event.branch is not None and event.branch.ended_at is not None:
                chat.branch_reopen(branch=event.branch, staff_user=request.user)
                reopened += 1
        self.message_user(request, f"{reopened} branch(es) reopened.")


@admin.register(EndAttempt)
class EndAttemptAdmin(ReviewActions, admin.ModelAdmin):
    list_display = ["created_at", "user", "conversation_title", "requested_reason", "refusal", "review_status"]
    list_filter = ["refusal", "review_status"]
    list_select_related = ["user"]
    search_fields = ["user__username", "conversation_title"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in EndAttempt._meta.fields if f.name not in ("review_status", "review_note")]


@admin.register(EndFeedback)
class EndFeedbackAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "rating", "end_event"]
    list_filter = ["rating"]
    raw_id_fields = ["end_event", "user"]
