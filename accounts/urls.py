"""Sign-up, then Django's own log in, log out and password views, under /accounts/."""

from django.urls import include, path

from accounts import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    # Before Django's own, which answer the same path without limits.
    path("login/", views.login_page, name="login"),
    path("", include("django.contrib.auth.urls")),
]
