"""Engagement API: opportunities (public list and detail) and applying for them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from lotse.core.choices import Language, Topic
from lotse.core.validators import validate_plain_text
from lotse.regions.models import District
from lotse.regions.selectors import postcode_get

from ..choices import ApplicationStatus, OpportunityKind, OpportunityStatus
from ..models import MAX_MESSAGE, Application, Opportunity
from ..selectors.opportunities import (
    OpportunityFilters,
    opportunity_public_list,
    opportunity_visible_list,
)
from ..services.opportunities import application_create

UNKNOWN_POSTCODE = "We do not know this postcode. Please enter a five-digit German postcode."


# Named enum components: "topic", "kind", "status" and "language" are property names used with
# other choice sets elsewhere in the API, so spectacular's automatic enum naming would collide.
@extend_schema_field(
    {"type": "string", "enum": list(Topic.values)}, component_name="OpportunityTopicEnum"
)
class TopicField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Topic.choices, **kwargs)


@extend_schema_field(
    {"type": "string", "enum": list(Language.values)}, component_name="OpportunityLanguageEnum"
)
class LanguageField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Language.choices, **kwargs)


@extend_schema_field(
    {"type": "string", "enum": list(OpportunityKind.values)}, component_name="OpportunityKindEnum"
)
class KindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=OpportunityKind.choices, **kwargs)


@extend_schema_field(
    {"type": "string", "enum": list(OpportunityStatus.values)},
    component_name="OpportunityStatusEnum",
)
class StatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=OpportunityStatus.choices, **kwargs)


@extend_schema_field(
    {"type": "string", "enum": list(ApplicationStatus.values)},
    component_name="ApplicationStatusEnum",
)
class ApplicationStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ApplicationStatus.choices, **kwargs)


class OpportunityOrganisationSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)


class OpportunitySerializer(serializers.ModelSerializer[Opportunity]):
    """An opportunity as the public sees it; the contact person only for logged-in callers."""

    organisation = OpportunityOrganisationSerializer(read_only=True)
    topic = TopicField(read_only=True)
    kind = KindField(read_only=True)
    status = StatusField(read_only=True)
    district = serializers.CharField(
        source="district.ags", read_only=True, help_text="Official key (AGS) of the district."
    )
    district_name = serializers.CharField(source="district.name", read_only=True)
    postcode = serializers.SerializerMethodField()
    languages = serializers.SerializerMethodField()
    places_left = serializers.IntegerField(read_only=True)
    contact_name = serializers.SerializerMethodField()
    contact_email = serializers.SerializerMethodField()
    contact_phone = serializers.SerializerMethodField()
    distance_km = serializers.SerializerMethodField(
        help_text="Distance to the `near` postcode, when that filter is used."
    )

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "title",
            "description",
            "organisation",
            "topic",
            "district",
            "district_name",
            "postcode",
            "place_name",
            "is_online",
            "kind",
            "starts_at",
            "ends_at",
            "places",
            "places_left",
            "languages",
            "skills_wanted",
            "contact_name",
            "contact_email",
            "contact_phone",
            "status",
            "distance_km",
            "created_at",
        ]
        read_only_fields = fields

    def _logged_in(self) -> bool:
        request = self.context.get("request")
        return bool(request and request.user.is_authenticated)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_postcode(self, opportunity: Opportunity) -> str | None:
        return opportunity.postcode.code if opportunity.postcode else None

    @extend_schema_field(serializers.ListField(child=LanguageField()))
    def get_languages(self, opportunity: Opportunity) -> list[str]:
        return [row.language for row in opportunity.languages.all()]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_contact_name(self, opportunity: Opportunity) -> str | None:
        return opportunity.contact_name if self._logged_in() else None

    @extend_schema_field(serializers.EmailField(allow_null=True))
    def get_contact_email(self, opportunity: Opportunity) -> str | None:
        return opportunity.contact_email if self._logged_in() else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_contact_phone(self, opportunity: Opportunity) -> str | None:
        return opportunity.contact_phone if self._logged_in() else None

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_distance_km(self, opportunity: Opportunity) -> float | None:
        distance = getattr(opportunity, "distance_km", None)
        return None if distance is None else round(distance, 1)


class OpportunityFilterSerializer(serializers.Serializer):
    """Query parameters of the opportunity list."""

    topic = TopicField(required=False)
    district = serializers.CharField(
        required=False, max_length=5, help_text="Official key (AGS) of a district."
    )
    language = LanguageField(required=False)
    near = serializers.CharField(
        required=False, max_length=5, help_text="A German postcode; orders by distance."
    )
    distance = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=500,
        help_text="Kilometres around `near` (online opportunities are always included).",
    )
    date = serializers.DateField(
        required=False, help_text="One-off opportunities from this day on (no ongoing ones)."
    )
    online = serializers.BooleanField(required=False, default=False, help_text="Online only.")

    def validate_near(self, value: str) -> Any:
        postcode = postcode_get(code=value)
        if postcode is None:
            raise serializers.ValidationError(UNKNOWN_POSTCODE)
        return postcode


class ApplicationCreateSerializer(serializers.Serializer):
    message = serializers.CharField(
        max_length=MAX_MESSAGE,
        required=False,
        allow_blank=True,
        default="",
        validators=[validate_plain_text],
        help_text="Optional message to the organisation (plain text).",
    )


class ApplicationSerializer(serializers.ModelSerializer[Application]):
    status = ApplicationStatusField(read_only=True)

    class Meta:
        model = Application
        fields = ["id", "opportunity", "message", "status", "created_at"]
        read_only_fields = fields


class OpportunityPagination(PageNumberPagination):
    page_size = 20


@extend_schema_view(
    list=extend_schema(
        summary="Open opportunities (public list)", parameters=[OpportunityFilterSerializer]
    ),
    retrieve=extend_schema(summary="One opportunity"),
)
class OpportunityViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Opportunity]
):
    """Public list and detail of opportunities; volunteers apply."""

    serializer_class = OpportunitySerializer
    pagination_class = OpportunityPagination

    lookup_value_regex = r"[0-9]+"

    def get_permissions(self) -> list[Any]:
        if self.action in ("list", "retrieve"):
            return [AllowAny()]
        return [IsAuthenticated()]

    def _filters(self) -> OpportunityFilters:
        params = OpportunityFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        district_id = None
        if data.get("district"):
            district = District.objects.filter(ags=data["district"]).first()
            district_id = district.pk if district else -1
        near = data.get("near")
        return OpportunityFilters(
            topic=data.get("topic", ""),
            district_id=district_id,
            language=data.get("language", ""),
            near_postcode=near,
            distance_km=data.get("distance") if near is not None else None,
            date_from=data.get("date"),
            online_only=bool(data.get("online")),
        )

    def get_queryset(self) -> QuerySet[Opportunity]:
        if getattr(self, "swagger_fake_view", False):
            return Opportunity.objects.none()
        if self.action == "list":
            return opportunity_public_list(user=self.request.user, filters=self._filters())
        return opportunity_visible_list(user=self.request.user)

    @extend_schema(
        summary="Apply for an opportunity (volunteers)",
        request=ApplicationCreateSerializer,
        responses={201: ApplicationSerializer},
    )
    @action(detail=True, methods=["post"], url_path="applications", url_name="apply")
    def apply(self, request: Request, pk: str | None = None) -> Response:
        opportunity = get_object_or_404(opportunity_visible_list(user=request.user), pk=pk)
        payload = ApplicationCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            application = application_create(
                actor=request.user,
                opportunity=opportunity,
                message=payload.validated_data["message"],
                via="api",
            )
        except DjangoValidationError as error:
            detail = {
                ("non_field_errors" if key == NON_FIELD_ERRORS else key): value
                for key, value in error.message_dict.items()
            }
            raise serializers.ValidationError(detail) from error
        return Response(ApplicationSerializer(application).data, status=status.HTTP_201_CREATED)


router = SimpleRouter()
router.register("opportunities", OpportunityViewSet, basename="opportunity")

urlpatterns = router.urls
