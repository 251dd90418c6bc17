"""The Atom feed of published and corrected checks (/checks/feed.atom)."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from reviewers.models import PublishedCheck

FEED_LENGTH = 50


class CheckFeed(Feed[dict[str, Any], None]):
    """Atom feed of published and corrected checks, most recently changed first."""

    feed_type = Atom1Feed
    link = "/checks/"

    def title(self) -> str:
        return f"Fact checks by {settings.PUBLISHER_NAME}"

    def subtitle(self) -> str:
        return "Published and corrected fact checks."

    def items(self) -> list[dict[str, Any]]:
        fields = ["review_id", "version", "change", "note", "headline", "claim_text"]
        fields += ["rating_label", "claimant", "published_at", "modified_at"]
        checks = PublishedCheck.objects.public().order_by("-modified_at", "-id")
        return list(checks.values(*fields)[:FEED_LENGTH])

    def item_title(self, item: dict[str, Any]) -> str:
        prefix = "Corrected: " if item["change"] == PublishedCheck.Change.CORRECTED else ""
        return f"{prefix}{item['headline']} ({item['rating_label']})"

    def item_description(self, item: dict[str, Any]) -> str:
        said = f"{item['claimant']}: " if item["claimant"] else ""
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
