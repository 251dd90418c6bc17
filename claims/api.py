"""The authenticated API for articles and claims: one view per operation."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from factcheck.auth import acting_user

from . import services
from .models import Article, Claim, Evidence


class EvidenceOutput(serializers.ModelSerializer[Evidence]):
    source_title = serializers.CharField(source="source.title")
    source_url = serializers.CharField(source="source.url")
    publisher = serializers.CharField(source="source.publisher")

    class Meta:
        model = Evidence
        fields = [
            "id", "provider", "rank", "relevance", "stance", "passage", "source",
            "source_title", "source_url", "publisher", "snapshot_hash", "retrieved_at",
        ]  # fmt: skip


class ClaimOutput(serializers.ModelSerializer[Claim]):
    class Meta:
        model = Claim
        fields = [
            "id", "article", "text", "span_start", "span_end", "claimant", "article_stance",
            "stance_cue", "checkworthiness", "status", "gathering", "gathering_error",
        ]  # fmt: skip


class ClaimDetailOutput(ClaimOutput):
    evidence = EvidenceOutput(many=True, read_only=True)

    class Meta(ClaimOutput.Meta):
        fields = [*ClaimOutput.Meta.fields, "evidence"]


class ArticleOutput(serializers.ModelSerializer[Article]):
    claims = ClaimOutput(many=True, read_only=True)

    class Meta:
        model = Article
        fields = [
            "id", "url", "canonical_url", "title", "author", "publisher", "published_at",
            "language", "status", "failure_reason", "attempts", "duplicate_of", "created_at",
            "fetched_at", "text", "links", "claims",
        ]  # fmt: skip


class ArticleSubmitInput(serializers.Serializer[None]):
    url = serializers.CharField(required=False, allow_blank=True, default="")
    text = serializers.CharField(
        required=False, allow_blank=True, default="", trim_whitespace=False
    )
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    publisher = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    published_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ArticleSubmitApi(APIView):
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
    def post(self, request: Request, article_id: int) -> Response:
        article = get_object_or_404(Article, id=article_id)
        article = services.article_retry(article=article, user=acting_user(request.user))
        return Response(
            {"id": article.id, "status": article.status}, status=status.HTTP_202_ACCEPTED
        )


class ArticleDetailApi(APIView):
    def get(self, request: Request, article_id: int) -> Response:
        article = get_object_or_404(Article.objects.prefetch_related("claims"), id=article_id)
        return Response(ArticleOutput(article).data)


class ClaimDetailApi(APIView):
    def get(self, request: Request, claim_id: int) -> Response:
        claims = Claim.objects.prefetch_related("evidence__source")
        return Response(ClaimDetailOutput(get_object_or_404(claims, id=claim_id)).data)


class ClaimAcceptApi(APIView):
    def post(self, request: Request, claim_id: int) -> Response:
        claim = get_object_or_404(Claim, id=claim_id)
        claim = services.claim_accept(claim=claim, user=acting_user(request.user))
        return Response(ClaimOutput(claim).data)
