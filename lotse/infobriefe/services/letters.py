"""Writing Infobriefe: audience, language versions, scheduling and sending.

THE CONTRACT (views, the API, commands and the demo call these):

- `infobrief_create(actor=, state=, team_district=None, sender_name=, level=, region=None,
  districts=(), topics=())` → Infobrief (a draft)
- `infobrief_update_settings(actor=, infobrief=, sender_name=, level=, region=None,
  districts=(), topics=())` → Infobrief
- `infobrief_version_save(actor=, infobrief=, language=, subject=, body=)` → InfobriefVersion
- `infobrief_version_delete(actor=, infobrief=, language=)` (not German)
- `infobrief_delete(actor=, infobrief=)` (drafts only)
- `infobrief_send(actor=, infobrief=, send_at=None)` → Infobrief (scheduled; "now" when
  `send_at` is None)
- `infobrief_unschedule(actor=, infobrief=)` → Infobrief (back to draft)

Audience rules (checked here, whatever a form or a serializer let through): a coordinator's
Infobrief belongs to a district team (`team_district`, a district the actor coordinates) and
goes to exactly that district (level DISTRICTS). A state editor's Infobrief belongs to their
Land (`team_district` None) and goes to the whole Land (STATE), one Regierungsbezirk of it
(REGION) or some of its districts (DISTRICTS). An audience the actor may not address is a
ValidationError on create and on every change; changing an Infobrief the actor may not edit
is a PermissionDenied (the views answer 404). `actor=None` is the system (a command, the
demo seeds): it may write anything valid.

Only drafts change. Sending needs the German version (readers of a missing language get
German). `infobrief_send` sets the status to scheduled; when it is due now it enqueues
`tasks.prepare_dispatch_task` on commit, later times are started by `dispatch_due` (the
periodic task). Every write is audited (`infobriefe.infobrief.*`, `infobriefe.version.*`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.core.audit import audit_record
from lotse.core.choices import Topic
from lotse.core.validators import add_error, clean_plain_text
from lotse.regions.models import AdministrativeRegion, District, State

from ..choices import EDITABLE, AudienceLevel, InfobriefStatus, topics_to_mask
from ..models import MAX_BODY, MAX_SENDER_NAME, MAX_SUBJECT, Infobrief, InfobriefVersion
from ..permissions import can_edit_infobrief, coordinated_district_ids, edited_state_ids

GERMAN = "de"
# A send time may lie this far in the past (the form has minute precision: "14:05" chosen at
# 14:05:40 means now); earlier times are refused.
SEND_AT_GRACE = datetime.timedelta(minutes=1)
SEND_AT_MAX_AHEAD = datetime.timedelta(days=365)
# Characters that would let a sender name pose as an address in the From line of the mail.
_ADDRESS_CHARACTERS = set('<>@"')
LINE_BREAKS = ("\r", "\n", "\x85", "\u2028", "\u2029")

Errors = dict[str, list[ValidationError]]


# --- checks ----------------------------------------------------------------------------------


def _language_codes() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def has_line_break(value: Any) -> bool:
    """Whether `value` holds anything a mail header or a mail program may take as a new line
    (CR, LF, NEL, the Unicode line and paragraph separators)."""
    return any(mark in str(value or "") for mark in LINE_BREAKS)


def clean_single_line(
    errors: Errors, field: str, value: Any, *, max_length: int, missing: Any
) -> str:
    """A header-safe single line: required, limited, no line breaks (refused, not joined:
    a line break in a mail header would start a new header), no control characters."""
    if has_line_break(value):
        add_error(
            errors,
            field,
            _("Please write this on one line: line breaks are not allowed here."),
            "line_break",
        )
        return str(value or "").strip()
    return clean_plain_text(
        errors, field, value, max_length=max_length, missing=missing, single_line=True
    )


def _clean_sender_name(errors: Errors, value: Any) -> str:
    name = clean_single_line(
        errors,
        "sender_name",
        value,
        max_length=MAX_SENDER_NAME,
        missing=_("Please enter the sender name readers see."),
    )
    if "sender_name" not in errors and _ADDRESS_CHARACTERS & set(name):
        add_error(
            errors,
            "sender_name",
            _('Please leave out <, >, @ and ": the name appears in the From line of the mail.'),
            "address",
        )
    return name


def _clean_topics(errors: Errors, topics: Iterable[str]) -> int:
    chosen = list(dict.fromkeys(topics or ()))
    unknown = [topic for topic in chosen if topic not in Topic.values]
    if unknown:
        add_error(errors, "topics", _("Please choose topics from the list."), "choice")
        return 0
    return topics_to_mask(chosen)


def _clean_audience(
    errors: Errors,
    *,
    state: State,
    team_district: District | None,
    level: str | None,
    region: AdministrativeRegion | None,
    districts: Iterable[District],
) -> tuple[str, AdministrativeRegion | None, list[District]]:
    """Check the audience against the owner (district team or Land); return level, region
    and districts as they are to be stored. No level means the owner's natural audience: the
    team's district, or the whole Land."""
    chosen = list({district.pk: district for district in districts or ()}.values())
    if team_district is not None:
        if team_district.state_id != state.pk:
            add_error(errors, "team_district", _("The district is not in this Land."), "state")
        if level not in ("", None, AudienceLevel.DISTRICTS) or region is not None:
            add_error(
                errors,
                "level",
                _("A district team's Infobrief goes to its own district only."),
                "team_audience",
            )
        if any(district.pk != team_district.pk for district in chosen):
            add_error(
                errors,
                "districts",
                _("A district team's Infobrief goes to its own district only."),
                "team_audience",
            )
        return AudienceLevel.DISTRICTS, None, [team_district]
    if level in (None, "", AudienceLevel.STATE):
        if region is not None or chosen:
            add_error(
                errors,
                "level",
                _("An Infobrief to the whole Land has no Regierungsbezirk or districts."),
                "state_audience",
            )
        return AudienceLevel.STATE, None, []
    if level == AudienceLevel.REGION:
        if region is None:
            add_error(errors, "region", _("Please choose a Regierungsbezirk."), "required")
        elif region.state_id != state.pk:
            add_error(errors, "region", _("The Regierungsbezirk is not in this Land."), "state")
        if chosen:
            add_error(
                errors,
                "districts",
                _("An Infobrief to a Regierungsbezirk goes to all of its districts."),
                "region_audience",
            )
        return AudienceLevel.REGION, region, []
    if level == AudienceLevel.DISTRICTS:
        if region is not None:
            add_error(
                errors,
                "region",
                _("Choose either a Regierungsbezirk or districts, not both."),
                "districts_audience",
            )
        if not chosen:
            add_error(errors, "districts", _("Please choose at least one district."), "required")
        elif any(district.state_id != state.pk for district in chosen):
            add_error(
                errors,
                "districts",
                _("You can only address districts of your Land."),
                "state",
            )
        return AudienceLevel.DISTRICTS, None, chosen
    add_error(errors, "level", _("Please choose an audience from the list."), "choice")
    return str(level or ""), region, chosen


def _check_owner(errors: Errors, actor: Any, *, state: State, team_district: Any) -> None:
    """The actor writes for the district team or the Land (a ValidationError, not a 404: the
    owner is input of the form)."""
    if actor is None:
        return
    if team_district is not None:
        if team_district.pk not in coordinated_district_ids(actor):
            add_error(
                errors,
                "team_district",
                _("You can only write Infobriefe for the districts you coordinate."),
                "forbidden",
            )
    elif state.pk not in edited_state_ids(actor):
        add_error(
            errors,
            "state",
            _("You can only write Infobriefe for the Land you are a state editor of."),
            "forbidden",
        )


def _check_editor(actor: Any, infobrief: Infobrief) -> None:
    if actor is not None and not can_edit_infobrief(actor, infobrief):
        raise PermissionDenied


def _check_draft(infobrief: Infobrief) -> None:
    if infobrief.status not in EDITABLE:
        raise ValidationError(
            _("This Infobrief has been scheduled or sent and can no longer be changed."),
            code="not_draft",
        )


def _locked(infobrief: Infobrief) -> Infobrief:
    """The Infobrief's row, locked for the rest of the transaction (fresh values)."""
    return Infobrief.objects.select_for_update().get(pk=infobrief.pk)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _copy_state(target: Infobrief, source: Infobrief) -> None:
    """Give the caller's instance the values just written."""
    for field in ("status", "scheduled_at", "sender_name", "level", "topics_mask", "updated_at"):
        setattr(target, field, getattr(source, field))
    target.region_id = source.region_id


# --- services --------------------------------------------------------------------------------


def infobrief_create(
    *,
    actor: Any,
    state: State,
    sender_name: str,
    team_district: District | None = None,
    level: str | None = None,
    region: AdministrativeRegion | None = None,
    districts: Iterable[District] = (),
    topics: Iterable[str] = (),
    via: str = "web",
) -> Infobrief:
    """Start a draft Infobrief of a district team (`team_district`) or of the Land `state`.

    Raises ValidationError (keyed by field) when the sender name, the topics or the audience
    are invalid or the actor may not write for that district team or Land; nothing is saved
    then. Side effect: audit `infobriefe.infobrief.created`.
    """
    errors: Errors = {}
    _check_owner(errors, actor, state=state, team_district=team_district)
    name = _clean_sender_name(errors, sender_name)
    mask = _clean_topics(errors, topics)
    level, region, chosen = _clean_audience(
        errors,
        state=state,
        team_district=team_district,
        level=level,
        region=region,
        districts=districts,
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        infobrief = Infobrief.objects.create(
            state=state,
            team_district=team_district,
            author=_user(actor),
            sender_name=name,
            level=level,
            region=region,
            topics_mask=mask,
            status=InfobriefStatus.DRAFT,
        )
        infobrief.districts.set(chosen)
        audit_record(
            actor=actor,
            action="infobriefe.infobrief.created",
            obj=infobrief,
            changed_fields=["sender_name", "level", "region", "districts", "topics_mask"],
            via=via,
        )
    return infobrief


def infobrief_update_settings(
    *,
    actor: Any,
    infobrief: Infobrief,
    sender_name: str,
    level: str | None = None,
    region: AdministrativeRegion | None = None,
    districts: Iterable[District] = (),
    topics: Iterable[str] = (),
    via: str = "web",
) -> Infobrief:
    """Change the sender name, the audience and the topics of a draft (the owner — district
    team or Land — stays).

    Raises PermissionDenied when the actor may not edit the Infobrief, ValidationError when it
    is no longer a draft or a value is invalid (nothing changes then). Side effect: audit
    `infobriefe.infobrief.changed`.
    """
    _check_editor(actor, infobrief)
    errors: Errors = {}
    name = _clean_sender_name(errors, sender_name)
    mask = _clean_topics(errors, topics)
    level, region, chosen = _clean_audience(
        errors,
        state=infobrief.state,
        team_district=infobrief.team_district,
        level=level,
        region=region,
        districts=districts,
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(infobrief)
        _check_draft(locked)
        locked.sender_name = name
        locked.level = level
        locked.region = region
        locked.topics_mask = mask
        locked.save(update_fields=["sender_name", "level", "region", "topics_mask", "updated_at"])
        locked.districts.set(chosen)
        audit_record(
            actor=actor,
            action="infobriefe.infobrief.changed",
            obj=locked,
            changed_fields=["sender_name", "level", "region", "districts", "topics_mask"],
            via=via,
        )
    _copy_state(infobrief, locked)
    return infobrief


def infobrief_version_save(
    *,
    actor: Any,
    infobrief: Infobrief,
    language: str,
    subject: str,
    body: str,
    via: str = "web",
) -> InfobriefVersion:
    """Write (or rewrite) the Infobrief in `language`: a one-line subject and a Markdown body.

    Raises PermissionDenied when the actor may not edit the Infobrief, ValidationError when it
    is no longer a draft, the language is not one of the site's, the subject has a line break
    or a control character, or a text is missing or too long. Side effect: audit
    `infobriefe.version.saved`.
    """
    _check_editor(actor, infobrief)
    errors: Errors = {}
    if language not in _language_codes():
        add_error(errors, "language", _("Please choose a language from the list."), "choice")
    clean_subject = clean_single_line(
        errors,
        "subject",
        subject,
        max_length=MAX_SUBJECT,
        missing=_("Please enter a subject."),
    )
    clean_body = clean_plain_text(
        errors, "body", body, max_length=MAX_BODY, missing=_("Please write the text.")
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(infobrief)
        _check_draft(locked)
        version, created = InfobriefVersion.objects.update_or_create(
            infobrief=locked,
            language=language,
            defaults={"subject": clean_subject, "body": clean_body},
        )
        locked.save(update_fields=["updated_at"])
        audit_record(
            actor=actor,
            action="infobriefe.version.created" if created else "infobriefe.version.changed",
            obj=version,
            changed_fields=["subject", "body"],
            via=via,
        )
    return version


def infobrief_version_delete(
    *, actor: Any, infobrief: Infobrief, language: str, via: str = "web"
) -> None:
    """Delete the Infobrief's text in `language` (any language but German, which is required).

    Raises PermissionDenied when the actor may not edit the Infobrief, ValidationError when it
    is no longer a draft, the language is German or has no text. Side effect: audit
    `infobriefe.version.deleted`.
    """
    _check_editor(actor, infobrief)
    if language == GERMAN:
        raise ValidationError(
            _("The German version cannot be deleted: every Infobrief needs it."),
            code="german_required",
        )
    with transaction.atomic():
        locked = _locked(infobrief)
        _check_draft(locked)
        version = InfobriefVersion.objects.filter(infobrief=locked, language=language).first()
        if version is None:
            raise ValidationError(_("There is no text in this language."), code="no_version")
        audit_record(actor=actor, action="infobriefe.version.deleted", obj=version, via=via)
        version.delete()
        locked.save(update_fields=["updated_at"])


def infobrief_delete(*, actor: Any, infobrief: Infobrief, via: str = "web") -> None:
    """Delete a draft with all its language versions.

    Raises PermissionDenied when the actor may not edit the Infobrief, ValidationError when it
    is not a draft (scheduled ones are taken back first). Side effect: audit
    `infobriefe.infobrief.deleted`.
    """
    _check_editor(actor, infobrief)
    with transaction.atomic():
        locked = _locked(infobrief)
        if locked.status != InfobriefStatus.DRAFT:
            raise ValidationError(_("Only drafts can be deleted."), code="not_draft")
        audit_record(actor=actor, action="infobriefe.infobrief.deleted", obj=locked, via=via)
        locked.delete()


def _enqueue_prepare(infobrief_id: int) -> None:
    from ..tasks import prepare_dispatch_task

    prepare_dispatch_task.enqueue(infobrief_id=infobrief_id)


def infobrief_send(
    *,
    actor: Any,
    infobrief: Infobrief,
    send_at: datetime.datetime | None = None,
    via: str = "web",
) -> Infobrief:
    """Send a draft now (`send_at` None) or schedule it for `send_at`.

    Checks again, under the Infobrief's row lock: still a draft, the German version exists,
    the audience is valid for its owner, the time is neither in the past nor more than a year
    ahead. Raises PermissionDenied when the actor may not edit the Infobrief and
    ValidationError otherwise (nothing changes then). Side effects: status scheduled with
    `scheduled_at` (now when due), audit `infobriefe.infobrief.send_requested` or
    `.scheduled`, and — when due now — `tasks.prepare_dispatch_task` enqueued on commit.
    """
    _check_editor(actor, infobrief)
    now = timezone.now()
    if send_at is not None:
        if timezone.is_naive(send_at):
            send_at = timezone.make_aware(send_at)
        if send_at < now - SEND_AT_GRACE:
            raise ValidationError(
                {"send_at": ValidationError(_("This time is in the past."), code="past")}
            )
        if send_at > now + SEND_AT_MAX_AHEAD:
            raise ValidationError(
                {
                    "send_at": ValidationError(
                        _("Please choose a time within the next twelve months."), code="too_far"
                    )
                }
            )
    due = send_at is None or send_at <= now
    with transaction.atomic():
        locked = _locked(infobrief)
        _check_editor(actor, locked)
        _check_draft(locked)
        if not locked.versions.filter(language=GERMAN).exists():
            raise ValidationError(
                _("Please write the German version first: it is required before sending."),
                code="german_missing",
            )
        errors: Errors = {}
        _clean_audience(
            errors,
            state=locked.state,
            team_district=locked.team_district,
            level=locked.level,
            region=locked.region,
            districts=locked.districts.all(),
        )
        if errors:
            raise ValidationError(
                _("Please check the audience in the settings: it is not valid."),
                code="audience",
            )
        locked.status = InfobriefStatus.SCHEDULED
        locked.scheduled_at = now if due else send_at
        locked.save(update_fields=["status", "scheduled_at", "updated_at"])
        audit_record(
            actor=actor,
            action=f"infobriefe.infobrief.{'send_requested' if due else 'scheduled'}",
            obj=locked,
            changed_fields=["status", "scheduled_at"],
            via=via,
        )
        if due:
            infobrief_id = locked.pk
            transaction.on_commit(lambda: _enqueue_prepare(infobrief_id))
    _copy_state(infobrief, locked)
    return infobrief


def infobrief_unschedule(*, actor: Any, infobrief: Infobrief, via: str = "web") -> Infobrief:
    """Take back a scheduled Infobrief (it becomes a draft again).

    Raises PermissionDenied when the actor may not edit it, ValidationError when it is not
    scheduled (the dispatch has begun: pause it instead). Side effect: audit
    `infobriefe.infobrief.unscheduled`.
    """
    _check_editor(actor, infobrief)
    with transaction.atomic():
        locked = _locked(infobrief)
        if locked.status != InfobriefStatus.SCHEDULED:
            raise ValidationError(
                _(
                    "Only a scheduled Infobrief can be taken back; once the dispatch has begun, "
                    "pause it instead."
                ),
                code="not_scheduled",
            )
        locked.status = InfobriefStatus.DRAFT
        locked.scheduled_at = None
        locked.save(update_fields=["status", "scheduled_at", "updated_at"])
        audit_record(
            actor=actor,
            action="infobriefe.infobrief.unscheduled",
            obj=locked,
            changed_fields=["status", "scheduled_at"],
            via=via,
        )
    _copy_state(infobrief, locked)
    return infobrief
