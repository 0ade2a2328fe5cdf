"""API of "Ask your Lotse": volunteers ask, follow and reply; the team lists its queue and
answers or asks back. The same selectors and services as the HTML views: a question the
caller may not see is a 404."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from lotse.core.audit import audit_record
from lotse.core.choices import Topic
from lotse.core.validators import validate_no_control_characters

from ..choices import MessageKind, QuestionStatus
from ..models import MAX_CONTEXT, MAX_TEXT, MAX_TITLE, Message, Question
from ..permissions import is_coordinator_of_question, is_registered_volunteer
from ..selectors.ask import (
    ASSIGNED_ME,
    ASSIGNED_NOBODY,
    STATUS_ALL,
    QueueFilters,
    is_in_a_team,
    question_get_for_asker,
    question_get_for_team,
    question_get_for_viewer,
    question_list_mine,
    question_queue,
    question_thread,
    queue_districts,
)
from ..services import ask as services
from ..services.ask import display_name

SCOPE_MINE = "mine"
SCOPE_QUEUE = "queue"


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


def _text_field(*, max_length: int, required: Any = None, **kwargs: Any) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length,
        validators=[validate_no_control_characters],
        error_messages=_text_errors(required or gettext_lazy("This field is required.")),
        **kwargs,
    )


# --- serializers -----------------------------------------------------------------------------


@extend_schema_field(
    {
        "type": "string",
        "enum": list(QuestionStatus.values),
        "description": "open: waiting to be taken; in_progress: taken by the team; asked_back: "
        "the team asked something back; answered; closed.",
    },
    component_name="QuestionStatusEnum",
)
class QuestionStatusField(serializers.CharField):
    """The status of a question (its own OpenAPI enum)."""


@extend_schema_field(
    {
        "type": "string",
        "enum": [code for code, _name in settings.LANGUAGES],
        "description": "A language of the site (the question was asked in it).",
    },
    component_name="QuestionLanguageEnum",
)
class QuestionLanguageField(serializers.CharField):
    """The site language a question was asked in (its own OpenAPI enum)."""


class MessageSerializer(serializers.ModelSerializer[Message]):
    """One post of the thread. `forward` notes appear for the team only."""

    author_name = serializers.SerializerMethodField(
        help_text='The author as the caller sees them ("you", a name, or "the volunteer").'
    )
    from_asker = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = ["id", "kind", "text", "author_name", "from_asker", "created_at"]
        read_only_fields = fields

    def _from_asker(self, message: Message) -> bool:
        asker_id = self.context["question"].asker_id
        return message.author_id is not None and message.author_id == asker_id

    def get_from_asker(self, message: Message) -> bool:
        return self._from_asker(message)

    def get_author_name(self, message: Message) -> str:
        user = self.context["user"]
        if message.author_id is not None and message.author_id == user.pk:
            return _("You")
        if self._from_asker(message) or (
            message.author_id is None and message.kind == MessageKind.REPLY
        ):
            if self.context.get("show_asker_name"):
                return display_name(self.context["question"].asker)
            return _("The volunteer")
        return display_name(message.author)


class QuestionSerializer(serializers.ModelSerializer[Question]):
    """A question as the caller sees it. `taken_by` only for the team."""

    district = serializers.CharField(
        source="district.ags", read_only=True, help_text="Official key (AGS) of the district."
    )
    district_name = serializers.CharField(source="district.name", read_only=True)
    forwarded = serializers.SerializerMethodField(
        help_text="Forwarded to the state editors of the district's Land."
    )
    taken_by = serializers.SerializerMethodField(
        help_text="Who of the team has taken the question (team only; null otherwise)."
    )
    last_activity = serializers.SerializerMethodField()
    status = QuestionStatusField(read_only=True)
    language = QuestionLanguageField(read_only=True)

    class Meta:
        model = Question
        fields = [
            "id",
            "title",
            "text",
            "topic",
            "context",
            "language",
            "status",
            "district",
            "district_name",
            "forwarded",
            "taken_by",
            "waiting_since",
            "first_answered_at",
            "closed_at",
            "created_at",
            "last_activity",
        ]
        read_only_fields = fields

    def get_forwarded(self, question: Question) -> bool:
        return question.forwarded_at is not None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_taken_by(self, question: Question) -> str | None:
        if not self.context.get("as_team") or question.assignee_id is None:
            return None
        return display_name(question.assignee)

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_last_activity(self, question: Question) -> Any:
        return serializers.DateTimeField().to_representation(
            getattr(question, "last_activity", None) or question.updated_at
        )


class QuestionDetailSerializer(QuestionSerializer):
    """A question with its thread."""

    messages = serializers.SerializerMethodField()

    class Meta(QuestionSerializer.Meta):
        fields = [*QuestionSerializer.Meta.fields, "messages"]
        read_only_fields = fields

    @extend_schema_field(MessageSerializer(many=True))
    def get_messages(self, question: Question) -> list[dict[str, Any]]:
        as_team = bool(self.context.get("as_team"))
        thread = question_thread(question=question, include_internal=as_team)
        context = {
            "question": question,
            "user": self.context["user"],
            "show_asker_name": as_team
            and is_coordinator_of_question(self.context["user"], question),
        }
        return list(MessageSerializer(thread, many=True, context=context).data)


class QuestionCreateSerializer(serializers.Serializer):
    """A question to the team of the caller's district (validated like the form)."""

    title = _text_field(
        max_length=MAX_TITLE, required=gettext_lazy("Please give your question a short title.")
    )
    text = _text_field(max_length=MAX_TEXT, required=gettext_lazy("Please write your question."))
    topic = serializers.ChoiceField(
        Topic.choices,
        error_messages={
            "required": gettext_lazy("Please choose a topic."),
            "invalid_choice": gettext_lazy("Please choose a topic."),
        },
    )
    # DRF moves declared fields off the class, so this does not shadow `Serializer.context`.
    context = _text_field(  # type: ignore[assignment]
        max_length=MAX_CONTEXT, required=False, allow_blank=True, default=""
    )


class ReplySerializer(serializers.Serializer):
    text = _text_field(max_length=MAX_TEXT, required=gettext_lazy("Please write a reply."))


class AnswerSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        [
            (MessageKind.ANSWER.value, "Answer"),
            (MessageKind.ASK_BACK.value, "Question back"),
        ],
        help_text="`answer` answers the question; `ask_back` asks the volunteer something.",
        error_messages={
            "required": gettext_lazy("Please choose whether you answer or ask back."),
            "invalid_choice": gettext_lazy("Please choose whether you answer or ask back."),
        },
    )
    text = _text_field(max_length=MAX_TEXT, required=gettext_lazy("Please write your answer."))


class QuestionListParams(serializers.Serializer):
    scope = serializers.ChoiceField(
        [SCOPE_MINE, SCOPE_QUEUE],
        required=False,
        default=SCOPE_MINE,
        help_text="`mine`: your own questions; `queue`: the questions of your team "
        "(coordinators, state editors).",
    )
    status = serializers.ChoiceField(
        [*QuestionStatus.values, STATUS_ALL],
        required=False,
        help_text="Queue only. Empty: waiting for the team (open or in progress); `all`: every "
        "status.",
    )
    topic = serializers.ChoiceField(Topic.choices, required=False, help_text="Queue only.")
    assigned = serializers.ChoiceField(
        [ASSIGNED_ME, ASSIGNED_NOBODY],
        required=False,
        help_text="Queue only. `me`: taken by you; `none`: not taken.",
    )
    district = serializers.CharField(
        required=False,
        max_length=5,
        help_text="Queue only. Official key (AGS) of one of your team's districts.",
    )


class QuestionPagination(PageNumberPagination):
    page_size = 25


def _raise_validation(error: DjangoValidationError) -> NoReturn:
    if hasattr(error, "error_dict"):
        details = error.message_dict
        if "__all__" in details:
            details["non_field_errors"] = details.pop("__all__")
        raise exceptions.ValidationError(details) from error
    raise exceptions.ValidationError({"non_field_errors": error.messages}) from error


# --- views -----------------------------------------------------------------------------------


class QuestionViewSet(viewsets.GenericViewSet[Question]):
    """Questions to the Lotsen: your own, or (`scope=queue`) your team's."""

    permission_classes = [IsAuthenticated]
    serializer_class = QuestionSerializer
    pagination_class = QuestionPagination

    def get_queryset(self) -> QuerySet[Question]:
        # Every action fetches through the scoped selectors; this is for the schema only.
        return Question.objects.none()

    def _context(self, *, as_team: bool) -> dict[str, Any]:
        return {"request": self.request, "user": self.request.user, "as_team": as_team}

    def _detail(self, question: Question, *, as_team: bool, code: int = 200) -> Response:
        serializer = QuestionDetailSerializer(question, context=self._context(as_team=as_team))
        return Response(serializer.data, status=code)

    def _filters(self, data: dict[str, Any]) -> QueueFilters:
        district_id = None
        if data.get("district"):
            district = queue_districts(user=self.request.user).filter(ags=data["district"]).first()
            district_id = district.pk if district else -1
        return QueueFilters(
            status=data.get("status", ""),
            topic=data.get("topic", ""),
            assigned=data.get("assigned", ""),
            district_id=district_id,
        )

    @extend_schema(parameters=[QuestionListParams], responses=QuestionSerializer(many=True))
    def list(self, request: Request) -> Response:
        """List your own questions (most recent activity first) or, with `scope=queue`, your
        team's queue (longest waiting first); 25 a page."""
        params = QuestionListParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        as_team = data["scope"] == SCOPE_QUEUE
        if as_team:
            if not is_in_a_team(user=request.user):
                raise exceptions.PermissionDenied(
                    _("Only coordinators and state editors have a queue.")
                )
            queryset = question_queue(user=request.user, filters=self._filters(data))
        else:
            queryset = question_list_mine(user=request.user).select_related("assignee")
        page = self.paginate_queryset(queryset)
        serializer = QuestionSerializer(page, many=True, context=self._context(as_team=as_team))
        return self.get_paginated_response(serializer.data)

    @extend_schema(request=QuestionCreateSerializer, responses={201: QuestionDetailSerializer})
    def create(self, request: Request) -> Response:
        """Ask the team of your district (registered volunteers: confirmed e-mail address and
        a volunteer profile)."""
        if not is_registered_volunteer(request.user):
            raise exceptions.PermissionDenied(
                _("Only volunteers with a profile and a confirmed e-mail address can ask.")
            )
        payload = QuestionCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            question = services.question_create(
                actor=request.user,
                language=translation.get_language() or "",
                via="api",
                **payload.validated_data,
            )
        except DjangoPermissionDenied as error:  # pragma: no cover - checked above
            raise exceptions.PermissionDenied() from error
        except DjangoValidationError as error:
            _raise_validation(error)
        question = question_get_for_asker(user=request.user, pk=question.pk)
        return self._detail(question, as_team=False, code=status.HTTP_201_CREATED)

    @extend_schema(responses=QuestionDetailSerializer)
    def retrieve(self, request: Request, pk: Any = None) -> Response:
        """One question with its thread, for the asker or the team (404 for everybody else).
        The team's access is audited; notes of forwarding are shown to the team only."""
        question, as_team = question_get_for_viewer(user=request.user, pk=pk)
        if as_team:
            audit_record(
                actor=request.user,
                action="questions.question.viewed",
                obj=question,
                subject=question.asker,
                via="api",
            )
        return self._detail(question, as_team=as_team)

    @extend_schema(request=ReplySerializer, responses=QuestionDetailSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: Any = None) -> Response:
        """Reply in the thread of your own question (the team is notified)."""
        question = question_get_for_asker(user=request.user, pk=pk)
        payload = ReplySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            services.question_reply(
                actor=request.user,
                question=question,
                text=payload.validated_data["text"],
                via="api",
            )
        except DjangoValidationError as error:
            _raise_validation(error)
        question, as_team = question_get_for_viewer(user=request.user, pk=pk)
        return self._detail(question, as_team=as_team)

    @extend_schema(request=AnswerSerializer, responses=QuestionDetailSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: Any = None) -> Response:
        """Answer or ask back (the team). An untaken question is taken by you; a question
        somebody else has taken is refused (400: take it over first)."""
        question = question_get_for_team(user=request.user, pk=pk)
        payload = AnswerSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        service = (
            services.question_answer
            if payload.validated_data["kind"] == MessageKind.ANSWER
            else services.question_ask_back
        )
        try:
            service(
                actor=request.user,
                question=question,
                text=payload.validated_data["text"],
                via="api",
            )
        except DjangoPermissionDenied as error:  # pragma: no cover - the selector scopes
            raise exceptions.NotFound() from error
        except DjangoValidationError as error:
            _raise_validation(error)
        question = question_get_for_team(user=request.user, pk=pk)
        return self._detail(question, as_team=True)


router = SimpleRouter()
router.register("questions", QuestionViewSet, basename="question")

urlpatterns = router.urls
