from lotse.core import privacy


def test_every_model_field_is_classified():
    """A model that gains a field must classify it in its app's privacy.py."""
    assert privacy.unclassified_fields() == {}


def test_registry_covers_the_user_model_and_erases_it_last():
    from django.contrib.auth import get_user_model

    policy = privacy.policy_for(get_user_model())
    assert policy is not None
    assert policy.erasure is privacy.Erasure.DELETE
    assert policy.erasure_order == max(p.erasure_order for p in privacy.policies())


def test_export_leaves_out_secrets_and_other_people(db):
    from lotse.accounts.roles import Role
    from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
    from lotse.regions.models import District

    admin = UserFactory(email="admin@example.org")
    person = UserFactory(email="person@example.org", first_name="Olena")
    RoleAssignmentFactory(
        user=person,
        role=Role.COORDINATOR,
        district=District.objects.get(ags="09162"),
        created_by=admin,
    )
    data = privacy.export_user_data(person)
    [user_row] = data["accounts.user"]
    assert user_row["email"] == "person@example.org"
    assert user_row["first_name"] == "Olena"
    assert "password" not in user_row
    [assignment] = data["accounts.roleassignment"]
    assert assignment["user"] == "you"
    assert assignment["created_by"] == "another person"
    assert "München" in assignment["district"]
    assert "admin@example.org" not in str(data)


def test_erasure_deletes_the_user_and_anonymises_what_must_stay(db):
    from lotse.accounts.models import Consent, User
    from lotse.accounts.tests.factories import UserFactory
    from lotse.core.models import AuditEvent

    person = UserFactory(email="gone@example.org")
    other = UserFactory()
    Consent.objects.create(user=person, kind="privacy_notice", version="2026-11-01", language="de")
    AuditEvent.objects.create(
        actor=other, action="x.viewed", object_type="t", object_id="1", subject=person
    )
    counts = privacy.erase_user(person)
    assert not User.objects.filter(email="gone@example.org").exists()
    assert Consent.objects.get().user is None
    assert AuditEvent.objects.get().subject is None
    assert counts["accounts.user"] == 1
    assert User.objects.filter(pk=other.pk).exists()
