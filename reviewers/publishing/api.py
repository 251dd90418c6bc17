"""The public API of published checks: no authentication, throttled, cacheable.

It reads the frozen version rows only (`PublishedCheck`), straight into dictionaries:
one query for a page of checks whatever its size, one for the stamp that makes the
ETag and Last-Modified, and none at all for an answer of 304.
"""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponseBase, JsonResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from django.utils.timezone import is_aware
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder as DRFJSONEncoder
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from factcheck.api import (
    ERROR,
    MAX_ID,
    MAX_WORDS,
    LanguageField,
    midnight,
    search_field,
    search_words,
)
from factcheck.languages import language_condition
from factcheck.throttling import CountingThrottle
from reviewers.models import PublishedCheck
from reviewers.publishing.keyset import Cursor, keyset_page
from reviewers.publishing.list_statement import public_page

LIST_FIELDS = [
    "review_id", "version", "change", "claim_text", "claimant", "rating_label", "rating_value",
    "headline", "appearance_url", "language", "tags", "published_at", "modified_at",
]  # fmt: skip
LISTED = tuple(LIST_FIELDS)
COMPACT = {"separators": (",", ":"), "ensure_ascii": False}  # as DRF's JSONRenderer writes
PAGE_SIZE = 50
DETAIL_FIELDS = [*LIST_FIELDS, "note", "justification", "evidence", "claim_review"]


class PublicRateThrottle(CountingThrottle):
    """Callers, by address, at the rate PUBLIC_API_RATE sets (read per request)."""

    scope = "public"

    def get_rate(self) -> str:
        rate: str = settings.PUBLIC_API_RATE
        return rate


class JSONLDRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


class CheckFilters(serializers.Serializer[None]):
    rating = search_field("A rating label, e.g. False.")
    claimant = search_field("Part of the claimant's name.")
    published_after = serializers.DateField(required=False, help_text="On or after this day.")
    published_before = serializers.DateField(required=False, help_text="On or before this day.")
    language = LanguageField()
    tag = serializers.SlugField(required=False)
    q = search_field(f"Words in the claim or the verdict (the first {MAX_WORDS}).")
    cursor = serializers.CharField(required=False, help_text="From `next` or `previous`.")
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=100, default=PAGE_SIZE
    )


class PublicCheckOutput(serializers.Serializer[None]):
    """How a check is listed (the API writes dictionaries; this documents them)."""

    id = serializers.IntegerField(help_text="The check's id: stays the same across versions.")
    version = serializers.IntegerField()
    change = serializers.ChoiceField(choices=PublishedCheck.Change.choices)
    claim_text = serializers.CharField()
    claimant = serializers.CharField(allow_blank=True)
    rating_label = serializers.CharField()
    rating_value = serializers.IntegerField()
    headline = serializers.CharField()
    appearance_url = serializers.CharField(allow_blank=True)
    language = serializers.CharField(allow_blank=True)
    tags = serializers.ListField(child=serializers.CharField())
    published_at = serializers.DateTimeField()
    modified_at = serializers.DateTimeField()


class VersionOutput(serializers.Serializer[None]):
    version = serializers.IntegerField()
    change = serializers.ChoiceField(choices=PublishedCheck.Change.choices)
    note = serializers.CharField(allow_blank=True)
    modified_at = serializers.DateTimeField()


class PublicCheckDetailOutput(PublicCheckOutput):
    note = serializers.CharField(allow_blank=True, help_text="What a correction changed.")
    justification = serializers.CharField()
    evidence = serializers.ListField(child=serializers.DictField())
    claim_review = serializers.DictField(help_text="schema.org ClaimReview; {} once retracted.")
    history = VersionOutput(many=True)


class CheckPageOutput(serializers.Serializer[None]):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PublicCheckOutput(many=True)


NOT_MODIFIED = OpenApiResponse(description="Not modified (conditional GET).")


class PublicApi(APIView):
    authentication_classes = []
    permission_classes = []
    throttle_classes = [PublicRateThrottle]
    renderer_classes = [JSONRenderer]


class JSONWhateverAccepted(BaseContentNegotiation):
    """The list has one representation, JSON: no need to weigh the Accept header."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return next(iter(parsers), None)

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


class CheckListApi(PublicApi):
    """Published checks that stand, most recently changed first, filtered and cursor-paged."""

    content_negotiation_class = JSONWhateverAccepted

    @extend_schema(
        operation_id="checks_list",
        parameters=[CheckFilters],
        responses={200: CheckPageOutput, 304: NOT_MODIFIED, 400: ERROR, 429: ERROR},
    )
    def get(self, request: Request) -> HttpResponseBase:
        filtered = _valid_filters(request)
        stamp = newest_version()
        etag = f'"checks-{stamp[0]}"' if stamp else '"checks-0"'
        last_modified = stamp[1] if stamp else None
        not_modified = _not_modified(request, etag, last_modified)
        if not_modified:
            return not_modified
        cursor = Cursor.decode(request.query_params.get("cursor"))
        size = filtered.get("page_size", PAGE_SIZE)
        if filtered:
            page = keyset_page(
                _filtered(filtered).values("id", *LIST_FIELDS), cursor=cursor, size=size
            )
        else:  # the commonest request: a statement written once (list_statement.py)
            page = public_page(LISTED, cursor=cursor, size=size)
        url = request.build_absolute_uri()
        body = {
            "next": page.next and replace_query_param(url, "cursor", page.next.encode()),
            "previous": page.previous
            and replace_query_param(url, "cursor", page.previous.encode()),
            "results": [public_check(row) for row in page.rows],
        }
        # Straight to JSON: this view only ever answers JSON, so DRF's rendering step
        # (a template response and a renderer) would add time and nothing else.
        response = JsonResponse(body, encoder=DRFJSONEncoder, json_dumps_params=COMPACT)
        return _with_validators(response, etag, last_modified)


class CheckDetailApi(PublicApi):
    """One published check: its current version, with the ClaimReview JSON-LD and its history.

    With `Accept: application/ld+json` the answer is the ClaimReview alone.
    """

    renderer_classes = [JSONRenderer, JSONLDRenderer]

    @extend_schema(
        operation_id="checks_retrieve",
        responses={
            (200, "application/json"): PublicCheckDetailOutput,
            (200, "application/ld+json"): OpenApiTypes.OBJECT,
            304: NOT_MODIFIED,
            404: ERROR,
            410: ERROR,
            429: ERROR,
        },
    )
    def get(self, request: Request, check_id: int) -> HttpResponseBase:
        row = current_version(check_id)
        etag = f'"check-{check_id}-{row["version"]}"'
        not_modified = _not_modified(request, etag, row["modified_at"])
        if not_modified:
            return not_modified
        if request.accepted_renderer.media_type == JSONLDRenderer.media_type:
            response = claim_review_response(row)
        else:
            response = Response({**public_check(row), "history": version_history(check_id)})
        patch_vary_headers(response, ["Accept"])
        return _with_validators(response, etag, row["modified_at"])


class ClaimReviewApi(PublicApi):
    """The ClaimReview JSON-LD of one published check."""

    renderer_classes = [JSONLDRenderer, JSONRenderer]

    @extend_schema(
        operation_id="checks_claim_review",
        responses={200: OpenApiTypes.OBJECT, 304: NOT_MODIFIED, 404: ERROR, 410: ERROR, 429: ERROR},
    )
    def get(self, request: Request, check_id: int) -> HttpResponseBase:
        row = current_version(check_id)
        etag = f'"claim-review-{check_id}-{row["version"]}"'
        not_modified = _not_modified(request, etag, row["modified_at"])
        if not_modified:
            return not_modified
        return _with_validators(claim_review_response(row), etag, row["modified_at"])


def current_version(check_id: int) -> dict[str, Any]:
    """Return the current version of a check as a dictionary, or raise Http404."""
    if check_id > MAX_ID:  # the URL accepts any digits; the database would overflow
        raise Http404("No published check has this id.")
    rows = PublishedCheck.objects.current().filter(review_id=check_id)
    row: dict[str, Any] | None = rows.values(*DETAIL_FIELDS).first()
    if row is None:
        raise Http404("No published check has this id.")
    return row


def version_history(check_id: int) -> list[dict[str, Any]]:
    versions = PublishedCheck.objects.filter(review_id=check_id).order_by("version")
    return [dict(row) for row in versions.values("version", "change", "note", "modified_at")]


def public_check(row: dict[str, Any]) -> dict[str, Any]:
    """Return a version row as the API shows it: the check's id is its review's."""
    row["id"] = row.pop("review_id")
    return row


def claim_review_response(row: dict[str, Any]) -> Response:
    if row["change"] == PublishedCheck.Change.RETRACTED:
        return Response({"detail": "This check was retracted."}, status=410)
    return Response(row["claim_review"], content_type=JSONLDRenderer.media_type)


def _valid_filters(request: Request) -> dict[str, Any]:
    """Return the validated filters; a request with none (the commonest) skips the serializer."""
    if not request.query_params.keys() - {"cursor"}:
        return {}  # Cursor.decode itself refuses a bad cursor
    filters = CheckFilters(data=request.query_params)
    filters.is_valid(raise_exception=True)
    return dict(filters.validated_data)


def _filtered(filters: dict[str, Any]) -> Any:
    checks = PublishedCheck.objects.public()
    if "rating" in filters:
        checks = checks.filter(rating_label__iexact=filters["rating"])
    if "claimant" in filters:
        checks = checks.filter(claimant__icontains=filters["claimant"])
    if "published_after" in filters:
        checks = checks.filter(published_at__gte=midnight(filters["published_after"]))
    if "published_before" in filters:
        day_after = filters["published_before"] + timedelta(days=1)
        checks = checks.filter(published_at__lt=midnight(day_after))
    if "language" in filters:
        checks = checks.filter(language_condition(filters["language"]))
    if "tag" in filters:
        # Tags are a JSON list of slugs; matching the quoted slug works on every database.
        checks = checks.filter(tags__icontains=f'"{filters["tag"]}"')
    for word in search_words(filters):
        checks = checks.filter(
            Q(claim_text__icontains=word)
            | Q(headline__icontains=word)
            | Q(justification__icontains=word)
        )
    return checks


def newest_version() -> tuple[int, datetime] | None:
    """Return the id and time of the newest version row (the last in the primary key).

    Versions are only ever added, and every change (publication, correction,
    retraction) adds one, so this pair changes whenever anything public does.
    """
    # Hand-written: on the hottest path, compiling this query in the ORM took ten times
    # as long as running it.
    table = connection.ops.quote_name(PublishedCheck._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, modified_at FROM {table} ORDER BY id DESC LIMIT 1")  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        return None
    modified_at = row[1] if isinstance(row[1], datetime) else parse_datetime(row[1])
    assert modified_at is not None
    return row[0], modified_at if is_aware(modified_at) else modified_at.replace(tzinfo=UTC)


def _not_modified(
    request: Request, etag: str, last_modified: datetime | None
) -> HttpResponseBase | None:
    django_request: HttpRequest = request._request
    timestamp = int(last_modified.timestamp()) if last_modified else None
    return get_conditional_response(django_request, etag=etag, last_modified=timestamp)


def _with_validators(
    response: HttpResponseBase, etag: str, last_modified: datetime | None
) -> HttpResponseBase:
    response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    return response
