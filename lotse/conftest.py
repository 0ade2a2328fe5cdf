"""Fixtures shared by the whole suite."""

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from lotse.accounts.models import User
from lotse.regions.models import District


def login_verified(client: Client, user: User) -> Client:
    """Log `user` in as if they had passed the second factor (TOTP)."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="test", defaults={"confirmed": True}
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def munich(db) -> District:
    return District.objects.get(ags="09162")


@pytest.fixture
def nuremberg(db) -> District:
    return District.objects.get(ags="09564")


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
