"""The moderation dashboard, a staff page inside the admin at /admin/moderation/dashboard/."""

from datetime import timedelta

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from moderation.permissions import can_moderate
from review import dashboard

DEFAULT_DAYS = 30


class RangeForm(forms.Form):
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise forms.ValidationError("The start of the range is after its end.")
        if (end - start).days >= dashboard.MAX_RANGE_DAYS:
            raise forms.ValidationError(f"Pick a range of at most {dashboard.MAX_RANGE_DAYS} days.")
        data["start"], data["end"] = start, end
        return data


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def dashboard_view(request: HttpRequest) -> HttpResponse:
    if not can_moderate(request.user):
        raise PermissionDenied
    form = RangeForm(request.GET)
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    else:
        # The errors are shown above the default range.
        end = timezone.localdate()
        start = end - timedelta(days=DEFAULT_DAYS - 1)
    board = dashboard.build(start, end)
    context = {
        **admin.site.each_context(request),
        "title": "Moderation dashboard",
        "form": form,
        "board": board,
        "ends_per_1000": "n/a" if board.ends_per_1000 is None else f"{board.ends_per_1000:.1f}",
        "overturn_rate": _percent(board.overturn_rate),
        "per_day_chart": dashboard.bar_chart(board.ends_per_day, title="Ends per day"),
        "redirects_chart": dashboard.bar_chart(board.redirects, title="Redirections before a model end", width=360, label_every=1),
        "reason_chart": dashboard.hbar_chart(board.by_reason, title="Ends by reason"),
        "initiator_chart": dashboard.hbar_chart(board.by_initiator, title="Ends by initiator"),
        "refusal_chart": dashboard.hbar_chart(board.refusals, title="Refused ends by reason"),
        "by_model": [_rates_row(r) for r in board.by_model],
        "by_policy": [_rates_row(r) for r in board.by_policy],
    }
    return render(request, "moderation/dashboard.html", context)


def _rates_row(rates: dashboard.Rates) -> dict:
    return {
        "key": rates.key,
        "conversations": rates.conversations,
        "ends": rates.ends,
        "ends_per_1000": None if rates.ends_per_1000 is None else f"{rates.ends_per_1000:.1f}",
        "refusals": rates.refusals,
        "refusal_share": _percent(rates.refusal_share),
        "overturned": rates.overturned,
        "overturn_rate": _percent(rates.overturn_rate),
    }


# Through the admin site's own guard: anonymous and non-staff users go to the admin login.
dashboard_page = admin.site.admin_view(dashboard_view)
