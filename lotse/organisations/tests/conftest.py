import pytest
from django.test import Client

from lotse.accounts.roles import Role
from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from lotse.conftest import login_verified
from lotse.organisations.choices import MembershipRole
from lotse.organisations.tests.factories import MembershipFactory, OrganisationFactory


@pytest.fixture
def organisation(munich):
    return OrganisationFactory(
        name="Miteinander München e.V.", slug="miteinander-muenchen", districts=[munich]
    )


@pytest.fixture
def other_organisation(nuremberg):
    return OrganisationFactory(
        name="Brücke Nürnberg", slug="bruecke-nuernberg", districts=[nuremberg]
    )


@pytest.fixture
def member(organisation):
    return MembershipFactory(organisation=organisation).user


@pytest.fixture
def other_org_admin(other_organisation):
    return MembershipFactory(organisation=other_organisation, role=MembershipRole.ADMIN).user


@pytest.fixture
def platform_admin(db):
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=Role.PLATFORM_ADMIN)
    return user


@pytest.fixture
def member_client(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


@pytest.fixture
def other_admin_client(other_org_admin) -> Client:
    return login_verified(Client(), other_org_admin)


@pytest.fixture
def admin_client_verified(platform_admin) -> Client:
    return login_verified(Client(), platform_admin)
