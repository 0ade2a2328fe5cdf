"""Serializers of the volunteers API."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lotse.core.availability import cell_key, cells_from_mask
from lotse.core.choices import Language, Topic
from lotse.regions.selectors import postcode_get

from ..choices import CELL_CHOICES, TRAVEL_RADIUS_CHOICES, VolunteerRole, VolunteerStatus
from ..models import VolunteerLanguage, VolunteerProfile
from ..services import UNKNOWN_POSTCODE_MESSAGE

CELL_KEYS = [key for key, _label in CELL_CHOICES]


class VolunteerLanguageSerializer(serializers.ModelSerializer[VolunteerLanguage]):
    class Meta:
        model = VolunteerLanguage
        fields = ["language", "level"]


class VolunteerSerializer(serializers.ModelSerializer[VolunteerProfile]):
    """A volunteer's full profile, as their coordinators (and they themselves) see it."""

    first_name = serializers.CharField(source="user.first_name", read_only=True)
    last_name = serializers.CharField(source="user.last_name", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    postcode = serializers.CharField(source="postcode.code", read_only=True)
    district = serializers.CharField(
        source="district.ags", read_only=True, help_text="Official key (AGS) of the district."
    )
    district_name = serializers.CharField(source="district.name", read_only=True)
    languages = VolunteerLanguageSerializer(many=True, read_only=True)
    topics = serializers.SerializerMethodField()
    roles = serializers.SerializerMethodField()
    availability = serializers.SerializerMethodField(
        help_text='Cells of the week, "weekday-slot": weekday 0 = Monday, slot 0 = morning, '
        "1 = afternoon, 2 = evening."
    )
    distance_km = serializers.SerializerMethodField(
        help_text="Distance to the `near` postcode, when that filter is used."
    )

    class Meta:
        model = VolunteerProfile
        fields = [
            "id",
            "first_name",
            "last_name",
            "email",
            "postcode",
            "travel_radius_km",
            "max_patenschaften",
            "district",
            "district_name",
            "languages",
            "topics",
            "roles",
            "skills",
            "availability",
            "status",
            "distance_km",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(Topic.choices)))
    def get_topics(self, profile: VolunteerProfile) -> list[str]:
        return [row.topic for row in profile.topics.all()]

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(VolunteerRole.choices))
    )
    def get_roles(self, profile: VolunteerProfile) -> list[str]:
        return [row.role for row in profile.roles.all()]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(CELL_KEYS)))
    def get_availability(self, profile: VolunteerProfile) -> list[str]:
        return [cell_key(*cell) for cell in cells_from_mask(profile.availability)]

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_distance_km(self, profile: VolunteerProfile) -> float | None:
        distance = getattr(profile, "distance_km", None)
        return None if distance is None else round(distance, 1)


class VolunteerFilterSerializer(serializers.Serializer):
    """Query parameters of the volunteer list."""

    district = serializers.CharField(
        required=False, max_length=5, help_text="Official key (AGS) of one of your districts."
    )
    topic = serializers.ChoiceField(Topic.choices, required=False)
    language = serializers.ChoiceField(Language.choices, required=False)
    available = serializers.ChoiceField(
        CELL_KEYS, required=False, help_text='A cell of the week, e.g. "1-2" (Tuesday evening).'
    )
    near = serializers.CharField(
        required=False, max_length=5, help_text="A German postcode; orders by distance."
    )
    distance = serializers.IntegerField(
        required=False, min_value=1, max_value=500, help_text="Kilometres around `near`."
    )
    q = serializers.CharField(required=False, max_length=100, help_text="Part of a name.")

    def validate_near(self, value: str) -> Any:
        postcode = postcode_get(code=value)
        if postcode is None:
            raise serializers.ValidationError(str(UNKNOWN_POSTCODE_MESSAGE))
        return postcode


class VolunteerProfileWriteSerializer(serializers.Serializer):
    """The own profile, as sent with PUT; validated in full by the service."""

    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    postcode = serializers.CharField(max_length=5)
    travel_radius_km = serializers.ChoiceField(TRAVEL_RADIUS_CHOICES)
    max_patenschaften = serializers.IntegerField(min_value=1, max_value=5, default=1)
    district = serializers.CharField(
        max_length=5,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Official key (AGS); empty means the district of the postcode.",
    )
    skills = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    availability = serializers.ListField(
        child=serializers.ChoiceField(CELL_KEYS), required=False, default=list
    )
    status = serializers.ChoiceField(VolunteerStatus.choices, default=VolunteerStatus.ACTIVE)
    languages = VolunteerLanguageSerializer(many=True)
    topics = serializers.ListField(child=serializers.ChoiceField(Topic.choices))
    roles = serializers.ListField(
        child=serializers.ChoiceField(VolunteerRole.choices), required=False, default=list
    )
