"""The review API, for reviewers with a token or a session (the public API: public_api.py;
the desk's queue and its steps by claim: queue_api.py)."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.fields import empty
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.models import Claim, Evidence
from factcheck.api import READ_ERRORS, WRITE_ERRORS, by_id, validated
from factcheck.auth import acting_user
from reviewers import services
from reviewers.models import PublishedCheck, Rating, Review, ReviewComment, ReviewEvent

REVIEW_DETAIL = Review.objects.select_related(
    "assignee", "author", "approved_by", "rating"
).prefetch_related("events__actor", "comments__author", "cited_evidence")


class ReviewEventOutput(serializers.ModelSerializer[ReviewEvent]):
    actor = serializers.CharField(source="actor.get_username")

    class Meta:
        model = ReviewEvent
        fields = ["from_state", "to_state", "actor", "reason_code", "reason", "created_at"]


class ReviewCommentOutput(serializers.ModelSerializer[ReviewComment]):
    author = serializers.CharField(source="author.get_username")

    class Meta:
        model = ReviewComment
        fields = ["id", "author", "body", "created_at"]


class ReviewOutput(serializers.ModelSerializer[Review]):
    assignee = serializers.CharField(source="assignee.get_username", allow_null=True)
    author = serializers.CharField(source="author.get_username", allow_null=True)
    approved_by = serializers.CharField(source="approved_by.get_username", allow_null=True)
    rating = serializers.CharField(source="rating.label", allow_null=True)
    events = ReviewEventOutput(many=True, read_only=True)
    comments = ReviewCommentOutput(many=True, read_only=True)

    class Meta:
        model = Review
        fields = [
            "id", "claim", "state", "version", "assignee", "author", "approved_by", "rating",
            "headline", "justification", "cited_evidence", "pending_correction", "created_at",
            "updated_at", "events", "comments",
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


def version_field() -> serializers.IntegerField:  # reads as a field class
    return serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="The review's version the client last saw; a newer stored one answers 409.",
    )


class CitedEvidenceField(serializers.ManyRelatedField):
    """The evidence a verdict cites, in place of what it cited: left out, unchanged; `[]`,
    nothing. DRF reads a list left out of a form as empty, which would un-cite everything
    unasked, so a missing field means "unchanged" whatever the request's format."""

    def get_value(self, dictionary: Mapping[str, Any]) -> Any:
        if self.field_name not in dictionary:
            return empty
        return super().get_value(dictionary)


def cited_evidence_field() -> CitedEvidenceField:  # reads as a field class
    return CitedEvidenceField(
        child_relation=serializers.PrimaryKeyRelatedField(queryset=Evidence.objects.all()),
        required=False,
        help_text=(
            "Ids of the claim's evidence the verdict cites, in place of those it cited; "
            "left out: unchanged; [] (JSON): none. A published check cites at least one."
        ),
    )


class VersionInput(serializers.Serializer[None]):
    version = version_field()


class ReviewDraftInput(serializers.Serializer[None]):
    claim = serializers.PrimaryKeyRelatedField(queryset=Claim.objects.all())
    rating = serializers.SlugRelatedField(
        slug_field="label", queryset=Rating.objects.all(), required=False, allow_null=True
    )
    headline = serializers.CharField(max_length=300, allow_blank=True, default="")
    justification = serializers.CharField(allow_blank=True, default="")
    cited_evidence = cited_evidence_field()
    version = version_field()


class ReviewDraftApi(APIView):
    @extend_schema(request=ReviewDraftInput, responses={201: ReviewOutput, **WRITE_ERRORS})
    def post(self, request: Request) -> Response:
        given = validated(ReviewDraftInput, request.data)
        review = services.review_draft(
            author=acting_user(request.user),
            claim=given["claim"],
            rating=given.get("rating"),
            headline=given["headline"],
            justification=given["justification"],
            cited_evidence=given.get("cited_evidence"),  # None: unchanged
            expected_version=given.get("version"),
        )
        return Response(ReviewOutput(review).data, status=status.HTTP_201_CREATED)


class ReviewDetailApi(APIView):
    @extend_schema(responses={200: ReviewOutput, **READ_ERRORS})
    def get(self, request: Request, review_id: int) -> Response:
        require_view(request, "reviewers.view_review")
        return Response(ReviewOutput(_review(review_id, REVIEW_DETAIL)).data)


class ReviewSubmitApi(APIView):
    @extend_schema(request=VersionInput, responses={200: ReviewOutput, **WRITE_ERRORS})
    def post(self, request: Request, review_id: int) -> Response:
        review = services.review_submit(
            review=_review(review_id),
            actor=acting_user(request.user),
            expected_version=_version(request),
        )
        return review_response(review)


class ReviewApproveApi(APIView):
    @extend_schema(request=VersionInput, responses={200: ReviewOutput, **WRITE_ERRORS})
    def post(self, request: Request, review_id: int) -> Response:
        review = services.review_approve(
            review=_review(review_id),
            approver=acting_user(request.user),
            expected_version=_version(request),
        )
        return review_response(review)


class ReviewSendBackInput(serializers.Serializer[None]):
    reason = serializers.ChoiceField(choices=Review.SendBackReason.choices)
    note = serializers.CharField(help_text="What the verdict needs, for its writer.")
    version = version_field()


class ReviewSendBackApi(APIView):
    @extend_schema(request=ReviewSendBackInput, responses={200: ReviewOutput, **WRITE_ERRORS})
    def post(self, request: Request, review_id: int) -> Response:
        given = validated(ReviewSendBackInput, request.data)
        review = services.review_send_back(
            review=_review(review_id),
            actor=acting_user(request.user),
            reason=given["reason"],
            note=given["note"],
            expected_version=given.get("version"),
        )
        return review_response(review)


class ReviewPublishApi(APIView):
    @extend_schema(request=VersionInput, responses={201: CheckDetailOutput, **WRITE_ERRORS})
    def post(self, request: Request, review_id: int) -> Response:
        check = services.review_publish(
            review=_review(review_id),
            publisher=acting_user(request.user),
            expected_version=_version(request),
        )
        return Response(CheckDetailOutput(check).data, status=status.HTTP_201_CREATED)


class ReviewCorrectInput(serializers.Serializer[None]):
    note = serializers.CharField(help_text="What the correction changes, shown to the public.")
    rating = serializers.SlugRelatedField(
        slug_field="label", queryset=Rating.objects.all(), required=False
    )
    headline = serializers.CharField(max_length=300, required=False)
    justification = serializers.CharField(required=False)
    cited_evidence = cited_evidence_field()
    version = version_field()


class ReviewCorrectApi(APIView):
    @extend_schema(
        request=ReviewCorrectInput,
        responses={
            201: CheckDetailOutput,
            202: OpenApiResponse(
                ReviewOutput,
                description="The correction changes the rating: the review awaits another "
                "person's approval (`correction_pending`); nothing is published yet.",
            ),
            **WRITE_ERRORS,
        },
    )
    def post(self, request: Request, review_id: int) -> Response:
        given = dict(validated(ReviewCorrectInput, request.data))
        review = _review(review_id)
        check = services.review_correct(
            review=review,
            corrector=acting_user(request.user),
            expected_version=given.pop("version", None),
            **given,
        )
        if check is None:
            response = review_response(review)
            response.status_code = status.HTTP_202_ACCEPTED
            return response
        return Response(CheckDetailOutput(check).data, status=status.HTTP_201_CREATED)


class ReviewCorrectionApproveApi(APIView):
    @extend_schema(request=VersionInput, responses={201: CheckDetailOutput, **WRITE_ERRORS})
    def post(self, request: Request, review_id: int) -> Response:
        check = services.review_correction_approve(
            review=_review(review_id),
            approver=acting_user(request.user),
            expected_version=_version(request),
        )
        return Response(CheckDetailOutput(check).data, status=status.HTTP_201_CREATED)


class ReviewCorrectionRejectInput(serializers.Serializer[None]):
    note = serializers.CharField(help_text="Why the correction is turned down (internal).")
    version = version_field()


class ReviewCorrectionRejectApi(APIView):
    @extend_schema(
        request=ReviewCorrectionRejectInput, responses={200: ReviewOutput, **WRITE_ERRORS}
    )
    def post(self, request: Request, review_id: int) -> Response:
        given = validated(ReviewCorrectionRejectInput, request.data)
        review = services.review_correction_reject(
            review=_review(review_id),
            actor=acting_user(request.user),
            note=given["note"],
            expected_version=given.get("version"),
        )
        return review_response(review)


class ReviewRetractInput(serializers.Serializer[None]):
    reason = serializers.CharField(help_text="Why the check is withdrawn, shown to the public.")
    version = version_field()


class ReviewRetractApi(APIView):
    @extend_schema(request=ReviewRetractInput, responses={201: CheckDetailOutput, **WRITE_ERRORS})
    def post(self, request: Request, review_id: int) -> Response:
        given = validated(ReviewRetractInput, request.data)
        check = services.review_retract(
            review=_review(review_id),
            retractor=acting_user(request.user),
            reason=given["reason"],
            expected_version=given.get("version"),
        )
        return Response(CheckDetailOutput(check).data, status=status.HTTP_201_CREATED)


class ReviewCommentInput(serializers.Serializer[None]):
    body = serializers.CharField(allow_blank=True, trim_whitespace=False)


class ReviewCommentsApi(APIView):
    @extend_schema(responses={200: ReviewCommentOutput(many=True), **READ_ERRORS})
    def get(self, request: Request, review_id: int) -> Response:
        require_view(request, "reviewers.view_reviewcomment")
        review = _review(review_id)
        comments = review.comments.select_related("author")
        return Response(ReviewCommentOutput(comments, many=True).data)

    @extend_schema(request=ReviewCommentInput, responses={201: ReviewCommentOutput, **WRITE_ERRORS})
    def post(self, request: Request, review_id: int) -> Response:
        given = validated(ReviewCommentInput, request.data)
        comment = services.review_comment(
            review=_review(review_id), actor=acting_user(request.user), body=given["body"]
        )
        return Response(ReviewCommentOutput(comment).data, status=status.HTTP_201_CREATED)


def _review(review_id: int, reviews: QuerySet[Review] | None = None) -> Review:
    rows = reviews if reviews is not None else Review.objects.all()
    return by_id(rows, review_id, missing="No review has this id.")


def require_view(request: Request, permission: str) -> None:
    """Refuse readers without the permission: reviews are not public until published."""
    if not acting_user(request.user).has_perm(permission):
        raise PermissionDenied(f"You need the “{permission}” permission for this.")


def review_response(review: Review) -> Response:
    return Response(ReviewOutput(_review(review.pk, REVIEW_DETAIL)).data)


def _version(request: Request) -> int | None:
    version: int | None = validated(VersionInput, request.data).get("version")
    return version
