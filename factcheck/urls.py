from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from factcheck.token_api import TokenApi

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"
    ),
    path("api/v1/auth/token/", TokenApi.as_view(), name="api-token"),
    path("api/v1/", include("claims.urls")),
    path("api/v1/", include("reviewers.urls")),
    path("api/v1/", include("newsroom.urls")),
    path("", include("reviewers.publishing.urls")),
    path("", include("claims.tips.urls")),
]

handler404 = "factcheck.api.not_found"
handler500 = "factcheck.outage.server_error"
