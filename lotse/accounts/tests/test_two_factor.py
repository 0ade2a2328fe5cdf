"""Two-factor login with TOTP (django-otp) for staff roles."""

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lotse.accounts.roles import Role
from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from lotse.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    user = UserFactory(email="lotsin@example.org")
    RoleAssignmentFactory(user=user, role=Role.PLATFORM_ADMIN)
    return user


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_setup_page_shows_qr_code_and_secret(client, staff):
    client.force_login(staff)
    response = client.get(reverse("accounts:two_factor"))
    assert response.status_code == 200
    content = response.content.decode()
    device = TOTPDevice.objects.get(user=staff)
    assert device.confirmed is False
    assert "<svg" in content
    assert "style=" not in content.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "<script" not in content.split('<main id="main"', 1)[1]
    secret = response.context["secret_groups"].replace(" ", "")
    assert len(secret) == 32
    # reloading shows the same device, not a new one
    client.get(reverse("accounts:two_factor"))
    assert TOTPDevice.objects.filter(user=staff).count() == 1


def test_setup_with_correct_code_verifies_session_and_shows_backup_codes(client, staff):
    client.force_login(staff)
    client.get(reverse("accounts:two_factor"))
    device = TOTPDevice.objects.get(user=staff)
    response = client.post(
        reverse("accounts:two_factor") + "?next=/regions/districts/", {"code": _code(device)}
    )
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    codes = response.context["codes"]
    assert len(codes) == 10
    assert sorted(
        StaticToken.objects.filter(device__user=staff).values_list("token", flat=True)
    ) == (sorted(codes))
    assert 'href="/regions/districts/"' in response.content.decode()
    assert client.get(reverse("regions:district_list")).status_code == 200
    assert AuditEvent.objects.filter(action="accounts.two_factor.configured").count() == 1


def test_setup_with_wrong_code_shows_an_error(client, staff):
    client.force_login(staff)
    client.get(reverse("accounts:two_factor"))
    response = client.post(reverse("accounts:two_factor"), {"code": "000000x"})
    assert response.status_code == 200
    assert "Der Code ist nicht richtig." in response.content.decode()
    assert TOTPDevice.objects.get(user=staff).confirmed is False
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_verify_with_correct_code_redirects_to_next(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    client.force_login(staff)
    page = client.get(reverse("accounts:two_factor"))
    assert "Zwei-Faktor-Anmeldung" in page.content.decode()
    response = client.post(
        reverse("accounts:two_factor"), {"code": _code(device), "next": "/regions/districts/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/regions/districts/"
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_verify_ignores_unsafe_next(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    client.force_login(staff)
    response = client.post(
        reverse("accounts:two_factor"), {"code": _code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("accounts:dashboard")


def test_verify_with_wrong_code_is_refused_then_throttled(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    client.force_login(staff)
    wrong = client.post(reverse("accounts:two_factor"), {"code": "000000"})
    assert wrong.status_code == 200
    assert DEVICE_ID_SESSION_KEY not in client.session
    # an immediate second try (even with the right code) meets django-otp's throttle
    throttled = client.post(reverse("accounts:two_factor"), {"code": _code(device)})
    assert "Zu viele falsche Codes." in throttled.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_backup_code_works_once(client, staff):
    client.force_login(staff)
    client.get(reverse("accounts:two_factor"))
    device = TOTPDevice.objects.get(user=staff)
    codes = client.post(reverse("accounts:two_factor"), {"code": _code(device)}).context["codes"]
    client.logout()
    client.force_login(staff)
    response = client.post(reverse("accounts:two_factor"), {"code": codes[0]})
    assert response.status_code == 302
    assert StaticToken.objects.filter(token=codes[0]).exists() is False
    assert StaticToken.objects.count() == 9


def test_non_staff_user_does_not_need_a_second_factor(client):
    client.force_login(UserFactory())
    response = client.get(reverse("accounts:two_factor"))
    assert response.status_code == 200
    assert "Sie brauchen keinen zweiten Faktor." in response.content.decode()
    assert TOTPDevice.objects.count() == 0
