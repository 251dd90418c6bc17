from django.urls import path

from . import api

urlpatterns = [
    path("reviews/", api.ReviewDraftApi.as_view(), name="api-review-draft"),
    path("reviews/<int:review_id>/", api.ReviewDetailApi.as_view(), name="api-review"),
    path(
        "reviews/<int:review_id>/submit/", api.ReviewSubmitApi.as_view(), name="api-review-submit"
    ),
    path(
        "reviews/<int:review_id>/approve/",
        api.ReviewApproveApi.as_view(),
        name="api-review-approve",
    ),
    path(
        "reviews/<int:review_id>/publish/",
        api.ReviewPublishApi.as_view(),
        name="api-review-publish",
    ),
    path("checks/", api.CheckListApi.as_view(), name="api-check-list"),
    path("checks/<int:check_id>/", api.CheckDetailApi.as_view(), name="api-check"),
]
