"""Request every URL pattern as every actor and compare with the declared matrix."""

from __future__ import annotations

import importlib

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lotse.accounts.roles import Role
from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from lotse.conftest import login_verified
from lotse.core.tests.matrix import ACTORS, STAFF, UrlRow, World
from lotse.organisations.choices import MembershipRole
from lotse.organisations.tests.factories import MembershipFactory, OrganisationFactory
from lotse.regions.models import District, Postcode, State
from lotse.volunteers.tests.factories import VolunteerProfileFactory

APPS_WITH_ROWS = [
    "infobriefe",
    "core",
    "accounts",
    "regions",
    "organisations",
    "volunteers",
    "notifications",
    "engagement",
    "questions",
]
# Namespaces not owned by Lotse: Django's admin (platform admins only, guarded by is_staff and
# the second-factor middleware) and the i18n view.
EXTERNAL_PREFIXES = ("admin:",)


def all_rows() -> list[UrlRow]:
    rows: list[UrlRow] = []
    for app in APPS_WITH_ROWS:
        module = importlib.import_module(f"lotse.{app}.tests.url_rows")
        rows.extend(module.ROWS)
    return rows


def pattern_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    resolver = resolver or get_resolver()
    names: set[str] = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= pattern_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}{entry.name}")
    return names


def test_every_url_pattern_has_a_matrix_row():
    declared = {row.name for row in all_rows()}
    missing = sorted(
        name for name in pattern_names() - declared if not name.startswith(EXTERNAL_PREFIXES)
    )
    assert missing == [], f"URL patterns without a role × URL matrix row: {missing}"


def test_every_row_names_every_actor():
    for row in all_rows():
        assert set(row.expect) == set(ACTORS), f"{row.name}: actors {set(ACTORS) ^ set(row.expect)}"


@pytest.fixture
def world(db) -> World:
    district = District.objects.get(ags="09162")
    other_district = District.objects.get(ags="09564")
    nuremberg_postcode = Postcode.objects.get(code="90402")
    users = {
        actor: UserFactory(email=f"{actor}@example.org") for actor in ACTORS if actor != "anonymous"
    }
    volunteer_profile = VolunteerProfileFactory(user=users["volunteer"])
    other_volunteer_profile = VolunteerProfileFactory(
        user=users["other_volunteer"], postcode=nuremberg_postcode
    )
    RoleAssignmentFactory(user=users["coordinator"], role=Role.COORDINATOR, district=district)
    RoleAssignmentFactory(
        user=users["other_coordinator"], role=Role.COORDINATOR, district=other_district
    )
    RoleAssignmentFactory(
        user=users["state_editor"], role=Role.STATE_EDITOR, state=State.objects.get(code="BY")
    )
    RoleAssignmentFactory(user=users["platform_admin"], role=Role.PLATFORM_ADMIN)
    organisation = OrganisationFactory(districts=[district])
    other_organisation = OrganisationFactory(districts=[other_district])
    MembershipFactory(user=users["org_member"], organisation=organisation)
    MembershipFactory(user=users["org_admin"], organisation=organisation, role=MembershipRole.ADMIN)
    MembershipFactory(
        user=users["other_org_admin"], organisation=other_organisation, role=MembershipRole.ADMIN
    )
    world = World(
        users=users,
        district=district,
        other_district=other_district,
        volunteer_profile=volunteer_profile,
        other_volunteer_profile=other_volunteer_profile,
        organisation=organisation,
        other_organisation=other_organisation,
    )
    # Modules add their own objects (an opportunity, a help request, …) to `world.extra`.
    for app in APPS_WITH_ROWS:
        extend = getattr(
            importlib.import_module(f"lotse.{app}.tests.url_rows"), "extend_world", None
        )
        if extend is not None:
            extend(world)
    return world


def client_for(actor: str, world: World) -> Client:
    client = Client()
    if actor == "anonymous":
        return client
    user = world.users[actor]
    if actor in STAFF:
        return login_verified(client, user)
    client.force_login(user)
    return client


ROWS = all_rows()


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_role_url_matrix(row: UrlRow, world: World, settings_debug_for_dev_rows):
    url = reverse(row.name, kwargs=row.kwargs(world) if row.kwargs else None)
    if row.query:
        url = f"{url}?{row.query}"
    failures = []
    for actor in ACTORS:
        response = client_for(actor, world).get(url)
        expected = row.status_for(actor)
        if response.status_code != expected:
            failures.append(f"{actor}: expected {expected}, got {response.status_code}")
    assert failures == [], f"{row.name} ({url}):\n" + "\n".join(failures)


@pytest.fixture
def settings_debug_for_dev_rows(settings):
    """The matrix runs with DEBUG off, as in production: the dev outbox must be 404."""
    settings.DEBUG = False
    assert not settings.LOTSE_DEMO_MODE or settings.DEBUG is False
    return settings


def test_admin_site_is_only_for_platform_staff(world: World):
    admin_user = world.users["platform_admin"]
    admin_user.is_staff = True
    admin_user.save()
    assert client_for("platform_admin", world).get(reverse("admin:index")).status_code == 200
    assert client_for("coordinator", world).get(reverse("admin:index")).status_code == 302
    assert settings.LOTSE_REQUIRE_2FA


GARBAGE_QUERY = (
    "page=-3&q=%3Cscript%3E&topic=nope&language=xx&district=abc&status=zzz&postcode=12"
    "&distance=-5&near=%00&date=2026-13-45&available=9-9&online=maybe&for=x%27--&urgency=%F0"
)


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_garbage_query_strings_never_give_a_server_error(row: UrlRow, world: World):
    """Filters, pagination and lookups refuse nonsense politely (never a 500)."""
    url = reverse(row.name, kwargs=row.kwargs(world) if row.kwargs else None)
    for actor in ("anonymous", "volunteer", "coordinator", "org_admin"):
        response = client_for(actor, world).get(f"{url}?{GARBAGE_QUERY}")
        assert response.status_code < 500, f"{actor}: {url} gave {response.status_code}"
