"""Writes of opportunities (Einsatzangebote) and applications.

Organisation members (any membership role) and platform admins post, edit and close
opportunities; volunteers apply and withdraw; the organisation accepts or declines. Accepting
takes a place under a row lock on the opportunity, so the last place is never given twice.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, TypedDict

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.core.audit import audit_record
from lotse.core.choices import Language, Topic
from lotse.core.validators import validate_plain_text
from lotse.notifications.services import notify
from lotse.organisations.models import Organisation
from lotse.organisations.validators import validate_phone
from lotse.regions.models import District, Postcode

from ..choices import ApplicationStatus, OpportunityKind, OpportunityStatus
from ..models import MAX_DESCRIPTION, MAX_MESSAGE, Application, Opportunity, OpportunityLanguage
from ..permissions import can_manage_opportunity, has_confirmed_email, has_volunteer_profile

MAX_PLACES = 500
MAX_TITLE = 200
MAX_PLACE_NAME = 200
MAX_SKILLS = 1000
MAX_CONTACT_NAME = 200
MAX_NOTE = 1000

# Scalar fields of an opportunity that the services set (the audit names those that changed).
_FIELDS = (
    "title",
    "description",
    "topic",
    "district",
    "postcode",
    "place_name",
    "is_online",
    "kind",
    "starts_at",
    "ends_at",
    "places",
    "skills_wanted",
    "contact_name",
    "contact_email",
    "contact_phone",
)


class OpportunityData(TypedDict, total=False):
    """What an organisation says about an opportunity (service input of create and update).

    `postcode` is the code ("80331"); `district` None means "the district of the postcode" (for
    online opportunities: the organisation's first district). For ongoing opportunities the
    dates are ignored; for online ones postcode and place.
    """

    title: str
    description: str
    topic: str
    district: District | None
    postcode: str
    place_name: str
    is_online: bool
    kind: str
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None
    places: int
    languages: Iterable[str]
    skills_wanted: str
    contact_name: str
    contact_email: str
    contact_phone: str


Errors = dict[str, list[ValidationError]]


def _add(errors: Errors, field: str, message: str, code: str) -> None:
    errors.setdefault(field, []).append(ValidationError(message, code=code))


def _text(
    errors: Errors, data: OpportunityData, field: str, max_length: int, *, required: bool = False
) -> str:
    value = str(data.get(field) or "").strip()  # type: ignore[misc]
    if not value:
        if required:
            _add(errors, field, _("This field is required."), "required")
        return ""
    if len(value) > max_length:
        _add(
            errors,
            field,
            _("Please use at most %(max)d characters (you used %(count)d).")
            % {"max": max_length, "count": len(value)},
            "max_length",
        )
        return value
    try:
        validate_plain_text(value)
    except ValidationError as error:
        errors.setdefault(field, []).extend(error.error_list)
    return value


def _places(errors: Errors, value: Any, places_taken: int) -> int:
    try:
        places = int(value)
    except (TypeError, ValueError):
        _add(errors, "places", _("Please enter a whole number."), "invalid")
        return 1
    if isinstance(value, float) and not value.is_integer():
        _add(errors, "places", _("Please enter a whole number."), "invalid")
    elif places < 1 or places > MAX_PLACES:
        _add(
            errors,
            "places",
            _("Please enter a number of places between 1 and %(max)d.") % {"max": MAX_PLACES},
            "range",
        )
    elif places < places_taken:
        _add(
            errors,
            "places",
            _(
                "%(taken)d places are already taken by accepted volunteers; "
                "the number of places cannot be lower."
            )
            % {"taken": places_taken},
            "below_taken",
        )
    return places


def _languages(errors: Errors, values: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(str(value) for value in values))
    if set(chosen) - set(Language.values):
        _add(errors, "languages", _("Please choose only from the list."), "choice")
        return [code for code in chosen if code in Language.values]
    return chosen


def _organisation_districts(organisation: Organisation) -> list[District]:
    return list(organisation.districts.order_by("name", "pk"))


def _validate(
    data: OpportunityData, *, organisation: Organisation, instance: Opportunity | None
) -> tuple[dict[str, Any], list[str]]:
    """Check every value; return the model values and the languages, or raise ValidationError."""
    errors: Errors = {}
    now = timezone.now()
    values: dict[str, Any] = {
        "title": _text(errors, data, "title", MAX_TITLE, required=True),
        "description": _text(errors, data, "description", MAX_DESCRIPTION, required=True),
        "skills_wanted": _text(errors, data, "skills_wanted", MAX_SKILLS),
        "contact_name": _text(errors, data, "contact_name", MAX_CONTACT_NAME),
    }

    topic = str(data.get("topic") or "")
    if topic not in Topic.values:
        _add(errors, "topic", _("Please choose a topic from the list."), "choice")
    values["topic"] = topic

    email = str(data.get("contact_email") or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            _add(errors, "contact_email", _("Please enter a valid e-mail address."), "email")
        if len(email) > 254:
            _add(errors, "contact_email", _("Please enter a valid e-mail address."), "email")
    values["contact_email"] = email

    phone = str(data.get("contact_phone") or "").strip()
    if len(phone) > 40:
        _add(errors, "contact_phone", _("Please use at most 40 characters."), "max_length")
    else:
        try:
            validate_phone(phone)
        except ValidationError as error:
            errors.setdefault("contact_phone", []).extend(error.error_list)
    values["contact_phone"] = phone

    places_taken = instance.places_taken if instance is not None else 0
    values["places"] = _places(errors, data.get("places", 1), places_taken)
    languages = _languages(errors, data.get("languages") or [])

    # Where: a place (postcode, place name) or online.
    is_online = bool(data.get("is_online"))
    values["is_online"] = is_online
    postcode: Postcode | None = None
    if is_online:
        values["place_name"] = ""
    else:
        code = str(data.get("postcode") or "").strip()
        if not code:
            _add(errors, "postcode", _("Please enter the postcode of the place."), "required")
        else:
            postcode = (
                Postcode.objects.select_related("district").filter(code=code).first()
                if len(code) == 5 and code.isdigit()
                else None
            )
            if postcode is None:
                _add(
                    errors,
                    "postcode",
                    _("We do not know this postcode. Please enter a five-digit German postcode."),
                    "postcode",
                )
        values["place_name"] = _text(errors, data, "place_name", MAX_PLACE_NAME)
    values["postcode"] = postcode

    district = data.get("district")
    own_districts = _organisation_districts(organisation)
    if district is not None:
        allowed = {d.pk for d in own_districts}
        if postcode is not None:
            allowed.add(postcode.district_id)
        if allowed and district.pk not in allowed:
            _add(
                errors,
                "district",
                _(
                    "Please choose a district your organisation serves "
                    "or the district of the place."
                ),
                "district",
            )
    elif postcode is not None:
        district = postcode.district
    elif is_online:
        if own_districts:
            district = own_districts[0]
        else:
            _add(errors, "district", _("Please choose a district."), "required")
    values["district"] = district

    # When: one-off (a start, an optional end) or ongoing.
    kind = str(data.get("kind") or OpportunityKind.ONGOING)
    if kind not in OpportunityKind.values:
        _add(errors, "kind", _("Please choose from the list."), "choice")
    values["kind"] = kind
    starts_at = data.get("starts_at")
    ends_at = data.get("ends_at")
    if kind == OpportunityKind.ONE_OFF:
        # The form sends minutes: a start that only lost its seconds is the same start.
        unchanged_start = (
            instance is not None
            and instance.starts_at is not None
            and starts_at is not None
            and abs((instance.starts_at - starts_at).total_seconds()) < 60
        )
        if unchanged_start:
            assert instance is not None
            starts_at = instance.starts_at
        if starts_at is None:
            _add(errors, "starts_at", _("Please enter when the opportunity starts."), "required")
        elif starts_at < now and not unchanged_start:
            _add(errors, "starts_at", _("The start cannot be in the past."), "past")
        if starts_at is not None and ends_at is not None and ends_at <= starts_at:
            _add(errors, "ends_at", _("The end must be after the start."), "end_before_start")
    else:
        starts_at = ends_at = None
    values["starts_at"] = starts_at
    values["ends_at"] = ends_at

    if errors:
        raise ValidationError(errors)
    return values, languages


def _check_manager(actor: Any, opportunity: Opportunity) -> None:
    if not can_manage_opportunity(actor, opportunity):
        raise PermissionDenied


def _sync_languages(opportunity: Opportunity, languages: list[str], *, created: bool) -> bool:
    current = set() if created else set(opportunity.languages.values_list("language", flat=True))
    if current == set(languages):
        return False
    opportunity.languages.exclude(language__in=languages).delete()
    OpportunityLanguage.objects.bulk_create(
        OpportunityLanguage(opportunity=opportunity, language=code)
        for code in languages
        if code not in current
    )
    return True


def opportunity_create(
    *, actor: Any, organisation: Organisation, data: OpportunityData, via: str = "web"
) -> Opportunity:
    """Post an opportunity for `organisation` (its members and platform admins only).

    Raises PermissionDenied for other actors and ValidationError (a dict keyed by field name)
    when a value is invalid; nothing is saved then. Side effect: audit event
    `engagement.opportunity.created`.
    """
    probe = Opportunity(organisation=organisation)
    _check_manager(actor, probe)
    values, languages = _validate(data, organisation=organisation, instance=None)
    with transaction.atomic():
        opportunity = Opportunity(
            organisation=organisation,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            status=OpportunityStatus.OPEN,
            **values,
        )
        opportunity.full_clean()
        opportunity.save()
        _sync_languages(opportunity, languages, created=True)
        audit_record(
            actor=actor,
            action="engagement.opportunity.created",
            obj=opportunity,
            changed_fields=[*_FIELDS, "languages"],
            via=via,
        )
    return opportunity


def opportunity_update(
    *, actor: Any, opportunity: Opportunity, data: OpportunityData, via: str = "web"
) -> Opportunity:
    """Change an opportunity. A number of places below the places already taken is rejected.

    Raising the places of a full opportunity opens it again; lowering them to the places
    taken makes it full. A closed one stays closed. Raises PermissionDenied / ValidationError
    (nothing saved). Side effect: audit event `engagement.opportunity.updated` with the
    changed field names.
    """
    _check_manager(actor, opportunity)
    with transaction.atomic():
        locked = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
        values, languages = _validate(data, organisation=locked.organisation, instance=locked)
        changed = [field for field in _FIELDS if getattr(locked, field) != values[field]]
        for field in changed:
            setattr(locked, field, values[field])
        if locked.status != OpportunityStatus.CLOSED:
            new_status = (
                OpportunityStatus.FULL
                if locked.places_taken >= locked.places
                else OpportunityStatus.OPEN
            )
            if new_status != locked.status:
                locked.status = new_status
                changed.append("status")
        locked.full_clean()
        locked.save()
        if _sync_languages(locked, languages, created=False):
            changed.append("languages")
        if changed:
            audit_record(
                actor=actor,
                action="engagement.opportunity.updated",
                obj=locked,
                changed_fields=changed,
                via=via,
            )
    return locked


def opportunity_close(*, actor: Any, opportunity: Opportunity, via: str = "web") -> Opportunity:
    """Close an opportunity by hand: it leaves the public list and takes no applications.

    Pending applications stay and can still be declined. Raises PermissionDenied /
    ValidationError (already closed). Side effect: audit event `engagement.opportunity.closed`.
    """
    _check_manager(actor, opportunity)
    with transaction.atomic():
        locked = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
        if locked.status == OpportunityStatus.CLOSED:
            raise ValidationError(
                {NON_FIELD_ERRORS: [_("This opportunity is already closed.")]}, code="closed"
            )
        locked.status = OpportunityStatus.CLOSED
        locked.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action="engagement.opportunity.closed",
            obj=locked,
            changed_fields=["status"],
            via=via,
        )
    return locked


# --- applications ------------------------------------------------------------------------------


def opportunity_is_past(opportunity: Opportunity, *, now: datetime.datetime | None = None) -> bool:
    """True when a one-off opportunity is over (its end, or its start day, has passed)."""
    if opportunity.kind != OpportunityKind.ONE_OFF or opportunity.starts_at is None:
        return False
    now = now or timezone.now()
    if opportunity.ends_at is not None:
        return opportunity.ends_at < now
    return timezone.localdate(opportunity.starts_at) < timezone.localdate(now)


def _not_open_error(opportunity: Opportunity) -> ValidationError:
    if opportunity.status == OpportunityStatus.FULL:
        message = _("All places of this opportunity are taken.")
        code = "full"
    elif opportunity.status == OpportunityStatus.CLOSED:
        message = _("This opportunity is closed and takes no more applications.")
        code = "closed"
    else:
        message = _("This opportunity is over and takes no more applications.")
        code = "past"
    return ValidationError({NON_FIELD_ERRORS: [ValidationError(message, code=code)]})


def _application_url(application: Application) -> str:
    return reverse("engagement:application_detail", kwargs={"pk": application.pk})


def _notify_members(
    opportunity: Opportunity, *, kind: str, template: str, context: dict[str, Any], url: str
) -> None:
    from lotse.organisations.models import Membership

    memberships = Membership.objects.filter(organisation_id=opportunity.organisation_id)
    for membership in memberships.select_related("user"):
        notify(user=membership.user, kind=kind, template=template, context=context, url=url)


def application_create(
    *, actor: Any, opportunity: Opportunity, message: str = "", via: str = "web"
) -> Application:
    """Apply for an opportunity as a volunteer (a volunteer profile and confirmed e-mail needed).

    Once per opportunity: a second application is rejected with a clear message (a withdrawn
    one may be sent again). A full, closed or past opportunity is rejected. Raises
    ValidationError; nothing is saved then. Side effects: audit event
    `engagement.application.created`; every member of the organisation is notified.
    """
    if not has_confirmed_email(actor):
        raise ValidationError(
            {NON_FIELD_ERRORS: [_("Please confirm your e-mail address before you apply.")]},
            code="unconfirmed",
        )
    if not has_volunteer_profile(actor):
        raise ValidationError(
            {NON_FIELD_ERRORS: [_("Please create your volunteer profile before you apply.")]},
            code="no_profile",
        )
    volunteer = actor.volunteer_profile
    message = (message or "").strip()
    errors: Errors = {}
    if len(message) > MAX_MESSAGE:
        _add(
            errors,
            "message",
            _("Please use at most %(max)d characters (you used %(count)d).")
            % {"max": MAX_MESSAGE, "count": len(message)},
            "max_length",
        )
    else:
        try:
            validate_plain_text(message)
        except ValidationError as error:
            errors.setdefault("message", []).extend(error.error_list)
    if errors:
        raise ValidationError(errors)

    already = ValidationError(
        {NON_FIELD_ERRORS: [_("You have already applied for this opportunity.")]},
        code="duplicate",
    )
    with transaction.atomic():
        locked = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
        if locked.status != OpportunityStatus.OPEN or opportunity_is_past(locked):
            raise _not_open_error(locked)
        existing = Application.objects.filter(opportunity=locked, volunteer=volunteer).first()
        if existing is not None and existing.status != ApplicationStatus.WITHDRAWN:
            raise already
        if existing is not None:
            application = existing
            application.message = message
            application.status = ApplicationStatus.PENDING
            application.decided_at = None
            application.decided_by = None
            application.decision_note = ""
            application.save()
        else:
            application = Application(opportunity=locked, volunteer=volunteer, message=message)
            application.full_clean(validate_unique=False, validate_constraints=False)
            try:
                with transaction.atomic():
                    application.save()
            except IntegrityError as error:
                # Two submissions at the same moment: the constraint keeps one.
                raise already from error
        audit_record(
            actor=actor,
            action="engagement.application.created",
            obj=application,
            subject=actor,
            changed_fields=["message", "status"],
            via=via,
        )
        _notify_members(
            locked,
            kind="engagement.application.new",
            template="engagement/notifications/application_new",
            context={
                "opportunity": locked.title,
                "volunteer": actor.get_full_name() or actor.email,
            },
            url=_application_url(application),
        )
    return application


def _lock(application: Application) -> tuple[Application, Opportunity]:
    """Lock the opportunity row first, then the application (always in this order)."""
    opportunity = Opportunity.objects.select_for_update().get(pk=application.opportunity_id)
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("volunteer__user")
        .get(pk=application.pk)
    )
    return locked, opportunity


def _check_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationError(
            {
                "decision_note": [
                    _("Please use at most %(max)d characters (you used %(count)d).")
                    % {"max": MAX_NOTE, "count": len(note)}
                ]
            },
            code="max_length",
        )
    try:
        validate_plain_text(note)
    except ValidationError as error:
        raise ValidationError({"decision_note": error.error_list}) from error
    return note


def _not_pending_error() -> ValidationError:
    return ValidationError(
        {NON_FIELD_ERRORS: [_("This application has already been answered or withdrawn.")]},
        code="not_pending",
    )


def _notify_decision(application: Application, opportunity: Opportunity) -> None:
    notify(
        user=application.volunteer.user,
        kind="engagement.application.decided",
        template="engagement/notifications/application_decided",
        context={
            "opportunity": opportunity.title,
            "organisation": opportunity.organisation.name,
            "accepted": application.status == ApplicationStatus.ACCEPTED,
            "note": application.decision_note,
        },
        url=_application_url(application),
    )


def application_accept(
    *, actor: Any, application: Application, note: str = "", via: str = "web"
) -> Application:
    """Accept a pending application: it takes one place of the opportunity.

    The opportunity row is locked (`select_for_update`), so two acceptances of the last place
    are serialised and the second is rejected. When the last place is taken the opportunity
    becomes full (and leaves the public list). Raises PermissionDenied / ValidationError.
    Side effects: audit event `engagement.application.accepted`; the volunteer is notified.
    """
    _check_manager(actor, application.opportunity)
    note = _check_note(note)
    with transaction.atomic():
        locked, opportunity = _lock(application)
        if locked.status != ApplicationStatus.PENDING:
            raise _not_pending_error()
        if opportunity.status == OpportunityStatus.CLOSED:
            raise _not_open_error(opportunity)
        if opportunity.places_taken >= opportunity.places:
            raise ValidationError(
                {NON_FIELD_ERRORS: [_("All places of this opportunity are taken.")]},
                code="full",
            )
        opportunity.places_taken += 1
        changed_opportunity = ["places_taken"]
        if opportunity.places_taken >= opportunity.places:
            opportunity.status = OpportunityStatus.FULL
            changed_opportunity.append("status")
        opportunity.save(update_fields=[*changed_opportunity, "updated_at"])
        locked.status = ApplicationStatus.ACCEPTED
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.decision_note = note
        locked.save(
            update_fields=["status", "decided_at", "decided_by", "decision_note", "updated_at"]
        )
        audit_record(
            actor=actor,
            action="engagement.application.accepted",
            obj=locked,
            subject=locked.volunteer.user,
            changed_fields=["status", "decided_at", "decided_by", "decision_note"],
            via=via,
        )
        if "status" in changed_opportunity:
            audit_record(
                actor=actor,
                action="engagement.opportunity.full",
                obj=opportunity,
                changed_fields=changed_opportunity,
                via=via,
            )
        _notify_decision(locked, opportunity)
    return locked


def application_decline(
    *, actor: Any, application: Application, note: str = "", via: str = "web"
) -> Application:
    """Decline a pending application (an accepted one cannot be declined).

    Raises PermissionDenied / ValidationError. Side effects: audit event
    `engagement.application.declined`; the volunteer is notified.
    """
    _check_manager(actor, application.opportunity)
    note = _check_note(note)
    with transaction.atomic():
        locked, opportunity = _lock(application)
        if locked.status != ApplicationStatus.PENDING:
            raise _not_pending_error()
        locked.status = ApplicationStatus.DECLINED
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.decision_note = note
        locked.save(
            update_fields=["status", "decided_at", "decided_by", "decision_note", "updated_at"]
        )
        audit_record(
            actor=actor,
            action="engagement.application.declined",
            obj=locked,
            subject=locked.volunteer.user,
            changed_fields=["status", "decided_at", "decided_by", "decision_note"],
            via=via,
        )
        _notify_decision(locked, opportunity)
    return locked


def application_withdraw(*, actor: Any, application: Application, via: str = "web") -> Application:
    """The volunteer withdraws their pending or accepted application.

    Withdrawing an accepted application frees its place; a full opportunity opens again.
    Raises PermissionDenied (not the volunteer's own) / ValidationError (already answered
    negatively or withdrawn). Side effects: audit event `engagement.application.withdrawn`;
    the organisation's members are notified.
    """
    if not getattr(actor, "is_authenticated", False) or application.volunteer.user_id != actor.pk:
        raise PermissionDenied
    with transaction.atomic():
        locked, opportunity = _lock(application)
        if locked.status not in (ApplicationStatus.PENDING, ApplicationStatus.ACCEPTED):
            raise ValidationError(
                {NON_FIELD_ERRORS: [_("This application can no longer be withdrawn.")]},
                code="not_withdrawable",
            )
        was_accepted = locked.status == ApplicationStatus.ACCEPTED
        locked.status = ApplicationStatus.WITHDRAWN
        locked.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action="engagement.application.withdrawn",
            obj=locked,
            subject=actor,
            changed_fields=["status"],
            via=via,
        )
        if was_accepted:
            opportunity.places_taken = max(opportunity.places_taken - 1, 0)
            changed = ["places_taken"]
            if opportunity.status == OpportunityStatus.FULL:
                opportunity.status = OpportunityStatus.OPEN
                changed.append("status")
            opportunity.save(update_fields=[*changed, "updated_at"])
            audit_record(
                actor=actor,
                action="engagement.opportunity.place_freed",
                obj=opportunity,
                changed_fields=changed,
                via=via,
            )
        _notify_members(
            opportunity,
            kind="engagement.application.withdrawn",
            template="engagement/notifications/application_withdrawn",
            context={
                "opportunity": opportunity.title,
                "volunteer": actor.get_full_name() or actor.email,
                "was_accepted": was_accepted,
            },
            url=reverse("engagement:opportunity_applications", kwargs={"pk": opportunity.pk}),
        )
    return locked
