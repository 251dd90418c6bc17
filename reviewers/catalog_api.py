"""The catalogue through the API: tags, the rating scale, webhook subscriptions and their
delivery log. Reads need the view permission; writes go through reviewers.catalog, which
checks the add/change/delete permission, as the admin does."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from factcheck.api import ERROR, READ_ERRORS, WRITE_ERRORS, Pages, by_id, validated
from factcheck.auth import acting_user, require_perm
from reviewers import catalog
from reviewers.models import Rating, Tag, WebhookDelivery, WebhookSubscription

GONE = {204: None, 403: ERROR, 404: ERROR, 409: ERROR}
Event = WebhookSubscription.Event


class TagOutput(serializers.ModelSerializer[Tag]):
    class Meta:
        model = Tag
        fields = ["id", "slug", "name"]


class TagInput(serializers.Serializer[None]):
    name = serializers.CharField(max_length=100)
    slug = serializers.CharField(
        max_length=64, required=False, help_text="Made from the name unless given."
    )


class TagChangeInput(TagInput):
    name = serializers.CharField(max_length=100, required=False)


class RatingOutput(serializers.ModelSerializer[Rating]):
    class Meta:
        model = Rating
        fields = ["id", "label", "value", "description", "scored"]


class RatingInput(serializers.Serializer[None]):
    # A field named like Field.label: DRF's metaclass takes it out of the class.
    label = serializers.CharField(max_length=64)  # type: ignore[assignment]
    value = serializers.IntegerField(
        min_value=-(2**31), max_value=2**31 - 1, help_text="Higher is more true; unique."
    )
    description = serializers.CharField(required=False, allow_blank=True)
    scored = serializers.BooleanField(
        required=False, help_text="False for ratings outside the true–false scale."
    )


class RatingChangeInput(RatingInput):
    label = serializers.CharField(max_length=64, required=False)
    value = serializers.IntegerField(min_value=-(2**31), max_value=2**31 - 1, required=False)


class WebhookOutput(serializers.ModelSerializer[WebhookSubscription]):
    """A subscription as shown after it was made: its secret is never shown again."""

    events = serializers.ListField(child=serializers.ChoiceField(choices=Event.choices))

    class Meta:
        model = WebhookSubscription
        fields = ["id", "url", "events", "active", "created_at"]


class WebhookCreatedOutput(WebhookOutput):
    secret = serializers.CharField(help_text="Shown this once: keep it to check signatures.")

    class Meta(WebhookOutput.Meta):
        fields = [*WebhookOutput.Meta.fields, "secret"]


class WebhookInput(serializers.Serializer[None]):
    url = serializers.CharField(max_length=2000, help_text="Public http(s), as fetching allows.")
    events = serializers.ListField(child=serializers.ChoiceField(choices=Event.choices))
    secret = serializers.CharField(
        max_length=200, required=False, write_only=True, help_text="Made for you unless given."
    )
    active = serializers.BooleanField(required=False)


class WebhookChangeInput(WebhookInput):
    url = serializers.CharField(max_length=2000, required=False)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=Event.choices), required=False
    )
    secret = serializers.CharField(
        max_length=200, required=False, write_only=True, help_text="A new secret (not shown)."
    )


class DeliveryOutput(serializers.ModelSerializer[WebhookDelivery]):
    check_id = serializers.IntegerField(source="version.review_id")
    version = serializers.IntegerField(source="version.version")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id", "subscription", "event", "check_id", "version", "status", "attempts",
            "next_attempt_at", "response_status", "last_error", "created_at", "delivered_at",
        ]  # fmt: skip


class DeliveryFilters(serializers.Serializer[None]):
    subscription = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    status = serializers.ChoiceField(choices=WebhookDelivery.Status.choices, required=False)
    event = serializers.ChoiceField(choices=Event.choices, required=False)


# Tags


@extend_schema_view(
    get=extend_schema(responses={200: TagOutput(many=True), **READ_ERRORS}),
    post=extend_schema(request=TagInput, responses={201: TagOutput, **WRITE_ERRORS}),
)
class TagListApi(generics.ListAPIView[Tag]):
    serializer_class = TagOutput
    pagination_class = Pages

    def get_queryset(self) -> QuerySet[Tag]:
        require_perm(acting_user(self.request.user), "reviewers.view_tag")
        return Tag.objects.order_by("slug")

    def post(self, request: Request) -> Response:
        given = validated(TagInput, request.data)
        tag = catalog.tag_create(user=acting_user(request.user), **given)
        return Response(TagOutput(tag).data, status=status.HTTP_201_CREATED)


class TagDetailApi(APIView):
    @extend_schema(responses={200: TagOutput, **READ_ERRORS})
    def get(self, request: Request, tag_id: int) -> Response:
        require_perm(acting_user(request.user), "reviewers.view_tag")
        return Response(TagOutput(by_id(Tag, tag_id)).data)

    @extend_schema(request=TagChangeInput, responses={200: TagOutput, **WRITE_ERRORS})
    def patch(self, request: Request, tag_id: int) -> Response:
        given = validated(TagChangeInput, request.data)
        tag = catalog.tag_update(tag=by_id(Tag, tag_id), user=acting_user(request.user), **given)
        return Response(TagOutput(tag).data)

    @extend_schema(responses=GONE)
    def delete(self, request: Request, tag_id: int) -> Response:
        catalog.tag_delete(tag=by_id(Tag, tag_id), user=acting_user(request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)


# The rating scale


@extend_schema_view(
    get=extend_schema(responses={200: RatingOutput(many=True), **READ_ERRORS}),
    post=extend_schema(request=RatingInput, responses={201: RatingOutput, **WRITE_ERRORS}),
)
class RatingListApi(generics.ListAPIView[Rating]):
    """The rating scale, most true first."""

    serializer_class = RatingOutput
    pagination_class = Pages

    def get_queryset(self) -> QuerySet[Rating]:
        require_perm(acting_user(self.request.user), "reviewers.view_rating")
        return Rating.objects.order_by("-value")

    def post(self, request: Request) -> Response:
        given = validated(RatingInput, request.data)
        rating = catalog.rating_create(user=acting_user(request.user), **given)
        return Response(RatingOutput(rating).data, status=status.HTTP_201_CREATED)


class RatingDetailApi(APIView):
    @extend_schema(responses={200: RatingOutput, **READ_ERRORS})
    def get(self, request: Request, rating_id: int) -> Response:
        require_perm(acting_user(request.user), "reviewers.view_rating")
        return Response(RatingOutput(by_id(Rating, rating_id)).data)

    @extend_schema(request=RatingChangeInput, responses={200: RatingOutput, **WRITE_ERRORS})
    def patch(self, request: Request, rating_id: int) -> Response:
        given = validated(RatingChangeInput, request.data)
        rating = catalog.rating_update(
            rating=by_id(Rating, rating_id), user=acting_user(request.user), **given
        )
        return Response(RatingOutput(rating).data)

    @extend_schema(responses=GONE)
    def delete(self, request: Request, rating_id: int) -> Response:
        """Take the rating off the scale; 409 while a verdict or published check carries it."""
        catalog.rating_delete(rating=by_id(Rating, rating_id), user=acting_user(request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)


# Webhook subscriptions and their delivery log


@extend_schema_view(
    get=extend_schema(responses={200: WebhookOutput(many=True), **READ_ERRORS}),
    post=extend_schema(request=WebhookInput, responses={201: WebhookCreatedOutput, **WRITE_ERRORS}),
)
class WebhookListApi(generics.ListAPIView[WebhookSubscription]):
    """Partners' subscriptions (GET), or one more (POST: the answer shows its secret, once)."""

    serializer_class = WebhookOutput
    pagination_class = Pages

    def get_queryset(self) -> QuerySet[WebhookSubscription]:
        require_perm(acting_user(self.request.user), "reviewers.view_webhooksubscription")
        return WebhookSubscription.objects.order_by("url", "id")

    def post(self, request: Request) -> Response:
        given = validated(WebhookInput, request.data)
        subscription = catalog.webhook_subscription_create(user=acting_user(request.user), **given)
        body = WebhookCreatedOutput(subscription).data
        return Response(body, status=status.HTTP_201_CREATED)


class WebhookDetailApi(APIView):
    @extend_schema(responses={200: WebhookOutput, **READ_ERRORS})
    def get(self, request: Request, subscription_id: int) -> Response:
        require_perm(acting_user(request.user), "reviewers.view_webhooksubscription")
        return Response(WebhookOutput(by_id(WebhookSubscription, subscription_id)).data)

    @extend_schema(request=WebhookChangeInput, responses={200: WebhookOutput, **WRITE_ERRORS})
    def patch(self, request: Request, subscription_id: int) -> Response:
        given = validated(WebhookChangeInput, request.data)
        subscription = catalog.webhook_subscription_update(
            subscription=by_id(WebhookSubscription, subscription_id),
            user=acting_user(request.user),
            **given,
        )
        return Response(WebhookOutput(subscription).data)

    @extend_schema(responses=GONE)
    def delete(self, request: Request, subscription_id: int) -> Response:
        catalog.webhook_subscription_delete(
            subscription=by_id(WebhookSubscription, subscription_id),
            user=acting_user(request.user),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    get=extend_schema(
        parameters=[DeliveryFilters],
        responses={200: DeliveryOutput(many=True), 400: ERROR, **READ_ERRORS},
    )
)
class DeliveryListApi(generics.ListAPIView[WebhookDelivery]):
    """The delivery log, newest first: what was sent where, how often, what came back."""

    serializer_class = DeliveryOutput
    pagination_class = Pages

    def get_queryset(self) -> QuerySet[WebhookDelivery]:
        require_perm(acting_user(self.request.user), "reviewers.view_webhookdelivery")
        filters = validated(DeliveryFilters, self.request.query_params)
        deliveries = WebhookDelivery.objects.select_related("version")
        return deliveries.filter(**filters).order_by("-created_at", "-id")
