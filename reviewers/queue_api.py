"""The review desk's queue in the API, and the steps taken on a queue item by its claim
(a claim can be on the desk before its review row exists: see queue.py)."""

from django.contrib.auth.models import User
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.models import Claim
from factcheck.api import (
    ERROR,
    READ_ERRORS,
    WRITE_ERRORS,
    Pages,
    by_id,
    search_field,
    validated,
)
from factcheck.auth import acting_user
from reviewers import services
from reviewers.api import ReviewOutput, require_view, review_response, version_field
from reviewers.models import Rating, Review
from reviewers.queue import QueueFilters, review_queue


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


class QueuePagination(Pages):
    max_page_size = 200  # the queue has always allowed pages of 200


class ReviewQueueApi(APIView):
    """The desk's queue: accepted claims, most check-worthy first, then most recent."""

    pagination_class = QueuePagination  # also tells the schema that the answer is paged

    @extend_schema(
        parameters=[QueueFiltersInput],
        responses={200: QueueItemOutput(many=True), 400: ERROR, **READ_ERRORS},
    )
    def get(self, request: Request) -> Response:
        require_view(request, "reviewers.view_review")
        user = acting_user(request.user)
        given = QueueFiltersInput(data=request.query_params)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        rating = data.get("rating")
        filters = QueueFilters(
            mine=data["mine"],
            unassigned=data["unassigned"],
            awaiting_my_approval=data["awaiting_my_approval"],
            state=data.get("state", ""),
            rating=rating.label if rating else "",
            claimant=data.get("claimant", ""),
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(review_queue(user=user, filters=filters), request)
        return paginator.get_paginated_response(QueueItemOutput(page, many=True).data)


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
