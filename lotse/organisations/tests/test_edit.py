"""Editing and creating organisation profiles through the web forms."""

import pytest
from django.test import Client
from django.urls import reverse

from lotse.core.models import AuditEvent
from lotse.organisations.models import Organisation
from lotse.organisations.tests.factories import OrganisationFactory


def form_data(organisation: Organisation, **changes) -> dict:
    data = {
        "name": organisation.name,
        "kind": organisation.kind,
        "description": organisation.description,
        "districts": [d.pk for d in organisation.districts.all()] if organisation.pk else [],
        "topics": ["health", "housing"],
        "languages": ["ar", "uk"],
        "website": "https://miteinander.example",
        "contact_name": "Aylin Demir",
        "contact_email": "info@miteinander.example",
        "contact_phone": "+49 (89) 123456-0",
        "street": "Marienplatz 1",
        "postcode": "80331",
        "city": "München",
        "is_published": "on",
    }
    data.update(changes)
    return data


def snapshot(organisation: Organisation) -> dict:
    organisation = Organisation.objects.get(pk=organisation.pk)
    return {
        "fields": {
            f.name: getattr(organisation, f.attname)
            for f in Organisation._meta.concrete_fields
            if f.name != "updated_at"
        },
        "districts": sorted(organisation.districts.values_list("pk", flat=True)),
        "topics": sorted(organisation.topic_codes),
        "languages": sorted(organisation.language_codes),
    }


@pytest.mark.django_db
class TestEditByMember:
    def test_member_saves_profile_and_audit_row_is_written(
        self, member_client, member, organisation, nuremberg
    ):
        url = reverse("organisations:edit", args=[organisation.slug])
        assert member_client.get(url).status_code == 200

        response = member_client.post(
            url,
            form_data(
                organisation,
                name="Miteinander Bayern e.V.",
                districts=[d.pk for d in organisation.districts.all()] + [nuremberg.pk],
            ),
        )

        assert response.status_code == 302
        assert response["Location"] == reverse(
            "organisations:detail", args=["miteinander-muenchen"]
        )
        organisation.refresh_from_db()
        assert organisation.name == "Miteinander Bayern e.V."
        assert organisation.slug == "miteinander-muenchen"  # links stay stable
        assert organisation.postcode.code == "80331"
        assert organisation.contact_phone == "+49 (89) 123456-0"
        assert sorted(organisation.topic_codes) == ["health", "housing"]
        assert sorted(organisation.language_codes) == ["ar", "uk"]
        assert organisation.districts.count() == 2
        event = AuditEvent.objects.get(action="organisations.organisation.changed")
        assert event.actor == member
        assert event.object_id == str(organisation.pk)
        assert event.changed_fields == [
            "city",
            "contact_email",
            "contact_name",
            "contact_phone",
            "districts",
            "languages",
            "name",
            "postcode",
            "street",
            "topics",
            "website",
        ]

    def test_saving_unchanged_data_writes_no_audit_row(self, member_client, organisation):
        url = reverse("organisations:edit", args=[organisation.slug])
        member_client.post(url, form_data(organisation))
        AuditEvent.objects.all().delete()
        member_client.post(url, form_data(organisation))
        assert not AuditEvent.objects.exists()

    def test_form_shows_districts_grouped_by_state(self, member_client, organisation):
        response = member_client.get(reverse("organisations:edit", args=[organisation.slug]))
        body = response.content.decode()
        assert '<optgroup label="Bayern">' in body
        assert "multiple" in body and 'size="12"' in body
        assert 'aria-describedby="id_districts_hint"' in body


@pytest.mark.django_db
class TestEditDenied:
    def test_member_of_other_organisation_gets_404_and_post_changes_nothing(
        self, other_admin_client, organisation
    ):
        url = reverse("organisations:edit", args=[organisation.slug])
        before = snapshot(organisation)

        assert other_admin_client.get(url).status_code == 404
        response = other_admin_client.post(url, form_data(organisation, name="Gekapert"))

        assert response.status_code == 404
        assert snapshot(organisation) == before
        assert not AuditEvent.objects.exists()

    def test_anonymous_is_sent_to_login_and_post_changes_nothing(self, client, organisation):
        url = reverse("organisations:edit", args=[organisation.slug])
        before = snapshot(organisation)
        response = client.post(url, form_data(organisation, name="Gekapert"))
        assert response.status_code == 302
        assert snapshot(organisation) == before


@pytest.mark.django_db
class TestBadInput:
    @pytest.mark.parametrize(
        ("changes", "field", "code"),
        [
            ({"postcode": "99999"}, "postcode", "unknown"),
            ({"postcode": "8033"}, "postcode", "format"),
            ({"website": "javascript:alert(1)"}, "website", "invalid"),
            ({"website": "ftp://files.example"}, "website", "invalid"),
            ({"description": "Hallo <script>alert(1)</script>"}, "description", "markup"),
            ({"description": "a" * 6000}, "description", "max_length"),
            ({"contact_phone": "089 1234; DROP"}, "contact_phone", "phone"),
            ({"contact_phone": "0800-CALL-NOW"}, "contact_phone", "phone"),
            ({"districts": []}, "districts", "required"),
            ({"name": "<b>Verein</b>"}, "name", "markup"),
        ],
    )
    def test_rejected_with_clear_error_and_nothing_saved(
        self, member_client, organisation, changes, field, code
    ):
        url = reverse("organisations:edit", args=[organisation.slug])
        before = snapshot(organisation)

        response = member_client.post(url, form_data(organisation, **changes))

        assert response.status_code == 200
        form = response.context["form"]
        assert code in [error.code for error in form.errors.as_data()[field]]
        assert 'role="alert"' in response.content.decode()
        assert snapshot(organisation) == before
        assert not AuditEvent.objects.exists()

    def test_error_messages_are_understandable(self, member_client, organisation):
        url = reverse("organisations:edit", args=[organisation.slug])
        response = member_client.post(
            url,
            form_data(
                organisation, postcode="99999", website="javascript:alert(1)", contact_phone="x"
            ),
            headers={"Accept-Language": "en"},
        )
        errors = response.context["form"].errors
        assert errors["postcode"] == ["The postcode 99999 does not exist in Germany."]
        assert errors["website"] == [
            "Please enter a web address that starts with http:// or https://."
        ]
        assert errors["contact_phone"] == [
            "Please use only digits, spaces and the characters + - / ( ) in telephone numbers."
        ]


@pytest.mark.django_db
class TestCreate:
    def test_platform_admin_creates_organisation_with_generated_slug(
        self, admin_client_verified, platform_admin, munich
    ):
        OrganisationFactory(name="Bürgerhilfe Öhringen", slug="buergerhilfe-oehringen")
        data = form_data(
            Organisation(name="x", kind="kobe"),
            name="Bürgerhilfe Öhringen",
            kind="kobe",
            districts=[munich.pk],
        )
        data["description"] = "Große Straße"
        response = admin_client_verified.post(reverse("organisations:create"), data)

        assert response.status_code == 302
        created = Organisation.objects.get(slug="buergerhilfe-oehringen-2")
        assert response["Location"] == reverse("organisations:detail", args=[created.slug])
        assert created.kind == "kobe"
        assert list(created.districts.all()) == [munich]
        event = AuditEvent.objects.get(action="organisations.organisation.created")
        assert event.actor == platform_admin

    @pytest.mark.parametrize("user_fixture", ["member", "other_org_admin"])
    def test_others_get_404_and_nothing_is_created(self, request, user_fixture, munich):
        from lotse.conftest import login_verified

        client = login_verified(Client(), request.getfixturevalue(user_fixture))
        count = Organisation.objects.count()
        url = reverse("organisations:create")
        assert client.get(url).status_code == 404
        data = form_data(Organisation(name="x", kind="kobe"), name="Neu", districts=[munich.pk])
        assert client.post(url, data).status_code == 404
        assert Organisation.objects.count() == count
