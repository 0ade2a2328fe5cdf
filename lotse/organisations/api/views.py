"""API views of the organisations module."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from lotse.core.choices import Language, Topic
from lotse.organisations.choices import OrganisationKind
from lotse.organisations.models import Organisation
from lotse.organisations.selectors import (
    organisation_directory,
    organisation_editable_list,
    organisation_visible_list,
)
from lotse.organisations.services import organisation_update
from lotse.regions.models import District

from .serializers import OrganisationSerializer, OrganisationUpdateSerializer

LIST_PARAMETERS = [
    OpenApiParameter("kind", OpenApiTypes.STR, enum=OrganisationKind.values),
    OpenApiParameter("district", OpenApiTypes.STR, description="Official key (AGS) of a district."),
    OpenApiParameter("topic", OpenApiTypes.STR, enum=Topic.values),
    OpenApiParameter("language", OpenApiTypes.STR, enum=Language.values),
    OpenApiParameter("search", OpenApiTypes.STR, description="Part of the name."),
]


@extend_schema_view(
    list=extend_schema(
        summary="Published organisations (public directory)", parameters=LIST_PARAMETERS
    ),
    retrieve=extend_schema(summary="Public profile of an organisation"),
    partial_update=extend_schema(
        summary="Change the profile (members of the organisation only)",
        request=OrganisationUpdateSerializer,
        responses=OrganisationSerializer,
    ),
)
class OrganisationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Organisation],
):
    """Public directory of organisations; members change their organisation's profile."""

    serializer_class = OrganisationSerializer
    lookup_field = "slug"
    http_method_names = ["get", "patch", "head", "options"]

    def get_permissions(self) -> list[Any]:
        if self.action == "partial_update":
            return [IsAuthenticated()]
        return [AllowAny()]

    def get_queryset(self) -> QuerySet[Organisation]:
        user = self.request.user
        if self.action == "list":
            params = self.request.query_params
            district = None
            ags = params.get("district", "")[:5]
            if ags:
                district = District.objects.filter(ags=ags).first()
                if district is None:
                    return Organisation.objects.none()
            kind = params.get("kind", "")
            topic = params.get("topic", "")
            language = params.get("language", "")
            return organisation_directory(
                user=user,
                kind=kind if kind in OrganisationKind.values else "",
                district=district,
                topic=topic if topic in Topic.values else "",
                language=language if language in Language.values else "",
                search=params.get("search", "")[:100].strip(),
            )
        if self.action == "partial_update":
            return organisation_editable_list(user=user)
        return organisation_visible_list(user=user)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        organisation = get_object_or_404(self.get_queryset(), slug=kwargs["slug"])
        serializer = OrganisationUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            organisation = organisation_update(
                actor=request.user, organisation=organisation, data=serializer.to_data(), via="api"
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(
                error.message_dict if hasattr(error, "error_dict") else error.messages
            ) from error
        organisation = get_object_or_404(
            organisation_visible_list(user=request.user), pk=organisation.pk
        )
        return Response(OrganisationSerializer(organisation).data)
