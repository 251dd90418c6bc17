"""The public index of published checks (/checks/): newest first, searched, filtered and
paged, rendered on the server.

Like the public API and pages it reads the frozen version rows only, and it answers a
conditional GET from the newest version's id without running the search.
"""

import hashlib
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, urlencode

from factcheck.api import midnight
from factcheck.languages import language_condition, normalise_language
from reviewers.models import PublishedCheck
from reviewers.publishing import search
from reviewers.publishing.api import newest_version

PAGE_SIZE = 20
CACHE_SECONDS = 3600
ROW_FIELDS = [
    "review_id", "version", "change", "headline", "claim_text", "claimant", "rating_label",
    "language", "tags", "published_at", "modified_at",
]  # fmt: skip


class IndexFilters(forms.Form):
    """What a reader can narrow the index by; every field optional."""

    q = forms.CharField(required=False, max_length=200, label="Search")
    rating = forms.CharField(required=False, max_length=64, label="Rating")
    tag = forms.SlugField(required=False, max_length=64, label="Tag")
    claimant = forms.CharField(required=False, max_length=300, label="Claimant")
    language = forms.CharField(required=False, max_length=16, label="Language")
    published_after = forms.DateField(required=False, label="Published from")
    published_before = forms.DateField(required=False, label="Published until")
    page = forms.IntegerField(required=False, min_value=1, max_value=10**6)

    def clean_language(self) -> str:
        """Accept any spelling of a language tag (de, de-AT, de_at), as the API does."""
        given: str = self.cleaned_data["language"]
        tag = normalise_language(given)
        if given and not tag:
            raise forms.ValidationError("Not a language tag (for example de or de-AT).")
        return tag


def check_index(request: HttpRequest) -> HttpResponseBase:
    """The list of checks that stand, newest first, with search and filters."""
    stamp = newest_version()
    etag = f'"index-{stamp[0] if stamp else 0}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified:
        return not_modified
    filters = IndexFilters(request.GET)
    valid = filters.is_valid()
    checks = filtered(filters.cleaned_data) if valid else PublishedCheck.objects.none()
    paginator = Paginator(checks.values(*ROW_FIELDS), PAGE_SIZE)
    # Counting every match is the slowest query of a page (a scan of the public rows), and
    # its answer changes only when a version is added: kept per newest version and query.
    count_key = _cache_key("count", stamp, request.GET.urlencode())
    paginator.count = int(cache.get_or_set(count_key, checks.count, CACHE_SECONDS) or 0)
    page = paginator.get_page(filters.cleaned_data.get("page") if valid else 1)
    response = render(
        request,
        "reviewers/index.html",
        {
            "filters": filters,
            "publisher": settings.PUBLISHER_NAME,
            "page": page,
            "page_numbers": page_numbers(page),
            "ratings": _choices("rating_label", stamp),
            "languages": _choices("language_primary", stamp),
            "query_without_page": _query_without_page(request),
            "filtered": valid and any(v for k, v in filters.cleaned_data.items() if k != "page"),
        },
        status=200 if valid else 400,
    )
    response["ETag"] = etag
    if stamp:
        response["Last-Modified"] = http_date(stamp[1].timestamp())
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def filtered(given: dict[str, Any]) -> QuerySet[PublishedCheck]:
    """Return the public versions that pass the reader's filters, newest first."""
    checks = PublishedCheck.objects.public().order_by("-modified_at", "-id")
    if given.get("rating"):
        checks = checks.filter(rating_label__iexact=given["rating"])
    if given.get("tag"):
        # Tags are a JSON list of slugs; matching the quoted slug works on every database.
        checks = checks.filter(tags__icontains=f'"{given["tag"]}"')
    if given.get("claimant"):
        checks = checks.filter(claimant__icontains=given["claimant"])
    if given.get("language"):
        checks = checks.filter(language_condition(given["language"]))
    if given.get("published_after"):
        checks = checks.filter(published_at__gte=midnight(given["published_after"]))
    if given.get("published_before"):
        checks = checks.filter(
            published_at__lt=midnight(given["published_before"]) + timedelta(days=1)
        )
    return search.matching(checks, given.get("q") or "")


def _choices(field: str, stamp: tuple[int, datetime] | None) -> list[str]:
    """Return the values of a field among the public checks, for the filters' choices
    (kept per newest version: they change only when one is added)."""

    def distinct() -> list[str]:
        values = (
            PublishedCheck.objects.public().exclude(**{field: ""}).values_list(field, flat=True)
        )
        return sorted(set(values.order_by().distinct()))

    return list(cache.get_or_set(_cache_key(field, stamp), distinct, CACHE_SECONDS) or [])


def _cache_key(name: str, stamp: tuple[int, datetime] | None, query: str = "") -> str:
    digest = hashlib.sha256(query.encode()).hexdigest()[:32]
    return f"check-index:{name}:{stamp[0] if stamp else 0}:{digest}"


def _query_without_page(request: HttpRequest) -> str:
    """Return the request's filters as a query string, for the page links to extend."""
    kept = [(k, str(v)) for k, v in request.GET.items() if k != "page" and v]
    return urlencode(kept)


def page_numbers(page: Page[Any]) -> list[int]:
    """Return the page numbers to link: the first, the last, and two either side."""
    last = page.paginator.num_pages
    near = range(max(page.number - 2, 1), min(page.number + 2, last) + 1)
    return sorted({1, last, *near})
