"""API views of the Infobriefe: the public archive and the writers' Infobriefe.

The same selectors and services as the HTML views: an Infobrief the caller may not see (or,
for changes, not edit) is a 404; an audience the caller may not address is a 400 and nothing
is saved.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from lotse.regions.models import AdministrativeRegion, District, State

from ..choices import DISPATCHING, AudienceLevel, InfobriefStatus, mask_to_topics
from ..models import MAX_BODY, Infobrief, InfobriefVersion
from ..rendering import render_markdown
from ..selectors import dispatch as dispatch_selectors
from ..selectors.archive import (
    GERMAN,
    archive_get,
    archive_language,
    archive_languages,
    archive_list,
    archive_version_for,
)
from ..selectors.letters import (
    infobrief_get_for_editor,
    infobrief_get_for_viewer,
    infobriefe_for_editor,
    writer_owners,
)
from ..services import letters as services
from .serializers import (
    ArchiveDetailParamsSerializer,
    ArchiveDetailSerializer,
    ArchivePageSerializer,
    ArchiveParamsSerializer,
    InfobriefCreateSerializer,
    InfobriefDetailSerializer,
    InfobriefErrorSerializer,
    InfobriefSerializer,
    InfobriefSettingsSerializer,
    VersionSerializer,
    VersionWriteSerializer,
)

ARCHIVE_PAGE_SIZE = 20


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


def _request_data(request: Request) -> Any:
    """The parsed body; a body above DATA_UPLOAD_MAX_MEMORY_SIZE is a clear 413 (JSON), not
    Django's HTML 400. Nothing is read or saved then."""
    try:
        return request.data
    except RequestDataTooBig as error:
        raise BodyTooLarge(
            _("The request is far too large: a text may have at most %(max)s characters.")
            % {"max": number_format(MAX_BODY, force_grouping=True)}
        ) from error


def _raise_validation(error: DjangoValidationError) -> NoReturn:
    if hasattr(error, "error_dict"):
        details = error.message_dict
        if "__all__" in details:
            details["non_field_errors"] = details.pop("__all__")
        raise exceptions.ValidationError(details) from error
    raise exceptions.ValidationError({"non_field_errors": error.messages}) from error


def _request_language(request: Request, wished: str) -> str:
    return archive_language(wished or translation.get_language())


# --- public archive ---------------------------------------------------------------------------


class ArchiveListView(generics.GenericAPIView[Infobrief]):
    """The public archive: sent Infobriefe, newest first, 20 a page."""

    permission_classes = [AllowAny]
    serializer_class = ArchivePageSerializer

    def get_queryset(self) -> QuerySet[Infobrief]:
        return Infobrief.objects.none()

    @extend_schema(
        summary="Search the Infobriefe archive (public)",
        operation_id="infobriefe_archive_search",
        parameters=[ArchiveParamsSerializer],
        responses={200: ArchivePageSerializer},
    )
    def get(self, request: Request) -> Response:
        parameters = ArchiveParamsSerializer(data=request.query_params)
        parameters.is_valid(raise_exception=True)
        data = parameters.validated_data
        language = _request_language(request, data["language"])
        paginator = Paginator(archive_list(language=language, query=data["q"]), ARCHIVE_PAGE_SIZE)
        page = paginator.get_page(data["page"])
        results = []
        for infobrief in page.object_list:
            versions = {version.language: version for version in infobrief.versions.all()}
            version = versions.get(language) or versions[GERMAN]
            results.append(
                {
                    "infobrief": infobrief,
                    "version": version,
                    "requested": language,
                    "fallback": version.language != language,
                    "languages": archive_languages(infobrief=infobrief),
                }
            )
        payload = {
            "count": paginator.count,
            "page": page.number,
            "num_pages": paginator.num_pages,
            "results": results,
        }
        return Response(ArchivePageSerializer(payload, context={"request": request}).data)


class ArchiveDetailView(generics.GenericAPIView[Infobrief]):
    """A sent Infobrief in one language (German when that text is missing)."""

    permission_classes = [AllowAny]
    serializer_class = ArchiveDetailSerializer

    def get_queryset(self) -> QuerySet[Infobrief]:
        return Infobrief.objects.none()

    @extend_schema(
        summary="A sent Infobrief (public)",
        operation_id="infobriefe_archive_retrieve",
        parameters=[ArchiveDetailParamsSerializer],
        responses={200: ArchiveDetailSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        parameters = ArchiveDetailParamsSerializer(data=request.query_params)
        parameters.is_valid(raise_exception=True)
        language = _request_language(request, parameters.validated_data["language"])
        infobrief = archive_get(pk=pk)
        shown = archive_version_for(infobrief=infobrief, language=language)
        item = {
            "infobrief": infobrief,
            "version": shown.version,
            "requested": language,
            "fallback": shown.fallback,
            "languages": archive_languages(infobrief=infobrief),
            "body_html": render_markdown(shown.version.body),
        }
        return Response(ArchiveDetailSerializer(item, context={"request": request}).data)


# --- writers ---------------------------------------------------------------------------------


class InfobriefPagination(PageNumberPagination):
    page_size = 25


def _require_writer(request: Request) -> None:
    if not request.user.has_perm("infobriefe.write"):
        raise exceptions.PermissionDenied(
            _("Only coordinators and state editors write Infobriefe.")
        )


def _districts(codes: list[str]) -> list[District]:
    found = {district.ags: district for district in District.objects.filter(ags__in=codes)}
    unknown = sorted(set(codes) - set(found))
    if unknown:
        raise exceptions.ValidationError(
            {"districts": [_("Unknown district key: %(key)s.") % {"key": ", ".join(unknown)}]}
        )
    return list(found.values())


def _region(code: str | None) -> AdministrativeRegion | None:
    if not code:
        return None
    region = AdministrativeRegion.objects.filter(ags=code).first()
    if region is None:
        raise exceptions.ValidationError({"region": [_("Unknown Regierungsbezirk key.")]})
    return region


def _settings_arguments(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "sender_name": data["sender_name"],
        "level": data.get("level"),
        "region": _region(data.get("region")),
        "districts": _districts(list(data.get("districts") or [])),
        "topics": list(data.get("topics") or []),
    }


def _detail_response(request: Request, pk: int, code: int = 200) -> Response:
    infobrief = infobrief_get_for_viewer(user=request.user, pk=pk)
    context: dict[str, Any] = {
        "request": request,
        "versions": InfobriefVersion.objects.filter(infobrief=infobrief).order_by("language"),
    }
    if infobrief.status in (InfobriefStatus.DRAFT, InfobriefStatus.SCHEDULED):
        context["estimated_recipients"] = dispatch_selectors.infobrief_recipients(
            infobrief=infobrief
        ).count()
    if infobrief.status in DISPATCHING or infobrief.status == InfobriefStatus.SENT:
        context["progress"] = dispatch_selectors.infobrief_progress(infobrief=infobrief)
    if infobrief.status == InfobriefStatus.SENT:
        context["figures"] = dispatch_selectors.infobrief_figures(
            infobrief=infobrief, progress=context["progress"]
        )
    return Response(InfobriefDetailSerializer(infobrief, context=context).data, status=code)


class InfobriefListView(generics.GenericAPIView[Infobrief]):
    """The Infobriefe of the caller's district teams and Länder (GET), or a new draft (POST)."""

    permission_classes = [IsAuthenticated]
    serializer_class = InfobriefSerializer
    pagination_class = InfobriefPagination

    def get_queryset(self) -> QuerySet[Infobrief]:
        if getattr(self, "swagger_fake_view", False):
            return Infobrief.objects.none()
        return infobriefe_for_editor(user=self.request.user)

    @extend_schema(
        summary="Your Infobriefe (coordinators, state editors)",
        responses={200: InfobriefSerializer(many=True), 403: InfobriefErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        _require_writer(request)
        page = self.paginate_queryset(self.get_queryset())
        serializer = InfobriefSerializer(page, many=True, context={"request": request})
        return self.get_paginated_response(serializer.data)

    @extend_schema(
        summary="Start a draft Infobrief",
        request=InfobriefCreateSerializer,
        responses={
            201: InfobriefDetailSerializer,
            400: OpenApiResponse(description="Bad input, or an audience you may not address."),
            403: InfobriefErrorSerializer,
        },
    )
    def post(self, request: Request) -> Response:
        _require_writer(request)
        payload = InfobriefCreateSerializer(data=_request_data(request))
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        team_district: District | None = None
        if data.get("team_district"):
            team_district = (
                District.objects.select_related("state").filter(ags=data["team_district"]).first()
            )
            if team_district is None:
                raise exceptions.ValidationError({"team_district": [_("Unknown district key.")]})
            state = team_district.state
        elif data.get("state"):
            found = State.objects.filter(code=str(data["state"]).upper()).first()
            if found is None:
                raise exceptions.ValidationError({"state": [_("Unknown Land code.")]})
            state = found
        else:
            lands = [
                owner for owner in writer_owners(user=request.user) if owner.team_district is None
            ]
            if len(lands) != 1:
                raise exceptions.ValidationError(
                    {"state": [_("Please name the district team or the Land it is from.")]}
                )
            state = lands[0].state
        try:
            infobrief = services.infobrief_create(
                actor=request.user,
                state=state,
                team_district=team_district,
                via="api",
                **_settings_arguments(data),
            )
        except DjangoValidationError as error:
            _raise_validation(error)
        return _detail_response(request, infobrief.pk, code=status.HTTP_201_CREATED)


class InfobriefDetailView(generics.GenericAPIView[Infobrief]):
    """One Infobrief with texts, recipients, progress and figures (GET); its settings while it
    is a draft (PATCH)."""

    permission_classes = [IsAuthenticated]
    serializer_class = InfobriefDetailSerializer

    def get_queryset(self) -> QuerySet[Infobrief]:
        return Infobrief.objects.none()

    @extend_schema(summary="One of your Infobriefe")
    def get(self, request: Request, pk: int) -> Response:
        return _detail_response(request, pk)

    @extend_schema(
        summary="Change sender name, audience and topics of a draft",
        request=InfobriefSettingsSerializer,
        responses={200: InfobriefDetailSerializer, 400: OpenApiResponse(description="Bad input.")},
    )
    def patch(self, request: Request, pk: int) -> Response:
        infobrief = infobrief_get_for_editor(user=request.user, pk=pk)
        payload = InfobriefSettingsSerializer(data=_request_data(request), partial=True)
        payload.is_valid(raise_exception=True)
        current = {
            "sender_name": infobrief.sender_name,
            "level": infobrief.level if infobrief.team_district_id is None else None,
            "region": infobrief.region.ags if infobrief.region else None,
            "districts": [district.ags for district in infobrief.districts.all()]
            if infobrief.team_district_id is None
            else [],
            "topics": mask_to_topics(infobrief.topics_mask),
        }
        changes = dict(payload.validated_data)
        if changes.get("level") in (AudienceLevel.STATE, AudienceLevel.DISTRICTS):
            current["region"] = None
        if changes.get("level") in (AudienceLevel.STATE, AudienceLevel.REGION):
            current["districts"] = []
        try:
            services.infobrief_update_settings(
                actor=request.user,
                infobrief=infobrief,
                via="api",
                **_settings_arguments(current | changes),
            )
        except DjangoPermissionDenied as error:  # pragma: no cover - fetched as its editor
            raise Http404 from error
        except DjangoValidationError as error:
            _raise_validation(error)
        return _detail_response(request, infobrief.pk)


class InfobriefVersionView(generics.GenericAPIView[InfobriefVersion]):
    """The Infobrief's text in one language: read (GET), write (PUT), delete (DELETE; not
    German)."""

    permission_classes = [IsAuthenticated]
    serializer_class = VersionSerializer

    def get_queryset(self) -> QuerySet[InfobriefVersion]:
        return InfobriefVersion.objects.none()

    @staticmethod
    def _language(language: str) -> str:
        if language not in dict(settings.LANGUAGES):
            raise Http404
        return language

    @extend_schema(summary="The text in one language", responses={200: VersionSerializer})
    def get(self, request: Request, pk: int, language: str) -> Response:
        language = self._language(language)
        infobrief = infobrief_get_for_viewer(user=request.user, pk=pk)
        version = InfobriefVersion.objects.filter(infobrief=infobrief, language=language).first()
        if version is None:
            raise Http404
        return Response(VersionSerializer(version).data)

    @extend_schema(
        summary="Write the text in one language (drafts)",
        request=VersionWriteSerializer,
        responses={200: VersionSerializer, 400: OpenApiResponse(description="Bad input.")},
    )
    def put(self, request: Request, pk: int, language: str) -> Response:
        language = self._language(language)
        infobrief = infobrief_get_for_editor(user=request.user, pk=pk)
        payload = VersionWriteSerializer(data=_request_data(request))
        payload.is_valid(raise_exception=True)
        try:
            version = services.infobrief_version_save(
                actor=request.user,
                infobrief=infobrief,
                language=language,
                via="api",
                **payload.validated_data,
            )
        except DjangoPermissionDenied as error:  # pragma: no cover - fetched as its editor
            raise Http404 from error
        except DjangoValidationError as error:
            _raise_validation(error)
        return Response(VersionSerializer(version).data)

    @extend_schema(
        summary="Delete the text in one language (drafts; not German)",
        responses={204: None, 400: OpenApiResponse(description="German, or not a draft.")},
    )
    def delete(self, request: Request, pk: int, language: str) -> Response:
        language = self._language(language)
        infobrief = infobrief_get_for_editor(user=request.user, pk=pk)
        try:
            services.infobrief_version_delete(
                actor=request.user, infobrief=infobrief, language=language, via="api"
            )
        except DjangoValidationError as error:
            _raise_validation(error)
        return Response(status=status.HTTP_204_NO_CONTENT)
