"""The newsroom's API for articles, claims, evidence, feeds and matches, under /api/v1/."""

from django.urls import path

from claims.evidence import api as evidence_api
from claims.extraction import api as claims_api
from claims.ingestion import api as articles_api
from claims.ingestion import feed_api
from claims.matching import api as matching_api
from claims.tips import api as tips_api

urlpatterns = [
    path("articles/", articles_api.ArticleListApi.as_view(), name="api-articles"),
    path("articles/<int:article_id>/", articles_api.ArticleDetailApi.as_view(), name="api-article"),
    path(
        "articles/<int:article_id>/retry/",
        articles_api.ArticleRetryApi.as_view(),
        name="api-article-retry",
    ),
    path(
        "articles/<int:article_id>/source/",
        articles_api.ArticleSourceApi.as_view(),
        name="api-article-source",
    ),
    path(
        "articles/<int:article_id>/candidates/",
        claims_api.ArticleCandidatesApi.as_view(),
        name="api-article-candidates",
    ),
    path(
        "articles/<int:article_id>/claims/",
        claims_api.ClaimCreateApi.as_view(),
        name="api-claim-create",
    ),
    path("claims/", claims_api.ClaimListApi.as_view(), name="api-claims"),
    path("claims/merge/", claims_api.ClaimMergeApi.as_view(), name="api-claims-merge"),
    path("claims/<int:claim_id>/", claims_api.ClaimDetailApi.as_view(), name="api-claim"),
    path(
        "claims/<int:claim_id>/accept/",
        claims_api.ClaimAcceptApi.as_view(),
        name="api-claim-accept",
    ),
    path(
        "claims/<int:claim_id>/dismiss/",
        claims_api.ClaimDismissApi.as_view(),
        name="api-claim-dismiss",
    ),
    path("claims/<int:claim_id>/edit/", claims_api.ClaimEditApi.as_view(), name="api-claim-edit"),
    path(
        "claims/<int:claim_id>/split/", claims_api.ClaimSplitApi.as_view(), name="api-claim-split"
    ),
    path(
        "claims/<int:claim_id>/gather/",
        evidence_api.ClaimGatherApi.as_view(),
        name="api-claim-gather",
    ),
    path(
        "gathering/jobs/<int:job_id>/retry/",
        evidence_api.ProviderJobRetryApi.as_view(),
        name="api-provider-job-retry",
    ),
    path(
        "claims/<int:claim_id>/evidence/",
        evidence_api.EvidenceAddApi.as_view(),
        name="api-evidence-add",
    ),
    path(
        "evidence/<int:evidence_id>/pin/",
        evidence_api.EvidencePinApi.as_view(),
        name="api-evidence-pin",
    ),
    path(
        "evidence/<int:evidence_id>/stance/",
        evidence_api.EvidenceStanceApi.as_view(),
        name="api-evidence-stance",
    ),
    path("tips/", tips_api.TipSubmitApi.as_view(), name="api-tips"),
    path("feeds/", feed_api.FeedListApi.as_view(), name="api-feeds"),
    path("feeds/<int:feed_id>/", feed_api.FeedDetailApi.as_view(), name="api-feed"),
    path("feeds/<int:feed_id>/poll/", feed_api.FeedPollApi.as_view(), name="api-feed-poll"),
    # Checked before? (claims/matching/api.py)
    path(
        "claims/<int:claim_id>/matches/",
        matching_api.ClaimMatchesApi.as_view(),
        name="api-claim-matches",
    ),
    path(
        "claims/<int:claim_id>/matches/<int:match_id>/confirm/",
        matching_api.MatchDecisionApi.as_view(step="confirm"),
        name="api-claim-match-confirm",
    ),
    path(
        "claims/<int:claim_id>/matches/<int:match_id>/reject/",
        matching_api.MatchDecisionApi.as_view(step="reject"),
        name="api-claim-match-reject",
    ),
    path(
        "claims/<int:claim_id>/matches/<int:match_id>/undo/",
        matching_api.MatchDecisionApi.as_view(step="undo"),
        name="api-claim-match-undo",
    ),
]
