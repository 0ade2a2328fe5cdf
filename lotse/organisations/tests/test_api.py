"""The organisations API: public list and detail, PATCH for members."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lotse.core.choices import Topic
from lotse.core.models import AuditEvent
from lotse.organisations.models import Organisation, OrganisationTopic
from lotse.organisations.tests.factories import OrganisationFactory

LIST = reverse("api:organisation-list")


def detail_url(organisation: Organisation) -> str:
    return reverse("api:organisation-detail", kwargs={"slug": organisation.slug})


def slugs(response) -> list[str]:
    return [row["slug"] for row in response.json()["results"]]


@pytest.mark.django_db
class TestList:
    @pytest.fixture(autouse=True)
    def _data(self, organisation, other_organisation):
        OrganisationTopic.objects.create(organisation=other_organisation, topic=Topic.HEALTH)
        OrganisationFactory(name="Versteckt", slug="versteckt", is_published=False)

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("", ["bruecke-nuernberg", "miteinander-muenchen"]),
            ("district=09162", ["miteinander-muenchen"]),
            ("district=99999", []),
            ("topic=health", ["bruecke-nuernberg"]),
            ("search=brücke", ["bruecke-nuernberg"]),
            ("kind=school", []),
            ("language=ar", []),
        ],
    )
    def test_filters(self, client, query, expected):
        response = client.get(f"{LIST}?{query}")
        assert response.status_code == 200
        assert slugs(response) == expected

    def test_row_shape(self, client, organisation):
        row = client.get(f"{LIST}?district=09162").json()["results"][0]
        assert row == {
            "slug": "miteinander-muenchen",
            "name": "Miteinander München e.V.",
            "kind": "migrant_organisation",
            "description": organisation.description,
            "districts": ["09162"],
            "topics": [],
            "languages": [],
            "website": "",
            "contact_name": "",
            "contact_email": organisation.contact_email,
            "contact_phone": "",
            "street": "",
            "postcode": None,
            "city": "",
            "is_published": True,
        }


@pytest.mark.django_db
def test_list_query_count_is_constant(client, munich):
    OrganisationFactory(districts=[munich])
    with CaptureQueriesContext(connection) as one_row:
        client.get(LIST)
    for _ in range(29):
        OrganisationFactory(districts=[munich])
    with CaptureQueriesContext(connection) as thirty_rows:
        assert len(client.get(LIST).json()["results"]) == 30
    assert len(thirty_rows) == len(one_row)


@pytest.mark.django_db
class TestDetail:
    def test_public(self, client, organisation):
        assert client.get(detail_url(organisation)).json()["name"] == "Miteinander München e.V."

    def test_unpublished_only_for_members(
        self, client, member_client, other_admin_client, organisation
    ):
        organisation.is_published = False
        organisation.save()
        assert client.get(detail_url(organisation)).status_code == 404
        assert other_admin_client.get(detail_url(organisation)).status_code == 404
        assert member_client.get(detail_url(organisation)).status_code == 200


@pytest.mark.django_db
class TestPatch:
    def test_member_changes_profile_through_the_service(
        self, member_client, member, organisation, nuremberg
    ):
        response = member_client.patch(
            detail_url(organisation),
            {
                "city": "München",
                "districts": ["09162", "09564"],
                "topics": ["work"],
                "postcode": "80331",
            },
            content_type="application/json",
        )
        assert response.status_code == 200, response.json()
        assert response.json()["districts"] == ["09162", "09564"]
        assert response.json()["postcode"] == "80331"
        organisation.refresh_from_db()
        assert organisation.city == "München"
        event = AuditEvent.objects.get(action="organisations.organisation.changed")
        assert (event.actor, event.via) == (member, "api")
        assert event.changed_fields == ["city", "districts", "postcode", "topics"]

    def test_member_of_other_organisation_gets_404_and_nothing_changes(
        self, other_admin_client, organisation
    ):
        response = other_admin_client.patch(
            detail_url(organisation), {"name": "Gekapert"}, content_type="application/json"
        )
        assert response.status_code == 404
        organisation.refresh_from_db()
        assert organisation.name == "Miteinander München e.V."
        assert not AuditEvent.objects.exists()

    def test_anonymous_gets_403(self, organisation):
        response = Client().patch(
            detail_url(organisation), {"name": "Gekapert"}, content_type="application/json"
        )
        assert response.status_code == 403
        organisation.refresh_from_db()
        assert organisation.name == "Miteinander München e.V."

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"postcode": "99999"}, "postcode"),
            ({"website": "javascript:alert(1)"}, "website"),
            ({"description": "<script>alert(1)</script>"}, "description"),
            ({"description": "a" * 6000}, "description"),
            ({"contact_phone": "089;1"}, "contact_phone"),
            ({"districts": []}, "districts"),
            ({"topics": ["magic"]}, "topics"),
        ],
    )
    def test_bad_input_is_refused(self, member_client, organisation, payload, field):
        response = member_client.patch(
            detail_url(organisation), payload, content_type="application/json"
        )
        assert response.status_code == 400
        assert field in response.json()
        assert not AuditEvent.objects.exists()

    def test_put_is_not_offered(self, member_client, organisation):
        response = member_client.put(
            detail_url(organisation), {"name": "X"}, content_type="application/json"
        )
        assert response.status_code == 405
