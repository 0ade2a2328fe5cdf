"""Hours: logging (with every rule), reviewing, deleting; the volunteer's and reviewers' pages."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lotse.core.models import AuditEvent
from lotse.engagement.choices import HoursStatus, PatenschaftStatus
from lotse.engagement.models import HoursEntry
from lotse.engagement.services.hours import (
    hours_approve,
    hours_approve_many,
    hours_delete,
    hours_log,
    hours_reject,
)
from lotse.engagement.tests.factories import OpportunityFactory
from lotse.notifications.models import Notification
from lotse.organisations.tests.factories import MembershipFactory, OrganisationFactory

from .patenschaften_support import (
    NUREMBERG_CODE,
    accepted_opportunity,
    coordinator,
    days_ago,
    hours,
    patenschaft,
    staff_client,
    today,
    user_client,
    volunteer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def anna(munich):
    return volunteer(first_name="Anna", last_name="Berg")


@pytest.fixture
def running(anna):
    return patenschaft(anna, started_days_ago=30)


def _log(anna, **changes):
    arguments = {
        "actor": anna.user,
        "volunteer": anna,
        "date": days_ago(1),
        "hours": "2.5",
        "activity": "Begleitung zur Ausländerbehörde",
        **changes,
    }
    return hours_log(**arguments)


# --- logging -----------------------------------------------------------------------------------


def test_log_hours_for_an_own_patenschaft(anna, running):
    entry = _log(anna, patenschaft=running)
    assert entry.status == HoursStatus.PENDING
    assert entry.hours == Decimal("2.50")
    assert entry.patenschaft == running
    assert AuditEvent.objects.filter(action="engagement.hours.logged").count() == 1


def test_log_hours_for_an_ended_patenschaft_within_its_period(anna, running):
    running.status = PatenschaftStatus.ENDED
    running.ended_on = days_ago(5)
    running.save()
    assert _log(anna, patenschaft=running, date=days_ago(6)).pk
    with pytest.raises(ValidationError) as error:
        _log(anna, patenschaft=running, date=days_ago(4))
    assert "date" in error.value.message_dict


def test_log_hours_for_an_accepted_opportunity_only(anna):
    opportunity = accepted_opportunity(anna)
    assert _log(anna, opportunity=opportunity).opportunity == opportunity
    applied_elsewhere = OpportunityFactory()
    with pytest.raises(ValidationError) as error:
        _log(anna, opportunity=applied_elsewhere)
    assert "opportunity" in error.value.message_dict


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"date": datetime.date.today() + datetime.timedelta(days=2)}, "date"),
        ({"date": days_ago(31)}, "date"),  # before the Patenschaft started
        ({"hours": "0"}, "hours"),
        ({"hours": "25"}, "hours"),
        ({"hours": "0.3"}, "hours"),
        ({"hours": "-1"}, "hours"),
        ({"hours": "viel"}, "hours"),
        ({"hours": "NaN"}, "hours"),
        ({"activity": ""}, "activity"),
        ({"activity": "x" * 301}, "activity"),
        ({"activity": "<img src=x onerror=alert(1)>"}, "activity"),
    ],
)
def test_log_refuses_bad_input_and_saves_nothing(anna, running, changes, field):
    with pytest.raises(ValidationError) as error:
        _log(anna, patenschaft=running, **changes)
    assert field in error.value.message_dict
    assert not HoursEntry.objects.exists()


def test_quarter_hours_and_the_limits_are_accepted(anna, running):
    for value in ("0.25", "0.75", "1,5"):
        _log(anna, patenschaft=running, hours=value, date=days_ago(2))
    assert _log(anna, patenschaft=running, hours="24", date=days_ago(3)).hours == 24


def test_at_most_24_hours_a_day_across_entries(anna, running):
    opportunity = accepted_opportunity(anna)
    _log(anna, patenschaft=running, hours="20")
    with pytest.raises(ValidationError) as error:
        _log(anna, opportunity=opportunity, hours="4.25")
    assert "hours" in error.value.message_dict
    assert "at most 4 more" in error.value.message_dict["hours"][0]
    assert _log(anna, opportunity=opportunity, hours="4").hours == 4
    assert HoursEntry.objects.count() == 2


def test_rejected_hours_do_not_count_towards_the_day(anna, running):
    hours(running, status=HoursStatus.REJECTED, hours="20", date=days_ago(1))
    assert _log(anna, patenschaft=running, hours="10").pk


def test_no_hours_on_someone_elses_patenschaft(anna, running):
    other = volunteer()
    with pytest.raises(ValidationError) as error:
        _log(other, patenschaft=running)
    assert "patenschaft" in error.value.message_dict
    # Nor for someone else as the actor.
    with pytest.raises(PermissionDenied):
        _log(anna, actor=other.user, patenschaft=running)
    assert not HoursEntry.objects.exists()


def test_exactly_one_target(anna, running):
    opportunity = accepted_opportunity(anna)
    with pytest.raises(ValidationError):
        _log(anna)
    with pytest.raises(ValidationError):
        _log(anna, patenschaft=running, opportunity=opportunity)


# --- reviewing ---------------------------------------------------------------------------------


def test_coordinator_approves_patenschaft_hours_of_their_district(anna, running, munich):
    entry = hours(running)
    lotsin = coordinator(munich)
    hours_approve(actor=lotsin, entry=entry)
    entry.refresh_from_db()
    assert entry.status == HoursStatus.APPROVED
    assert entry.reviewed_by == lotsin
    assert entry.reviewed_at is not None
    with pytest.raises(ValidationError):
        hours_approve(actor=lotsin, entry=entry)


def test_approving_outside_ones_district_or_organisation_changes_nothing(anna, running, nuremberg):
    entry = hours(running)
    outsider_org = MembershipFactory().user
    for actor in (coordinator(nuremberg), outsider_org, anna.user):
        with pytest.raises(PermissionDenied):
            hours_approve(actor=actor, entry=entry)
        with pytest.raises(PermissionDenied):
            hours_reject(actor=actor, entry=entry, note="Nein")
    entry.refresh_from_db()
    assert entry.status == HoursStatus.PENDING
    assert entry.reviewed_by is None
    assert not AuditEvent.objects.filter(action__startswith="engagement.hours.appr").exists()


def test_organisation_members_review_their_opportunities_hours(anna, munich):
    organisation = OrganisationFactory()
    member = MembershipFactory(organisation=organisation).user
    opportunity = accepted_opportunity(anna, organisation=organisation)
    entry = _log(anna, opportunity=opportunity)
    with pytest.raises(PermissionDenied):
        hours_approve(actor=coordinator(munich), entry=entry)
    hours_reject(actor=member, entry=entry, note="An diesem Tag war kein Termin.")
    entry.refresh_from_db()
    assert entry.status == HoursStatus.REJECTED
    assert entry.review_note == "An diesem Tag war kein Termin."
    told = Notification.objects.get(user=anna.user)
    assert told.kind == "engagement.hours.rejected"
    assert "An diesem Tag war kein Termin." in told.body


@pytest.mark.parametrize("note", ["", "  ", "<b>nein</b>", "x" * 501])
def test_reject_needs_a_plain_reason(anna, running, munich, note):
    entry = hours(running)
    with pytest.raises(ValidationError) as error:
        hours_reject(actor=coordinator(munich), entry=entry, note=note)
    assert "note" in error.value.message_dict
    entry.refresh_from_db()
    assert entry.status == HoursStatus.PENDING


def test_bulk_approve_is_all_or_nothing(anna, running, munich, nuremberg):
    mine = hours(running, date=days_ago(2))
    foreign = hours(patenschaft(volunteer(NUREMBERG_CODE), code=NUREMBERG_CODE))
    with pytest.raises(PermissionDenied):
        hours_approve_many(actor=coordinator(munich), entries=[mine, foreign])
    mine.refresh_from_db()
    assert mine.status == HoursStatus.PENDING
    assert hours_approve_many(actor=coordinator(munich), entries=[mine]) == 1


def test_the_volunteer_deletes_only_pending_own_entries(anna, running, munich):
    pending = hours(running)
    approved = hours(running, status=HoursStatus.APPROVED, date=days_ago(3))
    with pytest.raises(PermissionDenied):
        hours_delete(actor=coordinator(munich), entry=pending)
    with pytest.raises(ValidationError):
        hours_delete(actor=anna.user, entry=approved)
    hours_delete(actor=anna.user, entry=pending)
    assert list(HoursEntry.objects.all()) == [approved]


# --- pages -------------------------------------------------------------------------------------


def test_hours_page_logs_hours_and_shows_monthly_totals(anna, running):
    hours(running, status=HoursStatus.APPROVED, hours="3.00", date=today().replace(day=1))
    client = user_client(anna.user)
    page = client.get(reverse("engagement:hours_list"), {"for": f"p-{running.pk}"})
    assert page.status_code == 200
    html = page.content.decode()
    assert f'value="p-{running.pk}" selected' in html
    response = client.post(
        reverse("engagement:hours_list"),
        {
            "target": f"p-{running.pk}",
            "date": today().isoformat(),
            "hours": "1.25",
            "activity": "Deutsch geübt",
        },
    )
    assert response.status_code == 302
    assert HoursEntry.objects.filter(hours=Decimal("1.25"), status=HoursStatus.PENDING).exists()
    html = client.get(reverse("engagement:hours_list")).content.decode()
    assert "Hours per month" in html
    assert "Deutsch geübt" in html


def test_hours_page_shows_service_errors_on_the_form(anna, running):
    client = user_client(anna.user)
    response = client.post(
        reverse("engagement:hours_list"),
        {
            "target": f"p-{running.pk}",
            "date": days_ago(40).isoformat(),
            "hours": "0.3",
            "activity": "Deutsch geübt",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The date cannot be before the Patenschaft started" in html
    assert "Please enter the hours in quarter hours" in html
    assert not HoursEntry.objects.exists()


def test_hours_page_lists_no_targets_of_others(anna, running):
    other = volunteer(first_name="Omar", last_name="Other")
    html = user_client(other.user).get(reverse("engagement:hours_list")).content.decode()
    assert f"p-{running.pk}" not in html
    response = user_client(other.user).post(
        reverse("engagement:hours_list"),
        {"target": f"p-{running.pk}", "date": today().isoformat(), "hours": "1", "activity": "x"},
    )
    assert response.status_code == 200
    assert not HoursEntry.objects.exists()


def test_review_queue_shows_only_ones_share_and_bulk_approves(anna, running, munich):
    lotsin = coordinator(munich)
    first = hours(running, date=days_ago(2))
    second = hours(running, date=days_ago(3))
    foreign = hours(patenschaft(volunteer(NUREMBERG_CODE), code=NUREMBERG_CODE))
    client = staff_client(lotsin)
    html = client.get(reverse("engagement:hours_review")).content.decode()
    ids = set(re.findall(r'name="entry"\s+value="(\d+)"', html))
    assert ids == {str(first.pk), str(second.pk)}
    response = client.post(
        reverse("engagement:hours_review"), {"entry": [first.pk, second.pk, foreign.pk]}
    )
    assert response.status_code == 302
    assert set(HoursEntry.objects.filter(status=HoursStatus.APPROVED)) == {first, second}
    foreign.refresh_from_db()
    assert foreign.status == HoursStatus.PENDING


def test_review_queue_queries_stay_constant(anna, munich, django_assert_max_num_queries):
    lotsin = coordinator(munich)
    client = staff_client(lotsin)

    def queries_for(count):
        for _ in range(count):
            hours(patenschaft(volunteer()), date=days_ago(1))
        with django_assert_max_num_queries(14) as context:
            client.get(reverse("engagement:hours_review"))
        return len(context.captured_queries)

    assert queries_for(3) == queries_for(27)


def test_reject_page_for_another_district_is_404(anna, running, nuremberg):
    entry = hours(running)
    client = staff_client(coordinator(nuremberg))
    assert client.get(reverse("engagement:hours_reject", args=[entry.pk])).status_code == 404
    assert (
        client.post(reverse("engagement:hours_reject", args=[entry.pk]), {"note": "x"})
    ).status_code == 404
    entry.refresh_from_db()
    assert entry.status == HoursStatus.PENDING


def test_delete_view_only_for_own_entries(anna, running):
    entry = hours(running)
    other = user_client(volunteer().user)
    assert other.post(reverse("engagement:hours_delete", args=[entry.pk])).status_code == 404
    own = user_client(anna.user)
    assert own.post(reverse("engagement:hours_delete", args=[entry.pk])).status_code == 302
    assert not HoursEntry.objects.exists()


def test_hours_list_queries_stay_constant(anna, django_assert_max_num_queries):
    client = user_client(anna.user)
    opportunity = accepted_opportunity(anna)

    def queries_for(count):
        for index in range(count):
            target = patenschaft(anna)
            hours(target, date=days_ago(1 + index % 20), hours="0.25")
            hours_log(
                actor=anna.user,
                volunteer=anna,
                opportunity=opportunity,
                date=days_ago(1 + index % 20),
                hours="0.25",
                activity="Hausaufgaben",
            )
        with django_assert_max_num_queries(20) as context:
            client.get(reverse("engagement:hours_list"))
        return len(context.captured_queries)

    assert queries_for(2) == queries_for(12)
