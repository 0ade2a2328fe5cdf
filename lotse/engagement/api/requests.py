"""Engagement API: help requests (coordinators; entering on a newcomer's behalf) and the
volunteers' proposals (list, accept, decline)."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils import timezone, translation
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from lotse.core.audit import audit_record
from lotse.core.availability import cell_key, cells_from_mask
from lotse.core.choices import Language, Topic
from lotse.core.geo import great_circle_km
from lotse.volunteers.choices import CELL_CHOICES

from ..choices import ContactChannel, RequestStatus, Urgency
from ..models import HelpRequest, Proposal
from ..permissions import can_enter_request_on_behalf, is_coordinator
from ..selectors.proposals import proposal_get_for_volunteer, proposals_for_volunteer
from ..selectors.requests import (
    STATUS_ALL,
    RequestFilters,
    coordinated_districts,
    help_request_list_for_coordinator,
    help_requests_for_coordinator,
)
from ..services import proposals as proposal_services
from ..services.requests import help_request_create, status_url

CELL_KEYS = [key for key, _label in CELL_CHOICES]
_TIMES_HELP = (
    'Cells of the week, "weekday-slot": weekday 0 = Monday, slot 0 = morning, '
    "1 = afternoon, 2 = evening."
)


def _explain(reasons: dict[str, Any]) -> list[str]:
    try:
        from ..explain import render_reasons
    except ImportError:  # pragma: no cover - the matching area provides it
        return []
    return [str(reason) for reason in render_reasons(reasons or {})]


def _waiting_days(help_request: HelpRequest) -> int:
    return max((timezone.now() - help_request.created_at).days, 0)


# --- serializers -----------------------------------------------------------------------------


class HelpRequestSerializer(serializers.ModelSerializer[HelpRequest]):
    """A help request as its district's coordinators see it (with the contact data)."""

    postcode = serializers.CharField(source="postcode.code", read_only=True)
    district = serializers.CharField(
        source="district.ags", read_only=True, help_text="Official key (AGS) of the district."
    )
    district_name = serializers.CharField(source="district.name", read_only=True)
    languages = serializers.SerializerMethodField()
    preferred_times = serializers.SerializerMethodField(help_text=_TIMES_HELP)
    waiting_days = serializers.SerializerMethodField()
    interpreter = serializers.IntegerField(
        source="interpreter_id",
        read_only=True,
        allow_null=True,
        help_text="Volunteer profile id of the interpreter.",
    )

    class Meta:
        model = HelpRequest
        fields = [
            "id",
            "first_name",
            "contact_channel",
            "contact_value",
            "postcode",
            "district",
            "district_name",
            "languages",
            "topic",
            "needs",
            "preferred_times",
            "urgency",
            "status",
            "form_language",
            "interpreter",
            "waiting_days",
            "created_at",
            "closed_at",
            "close_reason",
            "anonymised_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(Language.choices)))
    def get_languages(self, help_request: HelpRequest) -> list[str]:
        return [row.language for row in help_request.languages.all()]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(CELL_KEYS)))
    def get_preferred_times(self, help_request: HelpRequest) -> list[str]:
        return [cell_key(*cell) for cell in cells_from_mask(help_request.preferred_times)]

    def get_waiting_days(self, help_request: HelpRequest) -> int:
        return _waiting_days(help_request)


class HelpRequestCreatedSerializer(HelpRequestSerializer):
    """The new request with its status link (returned only once, to hand to the newcomer)."""

    status_url = serializers.SerializerMethodField()

    class Meta(HelpRequestSerializer.Meta):
        fields = [*HelpRequestSerializer.Meta.fields, "status_url"]
        read_only_fields = fields

    def get_status_url(self, help_request: HelpRequest) -> str:
        return str(self.context.get("status_url", ""))


class HelpRequestWriteSerializer(serializers.Serializer):
    """A request entered on a newcomer's behalf; validated in full by the service."""

    first_name = serializers.CharField(max_length=200)
    contact_channel = serializers.ChoiceField(ContactChannel.choices)
    contact_value = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )
    postcode = serializers.CharField(max_length=10)
    languages = serializers.ListField(
        child=serializers.ChoiceField(Language.choices), min_length=1, max_length=20
    )
    topic = serializers.ChoiceField(Topic.choices)
    needs = serializers.CharField(max_length=5000)
    preferred_times = serializers.ListField(
        child=serializers.ChoiceField(CELL_KEYS), required=False, default=list
    )
    urgency = serializers.ChoiceField(Urgency.choices, default=Urgency.NORMAL)
    consent = serializers.BooleanField(
        help_text="The newcomer agreed that the data is stored (required: true)."
    )
    form_language = serializers.ChoiceField(
        [code for code, _name in settings.LANGUAGES],
        required=False,
        help_text="The newcomer's language for mails and the status page.",
    )


class HelpRequestFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        [*RequestStatus.values, STATUS_ALL],
        required=False,
        help_text="Empty: waiting requests (open or proposed); `all`: every status.",
    )
    topic = serializers.ChoiceField(Topic.choices, required=False)
    urgency = serializers.ChoiceField(Urgency.choices, required=False)
    district = serializers.CharField(
        required=False, max_length=5, help_text="Official key (AGS) of one of your districts."
    )


class ProposalRequestSerializer(serializers.ModelSerializer[HelpRequest]):
    """What a volunteer may know about a request: never the newcomer's name or contact."""

    district_name = serializers.CharField(source="district.name", read_only=True)
    languages = serializers.SerializerMethodField()
    preferred_times = serializers.SerializerMethodField(help_text=_TIMES_HELP)
    waiting_days = serializers.SerializerMethodField()

    class Meta:
        model = HelpRequest
        fields = [
            "topic",
            "needs",
            "languages",
            "district_name",
            "preferred_times",
            "urgency",
            "waiting_days",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(Language.choices)))
    def get_languages(self, help_request: HelpRequest) -> list[str]:
        return [row.language for row in help_request.languages.all()]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(CELL_KEYS)))
    def get_preferred_times(self, help_request: HelpRequest) -> list[str]:
        return [cell_key(*cell) for cell in cells_from_mask(help_request.preferred_times)]

    def get_waiting_days(self, help_request: HelpRequest) -> int:
        return _waiting_days(help_request)


class ProposalSerializer(serializers.ModelSerializer[Proposal]):
    """A proposal sent to the caller (the volunteer)."""

    request = ProposalRequestSerializer(read_only=True)
    distance_km = serializers.SerializerMethodField()
    reasons = serializers.SerializerMethodField(help_text="Why you, in the caller's language.")

    class Meta:
        model = Proposal
        fields = [
            "id",
            "status",
            "origin",
            "request",
            "distance_km",
            "reasons",
            "proposed_at",
            "respond_by",
            "decided_at",
            "volunteer_contact",
        ]
        read_only_fields = fields

    def get_distance_km(self, proposal: Proposal) -> float:
        a, b = proposal.request.postcode, proposal.volunteer.postcode
        return round(great_circle_km(a.latitude, a.longitude, b.latitude, b.longitude), 1)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_reasons(self, proposal: Proposal) -> list[str]:
        return _explain(proposal.reasons)


class ProposalAcceptSerializer(serializers.Serializer):
    volunteer_contact = serializers.CharField(
        max_length=300, help_text="How the newcomer can reach you (shown after they confirm)."
    )


class ProposalDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


# --- permissions -----------------------------------------------------------------------------


class HelpRequestPermission(BasePermission):
    """Reading: coordinators. Entering on a newcomer's behalf: coordinators and organisation
    members."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if view.action == "create":
            return bool(can_enter_request_on_behalf(request.user))
        return bool(is_coordinator(request.user))


class RequestPagination(PageNumberPagination):
    page_size = 25


def _raise_validation(error: DjangoValidationError) -> NoReturn:
    if hasattr(error, "error_dict"):
        raise exceptions.ValidationError(error.message_dict) from error
    raise exceptions.ValidationError({"non_field_errors": error.messages}) from error


# --- views -----------------------------------------------------------------------------------


class HelpRequestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[HelpRequest],
):
    """Help requests of the districts the caller coordinates (others: 404)."""

    permission_classes = [IsAuthenticated, HelpRequestPermission]
    serializer_class = HelpRequestSerializer
    pagination_class = RequestPagination

    def _filters(self) -> RequestFilters:
        params = HelpRequestFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        district_id = None
        if data.get("district"):
            district = (
                coordinated_districts(user=self.request.user).filter(ags=data["district"]).first()
            )
            district_id = district.pk if district else -1
        return RequestFilters(
            status=data.get("status", ""),
            topic=data.get("topic", ""),
            urgency=data.get("urgency", ""),
            district_id=district_id,
        )

    def get_queryset(self) -> QuerySet[HelpRequest]:
        if getattr(self, "swagger_fake_view", False):
            return HelpRequest.objects.none()
        if self.action == "list":
            return help_request_list_for_coordinator(
                user=self.request.user, filters=self._filters()
            )
        return (
            help_requests_for_coordinator(user=self.request.user)
            .select_related("district", "postcode")
            .prefetch_related("languages")
        )

    @extend_schema(parameters=[HelpRequestFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """List the requests of your districts, longest waiting first (25 a page)."""
        return super().list(request, *args, **kwargs)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Return one request of your districts, with contact data; the access is audited."""
        help_request = self.get_object()
        audit_record(
            actor=request.user, action="engagement.request.viewed", obj=help_request, via="api"
        )
        return Response(self.get_serializer(help_request).data)

    @extend_schema(
        request=HelpRequestWriteSerializer, responses={201: HelpRequestCreatedSerializer}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Enter a request on a newcomer's behalf; the response holds the status link once."""
        payload = HelpRequestWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        form_language = data.pop("form_language", None) or (
            translation.get_language() or settings.LANGUAGE_CODE
        )
        try:
            help_request, key = help_request_create(
                actor=request.user,
                on_behalf=True,
                form_language=form_language,
                via="api",
                **data,
            )
        except DjangoPermissionDenied as error:
            raise exceptions.PermissionDenied() from error
        except DjangoValidationError as error:
            _raise_validation(error)
        serializer = HelpRequestCreatedSerializer(
            help_request, context={"status_url": status_url(key)}
        )
        return Response(serializer.data, status=status.HTTP_201_CREATED)


class ProposalViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Proposal]):
    """The proposals sent to the caller as a volunteer (never the newcomer's contact data)."""

    permission_classes = [IsAuthenticated]
    serializer_class = ProposalSerializer
    pagination_class = RequestPagination

    def get_queryset(self) -> QuerySet[Proposal]:
        if getattr(self, "swagger_fake_view", False):
            return Proposal.objects.none()
        return proposals_for_volunteer(user=self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """List the proposals sent to you, newest first."""
        return super().list(request, *args, **kwargs)

    def _answer(self, pk: Any, service: Any, **arguments: Any) -> Response:
        proposal = proposal_get_for_volunteer(user=self.request.user, pk=pk)
        try:
            service(actor=self.request.user, proposal=proposal, via="api", **arguments)
        except DjangoValidationError as error:
            _raise_validation(error)
        proposal = proposal_get_for_volunteer(user=self.request.user, pk=pk)
        return Response(ProposalSerializer(proposal).data)

    @extend_schema(request=ProposalAcceptSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: Any = None) -> Response:
        """Accept a proposal sent to you (400 when it is no longer open or someone else was
        faster)."""
        payload = ProposalAcceptSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._answer(
            pk,
            proposal_services.proposal_accept,
            volunteer_contact=payload.validated_data["volunteer_contact"],
        )

    @extend_schema(request=ProposalDeclineSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: Any = None) -> Response:
        """Decline a proposal sent to you (the reason is optional)."""
        payload = ProposalDeclineSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._answer(
            pk, proposal_services.proposal_decline, reason=payload.validated_data["reason"]
        )


router = SimpleRouter()
router.register("help-requests", HelpRequestViewSet, basename="help-request")
router.register("proposals", ProposalViewSet, basename="proposal")

urlpatterns = router.urls
