"""The review API, for reviewers with a token or a session (the public API: public_api.py)."""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.models import Claim
from factcheck.auth import acting_user

from . import services
from .models import PublishedCheck, Rating, Review, ReviewEvent
from .public_api import MAX_ID


class ReviewEventOutput(serializers.ModelSerializer[ReviewEvent]):
    actor = serializers.CharField(source="actor.get_username")

    class Meta:
        model = ReviewEvent
        fields = ["from_state", "to_state", "actor", "reason", "created_at"]


class ReviewOutput(serializers.ModelSerializer[Review]):
    author = serializers.CharField(source="author.get_username")
    rating = serializers.CharField(source="rating.label", allow_null=True)
    events = ReviewEventOutput(many=True, read_only=True)

    class Meta:
        model = Review
        fields = [
            "id", "claim", "state", "author", "rating", "headline", "justification",
            "created_at", "updated_at", "events",
        ]  # fmt: skip


class CheckOutput(serializers.ModelSerializer[PublishedCheck]):
    id = serializers.IntegerField(source="review_id")

    class Meta:
        model = PublishedCheck
        fields = [
            "id", "version", "claim_text", "claimant", "rating_label", "rating_value",
            "headline", "appearance_url", "published_at", "modified_at",
        ]  # fmt: skip


class CheckDetailOutput(CheckOutput):
    class Meta(CheckOutput.Meta):
        fields = [*CheckOutput.Meta.fields, "change", "note", "justification", "claim_review"]


class ReviewDraftInput(serializers.Serializer[None]):
    claim = serializers.PrimaryKeyRelatedField(queryset=Claim.objects.all())
    rating = serializers.SlugRelatedField(
        slug_field="label", queryset=Rating.objects.all(), required=False, allow_null=True
    )
    headline = serializers.CharField(max_length=300, allow_blank=True, default="")
    justification = serializers.CharField(allow_blank=True, default="")


class ReviewDraftApi(APIView):
    @extend_schema(request=ReviewDraftInput, responses={201: ReviewOutput})
    def post(self, request: Request) -> Response:
        given = ReviewDraftInput(data=request.data)
        given.is_valid(raise_exception=True)
        review = services.review_draft(
            author=acting_user(request.user),
            claim=given.validated_data["claim"],
            rating=given.validated_data.get("rating"),
            headline=given.validated_data["headline"],
            justification=given.validated_data["justification"],
        )
        return Response(ReviewOutput(review).data, status=status.HTTP_201_CREATED)


class ReviewDetailApi(APIView):
    @extend_schema(responses=ReviewOutput)
    def get(self, request: Request, review_id: int) -> Response:
        review = _review(review_id, Review.objects.prefetch_related("events__actor"))
        return Response(ReviewOutput(review).data)


class ReviewSubmitApi(APIView):
    @extend_schema(request=None, responses=ReviewOutput)
    def post(self, request: Request, review_id: int) -> Response:
        review = services.review_submit(review=_review(review_id), actor=acting_user(request.user))
        return Response(ReviewOutput(review).data)


class ReviewApproveApi(APIView):
    @extend_schema(request=None, responses=ReviewOutput)
    def post(self, request: Request, review_id: int) -> Response:
        review = services.review_approve(
            review=_review(review_id), approver=acting_user(request.user)
        )
        return Response(ReviewOutput(review).data)


class ReviewPublishApi(APIView):
    @extend_schema(request=None, responses={201: CheckDetailOutput})
    def post(self, request: Request, review_id: int) -> Response:
        check = services.review_publish(
            review=_review(review_id), publisher=acting_user(request.user)
        )
        return Response(CheckDetailOutput(check).data, status=status.HTTP_201_CREATED)


class ReviewCorrectInput(serializers.Serializer[None]):
    note = serializers.CharField(help_text="What the correction changes, shown to the public.")
    rating = serializers.SlugRelatedField(
        slug_field="label", queryset=Rating.objects.all(), required=False
    )
    headline = serializers.CharField(max_length=300, required=False)
    justification = serializers.CharField(required=False)


class ReviewCorrectApi(APIView):
    @extend_schema(request=ReviewCorrectInput, responses={201: CheckDetailOutput})
    def post(self, request: Request, review_id: int) -> Response:
        given = ReviewCorrectInput(data=request.data)
        given.is_valid(raise_exception=True)
        check = services.review_correct(
            review=_review(review_id), corrector=acting_user(request.user), **given.validated_data
        )
        return Response(CheckDetailOutput(check).data, status=status.HTTP_201_CREATED)


class ReviewRetractInput(serializers.Serializer[None]):
    reason = serializers.CharField(help_text="Why the check is withdrawn, shown to the public.")


class ReviewRetractApi(APIView):
    @extend_schema(request=ReviewRetractInput, responses={201: CheckDetailOutput})
    def post(self, request: Request, review_id: int) -> Response:
        given = ReviewRetractInput(data=request.data)
        given.is_valid(raise_exception=True)
        check = services.review_retract(
            review=_review(review_id),
            retractor=acting_user(request.user),
            reason=given.validated_data["reason"],
        )
        return Response(CheckDetailOutput(check).data, status=status.HTTP_201_CREATED)


def _review(review_id: int, reviews: QuerySet[Review] | None = None) -> Review:
    if review_id > MAX_ID:  # the URL accepts any digits; the database would overflow
        raise Http404("No review has this id.")
    return get_object_or_404(reviews if reviews is not None else Review.objects, id=review_id)
