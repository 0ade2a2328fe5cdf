"""Pages and API of Patenschaften: the volunteer's own, the coordinators' list, detail, check-in,
end; 404 across districts; constant queries."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from lotse.core.models import AuditEvent
from lotse.engagement.choices import PatenschaftStatus, RequestStatus
from lotse.engagement.models import CheckIn

from .patenschaften_support import (
    NUREMBERG_CODE,
    coordinator,
    patenschaft,
    staff_client,
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


def _detail(target):
    return reverse("engagement:patenschaft_detail", args=[target.pk])


def test_volunteer_sees_own_list_and_the_agreed_contact(anna, running):
    client = user_client(anna.user)
    listing = client.get(reverse("engagement:patenschaft_list")).content.decode()
    assert running.request.first_name in listing
    html = client.get(_detail(running)).content.decode()
    request = running.request
    assert request.first_name in html
    assert request.contact_value in html
    assert "Phone call" in html
    assert "Briefe verstehen" in html  # the needs
    assert "Arabic" in html  # a language
    assert "Send check-in" in html
    assert not AuditEvent.objects.filter(action="engagement.patenschaft.viewed").exists()


def test_others_get_404(anna, running, nuremberg):
    for client in (
        user_client(volunteer().user),
        staff_client(coordinator(nuremberg)),
    ):
        assert client.get(_detail(running)).status_code == 404
        assert (
            client.get(reverse("engagement:patenschaft_end", args=[running.pk])).status_code == 404
        )
        assert (
            client.post(
                reverse("engagement:patenschaft_end", args=[running.pk]), {"reason": "other"}
            ).status_code
            == 404
        )
    running.refresh_from_db()
    assert running.status == PatenschaftStatus.ACTIVE


def test_coordinator_detail_is_audited(anna, running, munich):
    lotsin = coordinator(munich)
    html = staff_client(lotsin).get(_detail(running)).content.decode()
    assert "Anna Berg" in html
    assert "Send check-in" not in html  # only the volunteer checks in
    event = AuditEvent.objects.get(action="engagement.patenschaft.viewed")
    assert event.actor == lotsin
    assert event.subject == anna.user


def test_check_in_form_only_for_the_volunteer(anna, running, munich):
    url = reverse("engagement:patenschaft_check_in", args=[running.pk])
    assert staff_client(coordinator(munich)).get(url).status_code == 404
    client = user_client(anna.user)
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"still_active": "yes", "has_problems": "yes", "note": "Wohnungssuche schwierig"}
    )
    assert response.status_code == 302
    check_in = CheckIn.objects.get()
    assert check_in.has_problems and check_in.still_active
    running.refresh_from_db()
    assert running.last_check_in_at is not None


def test_end_via_the_page_closes_the_request(anna, running):
    client = user_client(anna.user)
    url = reverse("engagement:patenschaft_end", args=[running.pk])
    bad = client.post(url, {"reason": "goal_reached", "ended_on": "2000-01-01"})
    assert bad.status_code == 200
    assert "before the Patenschaft started" in bad.content.decode()
    response = client.post(url, {"reason": "goal_reached", "note": "Geschafft"})
    assert response.status_code == 302
    running.refresh_from_db()
    assert running.status == PatenschaftStatus.ENDED
    running.request.refresh_from_db()
    assert running.request.status == RequestStatus.CLOSED


def _rows(response):
    return re.findall(r'href="/engagement/patenschaften/(\d+)/"', response.content.decode())


def test_coordinator_list_sorted_by_silence_with_flag_as_text(munich, nuremberg):
    lotsin = coordinator(munich)
    now = timezone.now()
    recent = patenschaft(volunteer(), last_check_in_at=now - datetime.timedelta(days=2))
    silent = patenschaft(volunteer(), started_days_ago=100)
    middle = patenschaft(volunteer(), last_check_in_at=now - datetime.timedelta(days=40))
    ended = patenschaft(volunteer(), status=PatenschaftStatus.ENDED, started_days_ago=300)
    elsewhere = patenschaft(volunteer(NUREMBERG_CODE), code=NUREMBERG_CODE, started_days_ago=90)
    client = staff_client(lotsin)
    url = reverse("engagement:patenschaft_district_list")

    response = client.get(url)  # active by default
    assert _rows(response) == [str(silent.pk), str(middle.pk), str(recent.pk)]
    html = response.content.decode()
    assert html.count("Flagged: no check-in for 60 days or more") == 1
    assert str(elsewhere.pk) not in _rows(response)

    assert _rows(client.get(url, {"status": "", "flagged": "on"})) == [str(silent.pk)]
    assert _rows(client.get(url, {"status": "ended"})) == [str(ended.pk)]
    assert set(_rows(client.get(url, {"status": ""}))) == {
        str(p.pk) for p in (recent, silent, middle, ended)
    }
    partial = client.get(url, {"status": "active"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()
    assert _rows(partial) == [str(silent.pk), str(middle.pk), str(recent.pk)]


def test_list_pages_use_constant_queries(munich, django_assert_max_num_queries):
    lotsin = coordinator(munich)
    anna = volunteer()
    coordinator_client = staff_client(lotsin)
    volunteer_client = user_client(anna.user)

    def queries_for(count):
        for _ in range(count):
            patenschaft(anna)
        counts = []
        for client, name in (
            (coordinator_client, "engagement:patenschaft_district_list"),
            (volunteer_client, "engagement:patenschaft_list"),
            (volunteer_client, "api:patenschaft-list"),
            (coordinator_client, "api:patenschaft-list"),
        ):
            with django_assert_max_num_queries(16) as context:
                assert client.get(reverse(name)).status_code == 200
            counts.append(len(context.captured_queries))
        return counts

    assert queries_for(3) == queries_for(30)


# --- API ---------------------------------------------------------------------------------------


def test_api_lists_own_or_district_patenschaften(anna, running, munich, nuremberg):
    patenschaft(volunteer(NUREMBERG_CODE), code=NUREMBERG_CODE)
    own = user_client(anna.user).get(reverse("api:patenschaft-list")).json()
    assert [row["id"] for row in own["results"]] == [running.pk]
    assert own["results"][0]["contact_value"] == running.request.contact_value
    district = staff_client(coordinator(munich)).get(reverse("api:patenschaft-list")).json()
    assert [row["id"] for row in district["results"]] == [running.pk]
    other = staff_client(coordinator(nuremberg)).get(reverse("api:patenschaft-list")).json()
    assert running.pk not in [row["id"] for row in other["results"]]


def test_api_check_in(anna, running, munich, nuremberg):
    url = reverse("api:patenschaft-check-in", args=[running.pk])
    payload = {"still_active": False, "has_problems": False, "note": "Umgezogen"}
    assert staff_client(coordinator(nuremberg)).post(url, payload).status_code == 404
    assert staff_client(coordinator(munich)).post(url, payload).status_code == 403
    bad = user_client(anna.user).post(url, {"note": "<b>x</b>"}, content_type="application/json")
    assert bad.status_code == 400
    response = user_client(anna.user).post(url, payload, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["still_active"] is False
    assert CheckIn.objects.count() == 1
