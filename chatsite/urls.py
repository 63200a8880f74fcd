"""The site's URLs. Each app's are included by their module's name, so the project imports none
of the apps (.importlinter checks it)."""

from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path
from django.views import defaults

from chatsite.health import livez, readyz
from chatsite.metrics_endpoint import metrics

urlpatterns = [
    path("livez", livez, name="livez"),
    path("readyz", readyz, name="readyz"),
    # The name monitors used before the split into liveness and readiness.
    path("healthz", readyz, name="healthz"),
    path("metrics", metrics),
    path("accounts/", include("accounts.urls")),
    # Staff pages inside the admin (the moderation dashboard); before admin.site.urls, whose
    # catch-all would otherwise answer them.
    path("admin/moderation/", include("review.urls")),
    path("admin/", include("accounts.admin_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/moderation/", include("review.api_urls")),
    path("api/v1/", include("conversations.api.urls")),
    # The chat pages, including `/` (the user's latest conversation).
    path("", include("conversations.urls")),
]


def handler404(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def handler500(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "server_error", "detail": "Something went wrong on our side."}, status=500)
    return defaults.server_error(request)
