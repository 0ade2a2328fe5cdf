"""The personal-data registry (DSGVO Art. 15, 17, 20, 30).

Every model field of the project is classified here, model by model, in each app's
`privacy.py`. The registry drives "download my data" (export) and "delete my account" (erasure),
so both stay complete as models grow: a test fails when a model gains a field that nobody
classified (`lotse/core/tests/test_privacy_registry.py`).

A model's policy says:
- `fields`: every concrete field → a `Category`;
- `subject_path`: the ORM path from the model to the user whose data it is ("" for the user
  model itself, None when the rows belong to nobody, e.g. districts);
- `erasure`: what happens to the rows when that user deletes the account.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.utils.module_loading import autodiscover_modules


class Category(enum.StrEnum):
    """How sensitive a field is."""

    NON_PERSONAL = "non_personal"
    PERSONAL = "personal"
    # Art. 9 DSGVO: health, religion, ethnic origin, … – stricter access and export rules.
    SPECIAL = "special"
    # Credentials and secrets: personal, erased with the account, never exported.
    SECRET = "secret"  # noqa: S105 - a category name, not a password


class Erasure(enum.StrEnum):
    """What "delete my account" does to a model's rows of that user."""

    DELETE = "delete"
    # Keep the row (it is needed by others, e.g. an audit trail or statistics) but blank every
    # personal field and cut the link to the person.
    ANONYMISE = "anonymise"
    # Rows of nobody (subject_path is None).
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class ModelPolicy:
    model: type[models.Model]
    fields: dict[str, Category]
    subject_path: str | None
    erasure: Erasure
    # Order in which erasure handles models: lower first (children before parents).
    erasure_order: int = 50
    # Extra filter applied to the export queryset (e.g. only events about the person).
    export_filter: Callable[[models.QuerySet[Any], Any], models.QuerySet[Any]] | None = None
    anonymised_values: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def rows_of(self, user: Any) -> models.QuerySet[Any]:
        """Return the rows of this model that hold data of `user`."""
        manager = self.model._default_manager
        if self.subject_path is None:
            return manager.none()
        if self.subject_path == "":
            return manager.filter(pk=user.pk)
        return manager.filter(**{self.subject_path: user})


_registry: dict[str, ModelPolicy] = {}


def register(
    model: type[models.Model],
    *,
    fields: dict[str, Category],
    subject_path: str | None,
    erasure: Erasure,
    erasure_order: int = 50,
    export_filter: Callable[[models.QuerySet[Any], Any], models.QuerySet[Any]] | None = None,
    anonymised_values: dict[str, Any] | None = None,
) -> None:
    """Classify every field of `model` and say how export and erasure treat it.

    Raises ValueError when a named field does not exist (typos must not hide a field).
    """
    known = {f.name for f in model._meta.concrete_fields}
    unknown = set(fields) - known
    if unknown:
        raise ValueError(
            f"{model._meta.label}: unknown fields in privacy policy: {sorted(unknown)}"
        )
    if subject_path is None and erasure is not Erasure.NOT_APPLICABLE:
        raise ValueError(f"{model._meta.label}: rows of nobody cannot be erased")
    policy = ModelPolicy(
        model=model,
        fields=dict(fields),
        subject_path=subject_path,
        erasure=erasure,
        erasure_order=erasure_order,
        export_filter=export_filter,
        anonymised_values=anonymised_values or {},
    )
    _registry[policy.label] = policy


def policies() -> list[ModelPolicy]:
    """Return all registered policies (after autodiscovery)."""
    autodiscover()
    return list(_registry.values())


def policy_for(model: type[models.Model]) -> ModelPolicy | None:
    autodiscover()
    return _registry.get(model._meta.label_lower)


_discovered = False


def autodiscover() -> None:
    """Import every installed app's `privacy` module once."""
    global _discovered
    if not _discovered:
        autodiscover_modules("privacy")
        _discovered = True


def unclassified_fields() -> dict[str, list[str]]:
    """Return, per model that must be classified, the concrete fields no policy names.

    Models that must be classified: all models of the `lotse` package and the third-party
    models registered in `register_third_party_models`.
    """
    autodiscover()
    missing: dict[str, list[str]] = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        in_project = model.__module__.startswith("lotse.")
        if not in_project and label not in _registry:
            continue
        policy = _registry.get(label)
        names = [f.name for f in model._meta.concrete_fields]
        unnamed = [n for n in names if policy is None or n not in policy.fields]
        if unnamed:
            missing[label] = unnamed
    return missing


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return None
    return value


def export_user_data(user: Any) -> dict[str, list[dict[str, Any]]]:
    """Collect everything stored about `user`, grouped by model, as JSON-ready data.

    Secrets (password hashes, OTP keys) are left out; everything else of the user's rows is
    included so that the export is understandable on its own.
    """
    result: dict[str, list[dict[str, Any]]] = {}
    for policy in sorted(policies(), key=lambda p: p.label):
        if policy.subject_path is None:
            continue
        queryset = policy.rows_of(user)
        if policy.export_filter is not None:
            queryset = policy.export_filter(queryset, user)
        exported_fields = [
            name for name, category in policy.fields.items() if category is not Category.SECRET
        ]
        rows = []
        for obj in queryset.order_by("pk"):
            row = {}
            for name in exported_fields:
                model_field: Any = policy.model._meta.get_field(name)
                attname = getattr(model_field, "attname", name)
                value = getattr(obj, attname)
                if model_field.is_relation and value is not None:
                    related_model = model_field.related_model
                    if related_model is type(user):
                        # Never disclose other people through the export.
                        row[name] = "you" if value == user.pk else "another person"
                    else:
                        row[name] = str(getattr(obj, name))
                elif model_field.choices and value not in (None, ""):
                    row[name] = str(dict(model_field.flatchoices).get(value, value))
                else:
                    row[name] = _json_value(value)
            rows.append(row)
        if rows:
            result[policy.label] = rows
    return result


def _anonymised_value(policy: ModelPolicy, name: str) -> Any:
    if name in policy.anonymised_values:
        return policy.anonymised_values[name]
    model_field: Any = policy.model._meta.get_field(name)
    if model_field.null:
        return None
    if isinstance(model_field, models.CharField | models.TextField):
        return ""
    if isinstance(model_field, models.JSONField):
        return model_field.get_default()
    if model_field.has_default():
        return model_field.get_default()
    raise ValueError(f"{policy.label}.{name}: no anonymised value; add one to the policy")


# Callables run at the start of `erase_user`, inside its transaction, before any row goes:
# modules tidy up what other people depend on (e.g. engagement hands a leaving volunteer's
# help requests back to the coordinators). They must not keep personal data of the user.
_ERASURE_HOOKS: list[Callable[[Any], object]] = []


def register_erasure_hook(hook: Callable[[Any], object]) -> None:
    """Run `hook(user)` before a user's data is erased (idempotent registration)."""
    if hook not in _ERASURE_HOOKS:
        _ERASURE_HOOKS.append(hook)


def erase_user(user: Any) -> dict[str, int]:
    """Erase every personal datum of `user` as the registry says, then the user row.

    Runs in one transaction: either everything is erased or nothing. Returns the number of rows
    deleted or anonymised per model (for the audit log and tests).
    """
    counts: dict[str, int] = {}
    with transaction.atomic():
        for hook in _ERASURE_HOOKS:
            hook(user)
        for policy in sorted(policies(), key=lambda p: (p.erasure_order, p.label)):
            if policy.subject_path is None:
                continue
            queryset = policy.rows_of(user)
            if policy.erasure is Erasure.DELETE:
                number = queryset.count()
                if number:
                    # Raw delete: the registry, not cascades, decides the fate of related rows.
                    queryset.delete()
            else:
                updates = {
                    name: _anonymised_value(policy, name)
                    for name, category in policy.fields.items()
                    if category is not Category.NON_PERSONAL
                }
                number = queryset.update(**updates) if updates else 0
            if number:
                counts[policy.label] = number
    return counts


def personal_field_names(model: type[models.Model]) -> Iterable[str]:
    """Return the fields of `model` that are personal, special or secret."""
    policy = policy_for(model)
    if policy is None:
        return []
    return [n for n, c in policy.fields.items() if c is not Category.NON_PERSONAL]


def register_third_party_models() -> None:
    """Classify the models of Django and third-party apps that hold personal data."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.sessions.models import Session

    from .models import AuditEvent, PeriodicJobRun

    N, P, S = Category.NON_PERSONAL, Category.PERSONAL, Category.SECRET  # noqa: N806
    register(
        AuditEvent,
        fields={
            "id": N,
            "created_at": N,
            "actor": P,
            "action": N,
            "object_type": N,
            "object_id": N,
            "subject": P,
            "changed_fields": N,
            "via": N,
        },
        subject_path="subject",
        erasure=Erasure.ANONYMISE,
        erasure_order=10,
    )
    register(
        PeriodicJobRun,
        fields={"id": N, "name": N, "last_slot": N, "last_enqueued_at": N},
        subject_path=None,
        erasure=Erasure.NOT_APPLICABLE,
    )
    register(
        Session,
        fields={"session_key": S, "session_data": S, "expire_date": N},
        subject_path=None,
        erasure=Erasure.NOT_APPLICABLE,
    )
    register(
        LogEntry,
        fields={
            "id": N,
            "action_time": N,
            "user": P,
            "content_type": N,
            "object_id": N,
            "object_repr": P,
            "action_flag": N,
            "change_message": P,
        },
        subject_path="user",
        erasure=Erasure.DELETE,
        erasure_order=10,
    )
    try:
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog
        from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
        from django_otp.plugins.otp_totp.models import TOTPDevice
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - all are required dependencies
        return
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        register(
            model,
            fields={
                f.name: (
                    P
                    if f.name
                    in {
                        "username",
                        "ip_address",
                        "user_agent",
                        "get_data",
                        "post_data",
                        "http_accept",
                        "path_info",
                    }
                    else N
                )
                for f in model._meta.concrete_fields
            },
            subject_path=None,
            erasure=Erasure.NOT_APPLICABLE,
        )
    for model in (TOTPDevice, StaticDevice):
        register(
            model,
            fields={
                f.name: (
                    S
                    if f.name in {"key", "throttling_failure_timestamp", "token"}
                    else P
                    if f.name in {"user", "name"}
                    else N
                )
                for f in model._meta.concrete_fields
            },
            subject_path="user",
            erasure=Erasure.DELETE,
            erasure_order=5,
        )
    register(
        StaticToken,
        fields={"id": N, "device": P, "token": S},
        subject_path="device__user",
        erasure=Erasure.DELETE,
        erasure_order=1,
    )
    # Task arguments are ids only (house rule), but results may name people: treat as personal,
    # pruned by `prune_db_task_results`.
    register(
        DBTaskResult,
        fields={
            f.name: (
                P
                if f.name
                in {
                    "args_kwargs",
                    "return_value",
                    "exception_class_path",
                    "traceback",
                    "worker_ids",
                }
                else N
            )
            for f in DBTaskResult._meta.concrete_fields
        },
        subject_path=None,
        erasure=Erasure.NOT_APPLICABLE,
    )
