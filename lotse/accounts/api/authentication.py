"""API authentication: the browser session, with the same second-factor rule as the web."""

from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request

from lotse.accounts.selectors import user_is_staff


class VerifiedSessionAuthentication(SessionAuthentication):
    """Session authentication that refuses staff sessions without a passed second factor."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if settings.LOTSE_REQUIRE_2FA:
            django_request = request._request
            verified = getattr(django_request.user, "is_verified", lambda: False)()
            if user_is_staff(user=user) and not verified:
                raise exceptions.PermissionDenied("Two-factor login required.")
        return result


class VerifiedSessionAuthenticationScheme(OpenApiAuthenticationExtension):
    """Document the session authentication in the OpenAPI schema."""

    target_class = "lotse.accounts.api.authentication.VerifiedSessionAuthentication"
    name = "sessionAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}
