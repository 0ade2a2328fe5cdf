"""Editor pages: the list (scoped, constant queries), creating with the audience rules (a
forged POST gets an error and saves nothing), settings, language versions with the live
preview (sanitised), a 10 MB body, header injection, the detail page, test send, sending with
confirmation, taking back, pause/resume and the progress partial."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lotse.accounts.tests.factories import UserFactory
from lotse.conftest import login_verified
from lotse.infobriefe.choices import AudienceLevel, DeliveryState, InfobriefStatus
from lotse.infobriefe.models import Infobrief, InfobriefVersion
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
    state_editor_of,
    team_draft,
)
from lotse.regions.models import State

pytestmark = pytest.mark.django_db
LIST = reverse("infobriefe:editor_list")
CREATE = reverse("infobriefe:editor_create")
PREVIEW = reverse("infobriefe:editor_preview")
TEN_MB = 10 * 1024 * 1024


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
def coordinator(munich):
    return coordinator_of(munich)


@pytest.fixture
def coordinator_client(coordinator):
    return client_for(coordinator)


@pytest.fixture
def editor():
    return state_editor_of(bavaria())


@pytest.fixture
def editor_client(editor):
    return client_for(editor)


def url(name: str, infobrief: Infobrief, *args: str) -> str:
    return reverse(f"infobriefe:{name}", args=[infobrief.pk, *args])


def text(response) -> str:
    return response.content.decode()


# --- list --------------------------------------------------------------------------------------


def test_coordinators_see_their_teams_infobriefe_state_editors_their_land(
    coordinator_client, editor_client, munich, nuremberg
):
    ours = team_draft(munich)
    theirs = team_draft(nuremberg)
    land = land_draft(bavaria())
    elsewhere = land_draft(State.objects.get(code="BW"))

    mine = coordinator_client.get(LIST)
    editors = editor_client.get(LIST)

    assert [row["infobrief"].pk for row in mine.context["rows"]] == [ours.pk]
    assert {row["infobrief"].pk for row in editors.context["rows"]} == {
        ours.pk,
        theirs.pk,
        land.pk,
    }
    assert elsewhere.pk not in {row["infobrief"].pk for row in editors.context["rows"]}


def test_list_shows_status_languages_audience_and_time(editor_client, munich):
    when = timezone.now() + datetime.timedelta(days=2)
    infobrief = land_draft(
        bavaria(), status=InfobriefStatus.SCHEDULED, scheduled_at=when, sender_name="Redaktion"
    )
    InfobriefVersionFactory(infobrief=infobrief, language="uk", subject="Новини")

    response = editor_client.get(LIST)

    row = response.context["rows"][0]
    assert row["languages"] == ["de", "uk"]
    assert row["audience"] == "The whole Land Bayern"
    body = text(response)
    assert "Scheduled" in body
    assert "DE, UK" in body
    assert "scheduled for" in body


def test_non_writers_get_404_anonymous_visitors_the_login(client):
    volunteer = Client()
    volunteer.force_login(UserFactory())

    assert volunteer.get(LIST).status_code == 404
    assert volunteer.get(CREATE).status_code == 404
    assert client.get(LIST).status_code == 302


def test_list_costs_the_same_queries_for_any_number_of_infobriefe(editor_client, munich):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(LIST).status_code == 200
        return len(queries)

    for _index in range(2):
        infobrief = team_draft(munich)
        InfobriefVersionFactory(infobrief=infobrief, language="en")
    few = count()
    for _index in range(8):
        infobrief = land_draft(bavaria(), level=AudienceLevel.DISTRICTS, districts=[munich])
        InfobriefVersionFactory(infobrief=infobrief, language="ar")

    assert count() == few


# --- creating ----------------------------------------------------------------------------------


def test_coordinator_creates_a_draft_for_the_own_district(coordinator_client, munich):
    response = coordinator_client.post(
        CREATE, {"sender_name": "Lotsen-Team München", "topics": ["housing"]}
    )

    infobrief = Infobrief.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("editor_version", infobrief, "de")
    assert infobrief.team_district == munich
    assert list(infobrief.districts.all()) == [munich]


def test_a_forged_foreign_district_gets_an_error_and_saves_nothing(coordinator_client, nuremberg):
    response = coordinator_client.post(
        CREATE,
        {"sender_name": "Team", "level": "districts", "districts": [str(nuremberg.pk)]},
    )

    assert response.status_code == 200
    assert "goes to its own district only" in text(response)
    assert not Infobrief.objects.exists()


def test_a_coordinator_of_two_districts_cannot_post_a_third(munich, nuremberg):
    two = client_for(coordinator_of(munich, nuremberg))
    stuttgart = district("08111")

    refused = two.post(CREATE, {"owner": f"district-{stuttgart.pk}", "sender_name": "Team"})
    accepted = two.post(CREATE, {"owner": f"district-{nuremberg.pk}", "sender_name": "Team"})

    assert refused.status_code == 200
    assert refused.context["form"].errors["owner"]
    assert accepted.status_code == 302
    assert list(Infobrief.objects.values_list("team_district", flat=True)) == [nuremberg.pk]


def test_state_editor_chooses_districts_of_the_land_only(editor_client, munich):
    stuttgart = district("08111")

    refused = editor_client.post(
        CREATE,
        {"sender_name": "Redaktion", "level": "districts", "districts": [str(stuttgart.pk)]},
    )
    accepted = editor_client.post(
        CREATE,
        {"sender_name": "Redaktion", "level": "districts", "districts": [str(munich.pk)]},
    )

    assert refused.status_code == 200
    assert refused.context["form"].errors["districts"]
    assert accepted.status_code == 302
    infobrief = Infobrief.objects.get()
    assert infobrief.team_district is None
    assert list(infobrief.districts.all()) == [munich]


def test_state_editor_addresses_a_regierungsbezirk(editor_client):
    form = editor_client.get(CREATE).context["form"]
    upper_bavaria = next(pk for pk, name in form.fields["region"].choices if name == "Oberbayern")

    response = editor_client.post(
        CREATE, {"sender_name": "Redaktion", "level": "region", "region": upper_bavaria}
    )

    assert response.status_code == 302
    infobrief = Infobrief.objects.get()
    assert (infobrief.level, infobrief.region.name) == ("region", "Oberbayern")


def test_header_injection_in_the_sender_name_is_refused(coordinator_client):
    response = coordinator_client.post(CREATE, {"sender_name": "Team\r\nBcc: victim@example.org"})

    assert response.status_code == 200
    assert "line breaks are not allowed" in text(response)
    assert not Infobrief.objects.exists()


# --- settings ----------------------------------------------------------------------------------


def test_settings_change_a_land_draft(editor_client, munich):
    infobrief = land_draft(bavaria())

    response = editor_client.post(
        url("editor_settings", infobrief),
        {"sender_name": "Neu", "level": "districts", "districts": [str(munich.pk)]},
    )

    assert response.status_code == 302
    infobrief.refresh_from_db()
    assert infobrief.sender_name == "Neu"
    assert list(infobrief.districts.all()) == [munich]


def test_settings_of_others_are_404(coordinator, editor_client, munich, nuremberg):
    team = team_draft(munich)
    other_land = land_draft(State.objects.get(code="BW"))
    other_team = client_for(coordinator_of(nuremberg))

    assert editor_client.get(url("editor_settings", team)).status_code == 404
    assert editor_client.get(url("editor_settings", other_land)).status_code == 404
    assert editor_client.get(url("editor_detail", other_land)).status_code == 404
    assert other_team.get(url("editor_settings", team)).status_code == 404
    assert other_team.post(url("editor_settings", team), {"sender_name": "X"}).status_code == 404
    team.refresh_from_db()
    assert team.sender_name == "Lotsen-Team"


def test_settings_of_a_sent_infobrief_go_back_to_the_detail(editor_client):
    infobrief = land_draft(bavaria(), status=InfobriefStatus.SENT)

    response = editor_client.get(url("editor_settings", infobrief))

    assert response.status_code == 302
    assert response["Location"] == url("editor_detail", infobrief)


# --- language versions and preview -------------------------------------------------------------


def test_a_version_is_saved(coordinator_client, munich):
    infobrief = team_draft(munich, german=False)

    response = coordinator_client.post(
        url("editor_version", infobrief, "uk"),
        {"subject": "Новини", "body": "## Заголовок\n\nТекст"},
    )

    assert response.status_code == 302
    version = InfobriefVersion.objects.get(infobrief=infobrief)
    assert (version.language, version.subject) == ("uk", "Новини")


def test_version_page_shows_the_saved_text_and_its_preview(coordinator_client, munich):
    infobrief = team_draft(munich)

    response = coordinator_client.get(url("editor_version", infobrief, "de"))

    body = text(response)
    assert response.status_code == 200
    assert 'hx-post="/infobriefe/editor/preview/"' in body
    assert 'hx-trigger="input changed delay:500ms' in body
    assert 'aria-live="polite"' in body
    assert "<h2>Neuregelungen</h2>" in body  # the factory's Markdown, rendered
    assert 'lang="de"' in body


def test_unknown_languages_are_404(coordinator_client, munich):
    infobrief = team_draft(munich)

    assert coordinator_client.get(url("editor_version", infobrief, "xx")).status_code == 404
    assert coordinator_client.get(url("editor_version_delete", infobrief, "de")).status_code == 404


def test_header_injection_in_the_subject_is_refused(coordinator_client, munich):
    infobrief = team_draft(munich, german=False)

    response = coordinator_client.post(
        url("editor_version", infobrief, "de"),
        {"subject": "Neues\r\nBcc: victim@example.org", "body": "Text"},
    )

    assert response.status_code == 200
    assert "line breaks are not allowed" in text(response)
    assert not InfobriefVersion.objects.exists()


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_a_10_mb_body_gets_a_clear_error_and_saves_nothing(munich, coordinator, encoding):
    # CSRF checks on, as in a browser: the middleware must not answer with a bare 400 first.
    browser = login_verified(Client(enforce_csrf_checks=True), coordinator)
    infobrief = team_draft(munich)
    page = browser.get(url("editor_version", infobrief, "de"))
    token = page.context["csrf_token"]
    data = {"csrfmiddlewaretoken": str(token), "subject": "Groß", "body": "x" * TEN_MB}

    if encoding == "urlencoded":
        response = browser.post(
            url("editor_version", infobrief, "de"),
            urlencode(data),
            content_type="application/x-www-form-urlencoded",
        )
    else:
        response = browser.post(url("editor_version", infobrief, "de"), data)

    assert response.status_code == 413
    assert "The text is far too long: at most 100,000 characters" in text(response)
    assert 'role="alert"' in text(response)
    version = InfobriefVersion.objects.get(infobrief=infobrief)
    assert version.subject != "Groß"


def test_the_version_form_still_checks_the_csrf_token(munich, coordinator):
    browser = login_verified(Client(enforce_csrf_checks=True), coordinator)
    infobrief = team_draft(munich, german=False)

    forged = browser.post(url("editor_version", infobrief, "de"), {"subject": "S", "body": "B"})
    page = browser.get(url("editor_version", infobrief, "de"))
    honest = browser.post(
        url("editor_version", infobrief, "de"),
        {"csrfmiddlewaretoken": str(page.context["csrf_token"]), "subject": "S", "body": "B"},
    )

    assert forged.status_code == 403
    assert honest.status_code == 302
    assert InfobriefVersion.objects.get(infobrief=infobrief).subject == "S"


def test_body_above_the_limit_gets_the_form_error(coordinator_client, munich):
    infobrief = team_draft(munich, german=False)

    response = coordinator_client.post(
        url("editor_version", infobrief, "de"), {"subject": "S", "body": "x" * 100_001}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["body"]
    assert not InfobriefVersion.objects.exists()


def test_preview_renders_markdown_and_never_a_script(coordinator_client):
    markdown = (
        "## Titel\n\n**fett** <script>alert(1)</script>\n\n"
        "[klick](javascript:alert(2)) <img src=x onerror=alert(3)>"
    )

    response = coordinator_client.post(
        PREVIEW, {"subject": "Betreff", "body": markdown, "language": "de"}, HTTP_HX_REQUEST="true"
    )

    body = text(response)
    assert response.status_code == 200
    assert "<h2>Titel</h2>" in body
    assert "<strong>fett</strong>" in body
    assert "<script" not in body
    assert "&lt;script&gt;" in body
    assert 'href="javascript' not in body.lower()  # left as text, never a link
    assert "<img" not in body
    assert "<html" not in body  # the partial only


def test_preview_of_an_oversized_body_says_so(munich, coordinator):
    browser = login_verified(Client(enforce_csrf_checks=True), coordinator)

    response = browser.post(PREVIEW, {"body": "x" * TEN_MB, "language": "de"})

    assert response.status_code == 200
    assert "far too long" in text(response)


def test_preview_is_for_writers_only(client):
    volunteer = Client()
    volunteer.force_login(UserFactory())

    assert volunteer.post(PREVIEW, {"body": "x"}).status_code == 404
    assert client.post(PREVIEW, {"body": "x"}).status_code == 302


def test_version_delete_asks_then_deletes(coordinator_client, munich):
    infobrief = team_draft(munich)
    InfobriefVersionFactory(infobrief=infobrief, language="en")

    page = coordinator_client.get(url("editor_version_delete", infobrief, "en"))
    response = coordinator_client.post(url("editor_version_delete", infobrief, "en"))

    assert page.status_code == 200
    assert "Delete the English text?" in text(page)
    assert response.status_code == 302
    assert list(infobrief.versions.values_list("language", flat=True)) == ["de"]


# --- detail ------------------------------------------------------------------------------------


def test_detail_lists_every_language_and_estimated_recipients(coordinator_client, munich):
    infobrief = team_draft(munich)
    InfobriefVersionFactory(infobrief=infobrief, language="uk", subject="Новини")
    SubscriptionFactory(districts=[munich])
    SubscriptionFactory()  # the whole Land
    SubscriptionFactory(districts=[district("09564")])  # elsewhere

    response = coordinator_client.get(url("editor_detail", infobrief))

    body = text(response)
    assert [row.code for row in response.context["rows"]] == [
        "de",
        "en",
        "uk",
        "ar",
        "fa",
        "tr",
        "ru",
    ]
    assert [row.code for row in response.context["missing"]] == ["en", "ar", "fa", "tr", "ru"]
    assert "get the German text with a note" in body
    assert "Missing – readers get German" in body
    assert response.context["estimated"] == 2
    assert "2 subscribers at the moment" in body
    assert url("editor_send", infobrief) in body
    assert url("editor_test", infobrief) in body


def test_state_editors_see_a_team_infobrief_read_only(editor_client, munich):
    infobrief = team_draft(munich)

    response = editor_client.get(url("editor_detail", infobrief))

    body = text(response)
    assert response.status_code == 200
    assert "only its coordinators change and send it" in body
    assert url("editor_settings", infobrief) not in body
    assert url("editor_send", infobrief) not in body
    assert editor_client.post(url("editor_test", infobrief)).status_code == 404


def test_detail_without_german_asks_for_it(coordinator_client, munich):
    infobrief = team_draft(munich, german=False)

    response = coordinator_client.get(url("editor_detail", infobrief))

    assert response.context["send_form"] is None
    assert "Write the German text first" in text(response)


def test_delete_a_draft(coordinator_client, munich):
    infobrief = team_draft(munich)

    assert coordinator_client.get(url("editor_delete", infobrief)).status_code == 200
    response = coordinator_client.post(url("editor_delete", infobrief))

    assert response["Location"] == LIST
    assert not Infobrief.objects.exists()


# --- test mail, sending, taking back -----------------------------------------------------------


def test_test_send_tells_where_the_mail_goes(coordinator, coordinator_client, munich):
    infobrief = team_draft(munich)

    response = coordinator_client.post(url("editor_test", infobrief), follow=True)

    assert f"A test mail in each written language goes to {coordinator.email}." in text(response)
    infobrief.refresh_from_db()
    assert infobrief.status == InfobriefStatus.DRAFT


def test_send_asks_for_confirmation_with_the_recipient_count(coordinator_client, munich):
    infobrief = team_draft(munich)
    SubscriptionFactory(districts=[munich])

    response = coordinator_client.post(url("editor_send", infobrief), {"when": "now"})

    assert response.status_code == 200
    assert response.context["confirming"]
    assert "will be sent now to 1 subscriber" in text(response)
    infobrief.refresh_from_db()
    assert infobrief.status == InfobriefStatus.DRAFT


def test_confirmed_send_now_schedules_for_now(
    coordinator_client, munich, django_capture_on_commit_callbacks
):
    infobrief = team_draft(munich)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = coordinator_client.post(
            url("editor_send", infobrief), {"when": "now", "confirm": "yes"}
        )

    assert response.status_code == 302
    infobrief.refresh_from_db()
    assert infobrief.status == InfobriefStatus.SCHEDULED
    assert infobrief.scheduled_at <= timezone.now()
    assert len(callbacks) == 1  # the preparation, after the commit


def test_confirmed_send_later_schedules_the_time(editor_client):
    infobrief = land_draft(bavaria())
    when = timezone.localtime() + datetime.timedelta(days=7)
    value = when.strftime("%Y-%m-%dT%H:%M")

    confirm = editor_client.post(url("editor_send", infobrief), {"when": "later", "send_at": value})
    response = editor_client.post(
        url("editor_send", infobrief), {"when": "later", "send_at": value, "confirm": "yes"}
    )

    assert f'name="send_at" value="{value}"' in text(confirm)
    assert response.status_code == 302
    infobrief.refresh_from_db()
    assert infobrief.status == InfobriefStatus.SCHEDULED
    assert infobrief.scheduled_at == when.replace(second=0, microsecond=0)


@pytest.mark.parametrize(
    ("offset", "message"),
    [
        (datetime.timedelta(days=-1), "This time is in the past."),
        (datetime.timedelta(days=500), "within the next twelve months"),
    ],
)
def test_send_times_are_checked(editor_client, offset, message):
    infobrief = land_draft(bavaria())
    value = (timezone.localtime() + offset).strftime("%Y-%m-%dT%H:%M")

    response = editor_client.post(
        url("editor_send", infobrief), {"when": "later", "send_at": value, "confirm": "yes"}
    )

    assert response.status_code == 200
    assert message in text(response)
    infobrief.refresh_from_db()
    assert infobrief.status == InfobriefStatus.DRAFT


def test_send_without_german_is_refused(coordinator_client, munich):
    infobrief = team_draft(munich, german=False)
    InfobriefVersionFactory(infobrief=infobrief, language="en")

    response = coordinator_client.post(
        url("editor_send", infobrief), {"when": "now", "confirm": "yes"}
    )

    assert response.status_code == 200
    assert "German version first" in text(response)
    infobrief.refresh_from_db()
    assert infobrief.status == InfobriefStatus.DRAFT


def test_unschedule_makes_a_draft_again(editor_client):
    infobrief = land_draft(
        bavaria(),
        status=InfobriefStatus.SCHEDULED,
        scheduled_at=timezone.now() + datetime.timedelta(days=1),
    )

    response = editor_client.post(url("editor_unschedule", infobrief))

    assert response.status_code == 302
    infobrief.refresh_from_db()
    assert infobrief.status == InfobriefStatus.DRAFT


def test_pause_and_resume(editor_client):
    infobrief = land_draft(bavaria(), status=InfobriefStatus.SENDING)
    DeliveryFactory(infobrief=infobrief)

    editor_client.post(url("editor_pause", infobrief))
    infobrief.refresh_from_db()
    paused = infobrief.status
    editor_client.post(url("editor_resume", infobrief))
    infobrief.refresh_from_db()

    assert paused == InfobriefStatus.PAUSED
    assert infobrief.status == InfobriefStatus.SENDING


def test_others_cannot_pause(munich, nuremberg):
    infobrief = team_draft(munich, status=InfobriefStatus.SENDING)

    response = client_for(coordinator_of(nuremberg)).post(url("editor_pause", infobrief))

    assert response.status_code == 404
    infobrief.refresh_from_db()
    assert infobrief.status == InfobriefStatus.SENDING


# --- progress ----------------------------------------------------------------------------------


def _deliveries(infobrief, **states):
    for state, count in states.items():
        for _index in range(count):
            DeliveryFactory(infobrief=infobrief, state=getattr(DeliveryState, state.upper()))


def test_progress_partial_polls_while_sending(coordinator_client, munich):
    infobrief = team_draft(munich, status=InfobriefStatus.SENDING)
    _deliveries(infobrief, sent=3, failed=1, pending=2)

    response = coordinator_client.get(url("editor_progress", infobrief))

    body = text(response)
    assert "<html" not in body
    assert '<progress id="infobrief-progress-bar" max="6" value="4">' in body
    assert '<label class="kern-label" for="infobrief-progress-bar">' in body
    assert "3 sent, 1 failed, 4 of 6" in body
    assert 'hx-trigger="every 2s"' in body
    assert 'hx-swap="outerHTML"' in body
    assert url("editor_pause", infobrief) in body


def test_progress_stops_polling_when_paused(coordinator_client, munich):
    infobrief = team_draft(munich, status=InfobriefStatus.PAUSED)
    _deliveries(infobrief, sent=1, pending=1)

    body = text(coordinator_client.get(url("editor_progress", infobrief)))

    assert "hx-trigger" not in body
    assert url("editor_resume", infobrief) in body


def test_progress_poll_updates_status_heading_and_actions_once_sent(coordinator_client, munich):
    # given a page loaded while scheduled (with its "take back" form), and the dispatch done
    infobrief = team_draft(munich, status=InfobriefStatus.SCHEDULED)
    page = text(coordinator_client.get(url("editor_detail", infobrief)))
    assert url("editor_unschedule", infobrief) in page
    assert "hx-swap-oob" not in page
    Infobrief.objects.filter(pk=infobrief.pk).update(status=InfobriefStatus.SENT)
    _deliveries(infobrief, sent=2)

    # when the page polls
    body = text(coordinator_client.get(url("editor_progress", infobrief)))

    # then the poll replaces the status line, the heading and empties the actions
    assert '<p class="kern-subline" id="infobrief-status" hx-swap-oob="true">' in body
    assert 'id="progress-heading" hx-swap-oob="true"' in body
    assert '<div id="infobrief-actions" hx-swap-oob="true"></div>' in body
    assert url("archive_version", infobrief, "de") in body


def test_progress_poll_keeps_the_actions_while_scheduled(coordinator_client, munich):
    infobrief = team_draft(munich, status=InfobriefStatus.SCHEDULED)

    body = text(coordinator_client.get(url("editor_progress", infobrief)))

    assert 'id="infobrief-actions"' not in body


def test_figures_after_sending(coordinator_client, munich):
    infobrief = team_draft(munich, status=InfobriefStatus.SENT, unsubscribes=2)
    _deliveries(infobrief, sent=5, failed=1, skipped=1)

    detail = coordinator_client.get(url("editor_detail", infobrief))
    partial = text(coordinator_client.get(url("editor_progress", infobrief)))

    figures = detail.context["figures"]
    assert (
        figures.recipients,
        figures.sent,
        figures.failed,
        figures.skipped,
        figures.unsubscribes,
    ) == (7, 5, 1, 1, 2)
    assert "hx-trigger" not in partial
    assert "Unsubscribes caused" in partial
    assert 'aria-live="polite"' in text(detail)


def test_a_due_scheduled_infobrief_polls_until_the_dispatch_starts(coordinator_client, munich):
    infobrief = team_draft(munich, status=InfobriefStatus.SCHEDULED, scheduled_at=timezone.now())

    body = text(coordinator_client.get(url("editor_progress", infobrief)))

    assert 'hx-trigger="every 2s"' in body
    assert "The dispatch is starting" in body


def test_progress_costs_constant_queries(coordinator_client, munich, django_assert_max_num_queries):
    infobrief = team_draft(munich, status=InfobriefStatus.SENDING)
    _deliveries(infobrief, sent=20, pending=20)

    with django_assert_max_num_queries(12):
        response = coordinator_client.get(url("editor_progress", infobrief))

    assert response.status_code == 200


# --- navigation --------------------------------------------------------------------------------


def test_header_links_the_archive(client):
    body = text(client.get(reverse("core:home")))

    assert f'href="{reverse("infobriefe:archive")}"' in body


def test_dashboard_card_links_the_editor_for_writers_only(coordinator_client):
    volunteer = Client()
    volunteer.force_login(UserFactory())

    writer = text(coordinator_client.get(reverse("accounts:dashboard")))
    reader = text(volunteer.get(reverse("accounts:dashboard")))

    assert f'href="{LIST}"' in writer
    assert f'href="{LIST}"' not in reader
    for page in (writer, reader):
        assert f'href="{reverse("infobriefe:subscribe")}"' in page
        assert f'href="{reverse("infobriefe:archive")}"' in page
