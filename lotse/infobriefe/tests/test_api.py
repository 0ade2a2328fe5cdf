"""API of the Infobriefe: the public archive (search, language fallback, sanitised HTML, 404
for anything not sent) and the writers' Infobriefe (scoped lists, 404 for others', the same
audience rules and validation as the forms, progress and figures), and the OpenAPI schema."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from lotse.accounts.tests.factories import UserFactory
from lotse.infobriefe.choices import AudienceLevel, DeliveryState, InfobriefStatus
from lotse.infobriefe.models import MAX_BODY, Infobrief, InfobriefVersion
from lotse.infobriefe.tests.factories import (
    DeliveryFactory,
    InfobriefVersionFactory,
    SubscriptionFactory,
)
from lotse.infobriefe.tests.letters_people import (
    bavaria,
    client_for,
    coordinator_of,
    district,
    land_draft,
    sent_infobrief,
    state_editor_of,
    team_draft,
)

pytestmark = pytest.mark.django_db
ARCHIVE = reverse("api:infobrief-archive-list")
LETTERS = reverse("api:infobrief-list")


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def munich():
    return district("09162")


@pytest.fixture
def nuremberg():
    return district("09564")


@pytest.fixture
def coordinator_client(munich):
    return client_for(coordinator_of(munich))


@pytest.fixture
def editor_client():
    return client_for(state_editor_of(bavaria()))


def detail(infobrief) -> str:
    return reverse("api:infobrief-detail", args=[infobrief.pk])


def version(infobrief, language: str) -> str:
    return reverse("api:infobrief-version", args=[infobrief.pk, language])


def post(client: Client, path: str, data: dict) -> object:
    return client.post(path, json.dumps(data), content_type="application/json")


# --- public archive ----------------------------------------------------------------------------


def test_archive_list_searches_in_the_requested_language(client):
    both = sent_infobrief(
        texts={"de": ("Wohnen", "Beratung online"), "uk": ("Житло", "Консультація онлайн")}
    )
    german = sent_infobrief(texts={"de": ("Arbeit", "Beratung im Jobcenter")})
    draft = land_draft(bavaria())

    response = client.get(ARCHIVE, {"q": "КОНСУЛЬТАЦІЯ", "language": "uk"})
    everything = client.get(ARCHIVE, {"language": "uk"})

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [both.pk]
    items = {item["id"]: item for item in everything.json()["results"]}
    assert set(items) == {both.pk, german.pk}
    assert draft.pk not in items
    assert items[both.pk]["subject"] == "Житло"
    assert items[both.pk]["fallback"] is False
    assert items[german.pk]["language"] == "de"
    assert items[german.pk]["fallback"] is True
    assert items[german.pk]["web_url"].endswith(f"/infobriefe/{german.pk}/de/")


def test_archive_detail_gives_sanitised_html_and_german_fallback(client):
    infobrief = sent_infobrief(texts={"de": ("Titel", "**fett** <script>alert(1)</script>")})

    response = client.get(
        reverse("api:infobrief-archive-detail", args=[infobrief.pk]), {"language": "fa"}
    )

    data = response.json()
    assert response.status_code == 200
    assert data["fallback"] is True
    assert data["requested_language"] == "fa"
    assert data["language"] == "de"
    assert "<strong>fett</strong>" in data["body_html"]
    assert "<script" not in data["body_html"]


def test_archive_detail_of_a_draft_is_404(client, munich):
    draft = team_draft(munich)

    assert client.get(reverse("api:infobrief-archive-detail", args=[draft.pk])).status_code == 404


def test_archive_refuses_bad_parameters_with_400(client):
    assert client.get(ARCHIVE, {"language": "xx"}).status_code == 400
    assert client.get(ARCHIVE, {"page": "0"}).status_code == 400


# --- writers: lists and details ----------------------------------------------------------------


def test_writers_list_their_infobriefe(coordinator_client, editor_client, munich, nuremberg):
    ours = team_draft(munich)
    theirs = team_draft(nuremberg)
    land = land_draft(bavaria())

    mine = coordinator_client.get(LETTERS).json()
    editors = editor_client.get(LETTERS).json()

    assert [item["id"] for item in mine["results"]] == [ours.pk]
    assert mine["results"][0]["team_district"] == "09162"
    assert mine["results"][0]["languages"] == ["de"]
    assert mine["results"][0]["can_edit"] is True
    assert {item["id"] for item in editors["results"]} == {ours.pk, theirs.pk, land.pk}


def test_non_writers_are_refused(client):
    volunteer = Client()
    volunteer.force_login(UserFactory())

    assert volunteer.get(LETTERS).status_code == 403
    assert client.get(LETTERS).status_code == 403
    assert post(volunteer, LETTERS, {"sender_name": "X"}).status_code == 403
    assert not Infobrief.objects.exists()


def test_others_infobriefe_are_404(coordinator_client, munich, nuremberg):
    theirs = team_draft(nuremberg)

    assert coordinator_client.get(detail(theirs)).status_code == 404
    assert coordinator_client.get(version(theirs, "de")).status_code == 404
    assert (
        coordinator_client.patch(
            detail(theirs), json.dumps({"sender_name": "X"}), content_type="application/json"
        ).status_code
        == 404
    )


def test_detail_has_versions_and_estimated_recipients(coordinator_client, munich):
    infobrief = team_draft(munich)
    InfobriefVersionFactory(infobrief=infobrief, language="en", subject="News", body="Hello")
    SubscriptionFactory(districts=[munich])

    data = coordinator_client.get(detail(infobrief)).json()

    assert [item["language"] for item in data["versions"]] == ["de", "en"]
    assert data["versions"][1]["body"] == "Hello"
    assert data["estimated_recipients"] == 1
    assert data["progress"] is None
    assert data["figures"] is None


def test_detail_has_progress_and_figures(editor_client):
    sending = land_draft(bavaria(), status=InfobriefStatus.SENDING)
    sent = land_draft(bavaria(), status=InfobriefStatus.SENT, unsubscribes=1)
    for state in (DeliveryState.SENT, DeliveryState.PENDING):
        DeliveryFactory(infobrief=sending, state=state)
    for state in (DeliveryState.SENT, DeliveryState.FAILED, DeliveryState.SKIPPED):
        DeliveryFactory(infobrief=sent, state=state)

    running = editor_client.get(detail(sending)).json()
    done = editor_client.get(detail(sent)).json()

    assert running["progress"] == {
        "total": 2,
        "sent": 1,
        "failed": 0,
        "skipped": 0,
        "pending": 1,
        "percent": 50,
    }
    assert running["estimated_recipients"] is None
    assert done["figures"] == {
        "recipients": 3,
        "sent": 1,
        "failed": 1,
        "skipped": 1,
        "unsubscribes": 1,
    }


# --- writers: creating and changing ------------------------------------------------------------


def test_coordinator_creates_a_team_draft(coordinator_client, munich):
    response = post(
        coordinator_client,
        LETTERS,
        {"team_district": "09162", "sender_name": "Lotsen-Team", "topics": ["work"]},
    )

    assert response.status_code == 201
    infobrief = Infobrief.objects.get()
    assert infobrief.team_district == munich
    assert response.json()["districts"] == ["09162"]
    assert response.json()["topics"] == ["work"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"team_district": "09564", "sender_name": "Team"}, "team_district"),
        (
            {
                "team_district": "09162",
                "sender_name": "Team",
                "level": "districts",
                "districts": ["09564"],
            },
            "districts",
        ),
        ({"team_district": "09162", "sender_name": "Team", "level": "state"}, "level"),
        ({"state": "BY", "sender_name": "Team"}, "state"),
        ({"team_district": "09162", "sender_name": "Team\r\nBcc: x@example.org"}, "sender_name"),
        ({"team_district": "99999", "sender_name": "Team"}, "team_district"),
    ],
)
def test_coordinator_cannot_address_outside_the_district(coordinator_client, payload, field):
    response = post(coordinator_client, LETTERS, payload)

    assert response.status_code == 400
    assert field in response.json()
    assert not Infobrief.objects.exists()


def test_state_editor_creates_for_the_land_and_its_districts_only(editor_client, munich):
    refused = post(
        editor_client,
        LETTERS,
        {"sender_name": "Redaktion", "level": "districts", "districts": ["08111"]},
    )
    to_region = post(
        editor_client, LETTERS, {"sender_name": "Redaktion", "level": "region", "region": "091"}
    )

    assert refused.status_code == 400
    assert "districts" in refused.json()
    assert to_region.status_code == 201
    assert to_region.json()["state"] == "BY"
    assert to_region.json()["region"] == "091"
    assert Infobrief.objects.count() == 1


def test_patch_changes_only_what_is_given(editor_client, munich):
    infobrief = land_draft(bavaria(), sender_name="Alt")

    response = editor_client.patch(
        detail(infobrief),
        json.dumps({"level": "districts", "districts": ["09162", "09564"]}),
        content_type="application/json",
    )

    assert response.status_code == 200
    infobrief.refresh_from_db()
    assert infobrief.sender_name == "Alt"
    assert infobrief.level == AudienceLevel.DISTRICTS
    assert response.json()["districts"] == ["09162", "09564"]


def test_state_editor_cannot_patch_a_team_draft(editor_client, munich):
    infobrief = team_draft(munich)

    response = editor_client.patch(
        detail(infobrief), json.dumps({"sender_name": "X"}), content_type="application/json"
    )

    assert response.status_code == 404
    infobrief.refresh_from_db()
    assert infobrief.sender_name == "Lotsen-Team"


# --- writers: versions -------------------------------------------------------------------------


def test_versions_are_written_read_and_deleted(coordinator_client, munich):
    infobrief = team_draft(munich)

    written = coordinator_client.put(
        version(infobrief, "uk"),
        json.dumps({"subject": "Новини", "body": "Текст"}),
        content_type="application/json",
    )
    read = coordinator_client.get(version(infobrief, "uk"))
    deleted = coordinator_client.delete(version(infobrief, "uk"))
    german = coordinator_client.delete(version(infobrief, "de"))

    assert written.status_code == 200
    assert read.json()["subject"] == "Новини"
    assert deleted.status_code == 204
    assert german.status_code == 400
    assert list(infobrief.versions.values_list("language", flat=True)) == ["de"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"subject": "Neu\r\nBcc: victim@example.org", "body": "Text"}, "subject"),
        ({"subject": "Neu", "body": "x" * (MAX_BODY + 1)}, "body"),
        ({"subject": "Neu\x00", "body": "Text"}, "subject"),
    ],
)
def test_bad_versions_are_refused(coordinator_client, munich, payload, field):
    infobrief = team_draft(munich, german=False)

    response = coordinator_client.put(
        version(infobrief, "de"), json.dumps(payload), content_type="application/json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert not InfobriefVersion.objects.exists()


def test_a_10_mb_body_is_refused_and_nothing_saved(coordinator_client, munich):
    infobrief = team_draft(munich, german=False)
    payload = json.dumps({"subject": "Groß", "body": "x" * (10 * 1024 * 1024)})

    response = coordinator_client.put(
        version(infobrief, "de"), payload, content_type="application/json"
    )

    assert response.status_code == 413
    assert "far too large" in response.json()["detail"]
    assert not InfobriefVersion.objects.exists()


def test_unknown_language_is_404(coordinator_client, munich):
    infobrief = team_draft(munich)

    assert coordinator_client.get(version(infobrief, "xx")).status_code == 404


# --- schema ------------------------------------------------------------------------------------


def test_openapi_schema_builds_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    schema = target.read_text()
    assert "/api/v1/infobriefe/archive/" in schema
    assert "InfobriefStatusEnum" in schema
