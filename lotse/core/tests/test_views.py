import pytest
from django.core import mail
from django.urls import reverse

from lotse.core.mail import OutboxBackend, outbox_message, outbox_messages

pytestmark = pytest.mark.django_db


def test_every_page_sends_a_strict_content_security_policy(client):
    response = client.get(reverse("core:home"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"


def test_home_page_is_german_by_default_and_names_the_legal_pages(client):
    response = client.get(reverse("core:home"))
    content = response.content.decode()
    assert '<html lang="de" dir="ltr"' in content
    for url in (reverse("core:imprint"), reverse("core:privacy"), reverse("core:accessibility")):
        assert f'href="{url}"' in content


def test_language_switch_sets_arabic_and_right_to_left(client):
    response = client.post(reverse("set_language"), {"language": "ar", "next": "/"}, follow=True)
    assert '<html lang="ar" dir="rtl"' in response.content.decode()


def test_accessibility_feedback_is_mailed_to_the_operator(
    client, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("core:accessibility_feedback"),
            {
                "page": "/regions/districts/",
                "message": "Der Filter ist mit der Tastatur nicht bedienbar.",
            },
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [settings.LOTSE_OPERATOR["accessibility_email"]]
    assert "Tastatur" in mail.outbox[0].body


def test_accessibility_feedback_with_script_is_rejected_and_nothing_is_sent(client):
    response = client.post(
        reverse("core:accessibility_feedback"), {"message": "<script>alert(1)</script>"}
    )
    assert response.status_code == 200
    assert mail.outbox == []
    assert "aria-invalid" in response.content.decode()


def test_accessibility_feedback_is_rate_limited(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(10):
            client.post(reverse("core:accessibility_feedback"), {"message": "Kontrast zu schwach."})
        response = client.post(
            reverse("core:accessibility_feedback"), {"message": "Kontrast zu schwach."}
        )
    assert response.status_code == 200
    assert len(mail.outbox) == 10


def test_outbox_backend_writes_readable_messages(tmp_path, settings, client):
    settings.EMAIL_OUTBOX_DIR = tmp_path
    settings.DEBUG = True
    message = mail.EmailMessage(
        "Bitte bestätigen", "Hallo Ayşe,\nbitte bestätigen Sie.", to=["a@example.org"]
    )
    assert OutboxBackend(alias="default").send_messages([message]) == 1
    [stored] = outbox_messages()
    assert stored.subject == "Bitte bestätigen"
    assert "Ayşe" in stored.text
    assert client.get(reverse("core:outbox")).status_code == 200
    assert client.get(reverse("core:outbox_detail", args=[stored.name])).status_code == 200
    assert outbox_message("../../etc/passwd") is None


def test_outbox_is_hidden_without_debug(client, settings):
    settings.DEBUG = False
    assert client.get(reverse("core:outbox")).status_code == 404
