"""The API of articles: submit one, follow it, retry it, and list them as the admin filters them."""

from datetime import timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.extraction.api import CLAIM_USERS, ClaimOutput
from claims.ingestion.services import article_retry, article_source_correct, article_submit
from claims.models import Article, Claim, FeedEntry
from factcheck.api import (
    ERROR,
    MAX_ID,
    MAX_WORDS,
    READ_ERRORS,
    WRITE_ERRORS,
    LanguageField,
    Pages,
    by_id,
    midnight,
    search_field,
    search_words,
    validated,
)
from factcheck.auth import acting_user, require_perm
from factcheck.languages import language_condition


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
    url = serializers.CharField(
        help_text="The stored article's own URL. When it differs from the URL sent, that URL "
        "is this article's canonical URL (on the same site), or the text was already stored."
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
        given = validated(ArticleSubmitInput, request.data)
        submission = article_submit(**given, submitted_by=acting_user(request.user))
        article = submission.article
        status_url = request.build_absolute_uri(reverse("api-article", args=[article.id]))
        body = {
            "id": article.id,
            "status": article.status,
            "status_url": status_url,
            "url": article.url,
        }
        if not submission.created:
            body["existing"] = True
            return Response(body, status=status.HTTP_200_OK)
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": status_url})


class ArticleRetryApi(APIView):
    @extend_schema(request=None, responses={202: ArticleStatusOutput, **WRITE_ERRORS})
    def post(self, request: Request, article_id: int) -> Response:
        article = by_id(Article, article_id)
        article = article_retry(article=article, user=acting_user(request.user))
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


class ArticleListOutput(serializers.ModelSerializer[Article]):
    class Meta:
        model = Article
        fields = [
            "id", "url", "canonical_url", "title", "author", "publisher", "published_at",
            "language", "status", "failure_reason", "attempts", "duplicate_of", "created_at",
            "fetched_at",
        ]  # fmt: skip


class ArticleSourceInput(serializers.Serializer[None]):
    url = serializers.URLField(required=False, max_length=2000, help_text="Where it appeared.")
    publisher = serializers.CharField(required=False, allow_blank=True, max_length=300)
    published_at = serializers.DateTimeField(required=False)


class ArticleSourceApi(APIView):
    """Correct where and when an article appeared (editors; recorded with who and what)."""

    @extend_schema(request=ArticleSourceInput, responses={200: ArticleListOutput, **WRITE_ERRORS})
    def post(self, request: Request, article_id: int) -> Response:
        given = validated(ArticleSourceInput, request.data)
        article = by_id(Article, article_id)
        article = article_source_correct(article=article, user=acting_user(request.user), **given)
        return Response(ArticleListOutput(article).data)


class ArticleFilters(serializers.Serializer[None]):
    status = serializers.ChoiceField(choices=Article.Status.choices, required=False)
    feed = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Came in through this feed."
    )
    publisher = search_field("Part of the publisher's name.")
    language = LanguageField()
    q = search_field(f"Every word (the first {MAX_WORDS}) in the title, URL or publisher.")
    created_after = serializers.DateField(required=False, help_text="Submitted on or after.")
    created_before = serializers.DateField(required=False, help_text="Submitted on or before.")


@extend_schema_view(
    get=extend_schema(
        parameters=[ArticleFilters],
        responses={200: ArticleListOutput(many=True), 400: ERROR, **READ_ERRORS},
    )
)
class ArticleListApi(ArticleSubmitApi, generics.ListAPIView[Article]):
    """Articles, newest first: submitted ones and evidence sources alike (GET); or submit
    one more (POST, as ArticleSubmitApi)."""

    serializer_class = ArticleListOutput
    pagination_class = Pages

    def get_queryset(self) -> QuerySet[Article]:
        require_perm(acting_user(self.request.user), "claims.view_article")
        given = validated(ArticleFilters, self.request.query_params)
        articles = Article.objects.order_by("-created_at", "-id")
        if "status" in given:
            articles = articles.filter(status=given["status"])
        if "feed" in given:
            from_feed = FeedEntry.objects.filter(feed_id=given["feed"]).values("article_id")
            articles = articles.filter(id__in=from_feed)
        if "publisher" in given:
            articles = articles.filter(publisher__icontains=given["publisher"])
        if "language" in given:
            articles = articles.filter(language_condition(given["language"]))
        for word in search_words(given):
            articles = articles.filter(
                Q(title__icontains=word) | Q(url__icontains=word) | Q(publisher__icontains=word)
            )
        if "created_after" in given:
            articles = articles.filter(created_at__gte=midnight(given["created_after"]))
        if "created_before" in given:
            day_after = given["created_before"] + timedelta(days=1)
            articles = articles.filter(created_at__lt=midnight(day_after))
        return articles
