"""volunteer_profile_save: create, update, audit, and nothing saved on invalid input."""

import pytest
from django.core.exceptions import ValidationError

from lotse.accounts.tests.factories import UserFactory
from lotse.core.availability import mask_from_cells
from lotse.core.choices import LanguageLevel, Topic
from lotse.core.models import AuditEvent
from lotse.regions.models import District
from lotse.volunteers.choices import VolunteerRole, VolunteerStatus
from lotse.volunteers.models import (
    VolunteerLanguage,
    VolunteerProfile,
    VolunteerRoleChoice,
    VolunteerTopic,
)
from lotse.volunteers.services import volunteer_profile_save

pytestmark = pytest.mark.django_db


def _data(**overrides):
    data = {
        "first_name": "Anna",
        "last_name": "Berg",
        "postcode": "80331",
        "travel_radius_km": 10,
        "district_id": None,
        "skills": "Kochen",
        "availability": ["1-2", "5-0"],
        "status": VolunteerStatus.ACTIVE,
        "languages": [("de", LanguageLevel.NATIVE), ("uk", LanguageLevel.GOOD)],
        "topics": [Topic.HEALTH, Topic.HOUSING],
        "roles": [VolunteerRole.MENTOR],
    }
    return data | overrides


def _state():
    """Everything the service may write, to compare before and after."""
    return (
        list(VolunteerProfile.objects.values()),
        sorted(VolunteerLanguage.objects.values_list("volunteer_id", "language", "level")),
        sorted(VolunteerTopic.objects.values_list("volunteer_id", "topic")),
        sorted(VolunteerRoleChoice.objects.values_list("volunteer_id", "role")),
        list(AuditEvent.objects.values_list("action", flat=True)),
    )


def test_create_profile_with_everything(munich):
    user = UserFactory(first_name="", last_name="")

    profile = volunteer_profile_save(actor=user, user=user, **_data())

    profile.refresh_from_db()
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Anna", "Berg")
    assert profile.postcode.code == "80331"
    assert profile.district == munich
    assert profile.availability == mask_from_cells([(1, 2), (5, 0)])
    assert sorted(profile.languages.values_list("language", "level")) == [
        ("de", "native"),
        ("uk", "good"),
    ]
    assert set(profile.topics.values_list("topic", flat=True)) == {"health", "housing"}
    assert list(profile.roles.values_list("role", flat=True)) == ["mentor"]
    event = AuditEvent.objects.get()
    assert event.action == "volunteers.profile.created"
    assert event.subject == user
    assert event.actor == user
    assert event.object_id == str(profile.pk)
    assert set(event.changed_fields) >= {"postcode", "district", "languages", "topics", "roles"}


def test_chosen_district_wins_over_the_postcode(nuremberg):
    user = UserFactory()
    profile = volunteer_profile_save(actor=user, user=user, **_data(district_id=nuremberg.pk))
    assert profile.district == nuremberg


def test_update_records_exactly_the_changed_fields():
    user = UserFactory(first_name="Anna", last_name="Berg")
    profile = volunteer_profile_save(actor=user, user=user, **_data())

    volunteer_profile_save(
        actor=user,
        user=user,
        **_data(
            skills="Radfahren",
            languages=[("de", LanguageLevel.NATIVE), ("uk", LanguageLevel.FLUENT)],
            roles=[],
        ),
    )

    event = AuditEvent.objects.filter(action="volunteers.profile.changed").get()
    assert event.changed_fields == ["languages", "roles", "skills"]
    assert VolunteerProfile.objects.count() == 1
    assert sorted(profile.languages.values_list("language", "level")) == [
        ("de", "native"),
        ("uk", "fluent"),
    ]
    assert not profile.roles.exists()


def test_saving_unchanged_data_records_nothing():
    user = UserFactory(first_name="Anna", last_name="Berg")
    volunteer_profile_save(actor=user, user=user, **_data())
    volunteer_profile_save(actor=user, user=user, **_data())
    assert list(AuditEvent.objects.values_list("action", flat=True)) == [
        "volunteers.profile.created"
    ]


def test_postcode_change_moves_to_the_new_district(nuremberg):
    user = UserFactory(first_name="Anna", last_name="Berg")
    volunteer_profile_save(actor=user, user=user, **_data())
    profile = volunteer_profile_save(actor=user, user=user, **_data(postcode="90402"))
    assert profile.district == nuremberg
    event = AuditEvent.objects.filter(action="volunteers.profile.changed").get()
    assert event.changed_fields == ["district", "postcode"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"languages": [("xx", "native")]}, "languages"),
        ({"languages": [("de", "native"), ("de", "good")]}, "languages"),
        ({"languages": [("de", "perfect")]}, "languages"),
        ({"languages": []}, "languages"),
        ({"topics": []}, "topics"),
        ({"topics": ["cooking"]}, "topics"),
        ({"roles": ["boss"]}, "roles"),
        ({"availability": ["7-0"]}, "availability"),
        ({"availability": ["1-3"]}, "availability"),
        ({"availability": ["evening"]}, "availability"),
        ({"postcode": "00000"}, "postcode"),
        ({"postcode": "8033"}, "postcode"),
        ({"travel_radius_km": 7}, "travel_radius_km"),
        ({"max_patenschaften": 0}, "max_patenschaften"),
        ({"max_patenschaften": 6}, "max_patenschaften"),
        ({"district_id": 999999}, "district"),
        ({"status": "retired"}, "status"),
        ({"skills": "<script>alert(1)</script>"}, "skills"),
        ({"skills": "x" * 2001}, "skills"),
        ({"first_name": "R2D2"}, "first_name"),
        ({"last_name": ""}, "last_name"),
    ],
)
def test_invalid_input_raises_and_changes_nothing(overrides, field):
    user = UserFactory(first_name="Anna", last_name="Berg")
    volunteer_profile_save(actor=user, user=user, **_data())
    before = _state()
    names_before = (user.first_name, user.last_name)

    with pytest.raises(ValidationError) as raised:
        volunteer_profile_save(
            actor=user, user=user, **_data(**({"first_name": "Berta"} | overrides))
        )

    assert field in raised.value.message_dict
    assert _state() == before
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == names_before


def test_invalid_first_profile_creates_nothing():
    user = UserFactory()
    with pytest.raises(ValidationError):
        volunteer_profile_save(actor=user, user=user, **_data(postcode="99999"))
    assert VolunteerProfile.objects.count() == 0
    assert AuditEvent.objects.count() == 0
    assert District.objects.filter(volunteers__isnull=False).count() == 0
