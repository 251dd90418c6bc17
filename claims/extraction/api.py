"""The API of claims: the lists editors filter, and one view per decision on a claim."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Case, F, Prefetch, Q, QuerySet, When
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.evidence.api import EvidenceOutput, GatheringRunOutput
from claims.extraction.checkworthiness import band
from claims.extraction.decisions import (
    MAX_PARTS,
    Part,
    claim_create,
    claim_dismiss,
    claim_edit,
    claim_merge,
    claim_split,
)
from claims.extraction.ranking import OWN_VOICE_WEIGHT
from claims.extraction.services import claim_accept
from claims.models import Article, Claim, ClaimEvent, Evidence
from factcheck.api import (
    ERROR,
    MAX_ID,
    MAX_WORDS,
    READ_ERRORS,
    WRITE_ERRORS,
    Pages,
    by_id,
    search_field,
    search_words,
    validated,
)
from factcheck.auth import acting_user, require_perm

# The users a claim's output names by username; select them with the claims.
CLAIM_USERS = ["accepted_by", "created_by", "edited_by", "decided_by"]
Username = serializers.SlugRelatedField[User]


class ClaimOutput(serializers.ModelSerializer[Claim]):
    accepted_by: Username = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    created_by: Username = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    edited_by: Username = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    decided_by: Username = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    band = serializers.SerializerMethodField(
        help_text="likely (score >= 0.5), possible (>= 0.2), unlikely, or unscored "
        "(no model for the claim's language)"
    )

    class Meta:
        model = Claim
        fields = [
            "id", "article", "text", "span_start", "span_end", "claimant", "article_stance",
            "stance_cue", "checkworthiness", "band", "scored_by", "status", "gathering",
            "gathering_error", "created_by", "created_at", "edited_by", "edited_at",
            "accepted_by", "accepted_at", "decided_by", "decided_at", "split_from",
            "merged_into",
        ]  # fmt: skip

    def get_band(self, claim: Claim) -> str:
        return band(claim.checkworthiness, scored=claim.is_scored)


class ClaimEventOutput(serializers.ModelSerializer[ClaimEvent]):
    actor: Username = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = ClaimEvent
        fields = ["id", "action", "actor", "from_status", "to_status", "detail", "created_at"]


class ClaimDetailOutput(ClaimOutput):
    evidence = EvidenceOutput(many=True, read_only=True)
    gathering_runs = GatheringRunOutput(many=True, read_only=True)
    events = ClaimEventOutput(
        many=True, read_only=True, help_text="The claim's history: every decision, oldest first."
    )

    class Meta(ClaimOutput.Meta):
        fields = [*ClaimOutput.Meta.fields, "evidence", "gathering_runs", "events"]


class ClaimDetailApi(APIView):
    @extend_schema(responses={200: ClaimDetailOutput, **READ_ERRORS})
    def get(self, request: Request, claim_id: int) -> Response:
        require_perm(acting_user(request.user), "claims.view_claim")
        evidence = Evidence.objects.select_related("source", "added_by")
        events = ClaimEvent.objects.select_related("actor")
        claims = Claim.objects.select_related(*CLAIM_USERS).prefetch_related(
            Prefetch("evidence", queryset=evidence),
            "gathering_runs__jobs",
            Prefetch("events", queryset=events),
        )
        return Response(ClaimDetailOutput(by_id(claims, claim_id)).data)


class ClaimFilters(serializers.Serializer[None]):
    status = serializers.ChoiceField(choices=Claim.Status.choices, required=False)
    article = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    claimant = search_field("Part of the claimant's name.")
    min_score = serializers.FloatField(
        required=False, min_value=0, max_value=1, help_text="Check-worthiness at least this."
    )
    gathering = serializers.ChoiceField(choices=Claim.Gathering.choices, required=False)
    q = search_field(f"Every word (the first {MAX_WORDS}) in the claim's text.")


@extend_schema_view(
    get=extend_schema(
        parameters=[ClaimFilters],
        responses={200: ClaimOutput(many=True), 400: ERROR, **READ_ERRORS},
    )
)
class ClaimListApi(generics.ListAPIView[Claim]):
    """Claims, newest first, with what editors decided about them."""

    serializer_class = ClaimOutput
    pagination_class = Pages

    def get_queryset(self) -> QuerySet[Claim]:
        require_perm(acting_user(self.request.user), "claims.view_claim")
        given = validated(ClaimFilters, self.request.query_params)
        claims = Claim.objects.select_related(*CLAIM_USERS).order_by("-created_at", "-id")
        if "status" in given:
            claims = claims.filter(status=given["status"])
        if "article" in given:
            claims = claims.filter(article_id=given["article"])
        if "claimant" in given:
            claims = claims.filter(claimant__icontains=given["claimant"])
        if "min_score" in given:
            claims = claims.filter(checkworthiness__gte=given["min_score"])
        if "gathering" in given:
            claims = claims.filter(gathering=given["gathering"])
        for word in search_words(given):
            claims = claims.filter(text__icontains=word)
        return claims


@extend_schema_view(get=extend_schema(responses={200: ClaimOutput(many=True), **READ_ERRORS}))
class ArticleCandidatesApi(generics.ListAPIView[Claim]):
    """An article's claims in the editor's order (claims someone makes before the article's
    own context, then by check-worthiness: ranking.py), with what editors decided."""

    serializer_class = ClaimOutput

    def get_queryset(self) -> QuerySet[Claim]:
        require_perm(acting_user(self.request.user), "claims.view_claim")
        article = by_id(Article.objects.only("id"), self.kwargs["article_id"])
        own_voice = Q(claimant="", article_stance=Claim.ArticleStance.ASSERTS)
        rank = Case(
            When(own_voice, then=F("checkworthiness") * OWN_VOICE_WEIGHT),
            default=F("checkworthiness"),
        )
        return article.claims.select_related(*CLAIM_USERS).order_by(
            rank.desc(), F("span_start").asc(nulls_last=True), "id"
        )


class ClaimCreateInput(serializers.Serializer[None]):
    span_start = serializers.IntegerField()
    span_end = serializers.IntegerField()


class ClaimCreatedOutput(ClaimOutput):
    existing = serializers.BooleanField(
        required=False, help_text="Present (true) when a claim had this span already."
    )

    class Meta(ClaimOutput.Meta):
        fields = [*ClaimOutput.Meta.fields, "existing"]


class ClaimCreateApi(APIView):
    @extend_schema(
        request=ClaimCreateInput,
        responses={200: ClaimCreatedOutput, 201: ClaimCreatedOutput, **WRITE_ERRORS},
    )
    def post(self, request: Request, article_id: int) -> Response:
        article = by_id(Article, article_id)
        given = validated(ClaimCreateInput, request.data)
        claim, created = claim_create(article=article, user=acting_user(request.user), **given)
        body = ClaimOutput(claim).data
        if not created:
            return Response({**body, "existing": True}, status=status.HTTP_200_OK)
        location = request.build_absolute_uri(reverse("api-claim", args=[claim.id]))
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})


class ClaimAcceptApi(APIView):
    @extend_schema(request=None, responses={200: ClaimOutput, **WRITE_ERRORS})
    def post(self, request: Request, claim_id: int) -> Response:
        claim = claim_accept(claim=_claim(claim_id), user=acting_user(request.user))
        return Response(ClaimOutput(claim).data)


class ClaimDismissApi(APIView):
    @extend_schema(request=None, responses={200: ClaimOutput, **WRITE_ERRORS})
    def post(self, request: Request, claim_id: int) -> Response:
        claim = claim_dismiss(claim=_claim(claim_id), user=acting_user(request.user))
        return Response(ClaimOutput(claim).data)


class ClaimEditInput(serializers.Serializer[None]):
    text = serializers.CharField(allow_blank=True)
    claimant = serializers.CharField(required=False, allow_blank=True)
    article_stance = serializers.ChoiceField(choices=Claim.ArticleStance.choices, required=False)


class ClaimEditApi(APIView):
    @extend_schema(request=ClaimEditInput, responses={200: ClaimOutput, **WRITE_ERRORS})
    def post(self, request: Request, claim_id: int) -> Response:
        claim = _claim(claim_id)
        given = validated(ClaimEditInput, request.data)
        claim = claim_edit(claim=claim, user=acting_user(request.user), **given)
        return Response(ClaimOutput(claim).data)


class ClaimPartInput(serializers.Serializer[None]):
    text = serializers.CharField(allow_blank=True)
    span_start = serializers.IntegerField(required=False, allow_null=True, default=None)
    span_end = serializers.IntegerField(required=False, allow_null=True, default=None)


class ClaimSplitInput(serializers.Serializer[None]):
    parts = serializers.ListField(child=ClaimPartInput(), max_length=MAX_PARTS)


class ClaimSplitApi(APIView):
    @extend_schema(request=ClaimSplitInput, responses={201: ClaimOutput(many=True), **WRITE_ERRORS})
    def post(self, request: Request, claim_id: int) -> Response:
        claim = _claim(claim_id)
        given = validated(ClaimSplitInput, request.data)
        parts = [Part(**part) for part in given["parts"]]
        claims = claim_split(claim=claim, user=acting_user(request.user), parts=parts)
        return Response(ClaimOutput(claims, many=True).data, status=status.HTTP_201_CREATED)


class ClaimMergeInput(serializers.Serializer[None]):
    claims = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), max_length=100
    )
    text = serializers.CharField(required=False, allow_blank=True, default="")


class ClaimMergeApi(APIView):
    @extend_schema(request=ClaimMergeInput, responses={201: ClaimOutput, **WRITE_ERRORS})
    def post(self, request: Request) -> Response:
        given = validated(ClaimMergeInput, request.data)
        ids = set(given["claims"])
        claims = list(Claim.objects.filter(id__in=ids))
        missing = sorted(ids - {claim.id for claim in claims})
        if missing:
            raise ValidationError({"claims": f"There is no claim #{missing[0]}."})
        merged = claim_merge(claims=claims, user=acting_user(request.user), text=given["text"])
        return Response(ClaimOutput(merged).data, status=status.HTTP_201_CREATED)


def _claim(claim_id: int) -> Claim:
    return by_id(Claim, claim_id)
