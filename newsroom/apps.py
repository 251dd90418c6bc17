from datetime import datetime
from typing import Any

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models import Model


class NewsroomConfig(AppConfig):
    """The newsroom's home, analytics and exports: pages that read both apps."""

    name = "newsroom"
    label = "newsroom"
    verbose_name = "Newsroom"

    def ready(self) -> None:
        from factcheck.facts import fact_days_changed

        fact_days_changed.connect(_days_recount, dispatch_uid="newsroom-tallies")


def _days_recount(sender: type[Model], moments: list[datetime], **kwargs: Any) -> None:
    """The services changed facts of these days: count the analytics' figures again."""
    from newsroom.rollup import days_recount

    days_recount(sender, moments)


class NewsroomAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the newsroom's site (newsroom/site.py) as `admin.site`."""

    default = False
    default_site = "newsroom.site.NewsroomSite"
