"""What the admin pages of ends and refused ends share: the review form, the review actions, the CSV
export, read-only records, and a queue that never loads the transcripts (review/admin.py)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.template.loader import render_to_string
from django.utils.dateparse import parse_datetime

from conversations.selectors import branch_path
from moderation import services
from moderation.models import ReviewStatus
from moderation.selectors import FEEDBACK_CHOICES, HEAVY_FIELDS, with_feedback
from review import exports


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
        return FEEDBACK_CHOICES

    def queryset(self, request, queryset):
        return with_feedback(queryset, self.value())


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

    @admin.display(description="End-time risk review")
    def risk_review_view(self, obj):
        return render_to_string("moderation/_risk_review.html", {"record": obj, "review": obj.risk_review})

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
