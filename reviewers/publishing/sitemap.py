"""sitemap.xml (every published check's page, last modified = its current version) and the
robots.txt that points search engines to it. Both read the frozen version rows only."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response

from reviewers.models import PublishedCheck
from reviewers.publishing.api import newest_version

# The sitemap protocol's limit of URLs per file; past it, sitemap.xml becomes an index.
URLS_PER_FILE = 50_000


def sitemap(request: HttpRequest) -> HttpResponseBase:
    """The checks' pages in one sitemap, or an index of sitemaps when there are too many."""
    etag = _etag("sitemap")
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified:
        return not_modified
    files = _file_count()
    if files > 1:
        body = render_to_string(
            "reviewers/sitemap_index.xml",
            {"site": settings.SITE_URL, "numbers": range(1, files + 1)},
        )
        return _xml(body, etag)
    return _urlset(1, etag)


def sitemap_part(request: HttpRequest, number: int) -> HttpResponseBase:
    """One file of the sitemap index: URLS_PER_FILE checks, oldest first."""
    if not 1 <= number <= _file_count():
        raise Http404("No such sitemap.")
    etag = _etag(f"sitemap-{number}")
    return get_conditional_response(request, etag=etag) or _urlset(number, etag)


def robots(request: HttpRequest) -> HttpResponse:
    """Everything public may be crawled but the admin and the API; the sitemap says where."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def _urlset(number: int, etag: str) -> HttpResponse:
    # Ordered by check, so a check keeps its file as others are published after it.
    checks = PublishedCheck.objects.current().order_by("review_id")
    start = (number - 1) * URLS_PER_FILE
    rows = checks.values_list("review_id", "modified_at")[start : start + URLS_PER_FILE]
    body = render_to_string(
        "reviewers/sitemap.xml",
        {"site": settings.SITE_URL, "checks": [{"id": i, "lastmod": m} for i, m in rows]},
    )
    return _xml(body, etag)


def _file_count() -> int:
    count = PublishedCheck.objects.current().count()
    return max((count + URLS_PER_FILE - 1) // URLS_PER_FILE, 1)


def _etag(name: str) -> str:
    stamp = newest_version()
    return f'"{name}-{stamp[0] if stamp else 0}"'


def _xml(body: str, etag: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/xml; charset=utf-8")
    response["ETag"] = etag
    return response
