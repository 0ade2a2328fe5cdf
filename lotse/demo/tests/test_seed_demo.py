from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q
from django.http import HttpRequest

from lotse.accounts.models import Consent, RoleAssignment, User
from lotse.accounts.roles import Role
from lotse.demo.logins import DEMO_LOGINS, DEMO_PASSWORD
from lotse.infobriefe.choices import DeliveryState, InfobriefStatus
from lotse.infobriefe.models import Infobrief, Subscription
from lotse.organisations.choices import MembershipRole, OrganisationKind
from lotse.organisations.models import Membership, Organisation
from lotse.questions.models import DialogSession, Entry
from lotse.regions.models import District
from lotse.volunteers.models import VolunteerLanguage, VolunteerProfile

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", "--volunteers", "60", "--organisations", "20", *args, stdout=out)
    return out.getvalue()


def seeded_emails() -> list[str]:
    return list(User.objects.order_by("email").values_list("email", flat=True))


def wipe_demo() -> None:
    # Knowledge-base entries and Dialog digital sessions belong to nobody (their authors'
    # links are cut when the users go).
    Entry.objects.all().delete()
    DialogSession.objects.all().delete()
    # Infobriefe and public subscriptions belong to nobody either.
    Infobrief.objects.all().delete()
    Subscription.objects.all().delete()
    Organisation.objects.all().delete()
    Consent.objects.all().delete()
    User.objects.all().delete()


def test_seed_creates_exact_numbers():
    # when
    seed()

    # then
    assert VolunteerProfile.objects.count() == 60
    assert Organisation.objects.count() == 20
    assert RoleAssignment.objects.filter(role=Role.STATE_EDITOR, state__code="BY").count() == 3
    assert list(
        RoleAssignment.objects.filter(role=Role.PLATFORM_ADMIN).values_list(
            "user__email", flat=True
        )
    ) == ["admin@lotse.example"]
    coordinators = RoleAssignment.objects.filter(role=Role.COORDINATOR).count()
    members = Membership.objects.count()
    assert User.objects.count() == 1 + 3 + coordinators + members + 60
    assert Consent.objects.count() == User.objects.count()
    assert not User.objects.filter(email_confirmed_at__isnull=True).exists()


def test_every_bavarian_district_has_one_or_two_coordinators():
    seed()

    per_district = dict(
        District.objects.filter(state__code="BY")
        .annotate(
            coordinators=Count(
                "role_assignments", filter=Q(role_assignments__role=Role.COORDINATOR)
            )
        )
        .values_list("ags", "coordinators")
    )

    assert len(per_district) == 96
    assert all(1 <= number <= 2 for number in per_district.values()), per_district


def test_postcodes_lie_in_their_district():
    seed()

    assert not VolunteerProfile.objects.exclude(district=F("postcode__district")).exists()
    assert not VolunteerProfile.objects.exclude(district__state__code="BY").exists()
    organisations = Organisation.objects.all()
    assert not organisations.filter(postcode__isnull=True).exists()
    assert all(o.districts.filter(id=o.postcode.district_id).exists() for o in organisations)


def test_organisations_have_every_kind_and_one_admin_each():
    seed()

    assert set(Organisation.objects.values_list("kind", flat=True)) == set(OrganisationKind.values)
    admins = Membership.objects.filter(role=MembershipRole.ADMIN)
    assert admins.count() == 20
    assert admins.values("organisation").distinct().count() == 20
    sizes = Organisation.objects.annotate(n=Count("memberships")).values_list("n", flat=True)
    assert set(sizes) <= {1, 2, 3}


def test_every_volunteer_speaks_german():
    seed()

    german = VolunteerLanguage.objects.filter(language="de").values("volunteer").distinct()
    assert german.count() == 60
    assert VolunteerProfile.objects.filter(availability=0).count() == 0


def test_demo_logins_work_with_the_documented_password():
    seed()

    for login in DEMO_LOGINS:
        user = User.objects.get(email=login.email)
        assert user.check_password(DEMO_PASSWORD), login.email


def test_demo_logins_authenticate_through_the_backends(client):
    seed()

    for login in DEMO_LOGINS:
        assert client.login(request=HttpRequest(), username=login.email, password=DEMO_PASSWORD)
        client.logout()


def test_fixed_demo_roles():
    seed()

    munich = RoleAssignment.objects.get(user__email="lotsin.muenchen@lotse.example")
    assert (munich.role, munich.district.ags) == (Role.COORDINATOR, "09162")
    nuremberg = RoleAssignment.objects.get(user__email="lotse.nuernberg@lotse.example")
    assert (nuremberg.role, nuremberg.district.ags) == (Role.COORDINATOR, "09564")
    editor = RoleAssignment.objects.get(user__email="redaktion@lotse.example")
    assert (editor.role, editor.state.code) == (Role.STATE_EDITOR, "BY")
    admin = User.objects.get(email="admin@lotse.example")
    assert admin.is_staff and admin.is_superuser
    membership = Membership.objects.get(user__email="verein@lotse.example")
    assert membership.role == MembershipRole.ADMIN
    assert membership.organisation.districts.filter(ags="09162").exists()
    volunteer = VolunteerProfile.objects.get(user__email="ehrenamt@lotse.example")
    assert volunteer.district.ags == "09162"
    assert volunteer.languages.count() == 3
    assert volunteer.topics.count() == 3
    assert volunteer.roles.count() == 2
    assert volunteer.skills and volunteer.availability


def test_if_empty_second_run_adds_nothing():
    seed()
    before = User.objects.count()

    output = seed("--if-empty")

    assert User.objects.count() == before
    assert VolunteerProfile.objects.count() == 60
    assert "nothing seeded" in output


def test_second_run_without_if_empty_fails_and_changes_nothing():
    seed()
    before = User.objects.count()

    with pytest.raises(CommandError, match="demo logins exist already"):
        seed()

    assert User.objects.count() == before


def test_same_seed_gives_the_same_people():
    seed("--seed", "7")
    first = seeded_emails()
    wipe_demo()

    seed("--seed", "7")

    assert seeded_emails() == first
    wipe_demo()
    seed("--seed", "8")
    assert seeded_emails() != first


def test_demo_logins_command_prints_every_login():
    out = StringIO()

    call_command("demo_logins", stdout=out)

    for login in DEMO_LOGINS:
        assert login.email in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()


def test_seeded_records_pass_model_validation():
    """The seed bypasses services; what it writes must still be valid for later edits."""
    seed()

    for organisation in Organisation.objects.all():
        organisation.full_clean()
    for profile in VolunteerProfile.objects.select_related("user")[:60]:
        profile.full_clean()
        profile.user.full_clean()


def test_infobriefe_demo_has_an_archive_a_draft_and_subscribers():
    seed()

    sent = Infobrief.objects.filter(status=InfobriefStatus.SENT)
    assert sent.count() == 3
    for infobrief in sent:
        assert infobrief.versions.filter(language="de").exists()
        assert infobrief.deliveries.filter(state=DeliveryState.SENT).exists()
        assert not infobrief.deliveries.exclude(
            state__in=[DeliveryState.SENT, DeliveryState.FAILED]
        ).exists()
    draft = Infobrief.objects.get(status=InfobriefStatus.DRAFT)
    assert set(draft.versions.values_list("language", flat=True)) == {"de", "uk"}
    assert Infobrief.objects.filter(status=InfobriefStatus.SCHEDULED).count() == 1
    # The demo volunteer can try the one-click subscription.
    assert not Subscription.objects.filter(email="ehrenamt@lotse.example").exists()
    assert Subscription.objects.filter(user__isnull=True).count() == 150
    for subscription in Subscription.objects.all()[:50]:
        subscription.full_clean()
        assert subscription.consents.exists()
