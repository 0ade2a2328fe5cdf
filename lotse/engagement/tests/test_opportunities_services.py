"""Services of opportunities and applications: every state change, places, bad input."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils import timezone

from lotse.accounts.roles import Role
from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from lotse.core.choices import Topic
from lotse.core.models import AuditEvent
from lotse.engagement.choices import ApplicationStatus, OpportunityKind, OpportunityStatus
from lotse.engagement.models import Application, Opportunity
from lotse.engagement.selectors.opportunities import opportunity_public_list
from lotse.engagement.services.opportunities import (
    OpportunityData,
    application_accept,
    application_create,
    application_decline,
    application_withdraw,
    opportunity_close,
    opportunity_create,
    opportunity_update,
)
from lotse.engagement.tests.factories import ApplicationFactory, OpportunityFactory
from lotse.notifications.models import Notification
from lotse.organisations.tests.factories import MembershipFactory, OrganisationFactory
from lotse.regions.models import District
from lotse.volunteers.tests.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def freising(db) -> District:
    return District.objects.get(ags="09178")


@pytest.fixture
def organisation(munich, freising):
    return OrganisationFactory(name="Miteinander", districts=[munich, freising])


@pytest.fixture
def member(organisation):
    return MembershipFactory(organisation=organisation).user


@pytest.fixture
def volunteer(db):
    return VolunteerProfileFactory().user


@pytest.fixture
def opportunity(organisation):
    return OpportunityFactory(organisation=organisation, places=2)


def valid_data(**overrides) -> OpportunityData:
    start = timezone.now() + datetime.timedelta(days=7)
    data = OpportunityData(
        title="Lesepaten gesucht",
        description="Wir lesen mit Kindern in der Stadtbibliothek.",
        topic=Topic.SCHOOL_CHILDCARE,
        district=None,
        postcode="80331",
        place_name="Stadtbibliothek",
        is_online=False,
        kind=OpportunityKind.ONE_OFF,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        places=2,
        languages=["de", "ar"],
        skills_wanted="Geduld",
        contact_name="Frau Beispiel",
        contact_email="kontakt@verein.example",
        contact_phone="+49 89 123456",
    )
    data.update(overrides)  # type: ignore[typeddict-item]
    return data


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


# --- create / update / close -------------------------------------------------------------------


def test_member_creates_opportunity_with_district_from_postcode(member, organisation, munich):
    opportunity = opportunity_create(actor=member, organisation=organisation, data=valid_data())
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.OPEN
    assert opportunity.district == munich
    assert opportunity.postcode.code == "80331"
    assert opportunity.created_by == member
    assert sorted(opportunity.languages.values_list("language", flat=True)) == ["ar", "de"]
    assert _events("engagement.opportunity.created") == 1


def test_online_opportunity_takes_the_organisation_first_district(member, organisation, freising):
    data = valid_data(is_online=True, postcode="", place_name="ignored")
    opportunity = opportunity_create(actor=member, organisation=organisation, data=data)
    assert opportunity.postcode is None
    assert opportunity.place_name == ""
    # Freising comes before München by name.
    assert opportunity.district == freising


def test_online_opportunity_may_choose_one_of_the_organisation_districts(
    member, organisation, munich
):
    data = valid_data(is_online=True, postcode="", district=munich)
    opportunity = opportunity_create(actor=member, organisation=organisation, data=data)
    assert opportunity.district == munich


def test_district_outside_the_organisation_and_the_place_is_rejected(
    member, organisation, nuremberg
):
    with pytest.raises(ValidationError) as error:
        opportunity_create(
            actor=member,
            organisation=organisation,
            data=valid_data(is_online=True, postcode="", district=nuremberg),
        )
    assert "district" in error.value.message_dict
    assert not Opportunity.objects.exists()


def test_ongoing_opportunity_has_no_dates(member, organisation):
    opportunity = opportunity_create(
        actor=member, organisation=organisation, data=valid_data(kind=OpportunityKind.ONGOING)
    )
    assert opportunity.starts_at is None and opportunity.ends_at is None


def test_platform_admin_may_post_for_any_organisation(organisation):
    admin = UserFactory()
    RoleAssignmentFactory(user=admin, role=Role.PLATFORM_ADMIN)
    opportunity = opportunity_create(actor=admin, organisation=organisation, data=valid_data())
    assert opportunity.organisation == organisation


def test_outsider_may_not_post(organisation):
    other_member = MembershipFactory().user
    with pytest.raises(PermissionDenied):
        opportunity_create(actor=other_member, organisation=organisation, data=valid_data())
    assert not Opportunity.objects.exists()


def _past() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=1)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"starts_at": None}, "starts_at"),
        ({"starts_at": "past"}, "starts_at"),
        ({"ends_at": "before"}, "ends_at"),
        ({"places": 0}, "places"),
        ({"places": -3}, "places"),
        ({"places": 501}, "places"),
        ({"places": "many"}, "places"),
        ({"postcode": "99999"}, "postcode"),
        ({"postcode": "8033"}, "postcode"),
        ({"postcode": ""}, "postcode"),
        ({"description": "x" * 5001}, "description"),
        ({"description": ""}, "description"),
        ({"description": "Hallo <script>alert(1)</script>"}, "description"),
        ({"title": "<b>Fett</b>"}, "title"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"place_name": '<a href="x">hier</a>'}, "place_name"),
        ({"skills_wanted": "javascript:alert(1)"}, "skills_wanted"),
        ({"contact_name": "<i>Frau</i>"}, "contact_name"),
        ({"contact_email": "not-an-address"}, "contact_email"),
        ({"contact_phone": "call me"}, "contact_phone"),
        ({"languages": ["de", "xx"]}, "languages"),
        ({"topic": "gardening"}, "topic"),
        ({"kind": "sometimes"}, "kind"),
    ],
)
def test_bad_input_is_rejected_and_nothing_saved(member, organisation, overrides, field):
    data = valid_data()
    if overrides.get("starts_at") == "past":
        overrides = {"starts_at": _past(), "ends_at": None}
    if overrides.get("ends_at") == "before":
        overrides = {"ends_at": data["starts_at"] - datetime.timedelta(minutes=30)}
    data.update(overrides)  # type: ignore[typeddict-item]
    with pytest.raises(ValidationError) as error:
        opportunity_create(actor=member, organisation=organisation, data=data)
    assert field in error.value.message_dict
    assert all(str(message) for message in error.value.message_dict[field])
    assert not Opportunity.objects.exists()
    assert _events("engagement.opportunity.created") == 0


def test_update_records_the_changed_fields(member, opportunity):
    data = valid_data(kind=OpportunityKind.ONGOING, title="Neuer Titel", languages=["de"])
    opportunity_update(actor=member, opportunity=opportunity, data=data)
    opportunity.refresh_from_db()
    assert opportunity.title == "Neuer Titel"
    event = AuditEvent.objects.get(action="engagement.opportunity.updated")
    assert "title" in event.changed_fields


def test_places_below_places_taken_are_rejected(member, opportunity):
    Opportunity.objects.filter(pk=opportunity.pk).update(places=3, places_taken=2)
    opportunity.refresh_from_db()
    title = opportunity.title
    with pytest.raises(ValidationError) as error:
        opportunity_update(actor=member, opportunity=opportunity, data=valid_data(places=1))
    assert "already taken" in error.value.message_dict["places"][0]
    opportunity.refresh_from_db()
    assert (opportunity.places, opportunity.title) == (3, title)
    assert _events("engagement.opportunity.updated") == 0


def test_more_places_reopen_a_full_opportunity_and_fewer_fill_it(member, opportunity):
    Opportunity.objects.filter(pk=opportunity.pk).update(
        places=2, places_taken=2, status=OpportunityStatus.FULL
    )
    opportunity.refresh_from_db()
    opportunity_update(actor=member, opportunity=opportunity, data=valid_data(places=3))
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.OPEN
    opportunity_update(actor=member, opportunity=opportunity, data=valid_data(places=2))
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.FULL


def test_update_keeps_a_closed_opportunity_closed(member, opportunity):
    Opportunity.objects.filter(pk=opportunity.pk).update(status=OpportunityStatus.CLOSED)
    opportunity.refresh_from_db()
    opportunity_update(actor=member, opportunity=opportunity, data=valid_data(places=10))
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.CLOSED


def test_a_running_event_may_be_edited_with_its_start_unchanged(member, opportunity):
    started = timezone.now() - datetime.timedelta(hours=1)
    Opportunity.objects.filter(pk=opportunity.pk).update(
        kind=OpportunityKind.ONE_OFF,
        starts_at=started,
        ends_at=started + datetime.timedelta(hours=3),
    )
    opportunity.refresh_from_db()
    # As the form sends it: without seconds.
    data = valid_data(
        starts_at=opportunity.starts_at.replace(second=0, microsecond=0),
        ends_at=opportunity.ends_at,
        title="Geändert",
    )
    opportunity_update(actor=member, opportunity=opportunity, data=data)
    opportunity.refresh_from_db()
    assert opportunity.title == "Geändert"
    assert opportunity.starts_at == started
    # A new start in the past is still refused.
    with pytest.raises(ValidationError) as error:
        opportunity_update(
            actor=member,
            opportunity=opportunity,
            data=valid_data(starts_at=started - datetime.timedelta(days=1), ends_at=None),
        )
    assert "starts_at" in error.value.message_dict


def test_other_organisation_may_not_update_or_close(opportunity):
    outsider = MembershipFactory().user
    with pytest.raises(PermissionDenied):
        opportunity_update(actor=outsider, opportunity=opportunity, data=valid_data())
    with pytest.raises(PermissionDenied):
        opportunity_close(actor=outsider, opportunity=opportunity)
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.OPEN


def test_close_takes_the_opportunity_off_the_public_list(member, opportunity):
    assert list(opportunity_public_list(user=member)) == [opportunity]
    opportunity_close(actor=member, opportunity=opportunity)
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.CLOSED
    assert list(opportunity_public_list(user=member)) == []
    assert _events("engagement.opportunity.closed") == 1
    with pytest.raises(ValidationError):
        opportunity_close(actor=member, opportunity=opportunity)


# --- applications ------------------------------------------------------------------------------


def test_apply_creates_a_pending_application_and_notifies_every_member(
    volunteer, opportunity, member
):
    second = MembershipFactory(organisation=opportunity.organisation).user
    application = application_create(actor=volunteer, opportunity=opportunity, message="Gern!")
    assert application.status == ApplicationStatus.PENDING
    assert application.volunteer == volunteer.volunteer_profile
    notified = set(
        Notification.objects.filter(kind="engagement.application.new").values_list(
            "user", flat=True
        )
    )
    assert notified == {member.pk, second.pk}
    assert opportunity.title in Notification.objects.filter(user=member).get().title
    event = AuditEvent.objects.get(action="engagement.application.created")
    assert event.subject == volunteer


def test_apply_sends_the_mail_on_commit(
    volunteer, opportunity, member, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        application_create(actor=volunteer, opportunity=opportunity)
    assert [mail.to for mail in mailoutbox] == [[member.email]]


def test_applying_twice_gives_a_clear_message(volunteer, opportunity):
    application_create(actor=volunteer, opportunity=opportunity)
    with pytest.raises(ValidationError) as error:
        application_create(actor=volunteer, opportunity=opportunity, message="Nochmal")
    assert "already applied" in error.value.message_dict[NON_FIELD_ERRORS][0]
    assert Application.objects.count() == 1


def test_a_withdrawn_application_may_be_sent_again(volunteer, opportunity):
    application = application_create(actor=volunteer, opportunity=opportunity)
    application_withdraw(actor=volunteer, application=application)
    again = application_create(actor=volunteer, opportunity=opportunity, message="Doch")
    assert again.pk == application.pk
    assert again.status == ApplicationStatus.PENDING
    assert again.message == "Doch"


@pytest.mark.parametrize(
    ("status", "word"),
    [(OpportunityStatus.CLOSED, "closed"), (OpportunityStatus.FULL, "taken")],
)
def test_applying_to_a_closed_or_full_opportunity_is_rejected(volunteer, opportunity, status, word):
    Opportunity.objects.filter(pk=opportunity.pk).update(status=status)
    with pytest.raises(ValidationError) as error:
        application_create(actor=volunteer, opportunity=opportunity)
    assert word in error.value.message_dict[NON_FIELD_ERRORS][0]
    assert not Application.objects.exists()


def test_applying_to_a_past_event_is_rejected(volunteer, organisation):
    past = OpportunityFactory(
        organisation=organisation,
        kind=OpportunityKind.ONE_OFF,
        starts_at=timezone.now() - datetime.timedelta(days=3),
    )
    with pytest.raises(ValidationError):
        application_create(actor=volunteer, opportunity=past)
    assert not Application.objects.exists()


@pytest.mark.parametrize("message", ["x" * 2001, "Hallo <img src=x onerror=alert(1)>"])
def test_bad_message_is_rejected(volunteer, opportunity, message):
    with pytest.raises(ValidationError) as error:
        application_create(actor=volunteer, opportunity=opportunity, message=message)
    assert "message" in error.value.message_dict
    assert not Application.objects.exists()
    assert not Notification.objects.exists()


def test_only_confirmed_volunteers_may_apply(opportunity):
    without_profile = UserFactory()
    with pytest.raises(ValidationError):
        application_create(actor=without_profile, opportunity=opportunity)
    unconfirmed = VolunteerProfileFactory(user=UserFactory(email_confirmed_at=None)).user
    with pytest.raises(ValidationError):
        application_create(actor=unconfirmed, opportunity=opportunity)
    assert not Application.objects.exists()


def test_accepting_counts_the_places_down_and_the_last_one_fills(member, opportunity):
    first, second, third = ApplicationFactory.create_batch(3, opportunity=opportunity)
    application_accept(actor=member, application=first, note="Willkommen!")
    opportunity.refresh_from_db()
    assert (opportunity.places_taken, opportunity.status) == (1, OpportunityStatus.OPEN)
    assert opportunity.places_left == 1
    application_accept(actor=member, application=second)
    opportunity.refresh_from_db()
    assert (opportunity.places_taken, opportunity.status) == (2, OpportunityStatus.FULL)
    assert list(opportunity_public_list(user=member)) == []
    with pytest.raises(ValidationError) as error:
        application_accept(actor=member, application=third)
    assert "taken" in error.value.message_dict[NON_FIELD_ERRORS][0]
    third.refresh_from_db()
    assert third.status == ApplicationStatus.PENDING
    first.refresh_from_db()
    assert first.status == ApplicationStatus.ACCEPTED
    assert first.decided_by == member
    assert first.decision_note == "Willkommen!"
    decided = Notification.objects.filter(
        kind="engagement.application.decided", user=first.volunteer.user
    ).get()
    # Rendered in the volunteer's language (German by default).
    assert decided.title.endswith("angenommen")
    assert "Willkommen!" in decided.body
    assert _events("engagement.application.accepted") == 2
    assert _events("engagement.opportunity.full") == 1


def test_the_last_place_is_given_once(member, organisation):
    """Two acceptances for one place: the second (serialised by the row lock) is rejected."""
    one_place = OpportunityFactory(organisation=organisation, places=1)
    first, second = ApplicationFactory.create_batch(2, opportunity=one_place)
    application_accept(actor=member, application=first)
    with pytest.raises(ValidationError):
        application_accept(actor=member, application=second)
    one_place.refresh_from_db()
    assert (one_place.places_taken, one_place.status) == (1, OpportunityStatus.FULL)
    assert Application.objects.filter(status=ApplicationStatus.ACCEPTED).count() == 1


def test_accepting_twice_or_on_a_closed_opportunity_is_rejected(member, opportunity):
    application = ApplicationFactory(opportunity=opportunity)
    application_accept(actor=member, application=application)
    with pytest.raises(ValidationError):
        application_accept(actor=member, application=application)
    opportunity.refresh_from_db()
    assert opportunity.places_taken == 1
    other = ApplicationFactory(opportunity=opportunity)
    opportunity_close(actor=member, opportunity=opportunity)
    with pytest.raises(ValidationError):
        application_accept(actor=member, application=other)
    opportunity.refresh_from_db()
    assert opportunity.places_taken == 1


def test_decline_with_note_keeps_the_places(member, opportunity):
    application = ApplicationFactory(opportunity=opportunity)
    application_decline(actor=member, application=application, note="Leider schon besetzt.")
    application.refresh_from_db()
    opportunity.refresh_from_db()
    assert application.status == ApplicationStatus.DECLINED
    assert application.decision_note == "Leider schon besetzt."
    assert opportunity.places_taken == 0
    title = Notification.objects.get(kind="engagement.application.decided").title
    assert "abgelehnt" in title


def test_an_accepted_application_cannot_be_declined(member, opportunity):
    application = ApplicationFactory(opportunity=opportunity)
    application_accept(actor=member, application=application)
    with pytest.raises(ValidationError):
        application_decline(actor=member, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED


def test_bad_decision_note_is_rejected(member, opportunity):
    application = ApplicationFactory(opportunity=opportunity)
    for note in ("<b>Nein</b>", "x" * 1001):
        with pytest.raises(ValidationError) as error:
            application_decline(actor=member, application=application, note=note)
        assert "decision_note" in error.value.message_dict
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING


def test_other_organisation_may_not_decide(opportunity):
    application = ApplicationFactory(opportunity=opportunity)
    outsider = MembershipFactory().user
    with pytest.raises(PermissionDenied):
        application_accept(actor=outsider, application=application)
    with pytest.raises(PermissionDenied):
        application_decline(actor=outsider, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING


def test_withdrawing_a_pending_application(volunteer, opportunity, member):
    application = application_create(actor=volunteer, opportunity=opportunity)
    application_withdraw(actor=volunteer, application=application)
    application.refresh_from_db()
    opportunity.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert opportunity.places_taken == 0
    assert Notification.objects.filter(
        kind="engagement.application.withdrawn", user=member
    ).exists()
    with pytest.raises(ValidationError):
        application_withdraw(actor=volunteer, application=application)


def test_withdrawing_an_accepted_application_frees_the_place_and_reopens(
    volunteer, member, organisation
):
    one_place = OpportunityFactory(organisation=organisation, places=1)
    application = application_create(actor=volunteer, opportunity=one_place)
    application_accept(actor=member, application=application)
    one_place.refresh_from_db()
    assert one_place.status == OpportunityStatus.FULL
    application_withdraw(actor=volunteer, application=application)
    one_place.refresh_from_db()
    assert (one_place.places_taken, one_place.status) == (0, OpportunityStatus.OPEN)
    assert list(opportunity_public_list(user=volunteer)) == [one_place]
    assert _events("engagement.opportunity.place_freed") == 1


def test_withdrawing_from_a_closed_opportunity_frees_the_place_but_stays_closed(
    volunteer, member, opportunity
):
    application = application_create(actor=volunteer, opportunity=opportunity)
    application_accept(actor=member, application=application)
    opportunity_close(actor=member, opportunity=opportunity)
    application_withdraw(actor=volunteer, application=application)
    opportunity.refresh_from_db()
    assert (opportunity.places_taken, opportunity.status) == (0, OpportunityStatus.CLOSED)


def test_only_the_volunteer_may_withdraw(volunteer, member, opportunity):
    application = application_create(actor=volunteer, opportunity=opportunity)
    for someone in (member, VolunteerProfileFactory().user):
        with pytest.raises(PermissionDenied):
            application_withdraw(actor=someone, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING


def test_a_declined_application_cannot_be_withdrawn(volunteer, member, opportunity):
    application = application_create(actor=volunteer, opportunity=opportunity)
    application_decline(actor=member, application=application)
    with pytest.raises(ValidationError):
        application_withdraw(actor=volunteer, application=application)
