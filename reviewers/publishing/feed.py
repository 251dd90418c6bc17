"""The Atom feed of what happened to checks (/checks/feed.atom): one entry per version, so a
check's publication, each correction and its retraction each reach feed readers.

Like the public pages it reads the frozen version rows only, and answers a conditional GET
(If-None-Match or If-Modified-Since) from the newest version without building the feed.
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import http_date

from reviewers.models import PublishedCheck
from reviewers.publishing.api import newest_version

FEED_LENGTH = 50
TITLE_PREFIX = {
    PublishedCheck.Change.PUBLISHED: "",
    PublishedCheck.Change.CORRECTED: "Corrected: ",
    PublishedCheck.Change.RETRACTED: "Retracted: ",
}


class CheckFeed(Feed[dict[str, Any], None]):
    """Atom feed of publications, corrections and retractions, most recent first."""

    feed_type = Atom1Feed

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        stamp = newest_version()
        etag = f'"feed-{stamp[0] if stamp else 0}"'
        timestamp = int(stamp[1].timestamp()) if stamp else None
        not_modified = get_conditional_response(request, etag=etag, last_modified=timestamp)
        if not_modified:
            return not_modified
        response: HttpResponse = super().__call__(request, *args, **kwargs)
        response["ETag"] = etag
        if timestamp:
            response["Last-Modified"] = http_date(timestamp)
        return response

    def title(self) -> str:
        return f"Fact checks by {settings.PUBLISHER_NAME}"

    def subtitle(self) -> str:
        return "Published, corrected and retracted fact checks."

    def link(self) -> str:
        return f"{settings.SITE_URL}/checks/"

    def author_name(self) -> str:
        return str(settings.PUBLISHER_NAME)

    def author_link(self) -> str:
        return str(settings.PUBLISHER_URL)

    def items(self) -> list[dict[str, Any]]:
        """The newest versions; a retracted check's earlier versions are not repeated."""
        fields = ["review_id", "version", "change", "note", "headline", "claim_text"]
        fields += ["rating_label", "claimant", "published_at", "modified_at"]
        retracted = PublishedCheck.objects.filter(change=PublishedCheck.Change.RETRACTED)
        versions = PublishedCheck.objects.exclude(
            is_current=False, review_id__in=retracted.values("review_id")
        )
        return list(versions.order_by("-id").values(*fields)[:FEED_LENGTH])

    def item_title(self, item: dict[str, Any]) -> str:
        return f"{TITLE_PREFIX[item['change']]}{item['headline']} ({item['rating_label']})"

    def item_description(self, item: dict[str, Any]) -> str:
        said = f"{item['claimant']}: " if item["claimant"] else ""
        if item["change"] == PublishedCheck.Change.RETRACTED:
            return f"{said}“{item['claim_text']}” This check was retracted: {item['note']}"
        correction = f" Correction: {item['note']}" if item["note"] else ""
        return f"{said}“{item['claim_text']}” Rated {item['rating_label']}.{correction}"

    def item_link(self, item: dict[str, Any]) -> str:
        return f"{settings.SITE_URL}/checks/{item['review_id']}/"

    def item_guid(self, item: dict[str, Any]) -> str:
        return f"{settings.SITE_URL}/checks/{item['review_id']}/#version-{item['version']}"

    def item_pubdate(self, item: dict[str, Any]) -> datetime:
        published_at: datetime = item["published_at"]
        return published_at

    def item_updateddate(self, item: dict[str, Any]) -> datetime:
        modified_at: datetime = item["modified_at"]
        return modified_at
