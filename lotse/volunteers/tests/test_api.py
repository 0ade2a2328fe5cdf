"""The volunteers API: scoped like the UI, audited on retrieve, own profile via /me/."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lotse.accounts.tests.factories import UserFactory
from lotse.core.choices import LanguageLevel, Topic
from lotse.core.models import AuditEvent
from lotse.regions.models import Postcode
from lotse.volunteers.models import VolunteerProfile
from lotse.volunteers.tests.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna(munich):
    return VolunteerProfileFactory(
        user=UserFactory(first_name="Anna", last_name="Adler", email="anna@example.org"),
        languages=[("de", LanguageLevel.NATIVE), ("uk", LanguageLevel.GOOD)],
        topics=[Topic.HEALTH],
    )


@pytest.fixture
def nina(nuremberg):
    return VolunteerProfileFactory(
        user=UserFactory(first_name="Nina", last_name="Nürnberger"),
        postcode=Postcode.objects.get(code="90402"),
    )


def test_list_is_scoped_to_the_coordinators_district(coordinator_client, anna, nina):
    response = coordinator_client.get(reverse("api:volunteer-list"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == anna.pk
    assert row["email"] == "anna@example.org"
    assert row["district"] == "09162"
    assert row["languages"] == [
        {"language": "de", "level": "native"},
        {"language": "uk", "level": "good"},
    ]
    assert row["topics"] == ["health"]
    assert row["availability"] == ["1-2", "5-0"]
    assert row["distance_km"] is None
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("topic=health", ["Anna"]),
        ("topic=work", []),
        ("language=uk", ["Anna"]),
        ("available=1-2", ["Anna"]),
        ("available=2-2", []),
        ("q=adl", ["Anna"]),
        ("near=80331&distance=5", ["Anna"]),
        ("near=85354&distance=10", []),
        ("district=09162", ["Anna"]),
        ("district=09564", []),
    ],
)
def test_list_filters(coordinator_client, anna, nina, query, expected):
    response = coordinator_client.get(reverse("api:volunteer-list") + "?" + query)
    assert response.status_code == 200
    assert [row["first_name"] for row in response.json()["results"]] == expected


def test_distance_is_reported(coordinator_client, anna):
    response = coordinator_client.get(reverse("api:volunteer-list") + "?near=85354")
    assert response.json()["results"][0]["distance_km"] == pytest.approx(30.3, abs=0.2)


@pytest.mark.parametrize("query", ["near=00000", "topic=cooking", "available=9-9", "distance=0"])
def test_invalid_filters_are_400(coordinator_client, anna, query):
    response = coordinator_client.get(reverse("api:volunteer-list") + "?" + query)
    assert response.status_code == 400


def test_retrieve_is_audited_with_via_api(coordinator_client, coordinator, anna):
    response = coordinator_client.get(reverse("api:volunteer-detail", args=[anna.pk]))
    assert response.status_code == 200
    assert response.json()["last_name"] == "Adler"
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.subject, event.via) == (
        "volunteers.profile.viewed",
        coordinator,
        anna.user,
        "api",
    )


def test_other_coordinator_gets_404_and_nothing_is_audited(other_coordinator_client, anna):
    response = other_coordinator_client.get(reverse("api:volunteer-detail", args=[anna.pk]))
    assert response.status_code == 404
    assert not AuditEvent.objects.exists()
    listing = other_coordinator_client.get(reverse("api:volunteer-list")).json()
    assert listing["count"] == 0


def test_non_coordinators_get_403_for_list_and_detail(anna):
    client = Client()
    client.force_login(anna.user)
    assert client.get(reverse("api:volunteer-list")).status_code == 403
    assert client.get(reverse("api:volunteer-detail", args=[anna.pk])).status_code == 403
    assert client.get(reverse("api:volunteer-detail", args=[999999])).status_code == 403
    assert Client().get(reverse("api:volunteer-list")).status_code == 403
    assert not AuditEvent.objects.exists()


def test_api_list_query_count_does_not_grow(coordinator_client, munich):
    url = reverse("api:volunteer-list") + "?near=80331&distance=50"
    VolunteerProfileFactory()

    def count():
        with CaptureQueriesContext(connection) as context:
            assert coordinator_client.get(url).status_code == 200
        return len(context.captured_queries)

    one = count()
    for _index in range(29):
        VolunteerProfileFactory(languages=[("de", "native"), ("ar", "basic")])
    assert count() == one


# --- own profile -----------------------------------------------------------------------------


def _payload(**overrides):
    data = {
        "first_name": "Anna",
        "last_name": "Adler",
        "postcode": "90402",
        "travel_radius_km": 20,
        "district": "",
        "skills": "Kochen",
        "availability": ["0-0", "6-2"],
        "status": "paused",
        "languages": [{"language": "fa", "level": "native"}],
        "topics": ["leisure"],
        "roles": ["guide"],
    }
    return data | overrides


def test_own_profile_get_and_put(volunteer_client, volunteer_user, nuremberg):
    url = reverse("api:own-volunteer-profile")
    assert volunteer_client.get(url).status_code == 404

    response = volunteer_client.put(url, _payload(), content_type="application/json")

    assert response.status_code == 200, response.json()
    assert response.json()["district"] == "09564"
    assert response.json()["availability"] == ["0-0", "6-2"]
    profile = VolunteerProfile.objects.get(user=volunteer_user)
    assert profile.district == nuremberg
    assert profile.status == "paused"
    assert volunteer_client.get(url).json()["languages"] == [{"language": "fa", "level": "native"}]
    assert AuditEvent.objects.get().via == "api"


@pytest.mark.parametrize(
    "overrides",
    [
        {"postcode": "00000"},
        {"languages": [{"language": "de", "level": "native"}, {"language": "de", "level": "good"}]},
        {"languages": []},
        {"languages": [{"language": "xx", "level": "native"}]},
        {"availability": ["7-7"]},
        {"district": "99999"},
        {"skills": "<script>alert(1)</script>"},
    ],
)
def test_own_profile_put_invalid_is_400_and_saves_nothing(volunteer_client, overrides):
    response = volunteer_client.put(
        reverse("api:own-volunteer-profile"), _payload(**overrides), content_type="application/json"
    )
    assert response.status_code == 400
    assert VolunteerProfile.objects.count() == 0
    assert not AuditEvent.objects.exists()
