from django.urls import path

from . import pages

urlpatterns = [
    path("checks/feed.atom", pages.CheckFeed(), name="check-feed"),
    path("checks/<int:check_id>/", pages.check_page, name="check-page"),
    path(
        "checks/<int:check_id>/evidence/<int:number>/archived/",
        pages.archived_copy,
        name="check-archived-evidence",
    ),
]
