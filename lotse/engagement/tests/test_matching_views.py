"""Matching pages and API: who sees what, progress polling, the proposals of a run."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from lotse.accounts.roles import Role
from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from lotse.conftest import login_verified
from lotse.core.choices import LanguageLevel
from lotse.engagement.choices import MatchingRunStatus, ProposalOrigin, ProposalStatus
from lotse.engagement.models import MatchingRun, Proposal
from lotse.engagement.tests.factories import (
    HelpRequestFactory,
    MatchingRunFactory,
    ProposalFactory,
)
from lotse.volunteers.tests.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(munich):
    user = UserFactory(preferred_language="en")
    RoleAssignmentFactory(user=user, role=Role.COORDINATOR, district=munich)
    return user


@pytest.fixture
def other_coordinator(nuremberg):
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=Role.COORDINATOR, district=nuremberg)
    return user


@pytest.fixture
def client_of(client):
    def make(user):
        return login_verified(client, user)

    return make


def done_run(district, proposals: int = 0) -> MatchingRun:
    run = MatchingRunFactory(
        district=district,
        status=MatchingRunStatus.DONE,
        progress=100,
        stage="done",
        proposals_count=proposals,
    )
    for _ in range(proposals):
        ProposalFactory(
            run=run,
            status=ProposalStatus.SUGGESTED,
            origin=ProposalOrigin.ENGINE,
            proposed_at=None,
            respond_by=None,
            reasons={"languages": ["ar", "de"], "distance_km": 3.2, "waiting_days": 12},
        )
    return run


def test_overview_shows_counts_and_runs(client_of, coordinator, munich):
    HelpRequestFactory.create_batch(2)
    VolunteerProfileFactory.create_batch(3)
    run = done_run(munich, proposals=0)
    with translation.override("en"):
        response = client_of(coordinator).get(
            reverse("engagement:matching_overview"), HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(row["district"], row["requests"], row["volunteers"]) for row in rows] == [
        (munich, 2, 3)
    ]
    assert rows[0]["runs"] == [run]
    assert reverse("engagement:matching_run_detail", args=[run.pk]) in response.text


def test_overview_queries_do_not_grow_with_runs(
    client_of, coordinator, munich, django_assert_max_num_queries
):
    client = client_of(coordinator)
    url = reverse("engagement:matching_overview")
    for _ in range(2):
        done_run(munich)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for _ in range(10):
        done_run(munich)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["rows"][0]["runs"]) == 5


def test_run_now_starts_a_run_and_shows_it(
    client_of, coordinator, munich, django_capture_on_commit_callbacks
):
    HelpRequestFactory()
    VolunteerProfileFactory(languages=[("ar", LanguageLevel.NATIVE)])
    client = client_of(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("engagement:matching_overview"), {"district": munich.pk})
    run = MatchingRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("engagement:matching_run_detail", args=[run.pk])
    assert run.started_by == coordinator
    page = client.get(response.url)
    assert page.context["finished"] is True
    proposals = list(page.context["page_obj"])
    assert len(proposals) == 1
    assert reverse("engagement:proposal_send", args=[proposals[0].pk]) in page.text
    assert reverse("engagement:proposal_reject", args=[proposals[0].pk]) in page.text


def test_run_now_for_another_district_is_refused(client_of, coordinator, nuremberg):
    response = client_of(coordinator).post(
        reverse("engagement:matching_overview"), {"district": nuremberg.pk}
    )
    assert response.status_code == 302
    assert response.url == reverse("engagement:matching_overview")
    assert not MatchingRun.objects.exists()


def test_progress_partial_polls_while_running(client_of, coordinator, munich):
    run = MatchingRunFactory(
        district=munich, status=MatchingRunStatus.RUNNING, progress=42, stage="solving"
    )
    client = client_of(coordinator)
    url = reverse("engagement:matching_run_detail", args=[run.pk])
    page = client.get(url)
    assert 'hx-trigger="every 1s"' in page.text
    assert '<progress id="run-progress"' in page.text
    assert 'value="42"' in page.text
    assert "42 Prozent" in page.text
    assert "Beste Zuordnung wird berechnet" in page.text
    # A link refreshes the page without JavaScript.
    assert f'href="{url}"' in page.text
    partial = client.get(url, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert partial.text.lstrip().startswith('<div id="progress"')
    assert "<html" not in partial.text
    assert "HX-Refresh" not in partial.headers
    MatchingRun.objects.filter(pk=run.pk).update(status=MatchingRunStatus.DONE, progress=100)
    finished = client.get(url, HTTP_HX_REQUEST="true")
    assert finished.headers["HX-Refresh"] == "true"
    assert "hx-trigger" not in finished.text


def test_finished_run_lists_proposals_with_reasons(client_of, coordinator, munich):
    run = done_run(munich, proposals=2)
    client = client_of(coordinator)
    with translation.override("en"):
        page = client.get(
            reverse("engagement:matching_run_detail", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="en"
        )
    assert "hx-trigger" not in page.text
    assert len(page.context["page_obj"]) == 2
    assert page.context["page_obj"][0].reasons_line in page.text
    assert "speaks" in page.context["page_obj"][0].reasons_line


def test_run_detail_queries_are_constant(
    client_of, coordinator, munich, django_assert_max_num_queries
):
    client = client_of(coordinator)
    small = done_run(munich, proposals=3)
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("engagement:matching_run_detail", args=[small.pk]))
    large = done_run(munich, proposals=30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("engagement:matching_run_detail", args=[large.pk]))
    assert len(response.context["page_obj"]) == 25
    assert response.context["page_obj"].paginator.num_pages == 2


def test_other_districts_run_is_404(client_of, other_coordinator, munich):
    run = done_run(munich, proposals=1)
    client = client_of(other_coordinator)
    assert client.get(reverse("engagement:matching_run_detail", args=[run.pk])).status_code == 404
    partial = client.get(
        reverse("engagement:matching_run_detail", args=[run.pk]), HTTP_HX_REQUEST="true"
    )
    assert partial.status_code == 404


def test_volunteer_gets_404(client, munich):
    volunteer = VolunteerProfileFactory()
    client.force_login(volunteer.user)
    assert client.get(reverse("engagement:matching_overview")).status_code == 404
    assert (
        client.post(reverse("engagement:matching_overview"), {"district": munich.pk}).status_code
        == 404
    )
    assert not MatchingRun.objects.exists()


# --- API ---------------------------------------------------------------------------------------


def test_api_starts_a_run(client_of, coordinator, munich, django_capture_on_commit_callbacks):
    HelpRequestFactory()
    VolunteerProfileFactory(languages=[("ar", LanguageLevel.NATIVE)])
    client = client_of(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("api:matching-run-list"), {"district": "09162"}, content_type="application/json"
        )
    assert response.status_code == 202
    body = response.json()
    assert body["district"] == "09162"
    assert body["status"] == "queued"
    detail = client.get(reverse("api:matching-run-detail", args=[body["id"]]))
    assert detail.status_code == 200
    assert detail.json()["status"] == "done"
    assert detail.json()["progress"] == 100
    assert detail.json()["finished"] is True
    assert detail.json()["proposals_count"] == Proposal.objects.count() == 1
    listing = client.get(reverse("api:matching-run-list"))
    assert [run["id"] for run in listing.json()["results"]] == [body["id"]]


def test_api_refuses_another_district(client_of, coordinator):
    response = client_of(coordinator).post(
        reverse("api:matching-run-list"), {"district": "09564"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "district" in response.json()
    assert not MatchingRun.objects.exists()


def test_api_permissions(client, client_of, other_coordinator, munich):
    run = done_run(munich)
    volunteer = VolunteerProfileFactory()
    client.force_login(volunteer.user)
    assert client.post(reverse("api:matching-run-list"), {"district": "09162"}).status_code == 403
    client.logout()
    other = client_of(other_coordinator)
    assert other.get(reverse("api:matching-run-detail", args=[run.pk])).status_code == 404
    assert other.get(reverse("api:matching-run-list")).json()["results"] == []
