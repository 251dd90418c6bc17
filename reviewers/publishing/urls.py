from django.urls import path

from reviewers.publishing import index, pages, sitemap
from reviewers.publishing.feed import CheckFeed

urlpatterns = [
    path("checks/", index.check_index, name="check-index"),
    path("checks/feed.atom", CheckFeed(), name="check-feed"),
    path("checks/<int:check_id>/", pages.check_page, name="check-page"),
    path(
        "checks/<int:check_id>/evidence/<int:number>/archived/",
        pages.archived_copy,
        name="check-archived-evidence",
    ),
    path("sitemap.xml", sitemap.sitemap, name="sitemap"),
    path("sitemap-<int:number>.xml", sitemap.sitemap_part, name="sitemap-part"),
    path("robots.txt", sitemap.robots, name="robots"),
]
