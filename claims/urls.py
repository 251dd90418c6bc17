from django.urls import path

from . import api, feed_api, list_api, matching_api

urlpatterns = [
    path("articles/", list_api.ArticleListApi.as_view(), name="api-articles"),
    path("articles/<int:article_id>/", api.ArticleDetailApi.as_view(), name="api-article"),
    path(
        "articles/<int:article_id>/retry/", api.ArticleRetryApi.as_view(), name="api-article-retry"
    ),
    path(
        "articles/<int:article_id>/candidates/",
        api.ArticleCandidatesApi.as_view(),
        name="api-article-candidates",
    ),
    path(
        "articles/<int:article_id>/claims/", api.ClaimCreateApi.as_view(), name="api-claim-create"
    ),
    path("claims/", list_api.ClaimListApi.as_view(), name="api-claims"),
    path("claims/merge/", api.ClaimMergeApi.as_view(), name="api-claims-merge"),
    path("claims/<int:claim_id>/", api.ClaimDetailApi.as_view(), name="api-claim"),
    path("claims/<int:claim_id>/accept/", api.ClaimAcceptApi.as_view(), name="api-claim-accept"),
    path("claims/<int:claim_id>/dismiss/", api.ClaimDismissApi.as_view(), name="api-claim-dismiss"),
    path("claims/<int:claim_id>/edit/", api.ClaimEditApi.as_view(), name="api-claim-edit"),
    path("claims/<int:claim_id>/split/", api.ClaimSplitApi.as_view(), name="api-claim-split"),
    path("claims/<int:claim_id>/gather/", api.ClaimGatherApi.as_view(), name="api-claim-gather"),
    path("claims/<int:claim_id>/evidence/", api.EvidenceAddApi.as_view(), name="api-evidence-add"),
    path("evidence/<int:evidence_id>/pin/", api.EvidencePinApi.as_view(), name="api-evidence-pin"),
    path(
        "evidence/<int:evidence_id>/stance/",
        api.EvidenceStanceApi.as_view(),
        name="api-evidence-stance",
    ),
    path("feeds/", feed_api.FeedListApi.as_view(), name="api-feeds"),
    path("feeds/<int:feed_id>/", feed_api.FeedDetailApi.as_view(), name="api-feed"),
    path("feeds/<int:feed_id>/poll/", feed_api.FeedPollApi.as_view(), name="api-feed-poll"),
    # Checked before? (claims/matching_api.py)
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
