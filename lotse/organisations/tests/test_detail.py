"""The public profile page."""

import pytest
from django.test import Client
from django.urls import reverse

from lotse.conftest import login_verified
from lotse.core.choices import Language, Topic
from lotse.organisations.models import OrganisationLanguage, OrganisationTopic
from lotse.regions.models import Postcode


@pytest.mark.django_db
def test_published_profile_shows_everything(client, organisation, munich):
    organisation.description = "Erster Absatz.\n\nZweiter Absatz."
    organisation.website = "https://miteinander.example"
    organisation.contact_name = "Aylin Demir"
    organisation.contact_phone = "+49 89 123456-0"
    organisation.street = "Marienplatz 1"
    organisation.postcode = Postcode.objects.get(code="80331")
    organisation.city = "München"
    organisation.save()
    OrganisationTopic.objects.create(organisation=organisation, topic=Topic.HOUSING)
    OrganisationLanguage.objects.create(organisation=organisation, language=Language.ARABIC)

    body = client.get(reverse("organisations:detail", args=[organisation.slug])).content.decode()

    assert "<p>Erster Absatz.</p>" in body
    assert "<p>Zweiter Absatz.</p>" in body
    assert reverse("regions:district_detail", args=[munich.slug]) in body
    for text in (
        "Aylin Demir",
        "+49 89 123456-0",
        "Marienplatz 1",
        "80331",
        "https://miteinander.example",
    ):
        assert text in body
    assert organisation.contact_email in body
    assert reverse("organisations:edit", args=[organisation.slug]) not in body


@pytest.mark.django_db
def test_description_is_escaped(client, organisation):
    organisation.description = "1 < 2 & 3"
    organisation.save()
    body = client.get(reverse("organisations:detail", args=[organisation.slug])).content.decode()
    assert "1 &lt; 2 &amp; 3" in body


@pytest.mark.django_db
class TestUnpublished:
    @pytest.fixture(autouse=True)
    def _unpublish(self, organisation):
        organisation.is_published = False
        organisation.save()
        self.url = reverse("organisations:detail", args=[organisation.slug])

    def test_hidden_from_visitors(self, client):
        assert client.get(self.url).status_code == 404

    def test_hidden_from_members_of_other_organisations(self, other_admin_client):
        assert other_admin_client.get(self.url).status_code == 404

    def test_visible_to_its_members_with_a_notice_and_edit_link(self, member_client, organisation):
        response = member_client.get(self.url)
        assert response.status_code == 200
        assert reverse("organisations:edit", args=[organisation.slug]) in response.content.decode()
        assert response.context["organisation"].is_published is False

    def test_visible_to_platform_admins(self, admin_client_verified):
        assert admin_client_verified.get(self.url).status_code == 200


@pytest.mark.django_db
def test_unknown_slug_is_404(client):
    assert client.get(reverse("organisations:detail", args=["gibt-es-nicht"])).status_code == 404


@pytest.mark.django_db
def test_mine_lists_memberships(member_client, organisation, other_organisation):
    response = member_client.get(reverse("organisations:mine"))
    assert [m.organisation for m in response.context["memberships"]] == [organisation]


@pytest.mark.django_db
def test_mine_explains_when_empty(platform_admin):
    client = login_verified(Client(), platform_admin)
    response = client.get(reverse("organisations:mine"), headers={"Accept-Language": "en"})
    assert list(response.context["memberships"]) == []
    assert "not a member of any organisation" in response.content.decode()
    assert reverse("organisations:create") in response.content.decode()
