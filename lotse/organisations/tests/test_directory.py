"""The public directory: filters, pagination, htmx partial, query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lotse.core.choices import Language, Topic
from lotse.organisations.choices import OrganisationKind
from lotse.organisations.models import OrganisationLanguage, OrganisationTopic
from lotse.organisations.tests.factories import OrganisationFactory

URL = reverse("organisations:directory")


def names(response) -> list[str]:
    return [organisation.name for organisation in response.context["page_obj"]]


@pytest.fixture
def directory(munich, nuremberg):
    """Given four organisations with different kinds, districts, topics and languages."""
    alpha = OrganisationFactory(
        name="Alpha Migrantenverein", kind=OrganisationKind.MIGRANT_ORGANISATION, districts=[munich]
    )
    OrganisationTopic.objects.create(organisation=alpha, topic=Topic.HEALTH)
    OrganisationLanguage.objects.create(organisation=alpha, language=Language.ARABIC)
    beta = OrganisationFactory(
        name="Beta Freiwilligenagentur",
        kind=OrganisationKind.VOLUNTEER_AGENCY,
        districts=[munich, nuremberg],
    )
    OrganisationTopic.objects.create(organisation=beta, topic=Topic.HOUSING)
    OrganisationLanguage.objects.create(organisation=beta, language=Language.UKRAINIAN)
    gamma = OrganisationFactory(
        name="Gamma Beirat", kind=OrganisationKind.ADVISORY_COUNCIL, districts=[nuremberg]
    )
    OrganisationTopic.objects.create(organisation=gamma, topic=Topic.HEALTH)
    OrganisationLanguage.objects.create(organisation=gamma, language=Language.UKRAINIAN)
    OrganisationFactory(name="Delta unveröffentlicht", is_published=False, districts=[munich])


@pytest.mark.django_db
class TestFilters:
    def test_lists_only_published_organisations_by_name(self, client, directory):
        response = client.get(URL)
        assert response.status_code == 200
        assert names(response) == [
            "Alpha Migrantenverein",
            "Beta Freiwilligenagentur",
            "Gamma Beirat",
        ]
        assert "Delta" not in response.content.decode()

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("kind=volunteer_agency", ["Beta Freiwilligenagentur"]),
            ("district=muenchen", ["Alpha Migrantenverein", "Beta Freiwilligenagentur"]),
            ("district=nuernberg", ["Beta Freiwilligenagentur", "Gamma Beirat"]),
            ("topic=health", ["Alpha Migrantenverein", "Gamma Beirat"]),
            ("language=uk", ["Beta Freiwilligenagentur", "Gamma Beirat"]),
            ("q=beirat", ["Gamma Beirat"]),
            ("topic=health&language=uk&district=nuernberg", ["Gamma Beirat"]),
            ("topic=housing&kind=migrant_organisation", []),
        ],
    )
    def test_filter(self, client, directory, query, expected):
        response = client.get(f"{URL}?{query}")
        assert names(response) == expected

    def test_unknown_filter_values_are_ignored(self, client, directory):
        response = client.get(f"{URL}?kind=nonsense&district=atlantis")
        assert response.status_code == 200
        assert len(names(response)) == 3

    def test_htmx_request_gets_only_the_results(self, client, directory):
        response = client.get(f"{URL}?topic=health", headers={"HX-Request": "true"})
        body = response.content.decode()
        assert "Alpha Migrantenverein" in body
        assert "<form" not in body
        assert "<html" not in body


@pytest.mark.django_db
def test_pagination_shows_24_per_page(client, munich):
    for number in range(30):
        OrganisationFactory(name=f"Verein {number:02d}", districts=[munich])
    first = client.get(URL)
    second = client.get(f"{URL}?page=2")
    assert len(names(first)) == 24
    assert names(second) == [f"Verein {number:02d}" for number in range(24, 30)]


def _create(count: int, districts) -> None:
    for number in range(count):
        organisation = OrganisationFactory(name=f"Verein {number:02d}", districts=districts)
        OrganisationTopic.objects.create(organisation=organisation, topic=Topic.HEALTH)
        OrganisationLanguage.objects.create(organisation=organisation, language=Language.TURKISH)


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "?district=muenchen&topic=health&language=tr&q=Verein"])
def test_query_count_is_constant(client, munich, nuremberg, query):
    _create(1, [munich, nuremberg])
    with CaptureQueriesContext(connection) as one_row:
        assert client.get(URL + query).status_code == 200
    _create(29, [munich, nuremberg])
    with CaptureQueriesContext(connection) as thirty_rows:
        response = client.get(URL + query)
    assert len(names(response)) == 24
    assert len(thirty_rows) == len(one_row)
    assert len(one_row) <= 7
