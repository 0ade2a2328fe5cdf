"""Services and predicates of the organisations module."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lotse.core.models import AuditEvent
from lotse.organisations.permissions import can_edit_organisation, is_member_of_organisation
from lotse.organisations.services import (
    organisation_create,
    organisation_slug_for,
    organisation_update,
)
from lotse.organisations.tests.factories import OrganisationFactory


@pytest.mark.django_db
class TestSlug:
    @pytest.mark.parametrize(
        ("name", "slug"),
        [
            ("Türkisch-Deutscher Verein Fürth", "tuerkisch-deutscher-verein-fuerth"),
            ("Große Öffnung Ägypten", "grosse-oeffnung-aegypten"),
            ("Café Miteinander", "cafe-miteinander"),
            ("!!!", "organisation"),
            ("Mine", "mine-2"),
        ],
    )
    def test_transliterates(self, name, slug):
        assert organisation_slug_for(name) == slug

    def test_is_unique(self):
        OrganisationFactory(slug="brueckenbauer")
        OrganisationFactory(slug="brueckenbauer-2")
        assert organisation_slug_for("Brückenbauer") == "brueckenbauer-3"


@pytest.mark.django_db
class TestUpdate:
    def test_partial_update_changes_only_given_keys(self, member, organisation):
        updated = organisation_update(
            actor=member, organisation=organisation, data={"topics": ["work"], "city": "München"}
        )
        assert updated.topic_codes == ["work"]
        assert updated.city == "München"
        assert updated.name == "Miteinander München e.V."
        assert AuditEvent.objects.get().changed_fields == ["city", "topics"]

    def test_refuses_non_members(self, other_org_admin, organisation):
        with pytest.raises(PermissionDenied):
            organisation_update(
                actor=other_org_admin, organisation=organisation, data={"name": "X"}
            )
        organisation.refresh_from_db()
        assert organisation.name == "Miteinander München e.V."

    def test_model_validation_also_applies_to_service_callers(self, member, organisation):
        with pytest.raises(ValidationError) as error:
            organisation_update(
                actor=member, organisation=organisation, data={"website": "javascript:alert(1)"}
            )
        assert "website" in error.value.message_dict
        organisation.refresh_from_db()
        assert organisation.website == ""

    def test_unknown_topic_is_refused(self, member, organisation):
        with pytest.raises(ValidationError):
            organisation_update(actor=member, organisation=organisation, data={"topics": ["magic"]})


@pytest.mark.django_db
def test_create_requires_platform_admin(member, munich):
    with pytest.raises(PermissionDenied):
        organisation_create(
            actor=member, data={"name": "Neu", "kind": "other", "districts": [munich]}
        )


@pytest.mark.django_db
def test_predicates(member, other_org_admin, platform_admin, organisation):
    assert is_member_of_organisation(member, organisation)
    assert not is_member_of_organisation(other_org_admin, organisation)
    assert can_edit_organisation(platform_admin, organisation)
    assert not can_edit_organisation(other_org_admin, organisation)
