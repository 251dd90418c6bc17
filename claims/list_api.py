"""Lists of articles and claims for the newsroom, filtered as the admin filters them.

Each list is paged (`page`, `page_size` up to 100) and costs the same queries whatever
the page's size: the permission, the count and the page (the users it names joined in).
"""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination

from factcheck.api import ERROR, READ_ERRORS
from factcheck.auth import acting_user

from .api import CLAIM_USERS, MAX_ID, ArticleSubmitApi, ClaimOutput
from .models import Article, Claim, FeedEntry
from .services.access import require_perm

MAX_WORDS = 10  # words of a search; each one is a condition on the query


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100


class ArticleListOutput(serializers.ModelSerializer[Article]):
    class Meta:
        model = Article
        fields = [
            "id", "url", "canonical_url", "title", "author", "publisher", "published_at",
            "language", "status", "failure_reason", "attempts", "duplicate_of", "created_at",
            "fetched_at",
        ]  # fmt: skip


class ArticleFilters(serializers.Serializer[None]):
    status = serializers.ChoiceField(choices=Article.Status.choices, required=False)
    feed = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Came in through this feed."
    )
    publisher = serializers.CharField(required=False, help_text="Part of the publisher's name.")
    q = serializers.CharField(
        required=False, help_text="Every word in the title, URL or publisher."
    )
    created_after = serializers.DateField(required=False, help_text="Submitted on or after.")
    created_before = serializers.DateField(required=False, help_text="Submitted on or before.")


class ClaimFilters(serializers.Serializer[None]):
    status = serializers.ChoiceField(choices=Claim.Status.choices, required=False)
    article = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    claimant = serializers.CharField(required=False, help_text="Part of the claimant's name.")
    min_score = serializers.FloatField(
        required=False, min_value=0, max_value=1, help_text="Check-worthiness at least this."
    )
    gathering = serializers.ChoiceField(choices=Claim.Gathering.choices, required=False)
    q = serializers.CharField(required=False, help_text="Every word in the claim's text.")


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
        given = _valid(ArticleFilters, self.request.query_params)
        articles = Article.objects.order_by("-created_at", "-id")
        if "status" in given:
            articles = articles.filter(status=given["status"])
        if "feed" in given:
            from_feed = FeedEntry.objects.filter(feed_id=given["feed"]).values("article_id")
            articles = articles.filter(id__in=from_feed)
        if "publisher" in given:
            articles = articles.filter(publisher__icontains=given["publisher"])
        for word in _words(given):
            articles = articles.filter(
                Q(title__icontains=word) | Q(url__icontains=word) | Q(publisher__icontains=word)
            )
        if "created_after" in given:
            articles = articles.filter(created_at__gte=_midnight(given["created_after"]))
        if "created_before" in given:
            day_after = given["created_before"] + timedelta(days=1)
            articles = articles.filter(created_at__lt=_midnight(day_after))
        return articles


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
        given = _valid(ClaimFilters, self.request.query_params)
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
        for word in _words(given):
            claims = claims.filter(text__icontains=word)
        return claims


def _valid(filters: type[serializers.Serializer[None]], params: Any) -> dict[str, Any]:
    given = filters(data=params)
    given.is_valid(raise_exception=True)
    return dict(given.validated_data)


def _words(given: dict[str, Any]) -> list[str]:
    return str(given.get("q", "")).split()[:MAX_WORDS]


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)
