"""API of the knowledge area: the public search and published entries.

- `GET /api/v1/knowledge/entries/?q=&topic=&language=&page=` (`api:knowledge-entry-list`):
  ranked search (the same selector as the web page), 20 per page, with highlighted title and
  snippet (HTML: escaped text, only `<mark>` added). Without `q`: the newest entries.
- `GET /api/v1/knowledge/entries/<id>/` (`api:knowledge-entry-detail`): a published entry.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from lotse.core.choices import Topic
from lotse.core.validators import validate_no_control_characters

from ..models import Entry
from ..search.text import MAX_QUERY_LENGTH
from ..selectors.search import PER_PAGE, SearchHit, published_entries, search_entries

MAX_PAGE = 10_000


class EntrySerializer(serializers.ModelSerializer[Entry]):
    """A published entry (texts are plain text)."""

    district = serializers.CharField(
        source="district.ags",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Official key (AGS) of the district whose Lotsen team answered; "
        "null for the state editors.",
    )
    district_name = serializers.CharField(
        source="district.name", read_only=True, allow_null=True, default=None
    )
    state = serializers.CharField(source="state.code", read_only=True)
    state_name = serializers.CharField(source="state.name", read_only=True)
    session = serializers.IntegerField(
        source="session_id",
        read_only=True,
        allow_null=True,
        help_text="Dialog digital session the answer comes from.",
    )
    translations = serializers.SerializerMethodField(
        help_text="Ids of the published entry in the other languages, by language code."
    )

    class Meta:
        model = Entry
        fields = [
            "id",
            "language",
            "title",
            "question",
            "answer",
            "topic",
            "source",
            "district",
            "district_name",
            "state",
            "state_name",
            "session",
            "published_at",
            "translations",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.DictField(child=serializers.IntegerField(), help_text="language → id")
    )
    def get_translations(self, entry: Entry) -> dict[str, int]:
        others = self.context.get("translations")
        if others is None:
            return {}
        return {other.language: other.pk for other in others if other.pk != entry.pk}


class SearchHitSerializer(serializers.Serializer[SearchHit]):
    id = serializers.IntegerField(source="entry.pk")
    rank = serializers.FloatField(help_text="Relevance (higher is better; 0 without a query).")
    title = serializers.CharField(source="entry.title")
    title_html = serializers.CharField(
        help_text="The title, HTML-escaped, with the matched words in <mark>."
    )
    snippet_html = serializers.CharField(
        help_text="An excerpt around the first match, HTML-escaped, matched words in <mark>."
    )
    language = serializers.CharField(source="entry.language")
    topic = serializers.ChoiceField(source="entry.topic", choices=Topic.choices)
    # (A field called "source" shadows Field.source for type checkers only.)
    source = serializers.CharField(source="entry.source")  # type: ignore[assignment]
    district = serializers.CharField(source="entry.district.ags", allow_null=True, default=None)
    state = serializers.CharField(source="entry.state.code")
    published_at = serializers.DateTimeField(source="entry.published_at")


class SearchResultSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField(help_text="Entries found (at most 500 are counted).")
    count_capped = serializers.BooleanField(help_text="True: more than `count` entries match.")
    any_word = serializers.BooleanField(
        help_text="True: no entry contains all words; the results contain some of them."
    )
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    results = SearchHitSerializer(many=True)


def _languages() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


class SearchParametersSerializer(serializers.Serializer[Any]):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=MAX_QUERY_LENGTH,
        trim_whitespace=True,
        validators=[validate_no_control_characters],
        help_text="Words to search for (all must occur; at most 200 characters).",
    )
    topic = serializers.ChoiceField(
        choices=Topic.choices, required=False, allow_blank=True, default=""
    )
    language = serializers.ChoiceField(
        choices=_languages(), required=False, allow_blank=True, default=""
    )
    page = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, default=1)


class KnowledgeEntryListView(generics.GenericAPIView[Entry]):
    """Public search of the knowledge base."""

    permission_classes = [AllowAny]
    serializer_class = SearchResultSerializer

    def get_queryset(self) -> Any:
        return Entry.objects.none()

    @extend_schema(
        summary="Search the knowledge base (public)",
        operation_id="knowledge_entries_search",
        parameters=[SearchParametersSerializer],
        responses={200: SearchResultSerializer},
    )
    def get(self, request: Request) -> Response:
        parameters = SearchParametersSerializer(data=request.query_params)
        parameters.is_valid(raise_exception=True)
        data = parameters.validated_data
        result = search_entries(
            query=data["q"],
            topic=data["topic"],
            language=data["language"],
            page=data["page"],
            per_page=PER_PAGE,
        )
        payload = {
            "count": result.total,
            "count_capped": result.total_capped,
            "any_word": result.any_word,
            "page": result.page,
            "num_pages": result.num_pages,
            "results": result.hits,
        }
        return Response(SearchResultSerializer(payload).data)


class KnowledgeEntryDetailView(generics.GenericAPIView[Entry]):
    """A published entry (public); anything else is a 404."""

    permission_classes = [AllowAny]
    serializer_class = EntrySerializer

    def get_queryset(self) -> Any:
        return published_entries()

    @extend_schema(summary="A published knowledge-base entry (public)")
    def get(self, request: Request, pk: int) -> Response:
        entry = published_entries().filter(pk=pk).first()
        if entry is None:
            raise Http404
        translations = list(published_entries().filter(group=entry.group).exclude(pk=entry.pk))
        return Response(EntrySerializer(entry, context={"translations": translations}).data)


urlpatterns = [
    path("knowledge/entries/", KnowledgeEntryListView.as_view(), name="knowledge-entry-list"),
    path(
        "knowledge/entries/<int:pk>/",
        KnowledgeEntryDetailView.as_view(),
        name="knowledge-entry-detail",
    ),
]
