"""Serializers of the Infobriefe API: the public archive and the writers' Infobriefe.

Input is checked here for shape (types, lengths, known codes) and by the services for
meaning (audience, line breaks, status), exactly as for the HTML forms.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lotse.core.choices import Topic
from lotse.core.validators import validate_no_control_characters

from ..choices import AudienceLevel, InfobriefStatus, mask_to_topics
from ..models import MAX_BODY, MAX_SENDER_NAME, MAX_SUBJECT, Infobrief, InfobriefVersion
from ..selectors.archive import MAX_QUERY_LENGTH

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
MAX_PAGE = 10_000
MAX_DISTRICTS = 500


def _language_choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


@extend_schema_field(
    {
        "type": "string",
        "enum": LANGUAGE_CODES,
        "description": "A language of the site.",
    },
    component_name="InfobriefLanguageEnum",
)
class LanguageCodeField(serializers.CharField):
    """A language code of the site (its own OpenAPI enum)."""


@extend_schema_field(
    {
        "type": "string",
        "enum": list(InfobriefStatus.values),
        "description": "draft → scheduled → preparing → sending (⇄ paused) → sent.",
    },
    component_name="InfobriefStatusEnum",
)
class InfobriefStatusField(serializers.CharField):
    """The status of an Infobrief (its own OpenAPI enum)."""


@extend_schema_field(
    {
        "type": "string",
        "enum": list(AudienceLevel.values),
        "description": "state: the whole Land; region: one Regierungsbezirk; districts: "
        "selected districts.",
    },
    component_name="InfobriefAudienceEnum",
)
class AudienceLevelField(serializers.ChoiceField):
    """The audience level of an Infobrief (its own OpenAPI enum)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(AudienceLevel.choices, **kwargs)


def _text_errors(required: Any) -> dict[str, Any]:
    return {
        "required": required,
        "blank": required,
        "null": required,
        "max_length": gettext_lazy("Please use at most {max_length} characters."),
        "null_characters_not_allowed": gettext_lazy(
            "The text contains invalid control characters (for example a NUL byte)."
        ),
    }


# --- public archive ---------------------------------------------------------------------------


class ArchiveParamsSerializer(serializers.Serializer[Any]):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=MAX_QUERY_LENGTH,
        validators=[validate_no_control_characters],
        help_text="Words to search for in subject and text (all must occur; case does not matter).",
    )
    language = serializers.ChoiceField(
        choices=_language_choices(),
        required=False,
        allow_blank=True,
        default="",
        help_text="The readers' language (default: the language of the request). Infobriefe "
        "without a text in it are listed, and searched, in German.",
    )
    page = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, default=1)


class ArchiveDetailParamsSerializer(serializers.Serializer[Any]):
    language = serializers.ChoiceField(
        choices=_language_choices(),
        required=False,
        allow_blank=True,
        default="",
        help_text="The wished language (default: the language of the request); German when "
        "the Infobrief has no text in it.",
    )


class _ArchiveBase(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="infobrief.pk")
    subject = serializers.CharField(source="version.subject")
    language = LanguageCodeField(
        source="version.language", help_text="The language of the text given."
    )
    requested_language = LanguageCodeField(source="requested")
    fallback = serializers.BooleanField(
        help_text="True: there is no text in the requested language; this is the German one."
    )
    sender_name = serializers.CharField(source="infobrief.sender_name")
    published_at = serializers.DateTimeField(
        source="infobrief.published_at", help_text="When the dispatch began."
    )
    languages = serializers.ListField(
        child=LanguageCodeField(), help_text="The languages the Infobrief exists in."
    )
    web_url = serializers.SerializerMethodField(help_text="The web version (HTML page).")

    def get_web_url(self, item: dict[str, Any]) -> str:
        path = reverse(
            "infobriefe:archive_version", args=[item["infobrief"].pk, item["version"].language]
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ArchiveItemSerializer(_ArchiveBase):
    """A sent Infobrief in the archive list (without its text)."""


class ArchiveDetailSerializer(_ArchiveBase):
    """A sent Infobrief with its text as Markdown and as sanitised HTML."""

    body = serializers.CharField(source="version.body", help_text="The text (Markdown).")
    body_html = serializers.CharField(
        help_text="The text as HTML: sanitised (no scripts, styles or event handlers)."
    )


class ArchivePageSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    results = ArchiveItemSerializer(many=True)


# --- writers ---------------------------------------------------------------------------------


class ProgressSerializer(serializers.Serializer[Any]):
    total = serializers.IntegerField()
    sent = serializers.IntegerField()
    failed = serializers.IntegerField()
    skipped = serializers.IntegerField(help_text="Not sent: unsubscribed before sending.")
    pending = serializers.IntegerField()
    percent = serializers.IntegerField(help_text="Done (sent, failed or skipped) of the total.")


class FiguresSerializer(serializers.Serializer[Any]):
    recipients = serializers.IntegerField()
    sent = serializers.IntegerField()
    failed = serializers.IntegerField()
    skipped = serializers.IntegerField(help_text="Not sent: unsubscribed before sending.")
    unsubscribes = serializers.IntegerField(help_text="Unsubscribes through this Infobrief.")


class VersionSummarySerializer(serializers.ModelSerializer[InfobriefVersion]):
    language = LanguageCodeField(read_only=True)

    class Meta:
        model = InfobriefVersion
        fields = ["language", "subject", "updated_at"]
        read_only_fields = fields


class VersionSerializer(serializers.ModelSerializer[InfobriefVersion]):
    """The Infobrief in one language (Markdown body)."""

    language = LanguageCodeField(read_only=True)

    class Meta:
        model = InfobriefVersion
        fields = ["language", "subject", "body", "created_at", "updated_at"]
        read_only_fields = fields


class VersionWriteSerializer(serializers.Serializer[Any]):
    subject = serializers.CharField(
        max_length=MAX_SUBJECT,
        validators=[validate_no_control_characters],
        error_messages=_text_errors(gettext_lazy("Please enter a subject.")),
        help_text="One line (line breaks are refused).",
    )
    body = serializers.CharField(
        max_length=MAX_BODY,
        trim_whitespace=False,
        validators=[validate_no_control_characters],
        error_messages=_text_errors(gettext_lazy("Please write the text.")),
        help_text="Markdown; HTML in it is shown as text.",
    )


class InfobriefSerializer(serializers.ModelSerializer[Infobrief]):
    """An Infobrief as its writers see it."""

    state = serializers.CharField(source="state.code", read_only=True, help_text="Land code.")
    team_district = serializers.CharField(
        source="team_district.ags",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Official key (AGS) of the district team it is from; null for a Land's.",
    )
    region = serializers.CharField(
        source="region.ags",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Official key of the Regierungsbezirk (level `region`).",
    )
    districts = serializers.SerializerMethodField(
        help_text="Official keys (AGS) of the districts (level `districts`)."
    )
    topics = serializers.SerializerMethodField(help_text="Topics; empty: for everyone.")
    languages = serializers.SerializerMethodField(help_text="Languages with a text.")
    status = InfobriefStatusField(read_only=True)
    level = AudienceLevelField(read_only=True)
    can_edit = serializers.SerializerMethodField()

    class Meta:
        model = Infobrief
        fields = [
            "id",
            "status",
            "state",
            "team_district",
            "sender_name",
            "level",
            "region",
            "districts",
            "topics",
            "languages",
            "scheduled_at",
            "started_at",
            "finished_at",
            "unsubscribes",
            "created_at",
            "updated_at",
            "can_edit",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_districts(self, infobrief: Infobrief) -> list[str]:
        return sorted(district.ags for district in infobrief.districts.all())

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(Topic.choices)))
    def get_topics(self, infobrief: Infobrief) -> list[str]:
        return mask_to_topics(infobrief.topics_mask)

    @extend_schema_field(serializers.ListField(child=LanguageCodeField()))
    def get_languages(self, infobrief: Infobrief) -> list[str]:
        present = {version.language for version in infobrief.versions.all()}
        return [code for code in LANGUAGE_CODES if code in present]

    def get_can_edit(self, infobrief: Infobrief) -> bool:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return bool(user is not None and user.has_perm("infobriefe.edit_infobrief", infobrief))


class InfobriefDetailSerializer(InfobriefSerializer):
    """An Infobrief with its texts, its estimated recipients (draft, scheduled), its progress
    (from the dispatch on) and its figures (once sent)."""

    versions = serializers.SerializerMethodField()
    estimated_recipients = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    figures = serializers.SerializerMethodField()

    class Meta(InfobriefSerializer.Meta):
        fields = [
            *InfobriefSerializer.Meta.fields,
            "versions",
            "estimated_recipients",
            "progress",
            "figures",
        ]
        read_only_fields = fields

    @extend_schema_field(VersionSerializer(many=True))
    def get_versions(self, infobrief: Infobrief) -> list[dict[str, Any]]:
        return list(VersionSerializer(self.context.get("versions", []), many=True).data)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_estimated_recipients(self, infobrief: Infobrief) -> int | None:
        return self.context.get("estimated_recipients")

    @extend_schema_field(ProgressSerializer(allow_null=True))
    def get_progress(self, infobrief: Infobrief) -> dict[str, Any] | None:
        progress = self.context.get("progress")
        return dict(ProgressSerializer(progress).data) if progress is not None else None

    @extend_schema_field(FiguresSerializer(allow_null=True))
    def get_figures(self, infobrief: Infobrief) -> dict[str, Any] | None:
        figures = self.context.get("figures")
        return dict(FiguresSerializer(figures).data) if figures is not None else None


class _SettingsFields(serializers.Serializer[Any]):
    sender_name = serializers.CharField(
        max_length=MAX_SENDER_NAME,
        validators=[validate_no_control_characters],
        error_messages=_text_errors(gettext_lazy("Please enter the sender name readers see.")),
        help_text="One line, shown as the sender of the mail.",
    )
    level = AudienceLevelField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Land Infobriefe: `state` (default), `region` or `districts`. District "
        "teams' Infobriefe always go to their district (leave it out).",
    )
    region = serializers.CharField(
        max_length=3,
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        help_text="Official key of a Regierungsbezirk of the Land (level `region`).",
    )
    districts = serializers.ListField(
        child=serializers.CharField(max_length=5),
        required=False,
        default=list,
        max_length=MAX_DISTRICTS,
        help_text="Official keys (AGS) of districts of the Land (level `districts`).",
    )
    topics = serializers.ListField(
        child=serializers.ChoiceField(Topic.choices),
        required=False,
        default=list,
        max_length=len(Topic.choices),
        help_text="Topics; none: for everyone.",
    )


class InfobriefCreateSerializer(_SettingsFields):
    """A new draft from a district team (`team_district`) or a Land (`state`)."""

    team_district = serializers.CharField(
        max_length=5,
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        help_text="Official key (AGS) of a district you coordinate: the Infobrief is from its "
        "team and goes to it. Leave it out for a Land's Infobrief.",
    )
    state = serializers.CharField(
        max_length=2,
        required=False,
        allow_blank=True,
        default="",
        help_text="Land code (for example BY) of a Land you are a state editor of; may be "
        "left out if you edit one Land only.",
    )


class InfobriefSettingsSerializer(_SettingsFields):
    """Changes to a draft's sender name, audience and topics (left-out fields stay)."""


class InfobriefErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
