"""User management for platform administrators."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lotse.accounts import services
from lotse.accounts.models import RoleAssignment, User
from lotse.accounts.roles import Role
from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from lotse.conftest import login_verified
from lotse.core.models import AuditEvent
from lotse.organisations.models import Membership
from lotse.organisations.tests.factories import OrganisationFactory
from lotse.regions.models import State

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(db):
    user = UserFactory(email="admin@example.org")
    RoleAssignmentFactory(user=user, role=Role.PLATFORM_ADMIN)
    return user


@pytest.fixture
def admin_client(client, admin_user):
    return login_verified(client, admin_user)


def test_list_searches_email_and_names(admin_client):
    UserFactory(email="ana@example.org", first_name="Ana", last_name="Kovalenko")
    UserFactory(email="bernd@example.org", first_name="Bernd", last_name="Zimmer")
    response = admin_client.get(reverse("accounts:admin_user_list"), {"q": "kovalenko"})
    assert [u.email for u in response.context["page_obj"]] == ["ana@example.org"]
    response = admin_client.get(reverse("accounts:admin_user_list"), {"q": "BERND@"})
    assert [u.email for u in response.context["page_obj"]] == ["bernd@example.org"]


def test_list_htmx_returns_the_results_fragment(admin_client):
    response = admin_client.get(reverse("accounts:admin_user_list"), HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert "<table" in content
    assert "<html" not in content


def _count_queries(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(reverse("accounts:admin_user_list")).status_code == 200
    return len(context.captured_queries)


def test_list_query_count_is_constant(admin_client, munich, django_assert_max_num_queries):
    few = _count_queries(admin_client, django_assert_max_num_queries)
    for _index in range(30):
        person = UserFactory()
        RoleAssignmentFactory(user=person, role=Role.COORDINATOR, district=munich)
    many = _count_queries(admin_client, django_assert_max_num_queries)
    assert many == few


def test_list_is_paginated_by_50(admin_client):
    UserFactory.create_batch(55)
    first = admin_client.get(reverse("accounts:admin_user_list"))
    assert len(first.context["page_obj"]) == 50
    second = admin_client.get(reverse("accounts:admin_user_list"), {"page": 2})
    assert len(second.context["page_obj"]) == 6  # 55 plus the admin


@pytest.mark.parametrize("role", [None, Role.COORDINATOR, Role.STATE_EDITOR])
def test_admin_pages_are_404_for_others(client, munich, role):
    user = UserFactory()
    if role == Role.COORDINATOR:
        RoleAssignmentFactory(user=user, role=role, district=munich)
    elif role == Role.STATE_EDITOR:
        RoleAssignmentFactory(user=user, role=role, state=State.objects.get(code="BY"))
    login_verified(client, user)
    victim = UserFactory()
    assert client.get(reverse("accounts:admin_user_list")).status_code == 404
    assert client.get(reverse("accounts:admin_user_detail", args=[victim.pk])).status_code == 404
    response = client.post(
        reverse("accounts:admin_role_assign", args=[victim.pk]), {"role": Role.PLATFORM_ADMIN}
    )
    assert response.status_code == 404
    assert (
        client.post(reverse("accounts:admin_user_set_active", args=[victim.pk])).status_code == 404
    )
    victim.refresh_from_db()
    assert victim.is_active is True
    assert RoleAssignment.objects.filter(user=victim).count() == 0


def test_unverified_admin_is_sent_to_the_second_factor(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("accounts:admin_user_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor") + "?next=")


def test_detail_shows_roles_and_memberships_and_is_audited(admin_client, admin_user, munich):
    person = UserFactory(email="ana@example.org")
    RoleAssignmentFactory(user=person, role=Role.COORDINATOR, district=munich)
    organisation = OrganisationFactory(name="Helferkreis Giesing")
    Membership.objects.create(user=person, organisation=organisation, role="admin")
    response = admin_client.get(reverse("accounts:admin_user_detail", args=[person.pk]))
    content = response.content.decode()
    assert "München" in content
    assert "Helferkreis Giesing" in content
    event = AuditEvent.objects.get(action="accounts.user.viewed")
    assert (event.actor, event.subject) == (admin_user, person)


def test_assign_coordinator_role_with_district(admin_client, admin_user, munich):
    person = UserFactory()
    response = admin_client.post(
        reverse("accounts:admin_role_assign", args=[person.pk]),
        {"role": Role.COORDINATOR, "district": munich.pk},
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=person)
    assert (assignment.role, assignment.district, assignment.created_by) == (
        Role.COORDINATOR,
        munich,
        admin_user,
    )
    event = AuditEvent.objects.get(action="accounts.role.assigned")
    assert (event.actor, event.subject) == (admin_user, person)


def test_assign_coordinator_without_district_is_rejected(admin_client):
    person = UserFactory()
    response = admin_client.post(
        reverse("accounts:admin_role_assign", args=[person.pk]), {"role": Role.COORDINATOR}
    )
    assert response.status_code == 200
    assert "Für die Rolle Integrationslotse/-lotsin wählen Sie bitte einen Landkreis" in (
        response.content.decode()
    )
    assert RoleAssignment.objects.filter(user=person).count() == 0
    assert AuditEvent.objects.filter(action="accounts.role.assigned").count() == 0


def test_role_assign_service_validates_scope(admin_user, munich):
    person = UserFactory()
    by = State.objects.get(code="BY")
    with pytest.raises(ValidationError):
        services.role_assign(actor=admin_user, user=person, role=Role.STATE_EDITOR)
    with pytest.raises(ValidationError):
        services.role_assign(actor=admin_user, user=person, role=Role.JUROR, district=munich)
    services.role_assign(actor=admin_user, user=person, role=Role.STATE_EDITOR, state=by)
    with pytest.raises(ValidationError):
        services.role_assign(actor=admin_user, user=person, role=Role.STATE_EDITOR, state=by)
    assert RoleAssignment.objects.filter(user=person).count() == 1


def test_remove_role(admin_client, admin_user):
    person = UserFactory()
    assignment = RoleAssignmentFactory(user=person, role=Role.JUROR)
    url = reverse("accounts:admin_role_remove", args=[person.pk, assignment.pk])
    assert admin_client.post(url).status_code == 302
    assert RoleAssignment.objects.filter(user=person).count() == 0
    assert AuditEvent.objects.filter(action="accounts.role.removed", subject=person).count() == 1


def test_remove_role_of_another_user_is_404(admin_client):
    person, other = UserFactory(), UserFactory()
    assignment = RoleAssignmentFactory(user=other, role=Role.JUROR)
    url = reverse("accounts:admin_role_remove", args=[person.pk, assignment.pk])
    assert admin_client.post(url).status_code == 404
    assert RoleAssignment.objects.filter(user=other).count() == 1


def test_add_change_and_remove_membership(admin_client):
    person = UserFactory()
    organisation = OrganisationFactory()
    url = reverse("accounts:admin_membership_add", args=[person.pk])
    assert (
        admin_client.post(url, {"organisation": organisation.pk, "role": "member"}).status_code
        == 302
    )
    assert (
        admin_client.post(url, {"organisation": organisation.pk, "role": "admin"}).status_code
        == 302
    )
    membership = Membership.objects.get(user=person)
    assert membership.role == "admin"
    assert AuditEvent.objects.filter(action="accounts.membership.added").count() == 2
    remove = reverse("accounts:admin_membership_remove", args=[person.pk, membership.pk])
    assert admin_client.post(remove).status_code == 302
    assert Membership.objects.filter(user=person).count() == 0
    assert AuditEvent.objects.filter(action="accounts.membership.removed").count() == 1


def test_membership_with_unknown_organisation_is_rejected(admin_client):
    person = UserFactory()
    url = reverse("accounts:admin_membership_add", args=[person.pk])
    response = admin_client.post(url, {"organisation": 999999, "role": "member"})
    assert response.status_code == 200
    assert Membership.objects.count() == 0


def test_deactivate_and_activate(admin_client):
    person = UserFactory()
    url = reverse("accounts:admin_user_set_active", args=[person.pk])
    assert admin_client.post(url, {"active": "0"}).status_code == 302
    person.refresh_from_db()
    assert person.is_active is False
    assert admin_client.post(url, {"active": "1"}).status_code == 302
    person.refresh_from_db()
    assert person.is_active is True
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["accounts.user.deactivated", "accounts.user.activated"]


def test_admin_cannot_deactivate_themselves(admin_client, admin_user):
    url = reverse("accounts:admin_user_set_active", args=[admin_user.pk])
    response = admin_client.post(url, {"active": "0"})
    assert response.status_code == 200
    assert User.objects.get(pk=admin_user.pk).is_active is True
