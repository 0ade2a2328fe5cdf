"""Dashboard, data export and account deletion."""

import json

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse

from lotse.accounts import services
from lotse.accounts.models import Consent, ConsentKind, RoleAssignment, User
from lotse.accounts.roles import Role
from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from lotse.conftest import login_verified
from lotse.core.models import AuditEvent
from lotse.volunteers.models import VolunteerLanguage, VolunteerProfile, VolunteerTopic
from lotse.volunteers.tests.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db


def test_dashboard_greets_and_offers_profile_creation(client):
    user = UserFactory(first_name="Ana")
    client.force_login(user)
    content = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Hallo Ana" in content
    assert f'href="{reverse("accounts:my_data")}"' in content
    assert reverse("accounts:admin_user_list") not in content


def test_dashboard_of_platform_admin_links_user_management(client):
    admin = UserFactory()
    RoleAssignmentFactory(user=admin, role=Role.PLATFORM_ADMIN)
    login_verified(client, admin)
    content = client.get(reverse("accounts:dashboard")).content.decode()
    assert f'href="{reverse("accounts:admin_user_list")}"' in content


def test_export_contains_own_data_and_not_other_people(client):
    # given two volunteers
    ana = UserFactory(email="ana@example.org", first_name="Ana", last_name="Kovalenko")
    VolunteerProfileFactory(user=ana, skills="Ukrainisch unterrichten")
    Consent.objects.create(user=ana, kind=ConsentKind.PRIVACY_NOTICE, version="v1", language="uk")
    other = UserFactory(email="other@example.org", first_name="Bernd", last_name="Zimmer")
    VolunteerProfileFactory(user=other, skills="Fahrradreparatur")
    client.force_login(ana)
    # when Ana downloads her data
    response = client.get(reverse("accounts:data_export"))
    # then the file holds her data and nothing of the other person
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="lotse-meine-daten.json"'
    data = json.loads(response.content)
    assert data["privacy_notice_version"] == settings.LOTSE_PRIVACY_NOTICE_VERSION
    assert data["exported_at"]
    assert data["data"]["accounts.user"][0]["email"] == "ana@example.org"
    assert data["data"]["accounts.user"][0]["last_name"] == "Kovalenko"
    assert "password" not in data["data"]["accounts.user"][0]
    assert data["data"]["accounts.consent"][0]["version"] == "v1"
    assert data["data"]["volunteers.volunteerprofile"][0]["skills"] == "Ukrainisch unterrichten"
    text = response.content.decode()
    for foreign in ("other@example.org", "Bernd", "Zimmer", "Fahrradreparatur"):
        assert foreign not in text
    assert AuditEvent.objects.filter(action="accounts.data.exported", subject=ana).count() == 1


def test_delete_requires_the_password(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:delete_account"), {"password": "wrong"})
    assert response.status_code == 200
    assert "Das Passwort ist nicht richtig." in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()


def _rows_containing(needles: list[str]) -> list[str]:
    """Every text column of every model that contains one of `needles`."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField):
                continue
            for needle in needles:
                lookup = {f"{field.name}__icontains": needle}
                if model._default_manager.filter(**lookup).exists():
                    found.append(f"{model._meta.label}.{field.name} contains {needle}")
    return found


def test_deleting_the_account_erases_every_personal_datum(client):
    # given a volunteer with a profile, a consent and a login history
    user = UserFactory(email="ana.weg@example.org", first_name="Anastasia", last_name="Weggeht")
    VolunteerProfileFactory(user=user)
    Consent.objects.create(user=user, kind=ConsentKind.PRIVACY_NOTICE, version="v1", language="de")
    keeper = UserFactory(email="bleibt@example.org")
    VolunteerProfileFactory(user=keeper)
    client.post(
        reverse("accounts:login"),
        {"username": "ana.weg@example.org", "password": "correct horse battery staple"},
    )
    assert _rows_containing(["ana.weg@example.org"]) != []
    # when the account is deleted with the password
    response = client.post(
        reverse("accounts:delete_account"), {"password": "correct horse battery staple"}
    )
    # then the person is logged out and sent home, and nothing about them is left
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(pk=user.pk).exists()
    assert VolunteerProfile.objects.filter(user_id=user.pk).count() == 0
    assert VolunteerProfile.objects.count() == 1
    assert VolunteerLanguage.objects.count() == 1
    assert VolunteerTopic.objects.count() == 1
    assert _rows_containing(["ana.weg@example.org", "Anastasia", "Weggeht"]) == []
    consent = Consent.objects.get(version="v1")
    assert consent.user is None
    assert consent.language == "de"
    assert not AuditEvent.objects.filter(subject_id=user.pk).exists()
    # and the other person is untouched
    assert User.objects.filter(email="bleibt@example.org").exists()
    home = client.get(response["Location"])
    assert "Ihr Konto und Ihre personenbezogenen Daten wurden gelöscht." in home.content.decode()


def test_user_delete_service_returns_counts():
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=Role.JUROR)
    counts = services.user_delete(user=user, actor=user)
    assert counts["accounts.user"] == 1
    assert counts["accounts.roleassignment"] == 1
    assert RoleAssignment.objects.count() == 0
