"""The admin site as the newsroom's product: its name in the header and on the login page,
"View site" to the public index of checks, a home page that says what needs doing, and
the chief editors' analytics."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path

from factcheck.auth import acting_user
from newsroom.analytics import ANALYTICS_PERMISSION, PeriodForm, newsroom_figures
from newsroom.home import needs_me


class NewsroomSite(admin.AdminSite):
    site_header = "factcheck · newsroom"
    site_title = "factcheck newsroom"
    index_title = "Home"
    site_url = "/checks/"  # the public index of published checks
    index_template = "admin/newsroom/home.html"

    def index(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        """What needs this user now, then the tables they may open."""
        user = acting_user(request.user)
        context = {
            "needs_me": needs_me(user),
            "can_see_analytics": user.has_perm(ANALYTICS_PERMISSION),
            **(extra_context or {}),
        }
        return super().index(request, context)

    def get_urls(self) -> list[URLResolver | URLPattern]:
        analytics = path("analytics/", self.admin_view(self.analytics), name="newsroom_analytics")
        return [analytics, *super().get_urls()]

    def analytics(self, request: HttpRequest) -> TemplateResponse:
        """The newsroom's figures over a period, as charts and as tables."""
        if not acting_user(request.user).has_perm(ANALYTICS_PERMISSION):
            raise PermissionDenied
        form = PeriodForm(request.GET or None)
        context = {
            **self.each_context(request),
            "title": "Newsroom analytics",
            "form": form,
            "figures": newsroom_figures(form.period()),
        }
        status = 400 if form.is_bound and not form.is_valid() else 200
        return TemplateResponse(request, "admin/newsroom/analytics.html", context, status=status)
