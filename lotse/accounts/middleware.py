"""Enforce two-factor login for every staff role."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .selectors import user_is_staff

# Paths a staff user may reach before completing the second factor.
ALLOWED_PREFIXES = (
    "/accounts/",
    "/static/",
    "/i18n/",
    "/impressum/",
    "/datenschutz/",
    "/barrierefreiheit/",
    "/dev/outbox/",
)


class StaffTwoFactorMiddleware:
    """Send staff users who have not passed TOTP to the setup or verification page.

    Requires django_otp's OTPMiddleware before it (request.user.is_verified).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.LOTSE_REQUIRE_2FA and self._needs_second_factor(request):
            if request.path.startswith("/api/"):
                return HttpResponse(status=403)
            return redirect("accounts:two_factor")
        return self.get_response(request)

    @staticmethod
    def _needs_second_factor(request: HttpRequest) -> bool:
        user = request.user
        if not user.is_authenticated or request.path.startswith(ALLOWED_PREFIXES):
            return False
        if user.is_verified():  # type: ignore[union-attr,attr-defined]
            return False
        return user_is_staff(user=user)
