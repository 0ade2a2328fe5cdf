from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    """Expose the operator, demo mode and the language list to every template."""
    return {
        "operator": settings.LOTSE_OPERATOR,
        "demo_mode": settings.LOTSE_DEMO_MODE,
        "require_2fa": settings.LOTSE_REQUIRE_2FA,
        "debug": settings.DEBUG,
    }
