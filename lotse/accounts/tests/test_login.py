"""Login, throttling, logout and password reset."""

import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lotse.accounts.roles import Role
from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def _login(client, email, password=PASSWORD, **extra):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, **extra
    )


def test_confirmed_user_logs_in_and_lands_on_the_dashboard(client):
    user = UserFactory(email="ana@example.org")
    response = _login(client, "ANA@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")
    assert int(client.session["_auth_user_id"]) == user.pk


def test_login_field_is_called_username_and_labelled_email(client):
    content = client.get(reverse("accounts:login")).content.decode()
    assert 'name="username"' in content
    assert '<label class="kern-label" for="id_username">E-Mail-Adresse' in content


def test_wrong_password_is_refused(client):
    UserFactory(email="ana@example.org")
    response = _login(client, "ana@example.org", "wrong password")
    assert response.status_code == 200
    assert "Die E-Mail-Adresse oder das Passwort ist nicht richtig." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unconfirmed_user_cannot_log_in_and_is_offered_a_new_link(client):
    UserFactory(email="ana@example.org", email_confirmed_at=None)
    response = _login(client, "ana@example.org")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse" in content
    assert f'href="{reverse("accounts:confirm_resend")}"' in content
    assert "_auth_user_id" not in client.session


def test_deactivated_user_cannot_log_in(client):
    UserFactory(email="ana@example.org", is_active=False)
    response = _login(client, "ana@example.org")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_login_is_locked_after_five_failures(client):
    # given five failed attempts
    UserFactory(email="ana@example.org")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "ana@example.org", "wrong").status_code == 200
    locked = _login(client, "ana@example.org", "wrong")
    # then the lockout page is shown, and even the right password is refused
    assert locked.status_code == 429
    assert "Anmeldung vorübergehend gesperrt" in locked.content.decode()
    again = _login(client, "ana@example.org")
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session
    # (the refused attempt during the lockout counts as a failure too)
    assert AccessAttempt.objects.get().failures_since_start == settings.AXES_FAILURE_LIMIT + 1


def test_staff_user_is_sent_to_the_second_factor_after_login(client):
    coordinator = UserFactory(email="lotsin@example.org")
    RoleAssignmentFactory(user=coordinator, role=Role.PLATFORM_ADMIN)
    response = _login(client, "lotsin@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor") + "?next=%2Faccounts%2F"
    # and pages outside /accounts/ redirect there too (middleware)
    assert client.get(reverse("regions:district_list"))["Location"] == reverse(
        "accounts:two_factor"
    )
    # and the dashboard, which lies under /accounts/, asks for it as well
    dashboard = client.get(reverse("accounts:dashboard"))
    assert dashboard["Location"].startswith(reverse("accounts:two_factor"))


def test_demo_notice_is_shown_only_without_enforced_two_factor(client, settings):
    notice = "Demo-Modus: Die Zwei-Faktor-Anmeldung ist für Mitarbeitende nicht verpflichtend."
    assert notice not in client.get(reverse("accounts:login")).content.decode()
    settings.LOTSE_REQUIRE_2FA = False
    assert notice in client.get(reverse("accounts:login")).content.decode()


def test_logout_only_by_post(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_flow(client, django_capture_on_commit_callbacks):
    # given an unconfirmed account
    user = UserFactory(email="ana@example.org", email_confirmed_at=None, preferred_language="en")
    # when asking for a reset
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "ana@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Set a new password for Lotse"
    link = re.search(r"https?://\S+/password-reset/\S+/", mail.outbox[0].body).group(0)
    # then the link leads to a form that sets the new password
    page = client.get(link.removeprefix(settings.SITE_URL), follow=True)
    assert page.status_code == 200
    assert page.context["validlink"] is True
    done = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "Neues-Passwort-2026", "new_password2": "Neues-Passwort-2026"},
    )
    assert done["Location"] == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("Neues-Passwort-2026")
    # and the address counts as confirmed now (the link reached its owner)
    assert user.email_confirmed_at is not None
    assert user.email_confirmed_at <= timezone.now()


def test_password_reset_for_unknown_address_gives_the_same_answer(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []
