"""Self-service sign-up for the pages, and the log-in pages (Django's own views, the site's and
the admin's) with the limits of accounts/limits.py."""

from functools import wraps

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import login
from django.contrib.auth.views import LoginView
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import limits
from accounts.forms import SignupForm
from accounts.services import user_register
from chatsite.errors import DomainError
from chatsite.middleware import error_response


def _too_many(request: HttpRequest, refusal: limits.LimitReached) -> HttpResponse:
    response = error_response(request, "throttled", refusal.detail, 429)
    response["Retry-After"] = limits.retry_after_header(refusal.retry_after)
    return response


def _limited_login(view):
    """A log-in view that counts each attempt per client and each failure per username."""

    @wraps(view)
    def limited(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        username = request.POST.get("username", "")
        try:
            limits.client_attempt(request, "auth")
            limits.username_check(request, username)
        except limits.LimitReached as refusal:
            return _too_many(request, refusal)
        response = view(request, *args, **kwargs)
        signed_in = request.user.is_authenticated and limits.username_key(request.user.get_username()) == limits.username_key(username)
        if signed_in and response.status_code in (301, 302):
            limits.remember_device(request, response, username)
        else:
            limits.login_failed(request, username)
        return response

    return limited


login_page = _limited_login(LoginView.as_view())
admin_login_page = _limited_login(admin.site.login)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if not settings.ALLOW_SIGNUP:
        raise Http404("Sign-up is closed on this site.")
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    if request.method == "POST":
        try:
            limits.client_attempt(request, "auth", "signup")
        except limits.LimitReached as refusal:
            return _too_many(request, refusal)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_register(username=form.cleaned_data["username"], password=form.cleaned_data["password1"])
        except DomainError as error:
            # Taken between the form's check and the insert (another sign-up with the same name).
            form.add_error("username", error.detail)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "registration/signup.html", {"form": form}, status=400 if form.is_bound else 200)
