"""Proposal pages and API: the volunteer's "my proposals" (never the newcomer's contact before
confirmation), answers, the coordinators' review, and the help-request API."""

from __future__ import annotations

from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from lotse.accounts.roles import Role
from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from lotse.conftest import login_verified
from lotse.core.models import AuditEvent
from lotse.engagement.choices import ProposalStatus, RequestStatus
from lotse.engagement.models import HelpRequest, Proposal
from lotse.engagement.selectors.requests import help_request_key_hash
from lotse.engagement.tests.factories import (
    HelpRequestFactory,
    PatenschaftFactory,
    ProposalFactory,
)
from lotse.organisations.tests.factories import MembershipFactory
from lotse.regions.models import Postcode
from lotse.volunteers.tests.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db

CONTACT = "+49 151 55500011"
NAME = "Yasminah"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def no_next_best():
    with mock.patch("lotse.engagement.services.matching.propose_next_best", return_value=None):
        yield


@pytest.fixture
def volunteer():
    return VolunteerProfileFactory(user__first_name="Jonas")


@pytest.fixture
def volunteer_client(volunteer):
    client = Client()
    client.force_login(volunteer.user)
    return client


@pytest.fixture
def proposal(volunteer):
    request = HelpRequestFactory(
        status=RequestStatus.PROPOSED, first_name=NAME, contact_value=CONTACT
    )
    return ProposalFactory(
        request=request, volunteer=volunteer, reasons={"languages": ["de"], "distance_km": 1.5}
    )


@pytest.fixture
def coordinator(munich):
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=Role.COORDINATOR, district=munich)
    return user


@pytest.fixture
def coordinator_client(coordinator):
    return login_verified(Client(), coordinator)


def _private(html: str) -> None:
    assert CONTACT not in html
    assert NAME not in html


# --- volunteer pages -------------------------------------------------------------------------


def test_my_proposals_lists_sent_ones_but_never_suggestions(volunteer_client, volunteer, proposal):
    ProposalFactory(volunteer=volunteer, status=ProposalStatus.SUGGESTED)
    ProposalFactory()  # someone else's
    response = volunteer_client.get(reverse("engagement:proposal_list"))
    assert [row["proposal"] for row in response.context["rows"]] == [proposal]
    _private(response.content.decode())


def test_proposal_detail_shows_the_request_without_contact_data(volunteer_client, proposal):
    response = volunteer_client.get(reverse("engagement:proposal_detail", args=[proposal.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert proposal.request.needs in html
    assert "speaks German" in html
    assert "München" in html
    assert reverse("engagement:proposal_accept", args=[proposal.pk]) in html
    _private(html)
    for name in ("proposal_accept", "proposal_decline"):
        _private(
            volunteer_client.get(reverse(f"engagement:{name}", args=[proposal.pk])).content.decode()
        )


def test_suggestions_and_other_volunteers_proposals_are_404(volunteer_client, volunteer):
    suggestion = ProposalFactory(volunteer=volunteer, status=ProposalStatus.SUGGESTED)
    foreign = ProposalFactory()
    for pk in (suggestion.pk, foreign.pk):
        assert (
            volunteer_client.get(reverse("engagement:proposal_detail", args=[pk])).status_code
            == 404
        )


def test_accepting_through_the_page(volunteer_client, proposal):
    url = reverse("engagement:proposal_accept", args=[proposal.pk])
    bad = volunteer_client.post(url, {"volunteer_contact": ""})
    assert "how the newcomer can reach you" in bad.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.PROPOSED

    response = volunteer_client.post(url, {"volunteer_contact": "0170 1234567"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    assert proposal.volunteer_contact == "0170 1234567"
    # Still no newcomer contact after accepting: the newcomer has to confirm first.
    _private(volunteer_client.get(response["Location"]).content.decode())


def test_a_lost_race_is_shown_as_a_clear_message(volunteer_client, proposal):
    ProposalFactory(request=proposal.request, status=ProposalStatus.ACCEPTED)
    response = volunteer_client.post(
        reverse("engagement:proposal_accept", args=[proposal.pk]), {"volunteer_contact": "x"}
    )
    assert response.status_code == 200
    assert "Another volunteer was faster" in response.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.PROPOSED


def test_another_volunteer_cannot_answer(proposal, no_next_best):
    intruder = Client()
    intruder.force_login(VolunteerProfileFactory().user)
    for name, data in (("proposal_accept", {"volunteer_contact": "x"}), ("proposal_decline", {})):
        response = intruder.post(reverse(f"engagement:{name}", args=[proposal.pk]), data)
        assert response.status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED
    assert not AuditEvent.objects.exists()


def test_declining_through_the_page(volunteer_client, proposal, no_next_best):
    response = volunteer_client.post(
        reverse("engagement:proposal_decline", args=[proposal.pk]), {"reason": "Umzug"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reason) == (ProposalStatus.DECLINED, "Umzug")


def test_a_confirmed_proposal_links_to_the_patenschaft(volunteer_client, volunteer):
    patenschaft = PatenschaftFactory(proposal__volunteer=volunteer)
    response = volunteer_client.get(
        reverse("engagement:proposal_detail", args=[patenschaft.proposal.pk])
    )
    assert reverse("engagement:patenschaft_detail", args=[patenschaft.pk]) in (
        response.content.decode()
    )


# --- coordinators ----------------------------------------------------------------------------


def test_coordinator_sends_and_rejects_suggestions(coordinator_client):
    request = HelpRequestFactory(status=RequestStatus.PROPOSED)
    first = ProposalFactory(request=request, status=ProposalStatus.SUGGESTED)
    second = ProposalFactory(request=request, status=ProposalStatus.SUGGESTED)

    detail = coordinator_client.get(reverse("engagement:request_detail", args=[request.pk]))
    assert reverse("engagement:proposal_send", args=[first.pk]) in detail.content.decode()

    send = reverse("engagement:proposal_send", args=[first.pk])
    assert coordinator_client.get(send).status_code == 200
    assert coordinator_client.post(send).status_code == 302
    assert Proposal.objects.get(pk=first.pk).status == ProposalStatus.PROPOSED

    reject = reverse("engagement:proposal_reject", args=[second.pk])
    without_reason = coordinator_client.post(reject, {"reason": ""})
    assert "Please give a reason" in without_reason.content.decode()
    assert Proposal.objects.get(pk=second.pk).status == ProposalStatus.SUGGESTED
    assert coordinator_client.post(reject, {"reason": "Passt nicht"}).status_code == 302
    assert Proposal.objects.get(pk=second.pk).status == ProposalStatus.REJECTED


def test_coordinator_confirms_for_the_newcomer(coordinator_client):
    proposal = ProposalFactory(status=ProposalStatus.ACCEPTED)
    url = reverse("engagement:proposal_newcomer_answer", args=[proposal.pk])
    assert coordinator_client.get(url).status_code == 200
    assert coordinator_client.post(url, {"action": "confirm"}).status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.CONFIRMED
    assert HelpRequest.objects.get(pk=proposal.request_id).status == RequestStatus.MATCHED


def test_coordinator_refuses_for_the_newcomer(coordinator_client, no_next_best):
    proposal = ProposalFactory(status=ProposalStatus.ACCEPTED)
    url = reverse("engagement:proposal_newcomer_answer", args=[proposal.pk])
    assert coordinator_client.post(url, {"action": "refuse", "reason": ""}).status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.REFUSED


def test_other_coordinators_cannot_review(nuremberg):
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=Role.COORDINATOR, district=nuremberg)
    client = login_verified(Client(), user)
    suggestion = ProposalFactory(status=ProposalStatus.SUGGESTED)
    for name in ("proposal_send", "proposal_reject", "proposal_newcomer_answer"):
        url = reverse(f"engagement:{name}", args=[suggestion.pk])
        assert client.post(url, {"reason": "x", "action": "confirm"}).status_code == 404
    assert Proposal.objects.get(pk=suggestion.pk).status == ProposalStatus.SUGGESTED


# --- API -------------------------------------------------------------------------------------


def test_api_proposals_are_the_callers_own_without_newcomer_contact(volunteer_client, proposal):
    ProposalFactory(volunteer=proposal.volunteer, status=ProposalStatus.SUGGESTED)
    ProposalFactory()
    response = volunteer_client.get(reverse("api:proposal-list"))
    assert response.status_code == 200
    body = response.json()
    assert [row["id"] for row in body["results"]] == [proposal.pk]
    assert body["results"][0]["request"]["topic"] == proposal.request.topic
    assert body["results"][0]["reasons"] == ["speaks German", "1.5 km away"]
    _private(response.content.decode())


def test_api_accept_and_decline(volunteer_client, volunteer, proposal, no_next_best):
    url = reverse("api:proposal-accept", args=[proposal.pk])
    assert volunteer_client.post(url, {"volunteer_contact": "<b>x</b>"}).status_code == 400
    response = volunteer_client.post(url, {"volunteer_contact": "0170 1234567"})
    assert response.status_code == 200
    assert response.json()["status"] == ProposalStatus.ACCEPTED
    _private(response.content.decode())
    again = volunteer_client.post(url, {"volunteer_contact": "0170 1234567"})
    assert again.status_code == 400

    other = ProposalFactory(volunteer=volunteer)
    declined = volunteer_client.post(reverse("api:proposal-decline", args=[other.pk]), {})
    assert declined.status_code == 200
    assert Proposal.objects.get(pk=other.pk).status == ProposalStatus.DECLINED


def test_api_answers_to_someone_elses_proposal_are_404(proposal):
    client = Client()
    client.force_login(VolunteerProfileFactory().user)
    for name in ("api:proposal-accept", "api:proposal-decline"):
        response = client.post(reverse(name, args=[proposal.pk]), {"volunteer_contact": "x"})
        assert response.status_code == 404
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.PROPOSED


def test_api_help_requests_for_coordinators_with_audited_detail(coordinator_client, coordinator):
    own = HelpRequestFactory(contact_value=CONTACT)
    foreign = HelpRequestFactory(postcode=Postcode.objects.get(code="90402"))

    listing = coordinator_client.get(reverse("api:help-request-list"))
    assert [row["id"] for row in listing.json()["results"]] == [own.pk]

    detail = coordinator_client.get(reverse("api:help-request-detail", args=[own.pk]))
    assert detail.json()["contact_value"] == CONTACT
    assert AuditEvent.objects.filter(
        action="engagement.request.viewed", actor=coordinator, via="api"
    ).exists()
    missing = coordinator_client.get(reverse("api:help-request-detail", args=[foreign.pk]))
    assert missing.status_code == 404


def test_api_enter_on_behalf_returns_the_status_link_once(client):
    member = MembershipFactory().user
    client.force_login(member)
    payload = {
        "first_name": "Amal",
        "contact_channel": "phone",
        "contact_value": "0151 2345678",
        "postcode": "80331",
        "languages": ["ar"],
        "topic": "health",
        "needs": "Arzttermin",
        "preferred_times": ["0-0"],
        "urgency": "high",
        "consent": True,
        "form_language": "ar",
    }
    response = client.post(
        reverse("api:help-request-list"), payload, content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    key = body["status_url"].rstrip("/").rsplit("/", 1)[-1]
    request = HelpRequest.objects.get(pk=body["id"])
    assert request.access_key_hash == help_request_key_hash(key)
    assert (request.entered_by, request.form_language) == (member, "ar")

    bad = client.post(
        reverse("api:help-request-list"),
        payload | {"postcode": "12", "consent": False},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert {"postcode", "consent"} <= set(bad.json())
    assert HelpRequest.objects.count() == 1


def test_api_enter_on_behalf_is_refused_for_volunteers(volunteer_client):
    response = volunteer_client.post(
        reverse("api:help-request-list"), {"first_name": "A"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not HelpRequest.objects.exists()


@pytest.mark.parametrize("rows", [3, 30])
def test_my_proposals_use_a_constant_number_of_queries(
    volunteer_client, volunteer, django_assert_max_num_queries, rows
):
    for index in range(rows):
        ProposalFactory(
            volunteer=volunteer,
            request=HelpRequestFactory(
                status=RequestStatus.PROPOSED, languages=["ar", "de", "fa"][: 1 + index % 3]
            ),
        )
    volunteer_client.get(reverse("engagement:proposal_list"))
    with django_assert_max_num_queries(9):
        response = volunteer_client.get(reverse("engagement:proposal_list"))
    assert len(response.context["rows"]) == min(rows, 25)
    with django_assert_max_num_queries(8):
        assert volunteer_client.get(reverse("api:proposal-list")).status_code == 200
