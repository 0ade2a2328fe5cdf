"""API of Dialog digital (mounted under /api/v1/, namespace `api`).

- `api:session-list`, `api:session-detail`: the public sessions (anyone).
- `api:session-question-list`: GET the approved and answered questions (by votes) plus the
  caller's own ones; POST a question (registered volunteers; 429 when over the limits, 409 when
  the session no longer takes questions).
- `api:session-question-vote`: POST votes, DELETE takes the vote back (409 when the session is
  closed, 503 when the database stayed busy — then nothing was stored).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lotse.core import ratelimit

from ..choices import SessionQuestionStatus
from ..models import MAX_SESSION_QUESTION, DialogSession, SessionQuestion, Vote
from ..permissions import is_registered_volunteer
from ..selectors.dialog import (
    session_get,
    session_list_public,
    session_question_visible_get,
    session_video_visible,
    sessions_public,
)
from ..services.dialog import (
    SessionBusyError,
    SessionClosedError,
    SubmissionLimitError,
    session_question_submit,
    session_question_unvote,
    session_question_vote,
)

SUBMIT_SCOPE = "dialog-question"
SUBMIT_PER_HOUR = 30
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


# --- serializers -----------------------------------------------------------------------------


class DialogSessionSerializer(serializers.ModelSerializer[DialogSession]):
    """A session as the public sees it; `video_url` only for registered volunteers (from 30
    minutes before the start) and the session's moderators, else null."""

    state = serializers.CharField(source="state.code", read_only=True, help_text="Land code.")
    languages = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=f"Codes of the languages offered (of {', '.join(LANGUAGE_CODES)}).",
    )
    video_url = serializers.SerializerMethodField()

    class Meta:
        model = DialogSession
        fields = [
            "id",
            "title",
            "description",
            "topic",
            "state",
            "starts_at",
            "ends_at",
            "speaker",
            "languages",
            "status",
            "video_url",
            "summary",
            "archived_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_video_url(self, session: DialogSession) -> str | None:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return session.video_url if session_video_visible(user=user, session=session) else None


class SessionQuestionSerializer(serializers.ModelSerializer[SessionQuestion]):
    """A question of a session, without its author. `own`, `voted`, `rejection_reason` and
    `merged_into` concern the caller."""

    language = serializers.CharField(read_only=True, help_text="Language code of the text.")
    own = serializers.SerializerMethodField()
    voted = serializers.SerializerMethodField()
    rejection_reason = serializers.SerializerMethodField()
    merged_into = serializers.SerializerMethodField(help_text="Id of the question it went into.")

    class Meta:
        model = SessionQuestion
        fields = [
            "id",
            "text",
            "language",
            "status",
            "vote_count",
            "answered_at",
            "created_at",
            "own",
            "voted",
            "rejection_reason",
            "merged_into",
        ]
        read_only_fields = fields

    def _user_id(self) -> Any:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None

    def get_own(self, question: SessionQuestion) -> bool:
        return question.author_id is not None and question.author_id == self._user_id()

    def get_voted(self, question: SessionQuestion) -> bool:
        return question.pk in self.context.get("voted_ids", set())

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_rejection_reason(self, question: SessionQuestion) -> str | None:
        if self.get_own(question) and question.status == SessionQuestionStatus.REJECTED:
            return question.rejection_reason
        return None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_merged_into(self, question: SessionQuestion) -> int | None:
        return question.merged_into_id if self.get_own(question) else None


class SessionQuestionWriteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_SESSION_QUESTION)
    language = serializers.CharField(
        max_length=10, help_text="Code of one of the session's languages (see the session)."
    )


class VoteResultSerializer(serializers.Serializer):
    question = serializers.IntegerField(
        help_text="The question the vote counts for (the target of a merged question)."
    )
    voted = serializers.BooleanField(help_text="Whether the caller's vote now counts.")
    changed = serializers.BooleanField(help_text="False when nothing changed (already voted).")
    vote_count = serializers.IntegerField()


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class SessionPagination(PageNumberPagination):
    page_size = 25


class QuestionPagination(PageNumberPagination):
    page_size = 100


# --- helpers ---------------------------------------------------------------------------------


def _conflict(message: str) -> Response:
    return Response({"detail": message}, status=status.HTTP_409_CONFLICT)


def _busy(error: SessionBusyError) -> Response:
    return Response(
        {"detail": str(error)},
        status=status.HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": "1"},
    )


def _raise_validation(error: DjangoValidationError) -> Any:
    if hasattr(error, "error_dict"):
        raise exceptions.ValidationError(error.message_dict) from error
    raise exceptions.ValidationError({"non_field_errors": error.messages}) from error


# --- views -----------------------------------------------------------------------------------


class SessionList(generics.ListAPIView[DialogSession]):
    """Dialog digital sessions: live, then upcoming (soonest first), then past ones."""

    permission_classes = [AllowAny]
    serializer_class = DialogSessionSerializer
    pagination_class = SessionPagination

    def get_queryset(self) -> QuerySet[DialogSession]:
        if getattr(self, "swagger_fake_view", False):
            return DialogSession.objects.none()
        return session_list_public(user=self.request.user)


class SessionDetail(generics.RetrieveAPIView[DialogSession]):
    """One Dialog digital session."""

    permission_classes = [AllowAny]
    serializer_class = DialogSessionSerializer

    def get_queryset(self) -> QuerySet[DialogSession]:
        return sessions_public()


class SessionQuestionList(generics.ListAPIView[SessionQuestion]):
    """The approved and answered questions of a session (most votes first), and the caller's
    own questions in any status."""

    serializer_class = SessionQuestionSerializer
    pagination_class = QuestionPagination

    def get_permissions(self) -> list[Any]:
        if self.request.method == "GET":
            return [AllowAny()]
        return [IsAuthenticated()]

    def _session(self) -> DialogSession:
        return session_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_queryset(self) -> QuerySet[SessionQuestion]:
        if getattr(self, "swagger_fake_view", False):
            return SessionQuestion.objects.none()
        user = self.request.user
        visible = Q(status__in=(SessionQuestionStatus.APPROVED, SessionQuestionStatus.ANSWERED))
        if getattr(user, "is_authenticated", False):
            visible |= Q(author=user)
        return SessionQuestion.objects.filter(visible, session=self._session()).order_by(
            "-vote_count", "created_at", "pk"
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        user: Any = self.request.user
        voted: set[int] = set()
        if getattr(user, "is_authenticated", False) and "pk" in self.kwargs:
            voted = set(
                Vote.objects.filter(question__session_id=self.kwargs["pk"], voter=user).values_list(
                    "question_id", flat=True
                )
            )
        return {**context, "voted_ids": voted}

    @extend_schema(
        request=SessionQuestionWriteSerializer,
        responses={
            201: SessionQuestionSerializer,
            400: OpenApiResponse(description="Bad input."),
            403: OpenApiResponse(ErrorSerializer, description="Not a registered volunteer."),
            409: OpenApiResponse(ErrorSerializer, description="The session is closed."),
            429: OpenApiResponse(ErrorSerializer, description="Too many questions."),
            503: OpenApiResponse(ErrorSerializer, description="Busy; nothing stored."),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        """Submit a question (registered volunteers); it waits for moderation."""
        session = self._session()
        if not is_registered_volunteer(request.user):
            raise exceptions.PermissionDenied(
                "Questions are open to registered volunteers (confirmed e-mail address and a "
                "volunteer profile)."
            )
        payload = SessionQuestionWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        subject = f"user:{request.user.pk}"
        if ratelimit.is_limited(request, SUBMIT_SCOPE, limit=SUBMIT_PER_HOUR, subject=subject):
            return Response(
                {"detail": "You have sent many questions in a short time. Try again later."},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": "3600"},
            )
        ratelimit.record(request, SUBMIT_SCOPE, subject=subject)
        try:
            question = session_question_submit(
                actor=request.user,
                session=session,
                text=payload.validated_data["text"],
                language=payload.validated_data["language"],
                via="api",
            )
        except DjangoPermissionDenied as error:
            raise exceptions.PermissionDenied() from error
        except SessionClosedError as error:
            return _conflict(" ".join(error.messages))
        except SubmissionLimitError as error:
            return Response(
                {"detail": " ".join(error.messages)},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": "600"},
            )
        except DjangoValidationError as error:
            _raise_validation(error)
        except SessionBusyError as error:
            return _busy(error)
        serializer = SessionQuestionSerializer(
            question, context=self.get_serializer_context() | {"voted_ids": set()}
        )
        return Response(serializer.data, status=status.HTTP_201_CREATED)


class SessionQuestionVote(APIView):
    """Vote for a question (POST) or take the vote back (DELETE). Voting twice changes
    nothing; voting on a merged question votes on the question it went into."""

    permission_classes = [IsAuthenticated]

    def _act(self, request: Request, pk: int, question_pk: int, *, undo: bool) -> Response:
        session = session_get(user=request.user, pk=pk)
        question = session_question_visible_get(session=session, pk=question_pk)
        if not is_registered_volunteer(request.user):
            raise exceptions.PermissionDenied(
                "Votes are open to registered volunteers (confirmed e-mail address and a "
                "volunteer profile)."
            )
        service = session_question_unvote if undo else session_question_vote
        try:
            result = service(actor=request.user, question=question, via="api")
        except DjangoPermissionDenied as error:
            raise exceptions.PermissionDenied() from error
        except SessionClosedError as error:
            return _conflict(" ".join(error.messages))
        except DjangoValidationError as error:
            _raise_validation(error)
        except SessionBusyError as error:
            return _busy(error)
        data = VoteResultSerializer(
            {
                "question": result.question.pk,
                "voted": result.voted,
                "changed": result.changed,
                "vote_count": result.vote_count,
            }
        ).data
        return Response(data)

    _responses = {
        200: VoteResultSerializer,
        400: OpenApiResponse(description="The question takes no votes."),
        403: OpenApiResponse(ErrorSerializer, description="Not a registered volunteer."),
        404: OpenApiResponse(description="No such (approved) question."),
        409: OpenApiResponse(ErrorSerializer, description="The session is closed."),
        503: OpenApiResponse(ErrorSerializer, description="Busy; nothing stored."),
    }

    @extend_schema(request=None, responses=_responses)
    def post(self, request: Request, pk: int, question_pk: int) -> Response:
        """Vote for a question."""
        return self._act(request, pk, question_pk, undo=False)

    @extend_schema(request=None, responses=_responses)
    def delete(self, request: Request, pk: int, question_pk: int) -> Response:
        """Take your vote back."""
        return self._act(request, pk, question_pk, undo=True)


urlpatterns = [
    path("dialog/sessions/", SessionList.as_view(), name="session-list"),
    path("dialog/sessions/<int:pk>/", SessionDetail.as_view(), name="session-detail"),
    path(
        "dialog/sessions/<int:pk>/questions/",
        SessionQuestionList.as_view(),
        name="session-question-list",
    ),
    path(
        "dialog/sessions/<int:pk>/questions/<int:question_pk>/vote/",
        SessionQuestionVote.as_view(),
        name="session-question-vote",
    ),
]
