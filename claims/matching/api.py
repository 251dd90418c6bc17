"""The API of "checked before?": a claim's matches, an editor's decision on one, and undoing
a confirmation."""

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.matching.decisions import claim_match_confirm, claim_match_reject, claim_match_undo
from claims.matching.selectors import MatchView, matches_for
from claims.models import Claim, ClaimMatch, ExternalReview
from factcheck.api import READ_ERRORS, WRITE_ERRORS, by_id
from factcheck.auth import acting_user, require_perm


class ExternalReviewOutput(serializers.ModelSerializer[ExternalReview]):
    """Another fact-checker's review: theirs, with their publisher and rating, never ours."""

    origin = serializers.SerializerMethodField()
    rating = serializers.CharField(source="rating_display")

    class Meta:
        model = ExternalReview
        fields = [
            "id", "origin", "publisher_name", "publisher_url", "url", "headline",
            "claim_reviewed", "claimant", "appearance_url", "claim_date", "review_date",
            "rating", "rating_name", "rating_value", "rating_best", "rating_worst", "language",
        ]  # fmt: skip

    def get_origin(self, review: ExternalReview) -> str:
        return "other fact-checker"


class MatchOutput(serializers.Serializer[MatchView]):
    id = serializers.IntegerField(source="match.id")
    rank = serializers.IntegerField(source="match.rank")
    score = serializers.FloatField(source="match.score")
    likely_same_claim = serializers.BooleanField()
    status = serializers.CharField(source="match.status")
    kind = serializers.ChoiceField(choices=["claim", "external_review"])
    claim = serializers.SerializerMethodField()
    external_review = ExternalReviewOutput(source="match.matched_external", allow_null=True)
    decided_by = serializers.CharField(source="match.decided_by.username", default=None)
    decided_at = serializers.DateTimeField(source="match.decided_at")
    undone_by = serializers.CharField(
        source="match.undone_by.username",
        default=None,
        help_text="Who last undid a confirmation of this match.",
    )
    undone_at = serializers.DateTimeField(source="match.undone_at")

    def get_claim(self, view: MatchView) -> dict[str, Any] | None:
        """One of our claims, with our published verdict on it (or its group's), and the
        other fact-checker's review confirmed for its group, if any."""
        other = view.match.matched_claim
        if other is None:
            return None
        verdict, external = view.verdict, view.external_check
        return {
            "id": other.id,
            "text": other.text,
            "status": other.status,
            "duplicate_of": other.duplicate_of_id,
            "review_state": view.review_state or None,
            "checked_by_external": None
            if external is None
            else ExternalReviewOutput(external).data,
            "verdict": None
            if verdict is None
            else {
                "check": verdict.check_id,
                "rating": verdict.rating,
                "headline": verdict.headline,
                "retracted": verdict.retracted,
                "url": self.context["request"].build_absolute_uri(verdict.url),
            },
        }


class ClaimMatchesOutput(serializers.Serializer[Claim]):
    claim = serializers.IntegerField(source="id")
    matching = serializers.CharField()
    matching_note = serializers.CharField()
    duplicate_of = serializers.IntegerField(source="duplicate_of_id", allow_null=True)
    checked_by_external = serializers.IntegerField(source="checked_by_external_id", allow_null=True)
    matches = serializers.SerializerMethodField()

    @extend_schema_field(MatchOutput(many=True))
    def get_matches(self, claim: Claim) -> Any:
        views = matches_for([claim.id]).get(claim.id, [])
        return [MatchOutput(view, context=self.context).data for view in views]


class ClaimMatchesApi(APIView):
    """A claim's matches, best first: earlier claims of ours with their verdicts, and other
    fact-checkers' reviews. Rejected matches are left out."""

    @extend_schema(responses={200: ClaimMatchesOutput, **READ_ERRORS})
    def get(self, request: Request, claim_id: int) -> Response:
        require_perm(acting_user(request.user), "claims.view_claim")
        claim = by_id(Claim, claim_id)
        return Response(ClaimMatchesOutput(claim, context={"request": request}).data)


DECISIONS = {
    "confirm": claim_match_confirm,
    "reject": claim_match_reject,
    "undo": claim_match_undo,
}


class MatchDecisionApi(APIView):
    """Confirm (the same claim: the claim is linked and grouped) or reject a match, or undo
    a confirmation (suggested again; what it linked is unlinked)."""

    step = ""

    @extend_schema(request=None, responses={200: MatchOutput, **WRITE_ERRORS})
    def post(self, request: Request, claim_id: int, match_id: int) -> Response:
        match = by_id(ClaimMatch.objects.filter(claim_id=by_id(Claim, claim_id).id), match_id)
        DECISIONS[self.step](match=match, user=acting_user(request.user))
        views = matches_for([claim_id]).get(claim_id, [])
        view = next((view for view in views if view.match.id == match_id), None)
        if view is None:  # rejected: no longer listed, but say what it is now
            view = MatchView(ClaimMatch.objects.select_related("decided_by").get(id=match_id))
        return Response(MatchOutput(view, context={"request": request}).data)
