"""Reads of Engagementnachweise. (Owned by the Patenschaften area.)"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from ..models import Certificate
from ..services.certificates import certificate_code_normalise


def certificates_own(*, user: Any) -> QuerySet[Certificate]:
    """The user's own certificates, newest first."""
    if not getattr(user, "is_authenticated", False):
        return Certificate.objects.none()
    return (
        Certificate.objects.filter(volunteer__user_id=user.pk)
        .select_related("district", "volunteer")
        .order_by("-issued_at", "-pk")
    )


def certificate_get_own(*, user: Any, pk: int) -> Certificate:
    return get_object_or_404(certificates_own(user=user), pk=pk)


def certificate_find_valid(*, code: str) -> Certificate | None:
    """The certificate with this code (case and dashes do not matter), unless revoked."""
    normalised = certificate_code_normalise(code)
    if normalised is None:
        return None
    return (
        Certificate.objects.filter(code=normalised, revoked_at__isnull=True)
        .select_related("district")
        .first()
    )
