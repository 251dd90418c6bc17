"""The public pages of published checks: one page per check, archived evidence, the Atom feed.

Like the public API they read the frozen version rows only.
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils.cache import get_conditional_response
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import http_date

from claims.models import Snapshot

from .models import PublishedCheck
from .public_api import current_version, version_history
from .publishing import json_ld_script

FEED_LENGTH = 50


def check_page(request: HttpRequest, check_id: int) -> HttpResponseBase:
    """The public page of a check: verdict, justification, evidence, corrections, JSON-LD."""
    check = current_version(check_id)
    etag = f'"page-{check_id}-{check["version"]}"'
    timestamp = int(check["modified_at"].timestamp())
    not_modified = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if not_modified:
        return not_modified
    retracted = check["change"] == PublishedCheck.Change.RETRACTED
    response = render(
        request,
        "reviewers/check.html",
        {
            "check": check,
            "check_id": check_id,
            "retracted": retracted,
            "history": version_history(check_id),
            "json_ld": "" if retracted else json_ld_script(check["claim_review"]),
        },
    )
    response["ETag"] = etag
    response["Last-Modified"] = http_date(timestamp)
    return response


def archived_copy(request: HttpRequest, check_id: int, number: int) -> HttpResponse:
    """The page a piece of cited evidence was read from, exactly as it was fetched.

    It is someone else's page served from our address, so it is sandboxed: no scripts,
    no forms, no cookies of ours, and no guessing at its content type.
    """
    evidence = current_version(check_id)["evidence"]
    if not 0 <= number < len(evidence) or not evidence[number].get("snapshot"):
        raise Http404("No archived copy of this evidence.")
    snapshot = get_object_or_404(Snapshot, id=evidence[number]["snapshot"])
    response = HttpResponse(snapshot.body, content_type=snapshot.content_type)
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


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
