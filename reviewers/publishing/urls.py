from django.urls import path

from reviewers.publishing import pages
from reviewers.publishing.feed import CheckFeed

urlpatterns = [
    path("checks/feed.atom", CheckFeed(), name="check-feed"),
    path("checks/<int:check_id>/", pages.check_page, name="check-page"),
    path(
        "checks/<int:check_id>/evidence/<int:number>/archived/",
        pages.archived_copy,
        name="check-archived-evidence",
    ),
]
