"""Registration, confirmation and resending the confirmation link."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail, signing
from django.core.cache import cache
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from lotse.accounts import services
from lotse.accounts.models import Consent, ConsentKind, User
from lotse.accounts.tests.factories import UserFactory
from lotse.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "Lotsen-Kompass-2026"


# What a browser can send: no lone surrogates (they have no UTF-8 form).
SENDABLE = st.characters(blacklist_categories=("Cs",))


def _form(**overrides):
    data = {
        "email": "Neu.Person@Example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "consent": "on",
    }
    data.update(overrides)
    return data


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def _link_in(body: str) -> str:
    match = re.search(r"https?://\S+/accounts/confirm/\S+/", body)
    assert match, body
    return match.group(0)


# --- service ------------------------------------------------------------------------------


def test_user_register_creates_unconfirmed_user_with_consent(django_capture_on_commit_callbacks):
    # given no account for the address
    before = timezone.now()
    # when registering
    with django_capture_on_commit_callbacks(execute=True):
        user = services.user_register(email="Ana@Example.org", password=PASSWORD, language="uk")
    # then an unconfirmed user with the consent exists and a mail went out
    assert user is not None
    user.refresh_from_db()
    assert user.email == "ana@example.org"
    assert user.email_confirmed_at is None
    assert user.preferred_language == "uk"
    assert user.check_password(PASSWORD)
    consent = Consent.objects.get(user=user)
    assert consent.kind == ConsentKind.PRIVACY_NOTICE
    assert consent.version == settings.LOTSE_PRIVACY_NOTICE_VERSION
    assert consent.language == "uk"
    assert before <= consent.given_at <= timezone.now()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ana@example.org"]
    assert AuditEvent.objects.filter(action="accounts.user.registered", subject=user).count() == 1


def test_confirmation_token_round_trip():
    user = UserFactory(email_confirmed_at=None)
    token = services.confirmation_token_make(user=user)
    assert services.confirmation_token_check(token=token) == user


def test_confirmation_token_is_invalid_after_the_address_changed():
    user = UserFactory(email_confirmed_at=None)
    token = services.confirmation_token_make(user=user)
    User.objects.filter(pk=user.pk).update(email="changed@example.org")
    with pytest.raises(services.ConfirmationError) as error:
        services.confirmation_token_check(token=token)
    assert error.value.expired is False


# --- registration view ----------------------------------------------------------------------


def test_registration_happy_path(client, django_capture_on_commit_callbacks):
    # when a visitor registers in German
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:register"), _form(), HTTP_ACCEPT_LANGUAGE="de")
    # then they are sent to "check your inbox", one unconfirmed user exists, consent recorded
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:register_done")
    user = User.objects.get()
    assert user.email == "neu.person@example.org"
    assert user.email_confirmed_at is None
    consent = Consent.objects.get()
    assert (consent.user, consent.version, consent.language) == (
        user,
        settings.LOTSE_PRIVACY_NOTICE_VERSION,
        "de",
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["neu.person@example.org"]
    assert message.subject == "Bitte bestätigen Sie Ihre E-Mail-Adresse für Lotse"
    assert _link_in(message.body).startswith(settings.SITE_URL + "/accounts/confirm/")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Bitte sehen Sie in Ihr Postfach" in page.content.decode()


def test_registration_records_the_current_language(client, django_capture_on_commit_callbacks):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:register"), _form())
    assert Consent.objects.get().language == "ar"
    assert User.objects.get().preferred_language == "ar"


def test_duplicate_email_gives_the_same_answer_and_warns_the_owner(
    client, django_capture_on_commit_callbacks
):
    # given an existing account
    existing = UserFactory(email="neu.person@example.org", preferred_language="de")
    # when someone registers with that address (in another spelling)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:register"), _form())
    # then the answer is the same redirect, no second user, and the owner gets a warning
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:register_done")
    assert User.objects.count() == 1
    assert Consent.objects.count() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [existing.email]
    assert mail.outbox[0].subject == (
        "Jemand hat versucht, sich mit Ihrer E-Mail-Adresse zu registrieren"
    )
    assert settings.SITE_URL + reverse("accounts:password_reset") in mail.outbox[0].body
    existing.refresh_from_db()
    assert existing.check_password("correct horse battery staple")


def test_duplicate_and_new_registrations_render_identical_pages(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="taken@example.org")
    new = client.post(reverse("accounts:register"), _form(email="fresh@example.org"), follow=True)
    taken = client.post(reverse("accounts:register"), _form(email="taken@example.org"), follow=True)
    assert new.redirect_chain == taken.redirect_chain
    assert _without_csrf(new.content.decode()) == _without_csrf(taken.content.decode())


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "not-an-address"}, "email", "Bitte geben Sie eine gültige E-Mail-Adresse ein"),
        (
            {"password2": PASSWORD + "x"},
            "password2",
            "Die beiden Passwörter stimmen nicht überein.",
        ),
        ({"password1": "kurz", "password2": "kurz"}, "password1", "zu kurz"),
        ({"password1": "1234567890123", "password2": "1234567890123"}, "password1", "numerisch"),
        ({"consent": ""}, "consent", "Bitte bestätigen Sie, dass Sie die Datenschutzerklärung"),
        ({"email": "<script>alert(1)</script>@example.org"}, "email", "gültige E-Mail-Adresse"),
    ],
)
def test_invalid_registration_shows_errors_and_saves_nothing(client, overrides, field, message):
    response = client.post(reverse("accounts:register"), _form(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    assert 'aria-invalid="true"' in response.content.decode()
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert User.objects.count() == 0
    assert Consent.objects.count() == 0
    assert mail.outbox == []


def test_registration_page_links_the_privacy_notice(client):
    response = client.get(reverse("accounts:register"))
    assert f'href="{reverse("core:privacy")}"' in response.content.decode()


@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    email=st.text(SENDABLE, max_size=300),
    password1=st.text(SENDABLE, max_size=80),
    password2=st.text(SENDABLE, max_size=80),
    consent=st.sampled_from(["", "on", "yes", "0"]),
)
def test_registration_never_fails_on_arbitrary_input(client, email, password1, password2, consent):
    cache.clear()  # one rate-limit window per example
    before = User.objects.count()
    response = client.post(
        reverse("accounts:register"),
        {"email": email, "password1": password1, "password2": password2, "consent": consent},
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert User.objects.count() == before


# --- confirmation ---------------------------------------------------------------------------


def test_valid_link_confirms_and_logs_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:register"), _form())
    link = _link_in(mail.outbox[0].body).removeprefix(settings.SITE_URL)
    response = client.get(link)
    user = User.objects.get()
    assert user.email_confirmed_at is not None
    assert response.status_code == 302
    try:
        assert response["Location"] == reverse("volunteers:profile_edit")
    except NoReverseMatch:
        assert response["Location"] == reverse("accounts:dashboard")
    assert int(client.session["_auth_user_id"]) == user.pk


def test_used_link_does_not_log_in_again(client):
    user = UserFactory(email_confirmed_at=timezone.now())
    token = services.confirmation_token_make(user=user)
    response = client.get(reverse("accounts:confirm", args=[token]))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_expired_link_shows_a_clear_message_and_a_resend_form(client):
    user = UserFactory(email_confirmed_at=None)
    past = timezone.now() - timedelta(seconds=settings.LOTSE_CONFIRMATION_MAX_AGE_SECONDS + 60)
    with mock.patch("django.core.signing.time.time", return_value=past.timestamp()):
        token = services.confirmation_token_make(user=user)
    response = client.get(reverse("accounts:confirm", args=[token]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Dieser Bestätigungslink ist abgelaufen." in content
    assert f'action="{reverse("accounts:confirm_resend")}"' in content
    user.refresh_from_db()
    assert user.email_confirmed_at is None
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("token", ["forged", "eyJ1c2VyIjoxfQ:1abc:xyz", "a" * 900])
def test_forged_link_shows_a_message_not_an_error(client, token):
    UserFactory(email_confirmed_at=None)
    response = client.get(reverse("accounts:confirm", args=[token]))
    assert response.status_code == 200
    assert "Dieser Bestätigungslink ist ungültig." in response.content.decode()
    assert User.objects.filter(email_confirmed_at__isnull=False).count() == 0


def test_token_signed_with_another_salt_is_rejected(client):
    user = UserFactory(email_confirmed_at=None)
    token = signing.TimestampSigner(salt="other").sign_object(
        {"user": user.pk, "email": user.email}
    )
    response = client.get(reverse("accounts:confirm", args=[token]))
    assert "ungültig" in response.content.decode()


def test_resend_mails_unconfirmed_accounts_only_with_the_same_answer(
    client, django_capture_on_commit_callbacks
):
    unconfirmed = UserFactory(email_confirmed_at=None)
    confirmed = UserFactory()
    answers = []
    with django_capture_on_commit_callbacks(execute=True):
        for address in (unconfirmed.email, confirmed.email, "nobody@example.org"):
            response = client.post(reverse("accounts:confirm_resend"), {"email": address})
            answers.append((response.status_code, _without_csrf(response.content.decode())))
    assert len(set(answers)) == 1
    assert answers[0][0] == 200
    assert [m.to for m in mail.outbox] == [[unconfirmed.email]]
    token_url = _link_in(mail.outbox[0].body).removeprefix(settings.SITE_URL)
    assert client.get(token_url).status_code == 302


def test_registration_is_rate_limited_per_address(client, settings):
    from lotse.accounts.views import REGISTRATIONS_PER_HOUR

    for number in range(REGISTRATIONS_PER_HOUR):
        response = client.post(reverse("accounts:register"), _form(email=f"n{number}@example.org"))
        assert response.status_code == 302
    response = client.post(reverse("accounts:register"), _form(email="one-more@example.org"))
    assert response.status_code == 429
    assert not User.objects.filter(email="one-more@example.org").exists()
    # Another address is not affected.
    other = client.post(
        reverse("accounts:register"),
        _form(email="elsewhere@example.org"),
        REMOTE_ADDR="192.0.2.77",
    )
    assert other.status_code == 302


def test_confirmation_resend_is_rate_limited(client, django_capture_on_commit_callbacks):
    from lotse.accounts.views import RESENDS_PER_HOUR

    UserFactory(email="waiting@example.org", email_confirmed_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(RESENDS_PER_HOUR + 2):
            last = client.post(reverse("accounts:confirm_resend"), {"email": "waiting@example.org"})
    assert last.status_code == 429
    assert len(mail.outbox) == RESENDS_PER_HOUR
