"""Feeds through the API: list, follow, change, stop following, poll now.

Writes go through the same services as the admin (claims.ingestion.feeds), with the same
permissions: claims.view_feed, add_feed, change_feed, delete_feed.
"""

from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.ingestion.feeds import feed_delete, feed_poll_now, feed_subscribe, feed_update
from claims.models import Feed
from factcheck.api import ERROR, READ_ERRORS, WRITE_ERRORS, Pages, by_id, validated
from factcheck.auth import acting_user, require_perm

MINUTES_A_WEEK = 7 * 24 * 60


class FeedOutput(serializers.ModelSerializer[Feed]):
    poll_every_minutes = serializers.SerializerMethodField()

    class Meta:
        model = Feed
        fields = [
            "id", "url", "title", "active", "poll_every_minutes", "polled_at", "last_error",
            "created_at",
        ]  # fmt: skip

    def get_poll_every_minutes(self, feed: Feed) -> int:
        return int(feed.poll_every.total_seconds() // 60)


class FeedChangeInput(serializers.Serializer[None]):
    title = serializers.CharField(required=False, allow_blank=True, max_length=300)
    active = serializers.BooleanField(required=False)
    poll_every_minutes = serializers.IntegerField(
        required=False, min_value=1, max_value=MINUTES_A_WEEK, help_text="30 unless given."
    )


class FeedCreateInput(FeedChangeInput):
    url = serializers.CharField(max_length=2000, help_text="An RSS or Atom feed, http(s).")


@extend_schema_view(
    get=extend_schema(responses={200: FeedOutput(many=True), **READ_ERRORS}),
    post=extend_schema(request=FeedCreateInput, responses={201: FeedOutput, **WRITE_ERRORS}),
)
class FeedListApi(generics.ListAPIView[Feed]):
    """The feeds followed (GET), or follow one more (POST; its first poll is queued)."""

    serializer_class = FeedOutput
    pagination_class = Pages

    def get_queryset(self) -> QuerySet[Feed]:
        require_perm(acting_user(self.request.user), "claims.view_feed")
        return Feed.objects.order_by("url")

    def post(self, request: Request) -> Response:
        given = validated(FeedCreateInput, request.data)
        feed = feed_subscribe(user=acting_user(request.user), **_fields(given))
        return Response(FeedOutput(feed).data, status=status.HTTP_201_CREATED)


class FeedDetailApi(APIView):
    @extend_schema(responses={200: FeedOutput, **READ_ERRORS})
    def get(self, request: Request, feed_id: int) -> Response:
        require_perm(acting_user(request.user), "claims.view_feed")
        return Response(FeedOutput(_feed(feed_id)).data)

    @extend_schema(request=FeedChangeInput, responses={200: FeedOutput, **WRITE_ERRORS})
    def patch(self, request: Request, feed_id: int) -> Response:
        """Change the title, pause or resume, or poll at another interval. The URL stays."""
        given = validated(FeedChangeInput, request.data)
        feed = feed_update(feed=_feed(feed_id), user=acting_user(request.user), **_fields(given))
        return Response(FeedOutput(feed).data)

    @extend_schema(responses={204: None, 403: ERROR, 404: ERROR})
    def delete(self, request: Request, feed_id: int) -> Response:
        """Stop following the feed; the articles it brought in stay."""
        feed_delete(feed=_feed(feed_id), user=acting_user(request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)


class FeedPollApi(APIView):
    @extend_schema(request=None, responses={202: FeedOutput, **WRITE_ERRORS})
    def post(self, request: Request, feed_id: int) -> Response:
        """Poll the feed now, whatever its interval; `polled_at` changes once it ran."""
        feed = _feed(feed_id)
        feed_poll_now(feed=feed, user=acting_user(request.user))
        return Response(FeedOutput(feed).data, status=status.HTTP_202_ACCEPTED)


def _fields(given: dict[str, Any]) -> dict[str, Any]:
    fields = dict(given)
    if "poll_every_minutes" in fields:
        fields["poll_every"] = timedelta(minutes=fields.pop("poll_every_minutes"))
    return fields


def _feed(feed_id: int) -> Feed:
    return by_id(Feed, feed_id)
