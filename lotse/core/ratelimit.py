"""A small fixed-window rate limit per client address, for public forms that send mail or
store data (registration, confirmation resend, newcomers' help requests).

`subject=` replaces the client address in the key for limits per person rather than per
address (e.g. `subject=f"user:{user.pk}"` for a logged-in user's submissions).

Counts live in the cache (`CACHE_URL`: use Redis when several web processes serve the site).
Login has its own, stricter throttle (django-axes). The client address is `REMOTE_ADDR`;
behind a reverse proxy, the proxy must set it (e.g. gunicorn `--forwarded-allow-ips`).
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def _key(request: HttpRequest, scope: str, subject: str | None = None) -> str:
    who = subject[:100] if subject else client_address(request)
    return f"ratelimit:{scope}:{who}"


def is_limited(request: HttpRequest, scope: str, *, limit: int, subject: str | None = None) -> bool:
    """True when the client (or `subject`) has used up `limit` actions of `scope` in the
    current window."""
    return int(cache.get(_key(request, scope, subject), 0) or 0) >= limit


def record(
    request: HttpRequest, scope: str, *, window_seconds: int = 3600, subject: str | None = None
) -> None:
    """Count one action of `scope` for the client or `subject` (the window starts with the
    first one)."""
    key = _key(request, scope, subject)
    if not cache.add(key, 1, window_seconds):
        try:
            cache.incr(key)
        except ValueError:  # expired in between
            cache.set(key, 1, window_seconds)
