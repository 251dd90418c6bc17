"""The review desk's queue in the API, and the steps taken on a queue item by its claim
(a claim can be on the desk before its review row exists: see queue.py)."""

import re
from functools import cache
from typing import Any

from django.contrib.auth.models import User
from django.http import HttpResponseBase, JsonResponse, QueryDict
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder as DRFJSONEncoder
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from claims.models import Claim
from factcheck.api import ERROR, READ_ERRORS, WRITE_ERRORS, by_id, search_field, validated
from factcheck.auth import acting_user
from reviewers import queue_statement, services
from reviewers.api import ReviewOutput, require_view, review_response, version_field
from reviewers.models import Rating, Review
from reviewers.publishing.api import COMPACT
from reviewers.queue import QueueFilters, review_queue
from reviewers.queue_pages import COUNT_LIMIT, QueueCursor, QueuePage, bounded_count, queue_page
from reviewers.queue_statement import ITEM_COLUMNS, queue_page_and_count

# A queue item as the API answers it: each name, and the column of `review_queue` it is
# read from with `.values()` (or by queue_statement.py, under the same names); a serializer
# per row took more time than the rest of the request (bench/README.md). QueueItemOutput
# documents the same.
ITEM_FIELDS = dict(
    zip(
        ["claim", "text", "claimant", "checkworthiness", "accepted_at", "article",
         "article_title", "review", "state", "assignee", "author", "rating", "version"],
        ITEM_COLUMNS,
        strict=True,
    )
)  # fmt: skip
# A cursor as QueueCursor.encode writes it: a request with nothing else skips the filters'
# validation (QueueCursor.decode refuses a cursor the queue did not give).
CURSOR = re.compile(r"[A-Za-z0-9_-]+=*")


class QueueItemOutput(serializers.ModelSerializer[Claim]):
    """One claim on the desk, with its review's state ("new" if no step was taken)."""

    claim = serializers.IntegerField(source="id")
    article_title = serializers.CharField(source="article.title")
    review = serializers.IntegerField(source="review_pk", allow_null=True)
    state = serializers.ChoiceField(source="desk_state", choices=Review.State.choices)
    assignee = serializers.CharField(source="assignee_name", allow_null=True)
    author = serializers.CharField(source="author_name", allow_null=True)
    rating = serializers.CharField(source="rating_label", allow_null=True)
    version = serializers.IntegerField(source="review_version", allow_null=True)

    class Meta:
        model = Claim
        fields = [
            "claim", "text", "claimant", "checkworthiness", "accepted_at", "article",
            "article_title", "review", "state", "assignee", "author", "rating", "version",
        ]  # fmt: skip


class QueueFiltersInput(serializers.Serializer[None]):
    mine = serializers.BooleanField(default=False, help_text="Only reviews assigned to me.")
    unassigned = serializers.BooleanField(default=False, help_text="Only new claims.")
    awaiting_my_approval = serializers.BooleanField(
        default=False, help_text="Verdicts by others that I may approve."
    )
    state = serializers.ChoiceField(
        choices=Review.State.choices,
        required=False,
        help_text="Default: every state that still needs work.",
    )
    rating = serializers.SlugRelatedField(
        slug_field="label", queryset=Rating.objects.all(), required=False
    )
    claimant = search_field("Part of the claimant's name.")
    cursor = serializers.CharField(required=False, help_text="From `next` or `previous`.")
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=200, default=50)


class QueuePages(BasePagination):
    """Keyset pages (queue_pages.py): `next` and `previous` links carry a cursor, and
    `count` counts the view up to COUNT_LIMIT (`count_is_exact` false beyond)."""

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["count", "count_is_exact", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "maximum": COUNT_LIMIT},
                "count_is_exact": {"type": "boolean"},
                "next": link,
                "previous": link,
                "results": schema,
            },
        }


class ReviewQueueApi(APIView):
    """The desk's queue: accepted claims, most check-worthy first, then most recent."""

    pagination_class = QueuePages  # tells the schema that the answer is paged

    @extend_schema(
        parameters=[QueueFiltersInput],
        responses={200: QueueItemOutput(many=True), 400: ERROR, **READ_ERRORS},
    )
    def get(self, request: Request) -> HttpResponseBase:
        require_view(request, "reviewers.view_review")
        user = acting_user(request.user)
        data = _given(request.query_params)
        rating = data.get("rating")
        filters = QueueFilters(
            mine=data["mine"],
            unassigned=data["unassigned"],
            awaiting_my_approval=data["awaiting_my_approval"],
            state=data.get("state", ""),
            rating=rating.label if rating else "",
            claimant=data.get("claimant", ""),
        )
        cursor = QueueCursor.decode(data.get("cursor"))
        if queue_statement.reads(filters):  # the commonest views: one statement
            page, count, exact = queue_page_and_count(
                claimant=filters.claimant, cursor=cursor, size=data["page_size"]
            )
        else:
            claims = review_queue(user=user, filters=filters)
            page = queue_page(claims.values(*ITEM_COLUMNS), cursor=cursor, size=data["page_size"])
            count, exact = bounded_count(claims)
        body = {
            "count": count,
            "count_is_exact": exact,
            **_links(request, page),
            "results": [
                {name: row[column] for name, column in ITEM_FIELDS.items()} for row in page.claims
            ],
        }
        # Straight to JSON, as the public list does (reviewers/publishing/api.py): DRF's
        # rendering would add time and nothing else to an answer that is only ever JSON.
        return JsonResponse(body, encoder=DRFJSONEncoder, json_dumps_params=COMPACT)


def _given(params: QueryDict) -> dict[str, Any]:
    """The validated filters; a request without any (a cursor at most) skips validating
    them, which took a tenth of the request's time."""
    if not params:
        return _no_filters()
    cursor = params.get("cursor")
    if params.keys() == {"cursor"} and isinstance(cursor, str) and CURSOR.fullmatch(cursor):
        return {**_no_filters(), "cursor": cursor}
    return validated(QueueFiltersInput, params)


@cache
def _no_filters() -> dict[str, Any]:
    """The filters' defaults."""
    return validated(QueueFiltersInput, {})


def _links(request: Request, page: QueuePage) -> dict[str, str | None]:
    url = request.build_absolute_uri()
    url = remove_query_param(url, "page")  # of the numbered pages the queue used to have

    def link(cursor: QueueCursor | None) -> str | None:
        return replace_query_param(url, "cursor", cursor.encode()) if cursor else None

    return {"next": link(page.next), "previous": link(page.previous)}


class AssignInput(serializers.Serializer[None]):
    assignee = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        required=False,
        help_text="Whom to assign (Chief editor); leave out to take it yourself.",
    )


class ReviewAssignApi(APIView):
    @extend_schema(request=AssignInput, responses={200: ReviewOutput, **WRITE_ERRORS})
    def post(self, request: Request, claim_id: int) -> Response:
        actor = acting_user(request.user)
        assignee = validated(AssignInput, request.data).get("assignee", actor)
        review = services.review_assign(claim=_claim(claim_id), actor=actor, assignee=assignee)
        return review_response(review)


class ReviewAutoAssignApi(APIView):
    @extend_schema(request=None, responses={200: ReviewOutput, **WRITE_ERRORS})
    def post(self, request: Request, claim_id: int) -> Response:
        review = services.review_auto_assign(
            claim=_claim(claim_id), actor=acting_user(request.user)
        )
        return review_response(review)


class DismissInput(serializers.Serializer[None]):
    reason = serializers.ChoiceField(choices=Review.DismissReason.choices)
    note = serializers.CharField(allow_blank=True, default="")
    version = version_field()


class ReviewDismissApi(APIView):
    @extend_schema(request=DismissInput, responses={200: ReviewOutput, **WRITE_ERRORS})
    def post(self, request: Request, claim_id: int) -> Response:
        given = validated(DismissInput, request.data)
        review = services.review_dismiss(
            claim=_claim(claim_id),
            actor=acting_user(request.user),
            reason=given["reason"],
            note=given["note"],
            expected_version=given.get("version"),
        )
        return review_response(review)


def _claim(claim_id: int) -> Claim:
    return by_id(Claim, claim_id, missing="No claim has this id.")
