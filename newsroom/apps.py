from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class NewsroomConfig(AppConfig):
    """The newsroom's home, analytics and exports: pages that read both apps."""

    name = "newsroom"
    label = "newsroom"
    verbose_name = "Newsroom"


class NewsroomAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the newsroom's site (newsroom/site.py) as `admin.site`."""

    default = False
    default_site = "newsroom.site.NewsroomSite"
