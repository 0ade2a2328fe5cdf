import pytest
from django.test import Client

from lotse.accounts.roles import Role
from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from lotse.conftest import login_verified
from lotse.regions.models import District


@pytest.fixture
def freising(db) -> District:
    return District.objects.get(ags="09178")


@pytest.fixture
def coordinator(munich):
    user = UserFactory(email="lotsin.muenchen@example.org")
    RoleAssignmentFactory(user=user, role=Role.COORDINATOR, district=munich)
    return user


@pytest.fixture
def other_coordinator(nuremberg):
    user = UserFactory(email="lotse.nuernberg@example.org")
    RoleAssignmentFactory(user=user, role=Role.COORDINATOR, district=nuremberg)
    return user


@pytest.fixture
def coordinator_client(coordinator) -> Client:
    return login_verified(Client(), coordinator)


@pytest.fixture
def other_coordinator_client(other_coordinator) -> Client:
    return login_verified(Client(), other_coordinator)


@pytest.fixture
def volunteer_user(db):
    return UserFactory(email="ehrenamt@example.org", first_name="Anna", last_name="Berg")


@pytest.fixture
def volunteer_client(volunteer_user) -> Client:
    client = Client()
    client.force_login(volunteer_user)
    return client


@pytest.fixture(autouse=True)
def _english(settings):
    """Assert on the English msgids; one test checks the German page on its own."""
    settings.LANGUAGE_CODE = "en"
