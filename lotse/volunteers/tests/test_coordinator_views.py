"""The coordinators' pages: the district list with its filters, and the volunteer detail."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from lotse.accounts.roles import Role
from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from lotse.conftest import login_verified
from lotse.core.availability import mask_from_cells
from lotse.core.choices import LanguageLevel, Topic
from lotse.core.models import AuditEvent
from lotse.regions.models import Postcode
from lotse.volunteers.tests.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db
LIST = "volunteers:district_list"


def _volunteer(first_name, last_name, code="80331", **kwargs):
    postcode = Postcode.objects.get(code=code)
    return VolunteerProfileFactory(
        user=UserFactory(first_name=first_name, last_name=last_name),
        postcode=postcode,
        district=kwargs.pop("district", postcode.district),
        **kwargs,
    )


def _names(response):
    """The volunteers' names in the result table, in order."""
    html = response.content.decode()
    return re.findall(r'href="/volunteers/\d+/">([^<]+)</a>', html)


@pytest.fixture
def people(munich, nuremberg):
    return {
        "anna": _volunteer(
            "Anna",
            "Adler",
            languages=[("de", LanguageLevel.NATIVE), ("uk", LanguageLevel.GOOD)],
            topics=[Topic.HEALTH],
            availability=mask_from_cells([(1, 2)]),
        ),
        "bora": _volunteer(
            "Bora",
            "Berg",
            code="81669",
            languages=[("tr", LanguageLevel.NATIVE)],
            topics=[Topic.HEALTH, Topic.HOUSING],
            availability=mask_from_cells([(0, 0), (1, 0)]),
        ),
        "carl": _volunteer(
            "Carl",
            "Christ",
            code="80333",
            languages=[("de", LanguageLevel.NATIVE)],
            topics=[Topic.WORK],
            availability=0,
        ),
        # Another district: never visible to the Munich coordinator.
        "nina": _volunteer(
            "Nina",
            "Nürnberger",
            code="90402",
            languages=[("uk", LanguageLevel.NATIVE)],
            topics=[Topic.HEALTH],
            availability=mask_from_cells([(1, 2)]),
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Anna Adler", "Bora Berg", "Carl Christ"]),
        ({"topic": "health"}, ["Anna Adler", "Bora Berg"]),
        ({"topic": "housing"}, ["Bora Berg"]),
        ({"topic": "interpreting"}, []),
        ({"language": "uk"}, ["Anna Adler"]),
        ({"language": "de"}, ["Anna Adler", "Carl Christ"]),
        ({"available": "1-2"}, ["Anna Adler"]),
        ({"available": "1-0"}, ["Bora Berg"]),
        ({"available": "6-2"}, []),
        ({"q": "berg"}, ["Bora Berg"]),
        ({"q": "anna adler"}, ["Anna Adler"]),
        ({"q": "Nina"}, []),
        ({"topic": "health", "language": "tr"}, ["Bora Berg"]),
        # Carl is 1.1 km away, Bora 2.7 km, Anna 0 km.
        ({"near": "80331"}, ["Anna Adler", "Carl Christ", "Bora Berg"]),
        ({"near": "80331", "distance": "2"}, ["Anna Adler", "Carl Christ"]),
        ({"near": "81669", "distance": "1"}, ["Bora Berg"]),
        # An unknown postcode does not filter; the page says why.
        ({"near": "00000"}, ["Anna Adler", "Bora Berg", "Carl Christ"]),
    ],
)
def test_filters(coordinator_client, people, query, expected):
    response = coordinator_client.get(reverse(LIST), query)
    assert response.status_code == 200
    assert _names(response) == expected


def test_unknown_postcode_is_explained(coordinator_client, people):
    response = coordinator_client.get(reverse(LIST), {"near": "00000"})
    assert "We do not know this postcode." in response.content.decode()


def test_distance_column_only_with_a_postcode(coordinator_client, people):
    plain = coordinator_client.get(reverse(LIST)).content.decode()
    assert ">Distance<" not in plain
    near = coordinator_client.get(reverse(LIST), {"near": "80331"}).content.decode()
    assert ">Distance<" in near
    assert "1.1 km" in near
    assert "2.7 km" in near


@pytest.fixture
def bavarian_coordinator(munich, nuremberg, freising):
    user = UserFactory()
    for district in (munich, nuremberg, freising):
        RoleAssignmentFactory(user=user, role=Role.COORDINATOR, district=district)
    return login_verified(Client(), user)


def test_distance_filter_with_real_postcodes(bavarian_coordinator):
    _volunteer("Mia", "München", code="80331")
    _volunteer("Fritz", "Freising", code="85354")
    _volunteer("Nora", "Nürnberg", code="90402")

    def names(**query):
        return _names(bavarian_coordinator.get(reverse(LIST), query))

    # Freising is about 30 km from Munich's centre, Nuremberg about 150 km.
    assert names(near="80331", distance="10") == ["Mia München"]
    assert names(near="80331", distance="40") == ["Mia München", "Fritz Freising"]
    assert names(near="80331", distance="200") == ["Mia München", "Fritz Freising", "Nora Nürnberg"]
    assert names(near="90402", distance="200") == ["Nora Nürnberg", "Fritz Freising", "Mia München"]
    assert names(near="85354", distance="25") == ["Fritz Freising"]


def test_district_filter_for_several_districts(bavarian_coordinator, freising):
    _volunteer("Mia", "München", code="80331")
    _volunteer("Fritz", "Freising", code="85354")
    html = bavarian_coordinator.get(reverse(LIST)).content.decode()
    assert 'name="district"' in html
    response = bavarian_coordinator.get(reverse(LIST), {"district": freising.pk})
    assert _names(response) == ["Fritz Freising"]


def test_district_filter_is_hidden_for_one_district(coordinator_client, people):
    html = coordinator_client.get(reverse(LIST)).content.decode()
    assert 'name="district"' not in html


def test_foreign_district_in_the_filter_shows_nothing_of_it(coordinator_client, people, nuremberg):
    response = coordinator_client.get(reverse(LIST), {"district": nuremberg.pk})
    assert "Nina" not in response.content.decode()


def test_htmx_gets_only_the_results(coordinator_client, people):
    response = coordinator_client.get(reverse(LIST), {"topic": "housing"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert _names(response) == ["Bora Berg"]


def test_pagination(coordinator_client, munich):
    for index in range(27):
        _volunteer("Person", f"Nummer{index:02d}")
    first = coordinator_client.get(reverse(LIST))
    second = coordinator_client.get(reverse(LIST), {"page": 2})
    assert len(_names(first)) == 25
    assert _names(second) == ["Person Nummer25", "Person Nummer26"]
    assert "27 volunteers" in first.content.decode()
    assert "Page 1 of 2" in first.content.decode()


def _count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("query", ["", "?near=80331&distance=50&language=de&topic=health"])
def test_list_query_count_does_not_grow(
    coordinator_client, munich, query, django_assert_max_num_queries
):
    url = reverse(LIST) + query
    _volunteer("Erste", "Person", topics=[Topic.HEALTH])
    one = _count_queries(coordinator_client, url)
    for index in range(29):
        _volunteer(
            "Weitere",
            f"Person{index}",
            topics=[Topic.HEALTH, Topic.WORK],
            languages=[("de", LanguageLevel.NATIVE), ("en", LanguageLevel.GOOD)],
        )
    thirty = _count_queries(coordinator_client, url)
    assert one == thirty
    assert len(_names(coordinator_client.get(url))) == 25


@pytest.mark.parametrize("actor", ["volunteer", "registered", "org_member"])
def test_non_coordinators_get_404_on_the_list(actor, people):
    user = people["anna"].user if actor == "volunteer" else UserFactory()
    client = Client()
    client.force_login(user)
    assert client.get(reverse(LIST)).status_code == 404


# --- detail ----------------------------------------------------------------------------------


def test_coordinator_sees_full_profile_and_the_view_is_audited(
    coordinator_client, coordinator, people
):
    anna = people["anna"]
    response = coordinator_client.get(reverse("volunteers:detail", args=[anna.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert anna.user.email in html
    assert "Tuesday evening" in html
    assert "Ukrainian" in html
    event = AuditEvent.objects.get()
    assert event.action == "volunteers.profile.viewed"
    assert event.actor == coordinator
    assert event.subject == anna.user
    assert event.via == "web"
    assert event.object_id == str(anna.pk)


def test_other_coordinator_gets_404_and_nothing_is_audited(other_coordinator_client, people):
    response = other_coordinator_client.get(reverse("volunteers:detail", args=[people["anna"].pk]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="volunteers.profile.viewed").exists()


def test_volunteer_cannot_open_the_detail_of_anyone(people):
    client = Client()
    client.force_login(people["anna"].user)
    for person in ("anna", "bora"):
        assert client.get(reverse("volunteers:detail", args=[people[person].pk])).status_code == 404
    assert not AuditEvent.objects.exists()


def test_unknown_pk_is_404(coordinator_client, people):
    assert coordinator_client.get(reverse("volunteers:detail", args=[999999])).status_code == 404
