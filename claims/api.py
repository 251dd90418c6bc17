"""The authenticated API for articles and claims: one view per operation."""

from typing import TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import F, Model, Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from factcheck.api import READ_ERRORS, WRITE_ERRORS
from factcheck.auth import acting_user

from . import services
from .models import Article, Claim, Evidence, GatheringRun, ProviderJob
from .services.access import require_perm
from .services.editing import MAX_PARTS

# The users a claim's output names by username; select them with the claims.
CLAIM_USERS = ["accepted_by", "created_by", "edited_by", "decided_by"]
Username = serializers.SlugRelatedField[User]
MAX_ID = 2**63 - 1  # the largest value of a BigAutoField
M = TypeVar("M", bound=Model)


class EvidenceOutput(serializers.ModelSerializer[Evidence]):
    source_title = serializers.CharField(source="source.title")
    source_url = serializers.CharField(source="source.url")
    publisher = serializers.CharField(source="source.publisher")
    published_at = serializers.DateTimeField(source="source.published_at", allow_null=True)
    added_by: Username = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Evidence
        fields = [
            "id", "provider", "rank", "pinned", "relevance", "stance", "stance_cue", "passage",
            "source", "source_title", "source_url", "publisher", "published_at",
            "published_after_claim", "interested_party", "snapshot_hash", "retrieved_at",
            "added_by",
        ]  # fmt: skip


class ProviderJobOutput(serializers.ModelSerializer[ProviderJob]):
    class Meta:
        model = ProviderJob
        fields = [
            "provider", "status", "attempts", "lease_until", "last_error", "cancel_reason",
            "evidence_found",
        ]  # fmt: skip


class GatheringRunOutput(serializers.ModelSerializer[GatheringRun]):
    jobs = ProviderJobOutput(many=True, read_only=True)

    class Meta:
        model = GatheringRun
        fields = [
            "id", "state", "providers_done", "providers_total", "errors", "started_at",
            "finished_at", "jobs",
        ]  # fmt: skip


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

    class Meta:
        model = Claim
        fields = [
            "id", "article", "text", "span_start", "span_end", "claimant", "article_stance",
            "stance_cue", "checkworthiness", "scored_by", "status", "gathering",
            "gathering_error", "created_by", "created_at", "edited_by", "edited_at",
            "accepted_by", "accepted_at", "decided_by", "decided_at", "split_from",
            "merged_into",
        ]  # fmt: skip


class ClaimDetailOutput(ClaimOutput):
    evidence = EvidenceOutput(many=True, read_only=True)
    gathering_runs = GatheringRunOutput(many=True, read_only=True)

    class Meta(ClaimOutput.Meta):
        fields = [*ClaimOutput.Meta.fields, "evidence", "gathering_runs"]


class ArticleOutput(serializers.ModelSerializer[Article]):
    claims = ClaimOutput(many=True, read_only=True)

    class Meta:
        model = Article
        fields = [
            "id", "url", "canonical_url", "title", "author", "publisher", "published_at",
            "language", "status", "failure_reason", "attempts", "duplicate_of", "created_at",
            "fetched_at", "candidates_note", "text", "links", "claims",
        ]  # fmt: skip


class ArticleSubmitInput(serializers.Serializer[None]):
    url = serializers.CharField(required=False, allow_blank=True, default="")
    text = serializers.CharField(
        required=False, allow_blank=True, default="", trim_whitespace=False
    )
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    publisher = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    published_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ArticleSubmittedOutput(serializers.Serializer[None]):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Article.Status.choices)
    status_url = serializers.URLField(help_text="Where to follow the article's progress.")
    existing = serializers.BooleanField(
        required=False, help_text="Present (true) when the URL or text was already stored."
    )


class ArticleStatusOutput(serializers.Serializer[None]):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Article.Status.choices)


class ArticleSubmitApi(APIView):
    @extend_schema(
        operation_id="articles_submit",
        request=ArticleSubmitInput,
        responses={200: ArticleSubmittedOutput, 202: ArticleSubmittedOutput, **WRITE_ERRORS},
    )
    def post(self, request: Request) -> Response:
        given = ArticleSubmitInput(data=request.data)
        given.is_valid(raise_exception=True)
        submission = services.article_submit(
            **given.validated_data, submitted_by=acting_user(request.user)
        )
        article = submission.article
        status_url = request.build_absolute_uri(reverse("api-article", args=[article.id]))
        body = {"id": article.id, "status": article.status, "status_url": status_url}
        if not submission.created:
            body["existing"] = True
            return Response(body, status=status.HTTP_200_OK)
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": status_url})


class ArticleRetryApi(APIView):
    @extend_schema(request=None, responses={202: ArticleStatusOutput, **WRITE_ERRORS})
    def post(self, request: Request, article_id: int) -> Response:
        article = by_id(Article, article_id)
        article = services.article_retry(article=article, user=acting_user(request.user))
        return Response(
            {"id": article.id, "status": article.status}, status=status.HTTP_202_ACCEPTED
        )


class ArticleDetailApi(APIView):
    @extend_schema(responses={200: ArticleOutput, **READ_ERRORS})
    def get(self, request: Request, article_id: int) -> Response:
        require_perm(acting_user(request.user), "claims.view_article")
        claims = Prefetch("claims", queryset=Claim.objects.select_related(*CLAIM_USERS))
        article = by_id(Article.objects.prefetch_related(claims), article_id)
        return Response(ArticleOutput(article).data)


class ClaimDetailApi(APIView):
    @extend_schema(responses={200: ClaimDetailOutput, **READ_ERRORS})
    def get(self, request: Request, claim_id: int) -> Response:
        require_perm(acting_user(request.user), "claims.view_claim")
        evidence = Evidence.objects.select_related("source", "added_by")
        claims = Claim.objects.select_related(*CLAIM_USERS).prefetch_related(
            Prefetch("evidence", queryset=evidence), "gathering_runs__jobs"
        )
        return Response(ClaimDetailOutput(by_id(claims, claim_id)).data)


class ClaimGatherApi(APIView):
    """Start gathering evidence again (or return the run in progress)."""

    @extend_schema(request=None, responses={202: GatheringRunOutput, **WRITE_ERRORS})
    def post(self, request: Request, claim_id: int) -> Response:
        run = services.gathering_start(claim=_claim(claim_id), user=acting_user(request.user))
        return Response(GatheringRunOutput(run).data, status=status.HTTP_202_ACCEPTED)


class EvidenceAddInput(serializers.Serializer[None]):
    url = serializers.CharField(max_length=2000)


class EvidenceAddApi(APIView):
    @extend_schema(request=EvidenceAddInput, responses={201: EvidenceOutput, **WRITE_ERRORS})
    def post(self, request: Request, claim_id: int) -> Response:
        given = EvidenceAddInput(data=request.data)
        given.is_valid(raise_exception=True)
        evidence = services.evidence_add_by_url(
            claim=_claim(claim_id), url=given.validated_data["url"], user=acting_user(request.user)
        )
        return Response(EvidenceOutput(evidence).data, status=status.HTTP_201_CREATED)


class EvidencePinInput(serializers.Serializer[None]):
    pinned = serializers.BooleanField()


class EvidencePinApi(APIView):
    @extend_schema(request=EvidencePinInput, responses={200: EvidenceOutput, **WRITE_ERRORS})
    def post(self, request: Request, evidence_id: int) -> Response:
        given = EvidencePinInput(data=request.data)
        given.is_valid(raise_exception=True)
        evidence = services.evidence_pin(
            evidence=by_id(Evidence, evidence_id),
            pinned=given.validated_data["pinned"],
            user=acting_user(request.user),
        )
        return Response(EvidenceOutput(evidence).data)


class EvidenceStanceInput(serializers.Serializer[None]):
    stance = serializers.ChoiceField(choices=Evidence.Stance.choices)


class EvidenceStanceApi(APIView):
    @extend_schema(request=EvidenceStanceInput, responses={200: EvidenceOutput, **WRITE_ERRORS})
    def post(self, request: Request, evidence_id: int) -> Response:
        given = EvidenceStanceInput(data=request.data)
        given.is_valid(raise_exception=True)
        evidence = services.evidence_set_stance(
            evidence=by_id(Evidence, evidence_id),
            stance=given.validated_data["stance"],
            user=acting_user(request.user),
        )
        return Response(EvidenceOutput(evidence).data)


@extend_schema_view(get=extend_schema(responses={200: ClaimOutput(many=True), **READ_ERRORS}))
class ArticleCandidatesApi(generics.ListAPIView[Claim]):
    """An article's claims, the most check-worthy first, with what editors decided."""

    serializer_class = ClaimOutput

    def get_queryset(self) -> QuerySet[Claim]:
        require_perm(acting_user(self.request.user), "claims.view_claim")
        article = by_id(Article.objects.only("id"), self.kwargs["article_id"])
        return article.claims.select_related(*CLAIM_USERS).order_by(
            "-checkworthiness", F("span_start").asc(nulls_last=True), "id"
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
        given = ClaimCreateInput(data=request.data)
        given.is_valid(raise_exception=True)
        claim, created = services.claim_create(
            article=article, user=acting_user(request.user), **given.validated_data
        )
        body = ClaimOutput(claim).data
        if not created:
            return Response({**body, "existing": True}, status=status.HTTP_200_OK)
        location = request.build_absolute_uri(reverse("api-claim", args=[claim.id]))
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})


class ClaimAcceptApi(APIView):
    @extend_schema(request=None, responses={200: ClaimOutput, **WRITE_ERRORS})
    def post(self, request: Request, claim_id: int) -> Response:
        claim = services.claim_accept(claim=_claim(claim_id), user=acting_user(request.user))
        return Response(ClaimOutput(claim).data)


class ClaimDismissApi(APIView):
    @extend_schema(request=None, responses={200: ClaimOutput, **WRITE_ERRORS})
    def post(self, request: Request, claim_id: int) -> Response:
        claim = services.claim_dismiss(claim=_claim(claim_id), user=acting_user(request.user))
        return Response(ClaimOutput(claim).data)


class ClaimEditInput(serializers.Serializer[None]):
    text = serializers.CharField(allow_blank=True)
    claimant = serializers.CharField(required=False, allow_blank=True)
    article_stance = serializers.ChoiceField(choices=Claim.ArticleStance.choices, required=False)


class ClaimEditApi(APIView):
    @extend_schema(request=ClaimEditInput, responses={200: ClaimOutput, **WRITE_ERRORS})
    def post(self, request: Request, claim_id: int) -> Response:
        claim = _claim(claim_id)
        given = ClaimEditInput(data=request.data)
        given.is_valid(raise_exception=True)
        claim = services.claim_edit(
            claim=claim, user=acting_user(request.user), **given.validated_data
        )
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
        given = ClaimSplitInput(data=request.data)
        given.is_valid(raise_exception=True)
        parts = [services.Part(**part) for part in given.validated_data["parts"]]
        claims = services.claim_split(claim=claim, user=acting_user(request.user), parts=parts)
        return Response(ClaimOutput(claims, many=True).data, status=status.HTTP_201_CREATED)


class ClaimMergeInput(serializers.Serializer[None]):
    claims = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), max_length=100
    )
    text = serializers.CharField(required=False, allow_blank=True, default="")


class ClaimMergeApi(APIView):
    @extend_schema(request=ClaimMergeInput, responses={201: ClaimOutput, **WRITE_ERRORS})
    def post(self, request: Request) -> Response:
        given = ClaimMergeInput(data=request.data)
        given.is_valid(raise_exception=True)
        ids = set(given.validated_data["claims"])
        claims = list(Claim.objects.filter(id__in=ids))
        missing = sorted(ids - {claim.id for claim in claims})
        if missing:
            raise ValidationError({"claims": f"There is no claim #{missing[0]}."})
        merged = services.claim_merge(
            claims=claims, user=acting_user(request.user), text=given.validated_data["text"]
        )
        return Response(ClaimOutput(merged).data, status=status.HTTP_201_CREATED)


def _claim(claim_id: int) -> Claim:
    return by_id(Claim, claim_id)


def by_id(rows: type[M] | QuerySet[M], row_id: int) -> M:
    """Return the row with this id, or raise Http404 (ids past the database's range too)."""
    if row_id > MAX_ID:  # the URL accepts any digits; the database would overflow
        raise Http404("Nothing has this id.")
    return get_object_or_404(rows, id=row_id)
