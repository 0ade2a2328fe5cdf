"""Engagement API: matching runs (coordinators start a run and follow its progress)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from ..models import MatchingRun
from ..permissions import is_coordinator
from ..selectors.matching import matching_districts, matching_runs_for_coordinator
from ..services.matching import matching_run_start, stage_label


class IsCoordinator(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(is_coordinator(request.user))


class MatchingRunSerializer(serializers.ModelSerializer[MatchingRun]):
    district = serializers.CharField(
        source="district.ags", read_only=True, help_text="Official key (AGS) of the district."
    )
    district_name = serializers.CharField(source="district.name", read_only=True)
    stage_label = serializers.SerializerMethodField(help_text="The stage in words.")
    finished = serializers.SerializerMethodField()

    class Meta:
        model = MatchingRun
        fields = [
            "id",
            "district",
            "district_name",
            "status",
            "progress",
            "stage",
            "stage_label",
            "finished",
            "requests_count",
            "volunteers_count",
            "edges_count",
            "proposals_count",
            "total_score",
            "seconds",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_stage_label(self, run: MatchingRun) -> str:
        return stage_label(run.stage or run.status)

    def get_finished(self, run: MatchingRun) -> bool:
        return run.status in ("done", "failed")


class MatchingRunStartSerializer(serializers.Serializer):
    district = serializers.CharField(
        max_length=5, help_text="Official key (AGS) of one of the districts you coordinate."
    )


class MatchingRunPagination(PageNumberPagination):
    page_size = 25


class MatchingRunListView(generics.ListAPIView[MatchingRun]):
    """The matching runs of the districts you coordinate; POST starts a run."""

    permission_classes = [IsAuthenticated, IsCoordinator]
    serializer_class = MatchingRunSerializer
    pagination_class = MatchingRunPagination

    def get_queryset(self) -> QuerySet[MatchingRun]:
        if getattr(self, "swagger_fake_view", False):
            return MatchingRun.objects.none()
        return matching_runs_for_coordinator(user=self.request.user)

    @extend_schema(
        request=MatchingRunStartSerializer,
        responses={202: MatchingRunSerializer},
        description="Queue a matching run for a district you coordinate (202). While a run of "
        "the district is queued or running, that run is returned instead.",
    )
    def post(self, request: Request) -> Response:
        payload = MatchingRunStartSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        district = (
            matching_districts(user=request.user)
            .filter(ags=payload.validated_data["district"])
            .first()
        )
        if district is None:
            raise exceptions.ValidationError(
                {"district": ["Not one of the districts you coordinate."]}
            )
        try:
            run = matching_run_start(actor=request.user, district=district)
        except DjangoPermissionDenied as error:
            raise exceptions.PermissionDenied() from error
        run = matching_runs_for_coordinator(user=request.user).get(pk=run.pk)
        return Response(MatchingRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class MatchingRunDetailView(generics.RetrieveAPIView[MatchingRun]):
    """One run of your districts with its progress (poll until `finished`)."""

    permission_classes = [IsAuthenticated, IsCoordinator]
    serializer_class = MatchingRunSerializer

    def get_queryset(self) -> QuerySet[MatchingRun]:
        if getattr(self, "swagger_fake_view", False):
            return MatchingRun.objects.none()
        return matching_runs_for_coordinator(user=self.request.user)


urlpatterns = [
    path("matching-runs/", MatchingRunListView.as_view(), name="matching-run-list"),
    path("matching-runs/<int:pk>/", MatchingRunDetailView.as_view(), name="matching-run-detail"),
]
