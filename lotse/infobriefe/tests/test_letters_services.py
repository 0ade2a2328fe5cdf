"""Services of the editors: audience rules per role, sender name and subject as header-safe
single lines, language versions, deleting, sending (German required, times checked, the
prepare task enqueued on commit) and taking back."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lotse.core.models import AuditEvent
from lotse.infobriefe.choices import AudienceLevel, InfobriefStatus, topics_to_mask
from lotse.infobriefe.models import MAX_BODY, MAX_SENDER_NAME, Infobrief, InfobriefVersion
from lotse.infobriefe.services import dispatch
from lotse.infobriefe.services.letters import (
    infobrief_create,
    infobrief_delete,
    infobrief_send,
    infobrief_unschedule,
    infobrief_update_settings,
    infobrief_version_delete,
    infobrief_version_save,
)
from lotse.infobriefe.tests.factories import InfobriefFactory, InfobriefVersionFactory
from lotse.infobriefe.tests.letters_people import (
    bavaria,
    coordinator_of,
    district,
    land_draft,
    state_editor_of,
    team_draft,
)
from lotse.regions.models import AdministrativeRegion, State

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def munich():
    return district("09162")


@pytest.fixture
def nuremberg():
    return district("09564")


@pytest.fixture
def stuttgart():
    return district("08111")


@pytest.fixture
def coordinator(munich):
    return coordinator_of(munich)


@pytest.fixture
def editor():
    return state_editor_of(bavaria())


def _codes(error: ValidationError) -> dict[str, list[str]]:
    return {field: [item.code for item in items] for field, items in error.error_dict.items()}


# --- creating: audience per role ---------------------------------------------------------------


def test_coordinator_creates_a_draft_of_the_team_to_its_district(coordinator, munich):
    infobrief = infobrief_create(
        actor=coordinator,
        state=munich.state,
        team_district=munich,
        sender_name="Lotsen-Team München",
        topics=["housing", "health"],
    )

    infobrief.refresh_from_db()
    assert infobrief.status == InfobriefStatus.DRAFT
    assert infobrief.team_district == munich
    assert infobrief.level == AudienceLevel.DISTRICTS
    assert list(infobrief.districts.all()) == [munich]
    assert infobrief.author == coordinator
    assert infobrief.topics_mask == topics_to_mask(["housing", "health"])
    assert AuditEvent.objects.filter(
        action="infobriefe.infobrief.created", object_id=str(infobrief.pk)
    ).exists()


def test_coordinator_cannot_write_for_another_district_team(coordinator, nuremberg):
    with pytest.raises(ValidationError) as raised:
        infobrief_create(
            actor=coordinator,
            state=nuremberg.state,
            team_district=nuremberg,
            sender_name="Lotsen-Team",
        )

    assert _codes(raised.value) == {"team_district": ["forbidden"]}
    assert Infobrief.objects.count() == 0


def test_coordinator_cannot_address_another_district_from_the_own_team(
    coordinator, munich, nuremberg
):
    with pytest.raises(ValidationError) as raised:
        infobrief_create(
            actor=coordinator,
            state=munich.state,
            team_district=munich,
            sender_name="Lotsen-Team",
            level=AudienceLevel.DISTRICTS,
            districts=[munich, nuremberg],
        )

    assert _codes(raised.value) == {"districts": ["team_audience"]}
    assert Infobrief.objects.count() == 0


def test_coordinator_cannot_address_the_whole_land(coordinator, munich):
    with pytest.raises(ValidationError) as raised:
        infobrief_create(
            actor=coordinator,
            state=munich.state,
            team_district=munich,
            sender_name="Lotsen-Team",
            level=AudienceLevel.STATE,
        )

    assert _codes(raised.value) == {"level": ["team_audience"]}
    assert Infobrief.objects.count() == 0


def test_coordinator_cannot_write_for_the_land(coordinator, munich):
    with pytest.raises(ValidationError) as raised:
        infobrief_create(actor=coordinator, state=munich.state, sender_name="Redaktion")

    assert _codes(raised.value) == {"state": ["forbidden"]}
    assert Infobrief.objects.count() == 0


def test_state_editor_writes_to_the_land_a_region_or_districts(editor, munich, nuremberg):
    upper_bavaria = AdministrativeRegion.objects.get(ags="091")

    to_land = infobrief_create(actor=editor, state=bavaria(), sender_name="Redaktion")
    to_region = infobrief_create(
        actor=editor,
        state=bavaria(),
        sender_name="Redaktion",
        level=AudienceLevel.REGION,
        region=upper_bavaria,
    )
    to_districts = infobrief_create(
        actor=editor,
        state=bavaria(),
        sender_name="Redaktion",
        level=AudienceLevel.DISTRICTS,
        districts=[munich, nuremberg],
    )

    assert (to_land.level, to_land.region, to_land.team_district) == (
        AudienceLevel.STATE,
        None,
        None,
    )
    assert (to_region.level, to_region.region) == (AudienceLevel.REGION, upper_bavaria)
    assert set(to_districts.districts.all()) == {munich, nuremberg}


@pytest.mark.parametrize(
    ("level", "region_ags", "district_ags", "expected"),
    [
        (AudienceLevel.REGION, "081", [], {"region": ["state"]}),
        (AudienceLevel.REGION, None, [], {"region": ["required"]}),
        (AudienceLevel.DISTRICTS, None, ["09162", "08111"], {"districts": ["state"]}),
        (AudienceLevel.DISTRICTS, None, [], {"districts": ["required"]}),
        (AudienceLevel.STATE, "091", [], {"level": ["state_audience"]}),
        ("everyone", None, [], {"level": ["choice"]}),
    ],
)
def test_state_editor_audience_must_lie_in_the_land(
    editor, level, region_ags, district_ags, expected
):
    region = AdministrativeRegion.objects.get(ags=region_ags) if region_ags else None
    districts = [district(ags) for ags in district_ags]

    with pytest.raises(ValidationError) as raised:
        infobrief_create(
            actor=editor,
            state=bavaria(),
            sender_name="Redaktion",
            level=level,
            region=region,
            districts=districts,
        )

    assert _codes(raised.value) == expected
    assert Infobrief.objects.count() == 0


def test_state_editor_of_another_land_cannot_write_for_bavaria():
    other = state_editor_of(State.objects.get(code="BW"))

    with pytest.raises(ValidationError) as raised:
        infobrief_create(actor=other, state=bavaria(), sender_name="Redaktion")

    assert _codes(raised.value) == {"state": ["forbidden"]}


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Redaktion\r\nBcc: victim@example.org", "line_break"),
        ("Redaktion\nBcc: victim@example.org", "line_break"),
        ("Redaktion\u2028Bcc", "line_break"),
        ("Redaktion\x85Bcc", "line_break"),
        ("Ministerium <minister@example.org>", "address"),
        ("Redaktion\x00", "control"),
        ("Redaktion\x1b[31m", "control"),
        ("R" * (MAX_SENDER_NAME + 1), "max_length"),
        ("   ", "required"),
    ],
)
def test_sender_name_must_be_a_safe_single_line(editor, name, code):
    with pytest.raises(ValidationError) as raised:
        infobrief_create(actor=editor, state=bavaria(), sender_name=name)

    assert _codes(raised.value) == {"sender_name": [code]}
    assert Infobrief.objects.count() == 0


def test_unknown_topics_are_refused(editor):
    with pytest.raises(ValidationError) as raised:
        infobrief_create(actor=editor, state=bavaria(), sender_name="R", topics=["astrology"])

    assert _codes(raised.value) == {"topics": ["choice"]}


# --- settings ----------------------------------------------------------------------------------


def test_settings_change_the_audience_of_a_land_draft(editor, munich):
    infobrief = land_draft(bavaria())

    infobrief_update_settings(
        actor=editor,
        infobrief=infobrief,
        sender_name="Neue Redaktion",
        level=AudienceLevel.DISTRICTS,
        districts=[munich],
        topics=["work"],
    )

    infobrief.refresh_from_db()
    assert infobrief.sender_name == "Neue Redaktion"
    assert infobrief.level == AudienceLevel.DISTRICTS
    assert list(infobrief.districts.all()) == [munich]
    assert infobrief.topics_mask == topics_to_mask(["work"])


def test_settings_of_a_team_draft_keep_its_district(coordinator, munich, nuremberg):
    infobrief = team_draft(munich)

    with pytest.raises(ValidationError):
        infobrief_update_settings(
            actor=coordinator,
            infobrief=infobrief,
            sender_name="Team",
            level=AudienceLevel.DISTRICTS,
            districts=[nuremberg],
        )

    infobrief.refresh_from_db()
    assert list(infobrief.districts.all()) == [munich]
    assert infobrief.sender_name == "Lotsen-Team"


@pytest.mark.parametrize("who", ["other_coordinator", "editor"])
def test_only_the_team_edits_its_draft(who, editor, munich, nuremberg):
    actor = editor if who == "editor" else coordinator_of(nuremberg)
    infobrief = team_draft(munich)

    with pytest.raises(PermissionDenied):
        infobrief_update_settings(actor=actor, infobrief=infobrief, sender_name="Fremd")

    infobrief.refresh_from_db()
    assert infobrief.sender_name == "Lotsen-Team"


def test_a_scheduled_infobrief_cannot_be_changed(editor):
    infobrief = land_draft(bavaria(), status=InfobriefStatus.SCHEDULED)

    with pytest.raises(ValidationError) as raised:
        infobrief_update_settings(actor=editor, infobrief=infobrief, sender_name="Später")

    assert raised.value.code == "not_draft"
    infobrief.refresh_from_db()
    assert infobrief.sender_name == "Redaktion Integration"


# --- language versions -------------------------------------------------------------------------


def test_versions_are_written_and_rewritten(coordinator, munich):
    infobrief = team_draft(munich, german=False)

    infobrief_version_save(
        actor=coordinator, infobrief=infobrief, language="uk", subject="Новини", body="Текст"
    )
    version = infobrief_version_save(
        actor=coordinator,
        infobrief=infobrief,
        language="uk",
        subject="  Новини   дня ",
        body="Текст\r\nдругий рядок\n",
    )

    assert InfobriefVersion.objects.filter(infobrief=infobrief).count() == 1
    version.refresh_from_db()
    assert version.subject == "Новини дня"
    assert version.body == "Текст\nдругий рядок"
    assert list(
        AuditEvent.objects.filter(object_id=str(version.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["infobriefe.version.created", "infobriefe.version.changed"]


@pytest.mark.parametrize(
    ("subject", "body", "expected"),
    [
        ("Neues\r\nBcc: victim@example.org", "Text", {"subject": ["line_break"]}),
        ("Neues\nX-Header: 1", "Text", {"subject": ["line_break"]}),
        ("Neues\x00", "Text", {"subject": ["control"]}),
        ("S" * 201, "Text", {"subject": ["max_length"]}),
        ("Neues", "x" * (MAX_BODY + 1), {"body": ["max_length"]}),
        ("Neues", "Text\x07", {"body": ["control"]}),
        ("", "", {"subject": ["required"], "body": ["required"]}),
    ],
)
def test_bad_versions_are_refused_and_nothing_is_saved(
    coordinator, munich, subject, body, expected
):
    infobrief = team_draft(munich, german=False)

    with pytest.raises(ValidationError) as raised:
        infobrief_version_save(
            actor=coordinator, infobrief=infobrief, language="de", subject=subject, body=body
        )

    assert _codes(raised.value) == expected
    assert not InfobriefVersion.objects.filter(infobrief=infobrief).exists()


def test_a_version_needs_a_site_language(coordinator, munich):
    infobrief = team_draft(munich, german=False)

    with pytest.raises(ValidationError) as raised:
        infobrief_version_save(
            actor=coordinator, infobrief=infobrief, language="xx", subject="S", body="B"
        )

    assert _codes(raised.value) == {"language": ["choice"]}


def test_other_teams_cannot_write_versions(munich, nuremberg):
    infobrief = team_draft(munich, german=False)

    with pytest.raises(PermissionDenied):
        infobrief_version_save(
            actor=coordinator_of(nuremberg),
            infobrief=infobrief,
            language="de",
            subject="S",
            body="B",
        )

    assert not InfobriefVersion.objects.exists()


def test_non_german_versions_can_be_deleted_german_cannot(coordinator, munich):
    infobrief = team_draft(munich)
    InfobriefVersionFactory(infobrief=infobrief, language="en")

    infobrief_version_delete(actor=coordinator, infobrief=infobrief, language="en")
    with pytest.raises(ValidationError) as german:
        infobrief_version_delete(actor=coordinator, infobrief=infobrief, language="de")
    with pytest.raises(ValidationError) as missing:
        infobrief_version_delete(actor=coordinator, infobrief=infobrief, language="tr")

    assert german.value.code == "german_required"
    assert missing.value.code == "no_version"
    assert list(infobrief.versions.values_list("language", flat=True)) == ["de"]


def test_drafts_are_deleted_others_not(coordinator, munich):
    draft = team_draft(munich)
    scheduled = team_draft(munich, status=InfobriefStatus.SCHEDULED)

    infobrief_delete(actor=coordinator, infobrief=draft)
    with pytest.raises(ValidationError):
        infobrief_delete(actor=coordinator, infobrief=scheduled)

    assert list(Infobrief.objects.values_list("pk", flat=True)) == [scheduled.pk]
    assert not InfobriefVersion.objects.filter(infobrief_id=draft.pk).exists()
    assert AuditEvent.objects.filter(
        action="infobriefe.infobrief.deleted", object_id=str(draft.pk)
    ).exists()


# --- sending -----------------------------------------------------------------------------------


def test_send_requires_the_german_version(coordinator, munich):
    infobrief = team_draft(munich, german=False)
    InfobriefVersionFactory(infobrief=infobrief, language="en")

    with pytest.raises(ValidationError) as raised:
        infobrief_send(actor=coordinator, infobrief=infobrief)

    assert raised.value.code == "german_missing"
    infobrief.refresh_from_db()
    assert infobrief.status == InfobriefStatus.DRAFT
    assert infobrief.scheduled_at is None


def test_send_now_schedules_and_enqueues_the_preparation_on_commit(
    coordinator, munich, django_capture_on_commit_callbacks, monkeypatch
):
    prepared: list[int] = []
    monkeypatch.setattr(
        dispatch, "dispatch_prepare", lambda *, infobrief_id: prepared.append(infobrief_id)
    )
    infobrief = team_draft(munich)
    before = timezone.now()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        infobrief_send(actor=coordinator, infobrief=infobrief)

    infobrief.refresh_from_db()
    assert infobrief.status == InfobriefStatus.SCHEDULED
    assert before <= infobrief.scheduled_at <= timezone.now()
    assert len(callbacks) == 1
    assert prepared == []  # nothing before the commit
    callbacks[0]()  # the commit: the immediate task backend runs the task at once
    assert prepared == [infobrief.pk]
    assert AuditEvent.objects.filter(
        action="infobriefe.infobrief.send_requested", object_id=str(infobrief.pk)
    ).exists()


def test_send_later_schedules_without_a_task(editor, django_capture_on_commit_callbacks):
    infobrief = land_draft(bavaria())
    when = timezone.now() + datetime.timedelta(days=3)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        infobrief_send(actor=editor, infobrief=infobrief, send_at=when)

    infobrief.refresh_from_db()
    assert infobrief.status == InfobriefStatus.SCHEDULED
    assert infobrief.scheduled_at == when
    assert callbacks == []
    assert AuditEvent.objects.filter(action="infobriefe.infobrief.scheduled").exists()


@pytest.mark.parametrize(
    ("offset", "code"),
    [(datetime.timedelta(hours=-1), "past"), (datetime.timedelta(days=400), "too_far")],
)
def test_send_times_in_the_past_or_too_far_ahead_are_refused(editor, offset, code):
    infobrief = land_draft(bavaria())

    with pytest.raises(ValidationError) as raised:
        infobrief_send(actor=editor, infobrief=infobrief, send_at=timezone.now() + offset)

    assert _codes(raised.value) == {"send_at": [code]}
    infobrief.refresh_from_db()
    assert infobrief.status == InfobriefStatus.DRAFT


def test_send_refuses_an_invalid_audience(editor):
    infobrief = land_draft(bavaria(), level=AudienceLevel.DISTRICTS)  # no district chosen

    with pytest.raises(ValidationError) as raised:
        infobrief_send(actor=editor, infobrief=infobrief)

    assert raised.value.code == "audience"
    infobrief.refresh_from_db()
    assert infobrief.status == InfobriefStatus.DRAFT


def test_send_refuses_what_is_no_draft_and_strangers(editor, munich, nuremberg):
    scheduled = land_draft(bavaria(), status=InfobriefStatus.SCHEDULED)
    team = team_draft(munich)

    with pytest.raises(ValidationError):
        infobrief_send(actor=editor, infobrief=scheduled)
    with pytest.raises(PermissionDenied):
        infobrief_send(actor=coordinator_of(nuremberg), infobrief=team)
    with pytest.raises(PermissionDenied):
        infobrief_send(actor=editor, infobrief=team)  # a district team's: only the team

    team.refresh_from_db()
    assert team.status == InfobriefStatus.DRAFT


def test_unschedule_makes_a_draft_again(editor):
    infobrief = land_draft(bavaria())
    infobrief_send(
        actor=editor, infobrief=infobrief, send_at=timezone.now() + datetime.timedelta(days=1)
    )

    infobrief_unschedule(actor=editor, infobrief=infobrief)

    infobrief.refresh_from_db()
    assert infobrief.status == InfobriefStatus.DRAFT
    assert infobrief.scheduled_at is None
    assert AuditEvent.objects.filter(action="infobriefe.infobrief.unscheduled").exists()


@pytest.mark.parametrize(
    "status", [InfobriefStatus.DRAFT, InfobriefStatus.SENDING, InfobriefStatus.SENT]
)
def test_only_scheduled_infobriefe_are_taken_back(editor, status):
    infobrief = InfobriefFactory(status=status)

    with pytest.raises(ValidationError):
        infobrief_unschedule(actor=editor, infobrief=infobrief)

    infobrief.refresh_from_db()
    assert infobrief.status == status


def test_send_now_runs_the_whole_dispatch_after_the_commit(
    coordinator, munich, nuremberg, django_capture_on_commit_callbacks, mailoutbox
):
    from lotse.infobriefe.tests.factories import SubscriptionFactory

    infobrief = team_draft(munich)
    inside = SubscriptionFactory(districts=[munich])
    SubscriptionFactory(districts=[nuremberg])  # outside the audience

    # The test task backend is immediate: the committed send prepares and sends inline.
    with django_capture_on_commit_callbacks(execute=True):
        infobrief_send(actor=coordinator, infobrief=infobrief)

    infobrief.refresh_from_db()
    assert infobrief.status == InfobriefStatus.SENT
    assert [message.to for message in mailoutbox] == [[inside.email]]
