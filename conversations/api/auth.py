"""Tokens and sign-up for API clients."""

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import limits
from accounts.services import user_register
from chatsite.errors import DomainError
from conversations.api.schema import error_response
from conversations.api.serializers import CredentialsIn, RegisteredOut, TokenOut
from conversations.api.throttles import scoped


class ObtainToken(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = scoped()
    throttle_scope = "auth"

    @extend_schema(
        summary="Get your API token",
        request=CredentialsIn,
        responses={200: TokenOut, 400: error_response("invalid", "invalid_credentials")},
        tags=["auth"],
    )
    def post(self, request):
        serializer = CredentialsIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        username = serializer.validated_data["username"]
        # Per client, the "auth" scope above; per username, the lock of accounts/limits.py.
        try:
            limits.username_check(request, username)
        except limits.LimitReached as refusal:
            raise Throttled(wait=refusal.retry_after, detail=refusal.detail) from None
        user = authenticate(request, **serializer.validated_data)
        if user is None:
            limits.login_failed(request, username)
            raise DomainError("invalid_credentials", "The username or password is wrong.", 400)
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class Register(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = scoped()
    throttle_scope = "auth"

    @extend_schema(
        summary="Create an account (while sign-up is open)",
        request=CredentialsIn,
        responses={
            201: RegisteredOut,
            403: error_response("signup_disabled", description="Sign-up is closed on this site."),
            409: error_response("username_taken"),
        },
        tags=["auth"],
    )
    def post(self, request):
        if not settings.ALLOW_SIGNUP:
            raise DomainError("signup_disabled", "Sign-up is closed on this site.", 403)
        try:
            limits.client_attempt(request, "signup")
        except limits.LimitReached as refusal:
            raise Throttled(wait=refusal.retry_after, detail=refusal.detail) from None
        serializer = CredentialsIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = user_register(**serializer.validated_data)
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        return Response({"id": user.pk, "username": user.username}, status=status.HTTP_201_CREATED)
