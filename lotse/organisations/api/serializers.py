"""Serializers of the organisations API (public profile; PATCH for members)."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lotse.core.choices import Language, Topic
from lotse.core.validators import validate_plain_text
from lotse.organisations.choices import OrganisationKind
from lotse.organisations.models import Organisation
from lotse.organisations.services import OrganisationData
from lotse.organisations.validators import validate_phone, validate_web_address
from lotse.regions.models import District, Postcode


# Named enum components: "kind", "topic" and "language" are property names used with other
# choice sets elsewhere in the API, so spectacular's automatic enum naming would collide.
@extend_schema_field(
    {"type": "string", "enum": list(OrganisationKind.values)},
    component_name="OrganisationKindEnum",
)
class OrganisationKindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=OrganisationKind.choices, **kwargs)


@extend_schema_field(
    {"type": "string", "enum": list(Topic.values)}, component_name="OrganisationTopicEnum"
)
class TopicField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Topic.choices, **kwargs)


@extend_schema_field(
    {"type": "string", "enum": list(Language.values)}, component_name="OrganisationLanguageEnum"
)
class LanguageField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Language.choices, **kwargs)


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    """The public profile of an organisation."""

    kind = OrganisationKindField(read_only=True)
    districts = serializers.SlugRelatedField[District](
        many=True,
        read_only=True,
        slug_field="ags",
        help_text="Official keys (AGS) of the districts served.",
    )
    topics = serializers.ListField(child=TopicField(), read_only=True, source="topic_codes")
    languages = serializers.ListField(
        child=LanguageField(), read_only=True, source="language_codes"
    )
    postcode: serializers.SlugRelatedField[Postcode] = serializers.SlugRelatedField(
        read_only=True, slug_field="code", allow_null=True
    )

    class Meta:
        model = Organisation
        fields = [
            "slug",
            "name",
            "kind",
            "description",
            "districts",
            "topics",
            "languages",
            "website",
            "contact_name",
            "contact_email",
            "contact_phone",
            "street",
            "postcode",
            "city",
            "is_published",
        ]
        read_only_fields = fields


class OrganisationUpdateSerializer(serializers.Serializer[Organisation]):
    """Changes to the public profile (PATCH: every field optional)."""

    name = serializers.CharField(max_length=200, validators=[validate_plain_text])
    kind = OrganisationKindField()
    description = serializers.CharField(
        max_length=5000, allow_blank=True, validators=[validate_plain_text]
    )
    districts = serializers.SlugRelatedField(
        many=True,
        slug_field="ags",
        queryset=District.objects.all(),
        allow_empty=False,
        help_text="Official keys (AGS) of the districts served.",
    )
    topics = serializers.ListField(child=TopicField(), allow_empty=True)
    languages = serializers.ListField(child=LanguageField(), allow_empty=True)
    website = serializers.CharField(
        max_length=300,
        allow_blank=True,
        validators=[validate_web_address],
        help_text="Web address starting with http:// or https://.",
    )
    contact_name = serializers.CharField(
        max_length=200, allow_blank=True, validators=[validate_plain_text]
    )
    contact_email = serializers.EmailField(allow_blank=True)
    contact_phone = serializers.CharField(
        max_length=40, allow_blank=True, validators=[validate_phone]
    )
    street = serializers.CharField(
        max_length=200, allow_blank=True, validators=[validate_plain_text]
    )
    postcode = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Postcode.objects.all(),
        allow_null=True,
        error_messages={"does_not_exist": "The postcode {value} does not exist in Germany."},
    )
    city = serializers.CharField(max_length=100, allow_blank=True, validators=[validate_plain_text])
    is_published = serializers.BooleanField()

    def to_data(self) -> OrganisationData:
        """Return the validated changes as service input (only the keys sent)."""
        return OrganisationData(**self.validated_data)  # type: ignore[typeddict-item]
