"""Write the audit trail. Call from services (writes) and from detail views/API (reads)."""

from collections.abc import Iterable
from typing import Any

from django.db import models

from .models import AuditEvent


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    subject: Any = None,
    changed_fields: Iterable[str] = (),
    via: str = "web",
) -> AuditEvent:
    """Record that `actor` performed `action` on `obj` (personal data of `subject`).

    Anonymous actors are stored as NULL. Side effect: one INSERT.
    """
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=actor_user,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        subject=subject,
        changed_fields=sorted(changed_fields),
        via=via,
    )
