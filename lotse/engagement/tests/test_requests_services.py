"""Services of help requests: entering (validation, consent, key, notifications, mail),
editing, interpreter, closing, deleting on the newcomer's wish, retention."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lotse.accounts.roles import Role
from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from lotse.core.models import AuditEvent
from lotse.engagement.choices import (
    ContactChannel,
    PatenschaftStatus,
    ProposalStatus,
    RequestCloseReason,
    RequestStatus,
    Urgency,
)
from lotse.engagement.models import HelpRequest, HelpRequestLanguage, Proposal
from lotse.engagement.selectors.requests import help_request_get_by_key, help_request_key_hash
from lotse.engagement.services.requests import (
    ANONYMISED_NAME,
    help_request_attach_interpreter,
    help_request_close,
    help_request_create,
    help_request_delete,
    help_request_update,
    help_requests_anonymise_expired,
)
from lotse.engagement.tests.factories import (
    HelpRequestFactory,
    PatenschaftFactory,
    ProposalFactory,
)
from lotse.notifications.models import Notification
from lotse.organisations.tests.factories import MembershipFactory
from lotse.volunteers.choices import VolunteerRole
from lotse.volunteers.models import VolunteerRoleChoice
from lotse.volunteers.tests.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(munich):
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=Role.COORDINATOR, district=munich)
    return user


@pytest.fixture
def other_coordinator(nuremberg):
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=Role.COORDINATOR, district=nuremberg)
    return user


def _data(**overrides):
    data = {
        "first_name": "Amal",
        "contact_channel": ContactChannel.PHONE,
        "contact_value": "+49 151 2345678",
        "postcode": "80331",
        "languages": ["ar", "de"],
        "topic": "housing",
        "needs": "Ich suche Hilfe bei einem Brief vom Vermieter.",
        "preferred_times": ["1-2", "5-0"],
        "urgency": Urgency.NORMAL,
        "consent": True,
        "form_language": "ar",
    }
    return data | overrides


def _create(actor=None, **overrides):
    return help_request_create(actor=actor, **_data(**overrides))


# --- entering --------------------------------------------------------------------------------


def test_create_stores_the_request_with_district_languages_and_only_the_key_hash(
    coordinator, munich, settings
):
    request, key = _create()

    assert request.district == munich
    assert request.postcode.code == "80331"
    assert request.status == RequestStatus.OPEN
    assert request.form_language == "ar"
    assert request.consent_version == settings.LOTSE_PRIVACY_NOTICE_VERSION
    assert request.consent_at is not None
    assert request.entered_by is None
    assert sorted(request.languages.values_list("language", flat=True)) == ["ar", "de"]
    assert request.preferred_times == (1 << (1 * 3 + 2)) | (1 << (5 * 3 + 0))
    assert len(key) >= 32
    assert request.access_key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(HelpRequest.objects.filter(pk=request.pk).values().get())
    assert help_request_get_by_key(key=key) == request
    assert AuditEvent.objects.filter(
        action="engagement.request.created", object_id=str(request.pk), actor=None
    ).exists()


def test_create_notifies_the_district_coordinators_only(coordinator, other_coordinator):
    request, _key = _create()

    notification = Notification.objects.get(user=coordinator)
    assert notification.kind == "engagement.request.new"
    assert notification.url == f"/engagement/requests/{request.pk}/"
    assert not Notification.objects.filter(user=other_coordinator).exists()


def test_create_mails_the_status_link_in_the_form_language_when_the_channel_is_email(
    coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _request, key = _create(
            contact_channel=ContactChannel.EMAIL,
            contact_value="amal@example.org",
            form_language="en",
        )
    newcomer_mails = [m for m in mail.outbox if m.to == ["amal@example.org"]]
    assert len(newcomer_mails) == 1
    assert f"/engagement/request-status/{key}/" in newcomer_mails[0].body
    assert "personal link" in newcomer_mails[0].subject


def test_create_sends_no_mail_to_a_phone_newcomer(coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _create()
    assert all(m.to != ["+49 151 2345678"] for m in mail.outbox)
    assert [m.to for m in mail.outbox] == [[coordinator.email]]


def test_through_the_coordinator_needs_and_keeps_no_contact_value():
    request, _key = _create(contact_channel=ContactChannel.COORDINATOR, contact_value="")
    assert request.contact_value == ""
    request, _key = _create(contact_channel=ContactChannel.COORDINATOR, contact_value="0151 999")
    assert request.contact_value == ""


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"postcode": "99999"}, "postcode"),
        ({"postcode": "12"}, "postcode"),
        ({"postcode": "abcde"}, "postcode"),
        ({"needs": "x" * 2001}, "needs"),
        ({"needs": "Hilfe <script>alert(1)</script>"}, "needs"),
        ({"needs": "  "}, "needs"),
        ({"first_name": "<b>Amal</b>"}, "first_name"),
        ({"first_name": ""}, "first_name"),
        ({"first_name": "A" * 81}, "first_name"),
        ({"contact_channel": ContactChannel.PHONE, "contact_value": ""}, "contact_value"),
        ({"contact_channel": ContactChannel.MESSENGER, "contact_value": ""}, "contact_value"),
        ({"contact_channel": ContactChannel.PHONE, "contact_value": "12345"}, "contact_value"),
        ({"contact_channel": ContactChannel.PHONE, "contact_value": "1" * 21}, "contact_value"),
        (
            {"contact_channel": ContactChannel.PHONE, "contact_value": "0151-234567"},
            "contact_value",
        ),
        (
            {"contact_channel": ContactChannel.PHONE, "contact_value": "49+151234567"},
            "contact_value",
        ),
        ({"contact_channel": ContactChannel.EMAIL, "contact_value": "no-at-sign"}, "contact_value"),
        ({"contact_channel": ContactChannel.EMAIL, "contact_value": ""}, "contact_value"),
        ({"contact_channel": "pigeon"}, "contact_channel"),
        ({"languages": []}, "languages"),
        ({"languages": ["xx"]}, "languages"),
        ({"topic": "astrology"}, "topic"),
        ({"urgency": "yesterday"}, "urgency"),
        ({"preferred_times": ["9-9"]}, "preferred_times"),
        ({"consent": False}, "consent"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error_and_nothing_is_saved(overrides, field):
    with pytest.raises(ValidationError) as caught:
        _create(**overrides)
    assert field in caught.value.message_dict
    assert all(message.strip() for message in caught.value.message_dict[field])
    assert not HelpRequest.objects.exists()
    assert not HelpRequestLanguage.objects.exists()


def test_phone_numbers_with_plus_and_spaces_are_accepted_and_tidied():
    request, _key = _create(contact_value="  +49  151   2345678 ")
    assert request.contact_value == "+49 151 2345678"


def test_unknown_form_language_falls_back_to_german():
    request, _key = _create(form_language="xx")
    assert request.form_language == "de"


def test_coordinator_enters_on_behalf_for_own_district_only(coordinator):
    request, _key = _create(actor=coordinator, on_behalf=True)
    assert request.entered_by == coordinator

    with pytest.raises(ValidationError) as caught:
        _create(actor=coordinator, on_behalf=True, postcode="90402")
    assert "postcode" in caught.value.message_dict


def test_organisation_member_enters_on_behalf_anywhere():
    member = MembershipFactory().user
    request, _key = _create(actor=member, on_behalf=True, postcode="90402")
    assert request.entered_by == member
    assert request.district.ags == "09564"


def test_on_behalf_is_refused_for_a_plain_user():
    with pytest.raises(PermissionDenied):
        _create(actor=UserFactory(), on_behalf=True)
    assert not HelpRequest.objects.exists()


def test_on_behalf_requires_the_staff_person_to_confirm_the_consent(coordinator):
    with pytest.raises(ValidationError) as caught:
        _create(actor=coordinator, on_behalf=True, consent=False)
    assert "einverstanden" in caught.value.message_dict["consent"][0]


# --- editing ---------------------------------------------------------------------------------


def test_update_changes_fields_and_audits_their_names(coordinator):
    request = HelpRequestFactory()
    help_request_update(
        actor=coordinator,
        request=request,
        **(
            {k: v for k, v in _data().items() if k not in ("consent", "form_language")}
            | {"needs": "Neu", "languages": ["uk"], "postcode": "80333"}
        ),
    )
    request.refresh_from_db()
    assert request.needs == "Neu"
    assert list(request.languages.values_list("language", flat=True)) == ["uk"]
    event = AuditEvent.objects.get(action="engagement.request.changed")
    assert {"needs", "languages", "postcode", "topic"} <= set(event.changed_fields)
    assert "Neu" not in str(event.changed_fields)


def test_update_is_refused_for_another_district_and_outside_ones_own(
    coordinator, other_coordinator
):
    request = HelpRequestFactory()
    fields = {k: v for k, v in _data().items() if k not in ("consent", "form_language")}
    with pytest.raises(PermissionDenied):
        help_request_update(actor=other_coordinator, request=request, **fields)
    with pytest.raises(ValidationError):
        help_request_update(actor=coordinator, request=request, **(fields | {"postcode": "90402"}))
    request.refresh_from_db()
    assert request.postcode.code == "80331"


def test_attach_interpreter_only_a_volunteer_of_the_district_offering_it(coordinator):
    request = HelpRequestFactory()
    interpreter = VolunteerProfileFactory()
    not_offering = VolunteerProfileFactory()
    VolunteerRoleChoice.objects.create(volunteer=interpreter, role=VolunteerRole.INTERPRETER)

    with pytest.raises(ValidationError):
        help_request_attach_interpreter(
            actor=coordinator, request=request, interpreter=not_offering
        )
    help_request_attach_interpreter(actor=coordinator, request=request, interpreter=interpreter)
    request.refresh_from_db()
    assert request.interpreter == interpreter
    help_request_attach_interpreter(actor=coordinator, request=request, interpreter=None)
    request.refresh_from_db()
    assert request.interpreter is None


# --- closing and deleting --------------------------------------------------------------------


def test_close_withdraws_live_proposals_and_tells_the_asked_volunteers(coordinator):
    request = HelpRequestFactory(status=RequestStatus.PROPOSED)
    sent = ProposalFactory(request=request)
    suggested = ProposalFactory(request=request, status=ProposalStatus.SUGGESTED)

    help_request_close(actor=coordinator, request=request, reason=RequestCloseReason.RESOLVED)

    request.refresh_from_db()
    assert request.status == RequestStatus.CLOSED
    assert request.closed_at is not None
    assert request.close_reason == RequestCloseReason.RESOLVED
    assert set(Proposal.objects.values_list("status", flat=True)) == {ProposalStatus.WITHDRAWN}
    assert Notification.objects.filter(
        user=sent.volunteer.user, kind="engagement.proposal.withdrawn"
    ).exists()
    assert not Notification.objects.filter(user=suggested.volunteer.user).exists()


def test_close_needs_a_known_reason_and_refuses_a_running_patenschaft(coordinator):
    request = HelpRequestFactory()
    with pytest.raises(ValidationError):
        help_request_close(actor=coordinator, request=request, reason="bored")
    patenschaft = PatenschaftFactory()
    with pytest.raises(ValidationError):
        help_request_close(
            actor=coordinator, request=patenschaft.request, reason=RequestCloseReason.RESOLVED
        )
    assert HelpRequest.objects.filter(status=RequestStatus.CLOSED).count() == 0


def test_delete_on_the_newcomers_wish_blanks_personal_data_now(coordinator):
    request = HelpRequestFactory(
        status=RequestStatus.PROPOSED, access_key_hash=help_request_key_hash("k"), preferred_times=7
    )
    ProposalFactory(request=request)

    help_request_delete(actor=coordinator, request=request)

    request.refresh_from_db()
    assert request.first_name == ANONYMISED_NAME
    assert request.contact_value == ""
    assert request.needs == ""
    assert request.preferred_times == 0
    assert request.access_key_hash is None
    assert request.anonymised_at is not None
    assert request.status == RequestStatus.CLOSED
    assert request.close_reason == RequestCloseReason.WITHDRAWN
    assert request.languages.count() == 2  # kept for the statistics
    assert help_request_get_by_key(key="k") is None
    assert Proposal.objects.get().status == ProposalStatus.WITHDRAWN
    assert AuditEvent.objects.filter(action="engagement.request.anonymised").count() == 1


def test_delete_is_only_for_the_districts_coordinators(other_coordinator):
    request = HelpRequestFactory()
    with pytest.raises(PermissionDenied):
        help_request_delete(actor=other_coordinator, request=request)
    request.refresh_from_db()
    assert request.anonymised_at is None


# --- retention -------------------------------------------------------------------------------


def test_retention_anonymises_expired_requests_once(settings):
    settings.LOTSE_HELP_REQUEST_RETENTION_DAYS = 180
    now = timezone.now()
    expired = HelpRequestFactory(
        status=RequestStatus.CLOSED,
        closed_at=now - datetime.timedelta(days=181),
        access_key_hash=help_request_key_hash("old"),
    )
    recent = HelpRequestFactory(
        status=RequestStatus.CLOSED, closed_at=now - datetime.timedelta(days=10)
    )
    still_open = HelpRequestFactory()
    ended = PatenschaftFactory(
        status=PatenschaftStatus.ENDED,
        started_on=timezone.localdate() - datetime.timedelta(days=400),
        ended_on=timezone.localdate() - datetime.timedelta(days=200),
    )
    running = PatenschaftFactory()

    assert help_requests_anonymise_expired(now=now) == 2
    assert help_requests_anonymise_expired(now=now) == 0

    for request in (expired, ended.request):
        request.refresh_from_db()
        assert request.first_name == ANONYMISED_NAME
        assert request.contact_value == ""
        assert request.needs == ""
        assert request.access_key_hash is None
        assert request.anonymised_at is not None
        assert request.postcode_id is not None
    for request in (recent, still_open, running.request):
        request.refresh_from_db()
        assert request.anonymised_at is None
        assert request.first_name != ANONYMISED_NAME
    assert AuditEvent.objects.filter(action="engagement.request.anonymised").count() == 2


def test_retention_task_runs_the_service():
    from lotse.engagement.tasks import help_requests_retention_task

    request = HelpRequestFactory(
        status=RequestStatus.CLOSED, closed_at=timezone.now() - datetime.timedelta(days=400)
    )
    help_requests_retention_task.enqueue()
    request.refresh_from_db()
    assert request.anonymised_at is not None
