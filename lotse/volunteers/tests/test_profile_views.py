"""The own profile: show, create and change it, with the district suggested from the postcode."""

import pytest
from django.test import Client
from django.urls import reverse

from lotse.accounts.tests.factories import UserFactory
from lotse.core.availability import mask_from_cells
from lotse.core.models import AuditEvent
from lotse.volunteers.models import VolunteerProfile
from lotse.volunteers.tests.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db


def _post(**overrides):
    data = {
        "first_name": "Anna",
        "last_name": "Berg",
        "languages-TOTAL_FORMS": "2",
        "languages-INITIAL_FORMS": "0",
        "languages-MIN_NUM_FORMS": "1",
        "languages-MAX_NUM_FORMS": "20",
        "languages-0-language": "de",
        "languages-0-level": "native",
        "languages-1-language": "ar",
        "languages-1-level": "basic",
        "topics": ["health", "authorities"],
        "roles": ["interpreter"],
        "skills": "Behördengänge",
        "availability": ["1-2", "6-0"],
        "postcode": "80331",
        "travel_radius_km": "20",
        "max_patenschaften": "2",
        "district": "",
        "status": "active",
    }
    return data | overrides


def test_profile_redirects_to_the_form_when_there_is_none(volunteer_client):
    response = volunteer_client.get(reverse("volunteers:profile"))
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:profile_edit")


def test_unconfirmed_user_is_asked_to_confirm_first(client):
    user = UserFactory(email_confirmed_at=None)
    client.force_login(user)
    response = client.get(reverse("volunteers:profile_edit"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")
    response = client.post(reverse("volunteers:profile_edit"), _post())
    assert VolunteerProfile.objects.count() == 0


def test_empty_form_has_the_accessible_parts(volunteer_client):
    response = volunteer_client.get(reverse("volunteers:profile_edit"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-formset-add="languages"' in html
    assert '<template id="languages-empty-form">' in html
    assert 'id="languages-forms"' in html
    assert "__prefix__" in html
    assert 'value="1-2"' in html
    assert ">Tuesday evening</label>" in html
    assert html.count('name="availability"') == 21
    assert f'hx-get="{reverse("volunteers:district_suggestion")}"' in html


def test_create_profile_by_post(volunteer_client, volunteer_user, munich):
    response = volunteer_client.post(reverse("volunteers:profile_edit"), _post())

    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:profile")
    profile = VolunteerProfile.objects.get(user=volunteer_user)
    assert profile.district == munich  # suggested from the postcode, no district chosen
    assert profile.travel_radius_km == 20
    assert profile.max_patenschaften == 2
    assert profile.availability == mask_from_cells([(1, 2), (6, 0)])
    assert sorted(profile.languages.values_list("language", "level")) == [
        ("ar", "basic"),
        ("de", "native"),
    ]
    assert set(profile.topics.values_list("topic", flat=True)) == {"health", "authorities"}
    assert list(profile.roles.values_list("role", flat=True)) == ["interpreter"]
    assert AuditEvent.objects.get().action == "volunteers.profile.created"

    page = volunteer_client.get(reverse("volunteers:profile"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Tuesday evening" in html
    assert "Sunday morning" in html
    assert "Arabic" in html


def test_edit_form_is_prefilled_and_updates(volunteer_client, volunteer_user, nuremberg):
    VolunteerProfileFactory(user=volunteer_user, languages=[("de", "native"), ("en", "good")])
    html = " ".join(
        volunteer_client.get(reverse("volunteers:profile_edit")).content.decode().split()
    )
    assert 'name="languages-INITIAL_FORMS" value="2"' in html
    assert 'value="1-2" id="id_availability_1_2" checked' in html

    data = _post(
        **{
            "languages-TOTAL_FORMS": "2",
            "languages-INITIAL_FORMS": "2",
            "languages-1-language": "en",
            "languages-1-level": "good",
            "languages-1-DELETE": "on",
            "district": str(nuremberg.pk),
        }
    )
    response = volunteer_client.post(reverse("volunteers:profile_edit"), data)

    assert response.status_code == 302
    profile = VolunteerProfile.objects.get(user=volunteer_user)
    assert list(profile.languages.values_list("language", flat=True)) == ["de"]
    assert profile.district == nuremberg
    event = AuditEvent.objects.get(action="volunteers.profile.changed")
    assert "languages" in event.changed_fields
    assert "district" in event.changed_fields


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"postcode": "12"},
            "We do not know this postcode. Please enter a five-digit German postcode.",
        ),
        ({"postcode": "00000"}, "We do not know this postcode."),
        ({"languages-1-language": "de"}, "Please name each language only once."),
        (
            {"languages-TOTAL_FORMS": "1", "languages-0-language": "", "languages-0-level": ""},
            "This field is required.",
        ),
        ({"topics": []}, "This field is required."),
        ({"availability": ["9-9"]}, "Select a valid choice."),
        ({"first_name": "<b>Anna</b>"}, "Please enter plain text"),
        ({"travel_radius_km": "7"}, "Select a valid choice."),
        ({"max_patenschaften": "9"}, "Select a valid choice."),
    ],
)
def test_invalid_post_shows_errors_and_saves_nothing(volunteer_client, overrides, message):
    response = volunteer_client.post(reverse("volunteers:profile_edit"), _post(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert VolunteerProfile.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_add_language_without_javascript_keeps_the_input(volunteer_client):
    response = volunteer_client.post(
        reverse("volunteers:profile_edit"), _post(add_language="1", skills="Kochen")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="languages-TOTAL_FORMS" value="3"' in html
    assert "Kochen" in html
    assert "Please correct" not in html
    assert VolunteerProfile.objects.count() == 0


def test_district_suggestion_preselects_the_postcode_district(volunteer_client, munich):
    response = volunteer_client.get(
        reverse("volunteers:district_suggestion"), {"postcode": "80331"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert f'<option value="{munich.pk}" selected>' in html
    assert "lies in München" in html


def test_district_suggestion_for_unknown_postcode_keeps_the_choice(volunteer_client, nuremberg):
    response = volunteer_client.get(
        reverse("volunteers:district_suggestion"),
        {"postcode": "00000", "district": str(nuremberg.pk)},
    )
    html = response.content.decode()
    assert "We do not know this postcode." in html
    assert f'<option value="{nuremberg.pk}" selected>' in html


def test_anonymous_is_sent_to_login(client):
    response = client.post(reverse("volunteers:profile_edit"), _post())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert VolunteerProfile.objects.count() == 0


def test_profile_shows_only_the_own_profile(client):
    own = VolunteerProfileFactory(skills="Eigene Fähigkeiten")
    VolunteerProfileFactory(skills="Fremde Fähigkeiten")
    logged_in = Client()
    logged_in.force_login(own.user)
    html = logged_in.get(reverse("volunteers:profile")).content.decode()
    assert "Eigene Fähigkeiten" in html
    assert "Fremde Fähigkeiten" not in html


def test_form_is_german_by_default(volunteer_client, settings):
    settings.LANGUAGE_CODE = "de"
    html = volunteer_client.get(reverse("volunteers:profile_edit")).content.decode()
    assert ">Dienstagabend</label>" in html
    assert "Weitere Sprache hinzufügen" in html
