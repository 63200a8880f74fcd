"""The admin's log-in page with the sign-in limits (accounts/limits.py), included by
chatsite/urls.py before the admin's own URLs, which answer the same path without them."""

from django.urls import path

from accounts import views

urlpatterns = [
    path("login/", views.admin_login_page),
]
