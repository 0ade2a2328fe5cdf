"""HTML views of help requests: the public form, the status link, entering on behalf, the
coordinators' queue, detail and actions, the newcomer's status page."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from lotse.accounts.roles import Role
from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from lotse.conftest import login_verified
from lotse.core.models import AuditEvent
from lotse.engagement.choices import (
    ContactChannel,
    ProposalOrigin,
    ProposalStatus,
    RequestStatus,
)
from lotse.engagement.models import HelpRequest, Proposal
from lotse.engagement.selectors.requests import help_request_key_hash
from lotse.engagement.tests.factories import HelpRequestFactory, ProposalFactory
from lotse.engagement.views.requests import RATE_LIMIT_PER_HOUR
from lotse.organisations.tests.factories import MembershipFactory
from lotse.regions.models import Postcode
from lotse.volunteers.choices import VolunteerRole
from lotse.volunteers.models import VolunteerRoleChoice
from lotse.volunteers.tests.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db

PUBLIC = reverse("engagement:request_public_create")
THANKS = reverse("engagement:request_thanks")
STATUS_LINK = re.compile(r"/engagement/request-status/([A-Za-z0-9_\-]+)/")


@pytest.fixture(autouse=True)
def english(settings):
    """Assert the English source texts (German is the site's default)."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def coordinator(munich):
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=Role.COORDINATOR, district=munich)
    return user


@pytest.fixture
def coordinator_client(coordinator):
    return login_verified(Client(), coordinator)


@pytest.fixture
def other_coordinator_client(nuremberg):
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=Role.COORDINATOR, district=nuremberg)
    return login_verified(Client(), user)


def _form(**overrides):
    data = {
        "first_name": "Amal",
        "languages": ["ar", "de"],
        "topic": "authorities",
        "needs": "Ich brauche Hilfe mit einem Brief vom Jobcenter.",
        "urgency": "normal",
        "preferred_times": ["1-2"],
        "postcode": "80331",
        "contact_channel": ContactChannel.PHONE,
        "contact_value": "0151 2345678",
        "consent": "on",
        "website": "",
    }
    return data | overrides


# --- the public form -------------------------------------------------------------------------


def test_public_form_is_open_to_everyone_with_a_hidden_honeypot(client):
    response = client.get(PUBLIC)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="website"' in html
    assert "<div hidden>" in html
    assert 'id="id_preferred_times_1_2"' in html
    assert reverse("core:privacy") in html


def test_submitting_shows_the_status_link_once(client, coordinator):
    response = client.post(PUBLIC, _form(), follow=True)

    assert response.redirect_chain == [(THANKS, 302)]
    match = STATUS_LINK.search(response.content.decode())
    assert match is not None
    request = HelpRequest.objects.get()
    assert request.access_key_hash == help_request_key_hash(match.group(1))
    assert request.form_language == "en"
    assert request.preferred_times == 1 << 5
    # Shown once: the page does not repeat it.
    again = client.get(THANKS)
    assert STATUS_LINK.search(again.content.decode()) is None
    assert again["Referrer-Policy"] == "same-origin"


def test_the_form_language_is_the_visitors_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    client.post(PUBLIC, _form())
    assert HelpRequest.objects.get().form_language == "ar"


def test_email_newcomers_also_get_the_link_by_mail(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            PUBLIC,
            _form(contact_channel=ContactChannel.EMAIL, contact_value="amal@example.org"),
            follow=True,
        )
    key = STATUS_LINK.search(response.content.decode()).group(1)
    sent = [m for m in mail.outbox if m.to == ["amal@example.org"]]
    assert len(sent) == 1
    assert key in sent[0].body


def test_a_filled_honeypot_stores_nothing_but_looks_the_same(client):
    response = client.post(PUBLIC, _form(website="http://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == THANKS
    assert not HelpRequest.objects.exists()


def test_the_form_is_limited_per_ip_address(client):
    for _ in range(RATE_LIMIT_PER_HOUR):
        assert client.post(PUBLIC, _form()).status_code == 302
    response = client.post(PUBLIC, _form())
    assert response.status_code == 429
    assert "several requests" in response.content.decode()
    assert HelpRequest.objects.count() == RATE_LIMIT_PER_HOUR
    other_ip = client.post(PUBLIC, _form(), REMOTE_ADDR="10.0.0.9")
    assert other_ip.status_code == 302


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"postcode": "12"}, "We do not know this postcode"),
        ({"postcode": "99999"}, "We do not know this postcode"),
        ({"needs": "x" * 2001}, "2000"),
        ({"needs": "<script>alert(1)</script>"}, "without HTML"),
        ({"contact_value": ""}, "phone number"),
        ({"contact_value": "call me"}, "6 to 20 digits"),
        (
            {"contact_channel": ContactChannel.EMAIL, "contact_value": "amal@"},
            "valid e-mail",
        ),
        ({"languages": []}, "at least one language"),
        ({"consent": ""}, "agree"),
    ],
)
def test_bad_input_shows_a_clear_error_and_stores_nothing(client, overrides, message):
    response = client.post(PUBLIC, _form(**overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "kern-alert--danger" in html
    assert not HelpRequest.objects.exists()


# --- on a newcomer's behalf ------------------------------------------------------------------


def test_a_coordinator_enters_a_request_and_gets_a_printable_link(coordinator_client, coordinator):
    response = coordinator_client.post(reverse("engagement:request_create"), _form(), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("engagement:request_handover")
    request = HelpRequest.objects.get()
    assert request.entered_by == coordinator
    key = STATUS_LINK.search(html).group(1)
    assert request.access_key_hash == help_request_key_hash(key)
    assert "<svg" in html
    assert reverse("engagement:request_detail", kwargs={"pk": request.pk}) in html
    again = coordinator_client.get(reverse("engagement:request_handover"))
    assert STATUS_LINK.search(again.content.decode()) is None


def test_a_social_worker_enters_a_request_for_another_district(client):
    member = MembershipFactory().user
    client.force_login(member)
    response = client.post(reverse("engagement:request_create"), _form(postcode="90402"))
    assert response.status_code == 302
    assert HelpRequest.objects.get().entered_by == member


def test_a_coordinator_cannot_enter_a_request_outside_their_districts(coordinator_client):
    response = coordinator_client.post(
        reverse("engagement:request_create"), _form(postcode="90402")
    )
    assert response.status_code == 200
    assert "outside your districts" in response.content.decode()
    assert not HelpRequest.objects.exists()


def test_volunteers_cannot_enter_on_behalf(client):
    client.force_login(VolunteerProfileFactory().user)
    assert client.post(reverse("engagement:request_create"), _form()).status_code == 404
    assert not HelpRequest.objects.exists()


# --- the coordinators' queue -----------------------------------------------------------------


def test_queue_shows_own_districts_oldest_first_with_waiting_days(coordinator_client):
    import datetime

    from django.utils import timezone

    old = HelpRequestFactory(first_name="Old")
    HelpRequest.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=12)
    )
    new = HelpRequestFactory(first_name="New")
    HelpRequestFactory(first_name="Elsewhere", postcode=Postcode.objects.get(code="90402"))
    HelpRequestFactory(first_name="Done", status=RequestStatus.CLOSED)

    response = coordinator_client.get(reverse("engagement:request_list"))

    html = response.content.decode()
    assert html.index(f"#{old.pk} Old") < html.index(f"#{new.pk} New")
    assert "Elsewhere" not in html
    assert "Done" not in html
    rows = response.context["rows"]
    assert [row["waiting_days"] for row in rows] == [12, 0]


def test_queue_filters(coordinator_client):
    HelpRequestFactory(first_name="Urgent", urgency="high", topic="health")
    HelpRequestFactory(first_name="Calm", urgency="low", topic="housing")
    HelpRequestFactory(first_name="Closed", status=RequestStatus.CLOSED)
    url = reverse("engagement:request_list")

    def names(query):
        response = coordinator_client.get(url, query)
        return sorted(row["request"].first_name for row in response.context["rows"])

    assert names({"urgency": "high"}) == ["Urgent"]
    assert names({"topic": "housing"}) == ["Calm"]
    assert names({"status": "closed"}) == ["Closed"]
    assert names({"status": "all"}) == ["Calm", "Closed", "Urgent"]
    partial = coordinator_client.get(url, {"urgency": "high"}, headers={"HX-Request": "true"})
    assert "<h1" not in partial.content.decode()


@pytest.mark.parametrize("rows", [3, 30])
def test_queue_uses_a_constant_number_of_queries(
    coordinator_client, django_assert_max_num_queries, rows
):
    for index in range(rows):
        request = HelpRequestFactory(languages=["ar", "de", "fa"][: 1 + index % 3])
        ProposalFactory(request=request)
    coordinator_client.get(reverse("engagement:request_list"))  # warm the session
    with django_assert_max_num_queries(9):
        response = coordinator_client.get(reverse("engagement:request_list"))
    assert len(response.context["rows"]) == min(rows, 25)


def test_queue_is_for_coordinators_only(client):
    client.force_login(VolunteerProfileFactory().user)
    assert client.get(reverse("engagement:request_list")).status_code == 404


# --- detail and actions ----------------------------------------------------------------------


def test_detail_shows_everything_and_is_audited(coordinator_client, coordinator):
    request = HelpRequestFactory(contact_value="+49 151 999888")
    ProposalFactory(
        request=request,
        origin=ProposalOrigin.ENGINE,
        reasons={"languages": ["ar"], "distance_km": 3.2, "waiting_days": 12},
    )
    response = coordinator_client.get(reverse("engagement:request_detail", args=[request.pk]))
    html = response.content.decode()
    assert "+49 151 999888" in html
    assert request.needs in html
    assert "speaks Arabic" in html
    assert "3.2 km" in html
    assert AuditEvent.objects.filter(
        action="engagement.request.viewed", actor=coordinator, object_id=str(request.pk)
    ).exists()


def test_other_coordinators_get_404_everywhere(other_coordinator_client):
    request = HelpRequestFactory()
    for name in (
        "request_detail",
        "request_edit",
        "request_close",
        "request_delete",
        "request_match",
        "request_interpreter",
    ):
        url = reverse(f"engagement:{name}", args=[request.pk])
        assert other_coordinator_client.get(url).status_code == 404
        if name != "request_detail":
            assert other_coordinator_client.post(url, {"reason": "resolved"}).status_code == 404
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    assert request.anonymised_at is None
    assert not AuditEvent.objects.exists()


def test_edit_close_delete_through_the_pages(coordinator_client):
    request = HelpRequestFactory()
    edit = reverse("engagement:request_edit", args=[request.pk])
    assert coordinator_client.get(edit).status_code == 200
    data = _form(needs="Neuer Text")
    del data["consent"], data["website"]
    assert coordinator_client.post(edit, data).status_code == 302
    request.refresh_from_db()
    assert request.needs == "Neuer Text"

    bad = coordinator_client.post(edit, data | {"postcode": "12"})
    assert "We do not know this postcode" in bad.content.decode()

    close = reverse("engagement:request_close", args=[request.pk])
    assert coordinator_client.post(close, {"reason": "resolved"}).status_code == 302
    assert HelpRequest.objects.get(pk=request.pk).status == RequestStatus.CLOSED
    again = coordinator_client.post(close, {"reason": "resolved"})
    assert "already closed" in again.content.decode()

    delete = reverse("engagement:request_delete", args=[request.pk])
    assert coordinator_client.post(delete).status_code == 302
    request.refresh_from_db()
    assert request.anonymised_at is not None
    assert request.contact_value == ""


def test_attach_an_interpreter_through_the_page(coordinator_client):
    request = HelpRequestFactory()
    interpreter = VolunteerProfileFactory()
    VolunteerRoleChoice.objects.create(volunteer=interpreter, role=VolunteerRole.INTERPRETER)
    VolunteerProfileFactory()  # not offering it: not in the list
    url = reverse("engagement:request_interpreter", args=[request.pk])
    response = coordinator_client.get(url)
    assert len(response.context["form"].fields["interpreter"].queryset) == 1
    assert coordinator_client.post(url, {"interpreter": interpreter.pk}).status_code == 302
    request.refresh_from_db()
    assert request.interpreter == interpreter


def test_manual_match_searches_the_coordinators_volunteers_and_proposes(coordinator_client):
    request = HelpRequestFactory()
    wanted = VolunteerProfileFactory(user__first_name="Zeynep", user__last_name="Kaya")
    VolunteerProfileFactory(user__first_name="Bernd", user__last_name="Maier")
    VolunteerProfileFactory(user__first_name="Zeynep", postcode=Postcode.objects.get(code="90402"))
    url = reverse("engagement:request_match", args=[request.pk])

    response = coordinator_client.get(url, {"q": "zeyn"})
    assert [v.pk for v in response.context["volunteers"]] == [wanted.pk]

    assert coordinator_client.post(url, {"volunteer": wanted.pk}).status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.volunteer, proposal.origin, proposal.status) == (
        wanted,
        ProposalOrigin.MANUAL,
        ProposalStatus.PROPOSED,
    )
    # Already proposed: no longer offered.
    assert list(coordinator_client.get(url, {"q": "zeyn"}).context["volunteers"]) == []


# --- the newcomer's status page --------------------------------------------------------------


def _status_url(key):
    return reverse("engagement:request_status", kwargs={"key": key})


def test_unknown_status_keys_are_404(client):
    HelpRequestFactory(access_key_hash=help_request_key_hash("right"))
    assert client.get(_status_url("wrong")).status_code == 404
    assert client.post(_status_url("wrong"), {"action": "confirm"}).status_code == 404


def test_status_page_while_waiting_shows_only_the_status(client):
    request = HelpRequestFactory(access_key_hash=help_request_key_hash("k1"), form_language="en")
    response = client.get(_status_url("k1"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "looking for a volunteer" in html
    assert request.contact_value not in html
    assert request.needs not in html
    assert request.first_name not in html
    assert response["Cache-Control"].startswith("max-age=0")
    assert '<html lang="en"' in html


def test_status_page_uses_the_visitors_choice_over_the_form_language(client):
    HelpRequestFactory(access_key_hash=help_request_key_hash("k1"), form_language="ar")
    assert '<html lang="ar"' in client.get(_status_url("k1")).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert '<html lang="en"' in client.get(_status_url("k1")).content.decode()


def test_confirming_shows_the_volunteers_contact_only_afterwards(client):
    request = HelpRequestFactory(
        status=RequestStatus.PROPOSED,
        access_key_hash=help_request_key_hash("k2"),
        form_language="en",
    )
    volunteer = VolunteerProfileFactory(user__first_name="Johanna", user__last_name="Secret")
    proposal = ProposalFactory(
        request=request,
        volunteer=volunteer,
        status=ProposalStatus.ACCEPTED,
        volunteer_contact="johanna@example.org",
        reasons={"languages": ["de"]},
    )
    before = client.get(_status_url("k2")).content.decode()
    assert "Johanna" in before
    assert "Secret" not in before
    assert "speaks German" in before
    assert "johanna@example.org" not in before
    assert 'value="confirm"' in before

    response = client.post(_status_url("k2"), {"action": "confirm"}, follow=True)

    html = response.content.decode()
    assert "johanna@example.org" in html
    assert 'value="confirm"' not in html
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CONFIRMED
    assert HelpRequest.objects.get(pk=request.pk).status == RequestStatus.MATCHED


def test_refusing_through_the_status_page(client):
    request = HelpRequestFactory(
        status=RequestStatus.PROPOSED, access_key_hash=help_request_key_hash("k3")
    )
    proposal = ProposalFactory(request=request, status=ProposalStatus.ACCEPTED)
    with mock.patch("lotse.engagement.services.matching.propose_next_best", return_value=None):
        response = client.post(_status_url("k3"), {"action": "refuse", "reason": "Lieber Frau"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REFUSED
    assert proposal.reason == "Lieber Frau"
    assert HelpRequest.objects.get(pk=request.pk).status == RequestStatus.OPEN


def test_answering_without_an_accepted_volunteer_changes_nothing(client):
    request = HelpRequestFactory(
        status=RequestStatus.PROPOSED, access_key_hash=help_request_key_hash("k4")
    )
    proposal = ProposalFactory(request=request)
    response = client.post(_status_url("k4"), {"action": "confirm"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED
