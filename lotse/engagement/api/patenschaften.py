"""Engagement API: Patenschaften, check-ins, hours and the public certificate check.
(Owned by the Patenschaften area.)"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from ..choices import PatenschaftStatus
from ..models import Certificate, CheckIn, HoursEntry, Opportunity, Patenschaft
from ..permissions import is_coordinator
from ..selectors.certificates import certificate_find_valid
from ..selectors.hours import hours_own, volunteer_profile_of
from ..selectors.patenschaften import (
    PatenschaftFilters,
    days_since_contact,
    is_flagged,
    patenschaft_get_visible,
    patenschaften_for_coordinator,
    patenschaften_own,
)
from ..services.hours import hours_log
from ..services.patenschaften import patenschaft_check_in


class Pagination(PageNumberPagination):
    page_size = 25


# --- serializers -------------------------------------------------------------------------------


class PatenschaftSerializer(serializers.ModelSerializer[Patenschaft]):
    """A Patenschaft as its volunteer and the district's coordinators see it."""

    district = serializers.CharField(
        source="district.ags", read_only=True, help_text="Official key (AGS) of the district."
    )
    topic = serializers.CharField(source="request.topic", read_only=True)
    newcomer_first_name = serializers.CharField(source="request.first_name", read_only=True)
    contact_channel = serializers.CharField(source="request.contact_channel", read_only=True)
    contact_value = serializers.CharField(source="request.contact_value", read_only=True)
    volunteer_name = serializers.SerializerMethodField()
    days_since_check_in = serializers.SerializerMethodField(
        help_text="Days since the last check-in, or since the start without one."
    )
    flagged = serializers.SerializerMethodField(
        help_text="Active and 60 days or more without a check-in."
    )

    class Meta:
        model = Patenschaft
        fields = [
            "id",
            "status",
            "district",
            "topic",
            "newcomer_first_name",
            "contact_channel",
            "contact_value",
            "volunteer_name",
            "started_on",
            "ended_on",
            "end_reason",
            "last_check_in_at",
            "days_since_check_in",
            "flagged",
        ]

    def get_volunteer_name(self, patenschaft: Patenschaft) -> str:
        return patenschaft.volunteer.user.get_full_name()

    def get_days_since_check_in(self, patenschaft: Patenschaft) -> int:
        return days_since_contact(patenschaft)

    def get_flagged(self, patenschaft: Patenschaft) -> bool:
        return is_flagged(patenschaft)


class PatenschaftFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(PatenschaftStatus.choices, required=False)
    flagged = serializers.BooleanField(
        required=False, default=False, help_text="Only those without a check-in for 60 days."
    )


class CheckInSerializer(serializers.ModelSerializer[CheckIn]):
    class Meta:
        model = CheckIn
        fields = ["id", "created_at", "still_active", "has_problems", "note"]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {"note": {"required": False, "allow_blank": True, "max_length": 1000}}


class HoursEntrySerializer(serializers.ModelSerializer[HoursEntry]):
    """An own hours entry; write with exactly one of `patenschaft` and `opportunity`."""

    patenschaft = serializers.IntegerField(source="patenschaft_id", required=False, allow_null=True)
    opportunity = serializers.IntegerField(source="opportunity_id", required=False, allow_null=True)
    hours = serializers.DecimalField(
        max_digits=4,
        decimal_places=2,
        min_value=Decimal("0.25"),
        max_value=Decimal("24"),
        help_text="Quarter hours, 0.25 to 24.",
    )
    activity = serializers.CharField(max_length=300)

    class Meta:
        model = HoursEntry
        fields = [
            "id",
            "patenschaft",
            "opportunity",
            "date",
            "hours",
            "activity",
            "status",
            "review_note",
            "created_at",
        ]
        read_only_fields = ["id", "status", "review_note", "created_at"]


class CertificateVerificationSerializer(serializers.ModelSerializer[Certificate]):
    """What a genuine certificate states about its holder, and nothing more."""

    issuer_district = serializers.CharField(source="district.name", read_only=True)
    issued_on = serializers.SerializerMethodField()
    genuine = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "genuine",
            "code",
            "holder_name",
            "issuer_district",
            "issued_on",
            "period_start",
            "period_end",
            "total_hours",
        ]

    @extend_schema_field(serializers.DateField())
    def get_issued_on(self, certificate: Certificate) -> str:
        from django.utils import timezone

        return timezone.localdate(certificate.issued_at).isoformat()

    def get_genuine(self, certificate: Certificate) -> bool:
        return True


# --- views -------------------------------------------------------------------------------------


class PatenschaftListView(generics.ListAPIView[Patenschaft]):
    """Your Patenschaften as a volunteer; as a coordinator, those of your districts."""

    permission_classes = [IsAuthenticated]
    serializer_class = PatenschaftSerializer
    pagination_class = Pagination

    def get_queryset(self) -> QuerySet[Patenschaft]:
        if getattr(self, "swagger_fake_view", False):
            return Patenschaft.objects.none()
        params = PatenschaftFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        if is_coordinator(self.request.user):
            return patenschaften_for_coordinator(
                user=self.request.user,
                filters=PatenschaftFilters(
                    status=data.get("status", ""), flagged=data.get("flagged", False)
                ),
            )
        queryset = patenschaften_own(user=self.request.user)
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        return queryset

    @extend_schema(parameters=[PatenschaftFilterSerializer])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """List Patenschaften (25 a page), longest without a check-in first for coordinators."""
        return super().get(request, *args, **kwargs)


class PatenschaftCheckInView(generics.GenericAPIView[CheckIn]):
    """Check in on your Patenschaft: still active? any problems?"""

    permission_classes = [IsAuthenticated]
    serializer_class = CheckInSerializer

    def get_queryset(self) -> QuerySet[CheckIn]:
        return CheckIn.objects.none()

    @extend_schema(request=CheckInSerializer, responses={201: CheckInSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Record a check-in (only the Patenschaft's volunteer; 404 for Patenschaften you
        cannot see, 403 for coordinators)."""
        patenschaft = patenschaft_get_visible(user=request.user, pk=pk)
        payload = CheckInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            check_in = patenschaft_check_in(
                actor=request.user,
                patenschaft=patenschaft,
                still_active=data.get("still_active", True),
                has_problems=data.get("has_problems", False),
                note=data.get("note", ""),
                via="api",
            )
        except DjangoPermissionDenied as error:
            raise exceptions.PermissionDenied() from error
        except DjangoValidationError as error:
            raise exceptions.ValidationError(error.message_dict) from error
        return Response(CheckInSerializer(check_in).data, status=status.HTTP_201_CREATED)


class HoursListView(generics.ListCreateAPIView[HoursEntry]):
    """Your own hours entries; log new ones (they wait for approval)."""

    permission_classes = [IsAuthenticated]
    serializer_class = HoursEntrySerializer
    pagination_class = Pagination

    def get_queryset(self) -> QuerySet[HoursEntry]:
        if getattr(self, "swagger_fake_view", False):
            return HoursEntry.objects.none()
        return hours_own(user=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Log hours for one of your Patenschaften or an opportunity where your application
        was accepted."""
        volunteer = volunteer_profile_of(user=request.user)
        if volunteer is None:
            raise exceptions.PermissionDenied("You need a volunteer profile to log hours.")
        payload = HoursEntrySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        patenschaft = opportunity = None
        if data.get("patenschaft_id"):
            # Only the volunteer's own; anything else is "not yours" (no probing of ids).
            patenschaft = Patenschaft.objects.filter(
                pk=data["patenschaft_id"], volunteer_id=volunteer.pk
            ).first()
            if patenschaft is None:
                raise exceptions.ValidationError(
                    {"patenschaft": ["You can only log hours for your own Patenschaften."]}
                )
        if data.get("opportunity_id"):
            opportunity = Opportunity.objects.filter(pk=data["opportunity_id"]).first()
            if opportunity is None:
                raise exceptions.ValidationError({"opportunity": ["Unknown opportunity."]})
        try:
            entry = hours_log(
                actor=request.user,
                volunteer=volunteer,
                patenschaft=patenschaft,
                opportunity=opportunity,
                date=data["date"],
                hours=data["hours"],
                activity=data["activity"],
                via="api",
            )
        except DjangoValidationError as error:
            raise exceptions.ValidationError(error.message_dict) from error
        entry = hours_own(user=request.user).get(pk=entry.pk)
        return Response(HoursEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class CertificateVerifyView(generics.GenericAPIView[Certificate]):
    """Public: check a certificate's verification code."""

    permission_classes = [AllowAny]
    serializer_class = CertificateVerificationSerializer

    def get_queryset(self) -> QuerySet[Certificate]:
        return Certificate.objects.none()

    @extend_schema(responses={200: CertificateVerificationSerializer})
    def get(self, request: Request, code: str) -> Response:
        """What a genuine certificate states (holder, issuer, date, period, total hours);
        404 for unknown or revoked codes."""
        certificate = certificate_find_valid(code=code)
        if certificate is None:
            raise Http404
        return Response(CertificateVerificationSerializer(certificate).data)


urlpatterns = [
    path("patenschaften/", PatenschaftListView.as_view(), name="patenschaft-list"),
    path(
        "patenschaften/<int:pk>/check-ins/",
        PatenschaftCheckInView.as_view(),
        name="patenschaft-check-in",
    ),
    path("hours/", HoursListView.as_view(), name="hours-list"),
    path(
        "certificates/verify/<str:code>/",
        CertificateVerifyView.as_view(),
        name="certificate-verify",
    ),
]
