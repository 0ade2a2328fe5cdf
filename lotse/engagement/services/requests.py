"""Writes of help requests: entering (by the newcomer or on their behalf), editing, the
interpreter, closing, deleting on the newcomer's wish, and the retention job.

Newcomers have no account. A request holds the minimum of their data; the secret status link
key is returned once by `help_request_create` and only its SHA-256 is stored.
"""

from __future__ import annotations

import datetime
import re
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.core.audit import audit_record
from lotse.core.availability import mask_from_cells, parse_cell_key
from lotse.core.choices import Language, Topic
from lotse.core.services import mail_enqueue
from lotse.core.validators import validate_plain_text
from lotse.notifications.services import notify
from lotse.regions.models import Postcode
from lotse.regions.selectors import postcode_get
from lotse.volunteers.choices import VolunteerRole, VolunteerStatus
from lotse.volunteers.models import VolunteerProfile
from lotse.volunteers.services import UNKNOWN_POSTCODE_MESSAGE

from ..choices import (
    ContactChannel,
    PatenschaftStatus,
    RequestCloseReason,
    RequestStatus,
    Urgency,
)
from ..models import MAX_MESSAGE, HelpRequest, HelpRequestLanguage, Patenschaft
from ..permissions import coordinated_district_ids, member_organisation_ids
from ..selectors.requests import district_coordinators, help_request_key_hash
from .proposals import proposals_withdraw_for_request

MAX_FIRST_NAME = 80
MAX_LANGUAGES = 20
# Phone numbers: digits, spaces and a leading plus; 6 to 20 digits.
_PHONE = re.compile(r"\+?[0-9 ]+")
ANONYMISED_NAME = "–"

_EDITABLE_FIELDS = (
    "first_name",
    "contact_channel",
    "contact_value",
    "postcode",
    "topic",
    "needs",
    "preferred_times",
    "urgency",
)


def _add(errors: dict[str, list[Any]], field: str, message: Any, code: str) -> None:
    errors.setdefault(field, []).append(ValidationError(message, code=code))


def status_url(key: str) -> str:
    """Return the absolute URL of a request's status page for its secret key."""
    path = reverse("engagement:request_status", kwargs={"key": key})
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def contact_value_normalise(channel: str, value: str) -> str:
    """Check and tidy the contact value for the channel; raise ValidationError if it is bad.

    Phone and messenger: digits, spaces and a leading "+", 6–20 digits. E-mail: an address.
    Through the coordinator: no value is kept.
    """
    value = " ".join((value or "").split())
    if channel == ContactChannel.COORDINATOR:
        return ""
    if not value:
        if channel == ContactChannel.EMAIL:
            message = _("Please enter your e-mail address.")
        else:
            message = _("Please enter your phone number.")
        raise ValidationError(message, code="required")
    if channel == ContactChannel.EMAIL:
        if len(value) > 200:
            raise ValidationError(_("Please use at most 200 characters."), code="max")
        try:
            validate_email(value)
        except ValidationError as error:
            raise ValidationError(
                _("Please enter a valid e-mail address, for example name@example.org."),
                code="email",
            ) from error
        return value
    digits = sum(character.isdigit() for character in value)
    if not _PHONE.fullmatch(value) or not 6 <= digits <= 20:
        raise ValidationError(
            _(
                "Please enter a phone number with 6 to 20 digits, for example +49 151 2345678. "
                "Only digits, spaces and a leading + are allowed."
            ),
            code="phone",
        )
    return value


def _check_text(
    errors: dict[str, list[Any]], field: str, value: str, *, max_length: int, missing: str
) -> str:
    """Check a required plain-text value: present, not too long, no markup. Returns it."""
    if not value:
        _add(errors, field, missing, "required")
    elif len(value) > max_length:
        _add(
            errors,
            field,
            _("Please use at most %(max)d characters.") % {"max": max_length},
            "max",
        )
    else:
        try:
            validate_plain_text(value)
        except ValidationError as error:
            errors.setdefault(field, []).append(error)
    return value


def _clean_fields(
    errors: dict[str, list[Any]],
    *,
    first_name: str,
    contact_channel: str,
    contact_value: str,
    postcode: str,
    languages: Iterable[str],
    topic: str,
    needs: str,
    preferred_times: Iterable[str],
    urgency: str,
) -> dict[str, Any]:
    """Validate the fields a request shares between entering and editing."""
    cleaned: dict[str, Any] = {}
    cleaned["first_name"] = _check_text(
        errors,
        "first_name",
        " ".join((first_name or "").split()),
        max_length=MAX_FIRST_NAME,
        missing=_("Please enter a first name or a pseudonym."),
    )

    if contact_channel not in ContactChannel.values:
        _add(errors, "contact_channel", _("Please choose how we can reach you."), "choice")
    else:
        try:
            cleaned["contact_value"] = contact_value_normalise(contact_channel, contact_value)
        except ValidationError as error:
            errors.setdefault("contact_value", []).append(error)
    cleaned["contact_channel"] = contact_channel

    postcode_row = postcode_get(code=postcode or "")
    if postcode_row is None:
        _add(errors, "postcode", UNKNOWN_POSTCODE_MESSAGE, "postcode")
    cleaned["postcode"] = postcode_row

    chosen: list[str] = []
    for code in languages or ():
        if code not in Language.values:
            _add(errors, "languages", _("Please choose only from the list."), "choice")
            break
        if code not in chosen:
            chosen.append(code)
    if not chosen and "languages" not in errors:
        _add(errors, "languages", _("Please choose at least one language."), "min")
    elif len(chosen) > MAX_LANGUAGES:
        _add(
            errors,
            "languages",
            _("Please choose at most %(max)d languages.") % {"max": MAX_LANGUAGES},
            "max",
        )
    cleaned["languages"] = chosen

    if topic not in Topic.values:
        _add(errors, "topic", _("Please choose a topic."), "choice")
    cleaned["topic"] = topic

    cleaned["needs"] = _check_text(
        errors,
        "needs",
        (needs or "").strip(),
        max_length=MAX_MESSAGE,
        missing=_("Please describe what help you need."),
    )

    cells = []
    for key in preferred_times or ():
        try:
            cells.append(parse_cell_key(str(key)))
        except (ValueError, TypeError):
            _add(errors, "preferred_times", _("Unknown time of the week."), "availability")
            break
    cleaned["preferred_times"] = mask_from_cells(cells)

    if urgency not in Urgency.values:
        _add(errors, "urgency", _("Please choose how urgent it is."), "choice")
    cleaned["urgency"] = urgency
    return cleaned


def _may_enter_on_behalf(actor: Any, postcode: Postcode | None) -> bool:
    """Coordinators enter requests for their districts, organisation members for any."""
    if member_organisation_ids(actor):
        return True
    ids = coordinated_district_ids(actor)
    return bool(ids) and (postcode is None or postcode.district_id in ids)


def _sync_languages(request: HelpRequest, languages: list[str]) -> bool:
    current = set(request.languages.values_list("language", flat=True))
    if current == set(languages):
        return False
    request.languages.exclude(language__in=languages).delete()
    HelpRequestLanguage.objects.bulk_create(
        [
            HelpRequestLanguage(request=request, language=code)
            for code in languages
            if code not in current
        ]
    )
    return True


def _notify_coordinators_new(request: HelpRequest, *, actor: Any) -> None:
    url = reverse("engagement:request_detail", kwargs={"pk": request.pk})
    for user in district_coordinators(district_id=request.district_id):
        if getattr(actor, "pk", None) == user.pk:
            continue
        notify(
            user=user,
            kind="engagement.request.new",
            template="engagement/notifications/request_new",
            context={
                "request_id": request.pk,
                "district": request.district.name,
                "urgent": request.urgency == Urgency.HIGH,
            },
            url=url,
        )


def help_request_create(
    *,
    actor: Any,
    first_name: str,
    contact_channel: str,
    contact_value: str,
    postcode: str,
    languages: Iterable[str],
    topic: str,
    needs: str,
    preferred_times: Iterable[str] = (),
    urgency: str = Urgency.NORMAL,
    consent: bool,
    form_language: str = "",
    on_behalf: bool = False,
    via: str = "web",
) -> tuple[HelpRequest, str]:
    """Enter a help request; return it and the secret key of its status link.

    The key is returned only here (the caller shows it once); the request stores its SHA-256.
    `on_behalf`: a coordinator (for their districts) or an organisation member enters the
    request for a newcomer and confirms that the newcomer agreed (`consent`); `entered_by` is
    set. Raises ValidationError (dict keyed by field, nothing saved) for bad input, and
    PermissionDenied when `actor` may not enter requests on a newcomer's behalf.
    Side effects: the request and its languages; audit `engagement.request.created`; a
    notification to each coordinator of the district; the status link by e-mail (in the form
    language) when the newcomer chose e-mail; all mails on commit.
    """
    errors: dict[str, list[Any]] = {}
    cleaned = _clean_fields(
        errors,
        first_name=first_name,
        contact_channel=contact_channel,
        contact_value=contact_value,
        postcode=postcode,
        languages=languages,
        topic=topic,
        needs=needs,
        preferred_times=preferred_times,
        urgency=urgency,
    )
    if on_behalf and not _may_enter_on_behalf(actor, None):
        raise PermissionDenied
    if on_behalf and cleaned["postcode"] and not _may_enter_on_behalf(actor, cleaned["postcode"]):
        _add(
            errors,
            "postcode",
            _("This postcode lies outside your districts."),
            "district",
        )
    if consent is not True:
        message = (
            _("Please confirm that the newcomer agreed.")
            if on_behalf
            else _("Please agree so that we may store your request.")
        )
        _add(errors, "consent", message, "required")
    language_codes = {code for code, _name in settings.LANGUAGES}
    form_language = form_language if form_language in language_codes else settings.LANGUAGE_CODE
    if errors:
        raise ValidationError(errors)

    key = secrets.token_urlsafe(24)
    postcode_row: Postcode = cleaned["postcode"]
    with transaction.atomic():
        request = HelpRequest(
            district=postcode_row.district,
            postcode=postcode_row,
            first_name=cleaned["first_name"],
            contact_channel=cleaned["contact_channel"],
            contact_value=cleaned["contact_value"],
            topic=cleaned["topic"],
            needs=cleaned["needs"],
            preferred_times=cleaned["preferred_times"],
            urgency=cleaned["urgency"],
            status=RequestStatus.OPEN,
            form_language=form_language,
            entered_by=actor if on_behalf else None,
            consent_version=settings.LOTSE_PRIVACY_NOTICE_VERSION,
            consent_at=timezone.now(),
            access_key_hash=help_request_key_hash(key),
        )
        request.full_clean()
        request.save()
        HelpRequestLanguage.objects.bulk_create(
            [HelpRequestLanguage(request=request, language=code) for code in cleaned["languages"]]
        )
        audit_record(
            actor=actor,
            action="engagement.request.created",
            obj=request,
            changed_fields=[*_EDITABLE_FIELDS, "languages"],
            via=via,
        )
        _notify_coordinators_new(request, actor=actor)
        if request.contact_channel == ContactChannel.EMAIL:
            mail_enqueue(
                to=request.contact_value,
                template="engagement/email/request_status_link",
                context={"first_name": request.first_name, "status_url": status_url(key)},
                language=request.form_language,
            )
    return request, key


def _check_manageable(actor: Any, request: HelpRequest) -> None:
    if request.district_id not in coordinated_district_ids(actor):
        raise PermissionDenied


def help_request_update(
    *,
    actor: Any,
    request: HelpRequest,
    first_name: str,
    contact_channel: str,
    contact_value: str,
    postcode: str,
    languages: Iterable[str],
    topic: str,
    needs: str,
    preferred_times: Iterable[str] = (),
    urgency: str = Urgency.NORMAL,
    via: str = "web",
) -> HelpRequest:
    """Change a request (its district's coordinators only; PermissionDenied for others).

    A new postcode must lie in one of the coordinator's districts (the district follows it).
    Closed or anonymised requests cannot be changed. Raises ValidationError, nothing saved.
    Side effect: audit `engagement.request.changed` with the changed field names.
    """
    _check_manageable(actor, request)
    errors: dict[str, list[Any]] = {}
    cleaned = _clean_fields(
        errors,
        first_name=first_name,
        contact_channel=contact_channel,
        contact_value=contact_value,
        postcode=postcode,
        languages=languages,
        topic=topic,
        needs=needs,
        preferred_times=preferred_times,
        urgency=urgency,
    )
    if request.status == RequestStatus.CLOSED or request.anonymised_at is not None:
        _add(errors, "__all__", _("A closed request cannot be changed."), "closed")
    new_postcode: Postcode | None = cleaned["postcode"]
    if new_postcode is not None and new_postcode.district_id not in coordinated_district_ids(actor):
        _add(errors, "postcode", _("This postcode lies outside your districts."), "district")
    if errors:
        raise ValidationError(errors)
    assert new_postcode is not None

    with transaction.atomic():
        locked = HelpRequest.objects.select_for_update().get(pk=request.pk)
        changed: list[str] = []
        values = {
            "first_name": cleaned["first_name"],
            "contact_channel": cleaned["contact_channel"],
            "contact_value": cleaned["contact_value"],
            "topic": cleaned["topic"],
            "needs": cleaned["needs"],
            "preferred_times": cleaned["preferred_times"],
            "urgency": cleaned["urgency"],
        }
        for name, value in values.items():
            if getattr(locked, name) != value:
                setattr(locked, name, value)
                changed.append(name)
        if locked.postcode_id != new_postcode.pk:
            locked.postcode = new_postcode
            locked.district_id = new_postcode.district_id
            changed += ["postcode", "district"]
        if changed:
            locked.full_clean()
            locked.save()
        if _sync_languages(locked, cleaned["languages"]):
            changed.append("languages")
        if changed:
            audit_record(
                actor=actor,
                action="engagement.request.changed",
                obj=locked,
                changed_fields=changed,
                via=via,
            )
    return locked


def help_request_attach_interpreter(
    *, actor: Any, request: HelpRequest, interpreter: VolunteerProfile | None, via: str = "web"
) -> HelpRequest:
    """Attach an interpreter (an active volunteer of the request's district offering the role
    "interpreter") or, with None, remove it. Coordinators of the district only.

    Raises ValidationError (`interpreter`) for anybody else. Side effect: audit
    `engagement.request.interpreter_changed`.
    """
    _check_manageable(actor, request)
    if interpreter is not None:
        fits = (
            interpreter.district_id == request.district_id
            and interpreter.status == VolunteerStatus.ACTIVE
            and interpreter.roles.filter(role=VolunteerRole.INTERPRETER).exists()
        )
        if not fits:
            raise ValidationError(
                {
                    "interpreter": [
                        ValidationError(
                            _(
                                "Please choose an active volunteer of the district who "
                                "offers to interpret."
                            ),
                            code="interpreter",
                        )
                    ]
                }
            )
    if request.status == RequestStatus.CLOSED or request.anonymised_at is not None:
        raise ValidationError({"__all__": [_("A closed request cannot be changed.")]})
    with transaction.atomic():
        locked = HelpRequest.objects.select_for_update().get(pk=request.pk)
        new_id = interpreter.pk if interpreter else None
        if locked.interpreter_id != new_id:
            locked.interpreter = interpreter
            locked.save(update_fields=["interpreter", "updated_at"])
            audit_record(
                actor=actor,
                action="engagement.request.interpreter_changed",
                obj=locked,
                changed_fields=["interpreter"],
                via=via,
            )
    return locked


def _has_active_patenschaft(request: HelpRequest) -> bool:
    return Patenschaft.objects.filter(request=request, status=PatenschaftStatus.ACTIVE).exists()


def help_request_close(
    *, actor: Any, request: HelpRequest, reason: str, via: str = "web"
) -> HelpRequest:
    """Close a request with a reason (coordinators of its district only).

    Live proposals are withdrawn (the asked volunteers are told). A request whose Patenschaft
    still runs cannot be closed (end the Patenschaft first). Side effect: audit
    `engagement.request.closed`.
    """
    _check_manageable(actor, request)
    if reason not in RequestCloseReason.values:
        raise ValidationError({"reason": [_("Please choose a reason.")]})
    with transaction.atomic():
        locked = HelpRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status == RequestStatus.CLOSED:
            raise ValidationError({"__all__": [_("This request is already closed.")]})
        if _has_active_patenschaft(locked):
            raise ValidationError(
                {"__all__": [_("The Patenschaft of this request is still running. End it first.")]}
            )
        proposals_withdraw_for_request(actor=actor, request=locked)
        locked.status = RequestStatus.CLOSED
        locked.closed_at = timezone.now()
        locked.close_reason = reason
        locked.save(update_fields=["status", "closed_at", "close_reason", "updated_at"])
        audit_record(
            actor=actor,
            action="engagement.request.closed",
            obj=locked,
            changed_fields=["status", "closed_at", "close_reason"],
            via=via,
        )
    return locked


def _anonymise(request: HelpRequest, *, now: datetime.datetime) -> list[str]:
    request.first_name = ANONYMISED_NAME
    request.contact_value = ""
    request.needs = ""
    request.preferred_times = 0
    request.access_key_hash = None
    request.anonymised_at = now
    fields = [
        "first_name",
        "contact_value",
        "needs",
        "preferred_times",
        "access_key_hash",
        "anonymised_at",
    ]
    request.save(update_fields=[*fields, "updated_at"])
    return fields


def help_request_delete(*, actor: Any, request: HelpRequest, via: str = "web") -> HelpRequest:
    """Delete the newcomer's personal data on their wish (coordinators of the district only).

    The name, contact, needs and preferred times are blanked now and the status link stops
    working; the row stays for the statistics (district, topic, languages). An open request is
    closed ("withdrawn by the newcomer") and its live proposals withdrawn; a running
    Patenschaft is left to its volunteer and coordinator. Side effect: audit
    `engagement.request.anonymised`.
    """
    _check_manageable(actor, request)
    with transaction.atomic():
        locked = HelpRequest.objects.select_for_update().get(pk=request.pk)
        if locked.anonymised_at is not None:
            return locked
        changed: list[str] = []
        if locked.status in (RequestStatus.OPEN, RequestStatus.PROPOSED):
            proposals_withdraw_for_request(actor=actor, request=locked)
            locked.status = RequestStatus.CLOSED
            locked.closed_at = timezone.now()
            locked.close_reason = RequestCloseReason.WITHDRAWN
            locked.save(update_fields=["status", "closed_at", "close_reason", "updated_at"])
            changed += ["status", "closed_at", "close_reason"]
        changed += _anonymise(locked, now=timezone.now())
        audit_record(
            actor=actor,
            action="engagement.request.anonymised",
            obj=locked,
            changed_fields=changed,
            via=via,
        )
    return locked


def help_requests_anonymise_expired(*, now: datetime.datetime | None = None) -> int:
    """Anonymise requests closed (or whose Patenschaft ended) longer ago than
    `LOTSE_HELP_REQUEST_RETENTION_DAYS`; return how many. Idempotent (nightly task).

    Name, contact, needs and preferred times are blanked and the status link key cleared;
    district, postcode, topic and languages stay for the statistics.
    Side effect: audit `engagement.request.anonymised` (actor: the system) per request.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.LOTSE_HELP_REQUEST_RETENTION_DAYS)
    expired = HelpRequest.objects.filter(anonymised_at__isnull=True).filter(
        Q(status=RequestStatus.CLOSED, closed_at__lt=cutoff)
        | Q(
            patenschaft__status=PatenschaftStatus.ENDED,
            patenschaft__ended_on__lt=timezone.localdate(cutoff),
        )
    )
    count = 0
    for pk in expired.values_list("pk", flat=True):
        with transaction.atomic():
            locked = (
                HelpRequest.objects.select_for_update()
                .filter(pk=pk, anonymised_at__isnull=True)
                .first()
            )
            if locked is None:
                continue
            fields = _anonymise(locked, now=now)
            audit_record(
                actor=None,
                action="engagement.request.anonymised",
                obj=locked,
                changed_fields=fields,
                via="task",
            )
            count += 1
    return count
