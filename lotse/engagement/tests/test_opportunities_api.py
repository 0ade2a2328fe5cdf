"""API of opportunities: public list (filters, query count) and detail, applying."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lotse.accounts.tests.factories import UserFactory
from lotse.core.choices import Topic
from lotse.engagement.choices import ApplicationStatus, OpportunityKind, OpportunityStatus
from lotse.engagement.models import Application
from lotse.engagement.tests.factories import OpportunityFactory
from lotse.notifications.models import Notification
from lotse.organisations.tests.factories import MembershipFactory, OrganisationFactory
from lotse.regions.models import Postcode
from lotse.volunteers.tests.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db
LIST = reverse("api:opportunity-list")


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def organisation(munich):
    return OrganisationFactory(districts=[munich])


@pytest.fixture
def opportunity(organisation):
    return OpportunityFactory(organisation=organisation, title="Lernpaten", languages=["de", "ar"])


@pytest.fixture
def volunteer_client(db) -> Client:
    client = Client()
    client.force_login(VolunteerProfileFactory().user)
    return client


def _apply_url(opportunity) -> str:
    return reverse("api:opportunity-apply", args=[opportunity.pk])


def test_public_list_without_contact_data(client, opportunity):
    OpportunityFactory(organisation=opportunity.organisation, status=OpportunityStatus.CLOSED)
    response = client.get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["title"] == "Lernpaten"
    assert row["district"] == "09162"
    assert row["postcode"] == "80331"
    assert row["languages"] == ["ar", "de"]
    assert row["places_left"] == 3
    assert row["contact_email"] is None and row["contact_name"] is None


def test_detail_shows_the_contact_to_logged_in_callers(volunteer_client, client, opportunity):
    url = reverse("api:opportunity-detail", args=[opportunity.pk])
    assert client.get(url).json()["contact_email"] is None
    assert volunteer_client.get(url).json()["contact_email"] == opportunity.contact_email


def test_filters(client, organisation, nuremberg):
    OpportunityFactory(organisation=organisation, title="München", topic=Topic.HEALTH)
    OpportunityFactory(
        organisation=OrganisationFactory(districts=[nuremberg]),
        title="Nürnberg",
        postcode=Postcode.objects.get(code="90402"),
    )

    def titles(params):
        response = client.get(LIST, params)
        assert response.status_code == 200, response.content
        return [row["title"] for row in response.json()["results"]]

    OpportunityFactory(
        organisation=organisation,
        title="Fest",
        kind=OpportunityKind.ONE_OFF,
        starts_at=timezone.now() + datetime.timedelta(days=5),
    )
    assert titles({"date": timezone.localdate().isoformat()}) == ["Fest"]
    assert titles({"online": "true"}) == []
    assert titles({"topic": "health"}) == ["München"]
    assert titles({"district": "09564"}) == ["Nürnberg"]
    assert titles({"district": "99999"}) == []
    assert titles({"near": "90402", "distance": 20}) == ["Nürnberg"]
    nearby = client.get(LIST, {"near": "80331"}).json()["results"]
    assert [row["title"] for row in nearby][-1] == "Nürnberg"
    assert [row["distance_km"] for row in nearby][:2] == [0.0, 0.0]
    assert nearby[-1]["distance_km"] > 100


def test_online_opportunities_have_no_distance(client, organisation, munich):
    OpportunityFactory(organisation=organisation, title="Vor Ort")
    OpportunityFactory(
        organisation=organisation, title="Online", is_online=True, postcode=None, district=munich
    )
    rows = client.get(LIST, {"near": "90402"}).json()["results"]
    assert [(row["title"], row["distance_km"] is None) for row in rows] == [
        ("Vor Ort", False),
        ("Online", True),
    ]


def test_bad_filter_is_a_400(client):
    response = client.get(LIST, {"near": "00000"})
    assert response.status_code == 400
    assert "near" in response.json()


def test_list_query_count_does_not_grow(client, organisation):
    def count():
        with CaptureQueriesContext(connection) as context:
            assert client.get(LIST, {"near": "80331", "distance": 50}).status_code == 200
        return len(context.captured_queries)

    OpportunityFactory.create_batch(3, organisation=organisation)
    few = count()
    OpportunityFactory.create_batch(27, organisation=organisation)
    assert count() == few


def test_volunteer_applies(volunteer_client, opportunity):
    member = MembershipFactory(organisation=opportunity.organisation).user
    response = volunteer_client.post(
        _apply_url(opportunity), {"message": "Gern!"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == ApplicationStatus.PENDING
    application = Application.objects.get()
    assert application.message == "Gern!"
    assert Notification.objects.filter(user=member, kind="engagement.application.new").exists()


def test_second_application_is_a_400_with_the_message(volunteer_client, opportunity):
    volunteer_client.post(_apply_url(opportunity), {}, content_type="application/json")
    response = volunteer_client.post(_apply_url(opportunity), {}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == ["You have already applied for this opportunity."]
    assert Application.objects.count() == 1


def test_closed_opportunity_is_a_400(volunteer_client, opportunity):
    opportunity.status = OpportunityStatus.CLOSED
    opportunity.save()
    response = volunteer_client.post(_apply_url(opportunity), {}, content_type="application/json")
    assert response.status_code == 400
    assert "closed" in response.json()["non_field_errors"][0]


def test_bad_message_is_a_400(volunteer_client, opportunity):
    for message in ("<script>alert(1)</script>", "x" * 2001):
        response = volunteer_client.post(
            _apply_url(opportunity), {"message": message}, content_type="application/json"
        )
        assert response.status_code == 400
        assert "message" in response.json()
    assert not Application.objects.exists()


def test_anonymous_and_non_volunteers_cannot_apply(client, opportunity):
    assert client.post(_apply_url(opportunity), {}).status_code == 403
    registered = Client()
    registered.force_login(UserFactory())
    response = registered.post(_apply_url(opportunity), {}, content_type="application/json")
    assert response.status_code == 400
    assert "volunteer profile" in response.json()["non_field_errors"][0]
    assert not Application.objects.exists()


def test_unknown_or_hidden_opportunity_is_a_404(volunteer_client, munich):
    hidden = OpportunityFactory(organisation=OrganisationFactory(is_published=False))
    url = reverse("api:opportunity-detail", args=[hidden.pk])
    assert volunteer_client.get(url).status_code == 404
    assert volunteer_client.post(_apply_url(hidden), {}).status_code == 404
