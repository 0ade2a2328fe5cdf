"""Shared notifications: rendered in the recipient's language, mailed on commit, listed,
marked read; nobody sees another person's notifications."""

import pytest
from django.core import mail
from django.urls import reverse

from lotse.accounts.tests.factories import UserFactory
from lotse.notifications.models import Notification
from lotse.notifications.selectors import notification_unread_count
from lotse.notifications.services import notifications_mark_read, notify

pytestmark = pytest.mark.django_db


def test_notify_stores_and_mails_in_the_recipients_language(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(preferred_language="en", first_name="Lena")
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(
            user=user,
            kind="test.greeting",
            template="notifications/tests/greeting",
            context={"name": "Amal"},
            url="/notifications/",
        )
    assert notification is not None
    assert notification.title == "A message about Amal"
    assert notification.body.startswith("Hello Amal")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert "A message about Amal" in mail.outbox[0].subject
    assert "http://" in mail.outbox[0].body and "/notifications/" in mail.outbox[0].body


def test_notify_without_mail_and_for_inactive_users(django_capture_on_commit_callbacks):
    user = UserFactory()
    inactive = UserFactory(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=user, kind="k", template="notifications/tests/greeting", mail=False)
        assert notify(user=inactive, kind="k", template="notifications/tests/greeting") is None
    assert mail.outbox == []
    assert Notification.objects.filter(user=user).count() == 1
    assert not Notification.objects.filter(user=inactive).exists()


def test_unread_count_and_mark_read():
    user, other = UserFactory(), UserFactory()
    for _ in range(3):
        notify(user=user, kind="k", template="notifications/tests/greeting", mail=False)
    notify(user=other, kind="k", template="notifications/tests/greeting", mail=False)
    assert notification_unread_count(user=user) == 3
    first = Notification.objects.filter(user=user).first()
    assert notifications_mark_read(user=user, ids=[first.pk]) == 1
    assert notification_unread_count(user=user) == 2
    # Marking another person's notification does nothing.
    theirs = Notification.objects.get(user=other)
    assert notifications_mark_read(user=user, ids=[theirs.pk]) == 0
    assert notifications_mark_read(user=user) == 2
    assert notification_unread_count(user=user) == 0
    assert notification_unread_count(user=other) == 1


def test_list_page_shows_own_notifications_with_constant_queries(
    client, django_assert_max_num_queries
):
    user, other = UserFactory(), UserFactory()
    notify(user=other, kind="k", template="notifications/tests/greeting", context={"name": "X"})
    client.force_login(user)
    for count in (2, 20):
        while Notification.objects.filter(user=user).count() < count:
            notify(
                user=user,
                kind="k",
                template="notifications/tests/greeting",
                context={"name": "Amal"},
            )
        with django_assert_max_num_queries(8):
            response = client.get(reverse("notifications:list"))
        assert response.status_code == 200
    content = response.content.decode()
    assert "A message about Amal" in content
    assert "A message about X" not in content
    assert "20 new" in content or "20 neu" in content


def test_open_marks_read_and_follows_only_local_links(client):
    user = UserFactory()
    local = notify(user=user, kind="k", template="notifications/tests/greeting", url="/regions/")
    remote = notify(
        user=user, kind="k", template="notifications/tests/greeting", url="https://evil.example/"
    )
    client.force_login(user)
    response = client.post(reverse("notifications:open", args=[local.pk]))
    assert response.status_code == 302 and response["Location"] == "/regions/"
    local.refresh_from_db()
    assert local.read_at is not None
    response = client.post(reverse("notifications:open", args=[remote.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_someone_elses_notification_is_404(client):
    owner, intruder = UserFactory(), UserFactory()
    notification = notify(user=owner, kind="k", template="notifications/tests/greeting")
    client.force_login(intruder)
    response = client.post(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read(client):
    user = UserFactory()
    notify(user=user, kind="k", template="notifications/tests/greeting")
    client.force_login(user)
    client.post(reverse("notifications:mark_all_read"))
    assert notification_unread_count(user=user) == 0
