"""Staff pages inside the admin, mounted at /admin/moderation/ before the admin's own URLs."""

from django.urls import path

from review import views

urlpatterns = [
    path("dashboard/", views.dashboard_page, name="moderation-dashboard"),
]
