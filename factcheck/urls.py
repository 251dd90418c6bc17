from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("claims.urls")),
    path("api/v1/", include("reviewers.urls")),
    path("", include("reviewers.page_urls")),
]
