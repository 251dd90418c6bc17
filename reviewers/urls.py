from django.urls import path

from reviewers import api, catalog_api, queue_api
from reviewers.publishing import api as publishing_api

urlpatterns = [
    path("reviews/", api.ReviewDraftApi.as_view(), name="api-review-draft"),
    path("reviews/queue/", queue_api.ReviewQueueApi.as_view(), name="api-review-queue"),
    path(
        "reviews/queue/<int:claim_id>/assign/",
        queue_api.ReviewAssignApi.as_view(),
        name="api-review-assign",
    ),
    path(
        "reviews/queue/<int:claim_id>/auto-assign/",
        queue_api.ReviewAutoAssignApi.as_view(),
        name="api-review-auto-assign",
    ),
    path(
        "reviews/queue/<int:claim_id>/dismiss/",
        queue_api.ReviewDismissApi.as_view(),
        name="api-review-dismiss",
    ),
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
        "reviews/<int:review_id>/send-back/",
        api.ReviewSendBackApi.as_view(),
        name="api-review-send-back",
    ),
    path(
        "reviews/<int:review_id>/publish/",
        api.ReviewPublishApi.as_view(),
        name="api-review-publish",
    ),
    path(
        "reviews/<int:review_id>/correct/",
        api.ReviewCorrectApi.as_view(),
        name="api-review-correct",
    ),
    path(
        "reviews/<int:review_id>/correction/approve/",
        api.ReviewCorrectionApproveApi.as_view(),
        name="api-review-correction-approve",
    ),
    path(
        "reviews/<int:review_id>/correction/reject/",
        api.ReviewCorrectionRejectApi.as_view(),
        name="api-review-correction-reject",
    ),
    path(
        "reviews/<int:review_id>/retract/",
        api.ReviewRetractApi.as_view(),
        name="api-review-retract",
    ),
    path(
        "reviews/<int:review_id>/comments/",
        api.ReviewCommentsApi.as_view(),
        name="api-review-comments",
    ),
    path("checks/", publishing_api.CheckListApi.as_view(), name="api-check-list"),
    path("checks/<int:check_id>/", publishing_api.CheckDetailApi.as_view(), name="api-check"),
    path(
        "checks/<int:check_id>/claim-review/",
        publishing_api.ClaimReviewApi.as_view(),
        name="api-check-claim-review",
    ),
    path("tags/", catalog_api.TagListApi.as_view(), name="api-tags"),
    path("tags/<int:tag_id>/", catalog_api.TagDetailApi.as_view(), name="api-tag"),
    path("ratings/", catalog_api.RatingListApi.as_view(), name="api-ratings"),
    path("ratings/<int:rating_id>/", catalog_api.RatingDetailApi.as_view(), name="api-rating"),
    path("webhooks/", catalog_api.WebhookListApi.as_view(), name="api-webhooks"),
    path(
        "webhooks/<int:subscription_id>/",
        catalog_api.WebhookDetailApi.as_view(),
        name="api-webhook",
    ),
    path(
        "webhooks/deliveries/",
        catalog_api.DeliveryListApi.as_view(),
        name="api-webhook-deliveries",
    ),
]
