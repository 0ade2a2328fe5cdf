"""Services of Patenschaften: start, check-in, end, and the daily reminder/flag."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lotse.core.models import AuditEvent
from lotse.engagement.choices import (
    PatenschaftEndReason,
    PatenschaftStatus,
    ProposalStatus,
    RequestCloseReason,
    RequestStatus,
)
from lotse.engagement.models import CheckIn, Patenschaft
from lotse.engagement.services.patenschaften import (
    patenschaft_check_in,
    patenschaft_end,
    patenschaft_start,
    patenschaften_remind_and_flag,
)
from lotse.engagement.tests.factories import ProposalFactory
from lotse.notifications.models import Notification

from .patenschaften_support import (
    NUREMBERG_CODE,
    coordinator,
    days_ago,
    patenschaft,
    today,
    volunteer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def people(munich, nuremberg):
    return {
        "volunteer": volunteer(first_name="Anna", last_name="Berg"),
        "coordinator": coordinator(munich),
        "other_coordinator": coordinator(nuremberg),
    }


# --- start -------------------------------------------------------------------------------------


def test_start_creates_the_patenschaft_notifies_and_audits(people, munich):
    proposal = ProposalFactory(volunteer=people["volunteer"], status=ProposalStatus.CONFIRMED)
    started = patenschaft_start(proposal=proposal, actor=people["coordinator"])

    started.refresh_from_db()
    assert started.district == munich == proposal.request.district
    assert started.started_on == today()
    assert started.status == PatenschaftStatus.ACTIVE
    assert started.volunteer == people["volunteer"]
    proposal.request.refresh_from_db()
    assert proposal.request.status == RequestStatus.MATCHED
    note = Notification.objects.get(user=people["volunteer"].user)
    assert note.kind == "engagement.patenschaft.started"
    assert note.url == f"/engagement/patenschaften/{started.pk}/"
    assert "Patenschaft" in note.title
    assert AuditEvent.objects.filter(
        action="engagement.patenschaft.started", object_id=str(started.pk)
    ).exists()


def test_start_refuses_a_second_patenschaft_and_unaccepted_proposals(people):
    proposal = ProposalFactory(volunteer=people["volunteer"], status=ProposalStatus.CONFIRMED)
    patenschaft_start(proposal=proposal, actor=None)
    with pytest.raises(ValidationError):
        patenschaft_start(proposal=proposal, actor=None)
    waiting = ProposalFactory(volunteer=people["volunteer"], status=ProposalStatus.PROPOSED)
    with pytest.raises(ValidationError):
        patenschaft_start(proposal=waiting, actor=None)
    assert Patenschaft.objects.count() == 1


# --- check-in ----------------------------------------------------------------------------------


def test_check_in_records_and_clears_the_flag_without_bothering_coordinators(people):
    running = patenschaft(people["volunteer"], flagged_at=timezone.now())
    check_in = patenschaft_check_in(
        actor=people["volunteer"].user,
        patenschaft=running,
        still_active=True,
        has_problems=False,
        note="Alles gut, wir treffen uns jeden Dienstag.",
    )
    running.refresh_from_db()
    assert running.last_check_in_at == check_in.created_at
    assert running.flagged_at is None
    assert not Notification.objects.filter(user=people["coordinator"]).exists()


@pytest.mark.parametrize(("still_active", "has_problems"), [(True, True), (False, False)])
def test_check_in_with_problems_or_inactive_tells_the_districts_coordinators(
    people, still_active, has_problems
):
    running = patenschaft(people["volunteer"])
    patenschaft_check_in(
        actor=people["volunteer"].user,
        patenschaft=running,
        still_active=still_active,
        has_problems=has_problems,
        note="",
    )
    notes = Notification.objects.filter(kind="engagement.patenschaft.check_in_attention")
    assert [n.user for n in notes] == [people["coordinator"]]
    assert notes[0].url == f"/engagement/patenschaften/{running.pk}/"


def test_only_the_volunteer_checks_in(people):
    running = patenschaft(people["volunteer"])
    for actor in (people["coordinator"], volunteer().user):
        with pytest.raises(PermissionDenied):
            patenschaft_check_in(
                actor=actor, patenschaft=running, still_active=True, has_problems=False, note=""
            )
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("note", ["<b>fett</b>", "x" * 1001])
def test_check_in_refuses_bad_notes(people, note):
    running = patenschaft(people["volunteer"])
    with pytest.raises(ValidationError) as error:
        patenschaft_check_in(
            actor=people["volunteer"].user,
            patenschaft=running,
            still_active=True,
            has_problems=True,
            note=note,
        )
    assert "note" in error.value.message_dict
    assert not CheckIn.objects.exists()
    assert not Notification.objects.exists()


def test_no_check_in_after_the_end(people):
    ended = patenschaft(people["volunteer"], status=PatenschaftStatus.ENDED, ended_on=today())
    with pytest.raises(ValidationError):
        patenschaft_check_in(
            actor=people["volunteer"].user,
            patenschaft=ended,
            still_active=True,
            has_problems=False,
            note="",
        )


# --- end ---------------------------------------------------------------------------------------


def test_volunteer_ends_with_a_reason_request_closes_coordinators_told(people):
    running = patenschaft(people["volunteer"])
    patenschaft_end(
        actor=people["volunteer"].user,
        patenschaft=running,
        reason=PatenschaftEndReason.GOAL_REACHED,
        note="Sie hat eine Arbeit gefunden.",
    )
    running.refresh_from_db()
    assert running.status == PatenschaftStatus.ENDED
    assert running.ended_on == today()
    assert running.end_reason == PatenschaftEndReason.GOAL_REACHED
    request = running.request
    request.refresh_from_db()
    assert request.status == RequestStatus.CLOSED
    assert request.closed_at is not None
    assert request.close_reason == RequestCloseReason.RESOLVED
    told = Notification.objects.filter(kind="engagement.patenschaft.ended")
    assert [n.user for n in told] == [people["coordinator"]]
    assert "Goal reached" in told[0].body
    assert AuditEvent.objects.filter(action="engagement.patenschaft.ended").count() == 1


def test_coordinator_ends_on_an_earlier_day_and_the_volunteer_is_told(people):
    running = patenschaft(people["volunteer"], started_days_ago=40)
    patenschaft_end(
        actor=people["coordinator"],
        patenschaft=running,
        reason=PatenschaftEndReason.NO_CONTACT,
        ended_on=days_ago(3),
    )
    running.refresh_from_db()
    assert running.ended_on == days_ago(3)
    assert running.request.close_reason == RequestCloseReason.NO_CONTACT
    told = Notification.objects.get(kind="engagement.patenschaft.ended")
    assert told.user == people["volunteer"].user


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ended_on": days_ago(31)}, "ended_on"),  # before the start (30 days ago)
        ({"ended_on": today() + datetime.timedelta(days=1)}, "ended_on"),
        ({"reason": "bored"}, "reason"),
        ({"note": "<script>x</script>"}, "note"),
    ],
)
def test_end_refuses_bad_input_and_changes_nothing(people, changes, field):
    running = patenschaft(people["volunteer"], started_days_ago=30)
    arguments = {"reason": PatenschaftEndReason.OTHER, "note": "", **changes}
    with pytest.raises(ValidationError) as error:
        patenschaft_end(actor=people["volunteer"].user, patenschaft=running, **arguments)
    assert field in error.value.message_dict
    running.refresh_from_db()
    running.request.refresh_from_db()
    assert running.status == PatenschaftStatus.ACTIVE
    assert running.request.status == RequestStatus.MATCHED
    assert not Notification.objects.exists()


def test_end_by_another_district_or_twice_is_refused(people):
    running = patenschaft(people["volunteer"])
    with pytest.raises(PermissionDenied):
        patenschaft_end(
            actor=people["other_coordinator"], patenschaft=running, reason="other", note=""
        )
    patenschaft_end(actor=people["coordinator"], patenschaft=running, reason="other", note="")
    with pytest.raises(ValidationError):
        patenschaft_end(actor=people["coordinator"], patenschaft=running, reason="other")


# --- reminders and flags -----------------------------------------------------------------------


def _kinds(user):
    return sorted(Notification.objects.filter(user=user).values_list("kind", flat=True))


def test_reminder_after_30_days_once_and_idempotent(people):
    fresh = patenschaft(people["volunteer"], started_days_ago=29)
    due = patenschaft(people["volunteer"], started_days_ago=30)
    assert patenschaften_remind_and_flag() == {"reminded": 1, "flagged": 0}
    due.refresh_from_db()
    fresh.refresh_from_db()
    assert due.last_prompted_at is not None
    assert fresh.last_prompted_at is None
    reminder = Notification.objects.get(kind="engagement.patenschaft.check_in_reminder")
    assert reminder.url == f"/engagement/patenschaften/{due.pk}/check-in/"
    # The same day again (and a few hours later): nothing new.
    assert patenschaften_remind_and_flag() == {"reminded": 0, "flagged": 0}
    later = timezone.now() + datetime.timedelta(hours=5)
    assert patenschaften_remind_and_flag(now=later) == {"reminded": 0, "flagged": 0}
    assert Notification.objects.count() == 1


def test_recent_check_in_means_no_reminder_and_old_prompt_means_another(people):
    checked = patenschaft(
        people["volunteer"],
        started_days_ago=90,
        last_check_in_at=timezone.now() - datetime.timedelta(days=20),
    )
    prompted_long_ago = patenschaft(
        people["volunteer"],
        started_days_ago=45,
        last_prompted_at=timezone.now() - datetime.timedelta(days=31),
    )
    prompted_lately = patenschaft(
        people["volunteer"],
        started_days_ago=45,
        last_prompted_at=timezone.now() - datetime.timedelta(days=10),
    )
    assert patenschaften_remind_and_flag() == {"reminded": 1, "flagged": 0}
    urls = list(Notification.objects.values_list("url", flat=True))
    assert urls == [f"/engagement/patenschaften/{prompted_long_ago.pk}/check-in/"]
    for row in (checked, prompted_lately):
        before = row.last_prompted_at
        row.refresh_from_db()
        assert row.last_prompted_at == before


def test_flag_after_60_days_tells_the_districts_coordinators_once(people):
    silent = patenschaft(
        people["volunteer"],
        started_days_ago=200,
        last_check_in_at=timezone.now() - datetime.timedelta(days=61),
        last_prompted_at=timezone.now() - datetime.timedelta(days=5),
    )
    # Another district's Patenschaft, also silent: only its own coordinators hear of it.
    elsewhere = patenschaft(volunteer(NUREMBERG_CODE), code=NUREMBERG_CODE, started_days_ago=70)
    result = patenschaften_remind_and_flag()
    assert result == {"reminded": 1, "flagged": 2}
    silent.refresh_from_db()
    assert silent.flagged_at is not None
    assert _kinds(people["coordinator"]) == ["engagement.patenschaft.flagged"]
    flag = Notification.objects.get(user=people["coordinator"])
    assert flag.url == f"/engagement/patenschaften/{silent.pk}/"
    assert "61 days" in flag.body
    assert _kinds(people["other_coordinator"]) == ["engagement.patenschaft.flagged"]
    assert Notification.objects.get(user=people["other_coordinator"]).url.endswith(
        f"/{elsewhere.pk}/"
    )
    assert AuditEvent.objects.filter(action="engagement.patenschaft.flagged").count() == 2
    # Twice the same day: nothing new.
    assert patenschaften_remind_and_flag() == {"reminded": 0, "flagged": 0}
    assert Notification.objects.filter(kind="engagement.patenschaft.flagged").count() == 2


def test_a_check_in_clears_the_flag_and_the_next_silence_is_flagged_again(people):
    running = patenschaft(people["volunteer"], started_days_ago=65)
    patenschaften_remind_and_flag()
    patenschaft_check_in(
        actor=people["volunteer"].user,
        patenschaft=running,
        still_active=True,
        has_problems=False,
        note="",
    )
    running.refresh_from_db()
    assert running.flagged_at is None
    assert patenschaften_remind_and_flag() == {"reminded": 0, "flagged": 0}
    later = timezone.now() + datetime.timedelta(days=61)
    assert patenschaften_remind_and_flag(now=later) == {"reminded": 1, "flagged": 1}


def test_ended_patenschaften_are_left_alone(people):
    patenschaft(
        people["volunteer"],
        started_days_ago=120,
        status=PatenschaftStatus.ENDED,
        ended_on=days_ago(1),
    )
    assert patenschaften_remind_and_flag() == {"reminded": 0, "flagged": 0}


def test_the_daily_task_runs_the_service(people):
    from lotse.engagement.tasks import patenschaften_check_in_task

    due = patenschaft(people["volunteer"], started_days_ago=31)
    patenschaften_check_in_task.enqueue()
    due.refresh_from_db()
    assert due.last_prompted_at is not None
