from django.urls import path

from . import api

urlpatterns = [
    path("articles/", api.ArticleSubmitApi.as_view(), name="api-article-submit"),
    path("articles/<int:article_id>/", api.ArticleDetailApi.as_view(), name="api-article"),
    path(
        "articles/<int:article_id>/retry/", api.ArticleRetryApi.as_view(), name="api-article-retry"
    ),
    path("claims/<int:claim_id>/", api.ClaimDetailApi.as_view(), name="api-claim"),
    path("claims/<int:claim_id>/accept/", api.ClaimAcceptApi.as_view(), name="api-claim-accept"),
]
