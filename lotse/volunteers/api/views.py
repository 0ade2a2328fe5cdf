"""API views of the volunteers module."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from lotse.core.audit import audit_record
from lotse.regions.models import District

from ..models import VolunteerProfile
from ..permissions import has_confirmed_email, is_coordinator, is_coordinator_of_volunteer
from ..selectors import (
    VolunteerFilters,
    coordinated_districts,
    volunteer_list_for_coordinator,
    volunteer_profile_get_own,
)
from ..services import volunteer_profile_save
from .serializers import (
    VolunteerFilterSerializer,
    VolunteerProfileWriteSerializer,
    VolunteerSerializer,
)


class IsCoordinator(BasePermission):
    """Coordinators only; each volunteer only for the coordinators of their district."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(is_coordinator(request.user))

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        # A profile outside the coordinator's districts is not found, never "forbidden".
        if not is_coordinator_of_volunteer(request.user, obj):
            raise Http404
        return True


class HasConfirmedEmail(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(has_confirmed_email(request.user))


class VolunteerPagination(PageNumberPagination):
    page_size = 25


class VolunteerViewSet(viewsets.ReadOnlyModelViewSet[VolunteerProfile]):
    """The volunteers of the districts the caller coordinates (403 for everyone else)."""

    permission_classes = [IsAuthenticated, IsCoordinator]
    serializer_class = VolunteerSerializer
    pagination_class = VolunteerPagination

    def _filters(self) -> VolunteerFilters:
        params = VolunteerFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        district_id = None
        if data.get("district"):
            district = (
                coordinated_districts(user=self.request.user).filter(ags=data["district"]).first()
            )
            # Another district than one's own filters to nothing rather than revealing it.
            district_id = district.pk if district else -1
        return VolunteerFilters(
            district_id=district_id,
            topic=data.get("topic", ""),
            language=data.get("language", ""),
            availability_cell=data.get("available", ""),
            near_postcode=data.get("near"),
            distance_km=data.get("distance") if data.get("near") else None,
            search=data.get("q", ""),
        )

    def get_queryset(self) -> QuerySet[VolunteerProfile]:
        if getattr(self, "swagger_fake_view", False):
            return VolunteerProfile.objects.none()
        if self.action == "list":
            return volunteer_list_for_coordinator(user=self.request.user, filters=self._filters())
        return volunteer_list_for_coordinator(user=self.request.user)

    @extend_schema(parameters=[VolunteerFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """List the volunteers of your districts, filtered and paginated (25 a page)."""
        return super().list(request, *args, **kwargs)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Return one volunteer of your districts; the access is recorded in the audit trail."""
        volunteer = self.get_object()
        audit_record(
            actor=request.user,
            action="volunteers.profile.viewed",
            obj=volunteer,
            subject=volunteer.user,
            via="api",
        )
        return Response(self.get_serializer(volunteer).data)


class OwnVolunteerProfileView(generics.GenericAPIView[VolunteerProfile]):
    """The caller's own volunteer profile."""

    permission_classes = [IsAuthenticated, HasConfirmedEmail]
    serializer_class = VolunteerSerializer

    def get_queryset(self) -> QuerySet[VolunteerProfile]:
        return VolunteerProfile.objects.none()

    @extend_schema(responses=VolunteerSerializer)
    def get(self, request: Request) -> Response:
        """Return your own volunteer profile (404 if you have none yet)."""
        own = volunteer_profile_get_own(user=request.user)
        if own is None:
            raise exceptions.NotFound()
        return Response(VolunteerSerializer(own).data)

    @extend_schema(request=VolunteerProfileWriteSerializer, responses=VolunteerSerializer)
    def put(self, request: Request) -> Response:
        """Create or replace your own volunteer profile."""
        payload = VolunteerProfileWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        district_id = None
        if data.get("district"):
            district = District.objects.filter(ags=data["district"]).first()
            if district is None:
                raise exceptions.ValidationError({"district": ["Unknown district."]})
            district_id = district.pk
        try:
            volunteer_profile_save(
                actor=request.user,
                user=request.user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                postcode=data["postcode"],
                travel_radius_km=data["travel_radius_km"],
                max_patenschaften=data["max_patenschaften"],
                district_id=district_id,
                skills=data["skills"],
                availability=data["availability"],
                status=data["status"],
                languages=[(row["language"], row["level"]) for row in data["languages"]],
                topics=data["topics"],
                roles=data["roles"],
                via="api",
            )
        except DjangoValidationError as error:
            raise exceptions.ValidationError(error.message_dict) from error
        own = volunteer_profile_get_own(user=request.user)
        return Response(VolunteerSerializer(own).data)
