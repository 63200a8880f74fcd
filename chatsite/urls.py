from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path

from chatsite.accounts import signup
from chatsite.health import healthz
from moderation.views import dashboard_page

urlpatterns = [
    path("healthz", healthz),
    path("accounts/signup/", signup, name="signup"),
    path("accounts/", include("django.contrib.auth.urls")),
    # Before admin.site.urls, whose catch-all would otherwise answer this path.
    path("admin/moderation/dashboard/", dashboard_page, name="moderation-dashboard"),
    path("admin/", admin.site.urls),
    path("api/v1/moderation/", include("moderation.staff_urls")),
    path("api/v1/", include("conversations.api.urls")),
    # The chat pages, including `/` (the user's latest conversation).
    path("", include("conversations.urls")),
]


def handler404(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "detail": "Not found."}, status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def handler500(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "server_error", "detail": "Something went wrong on our side."}, status=500)
    from django.views.defaults import server_error

    return server_error(request)
