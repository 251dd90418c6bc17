from django.urls import path

from newsroom import api

urlpatterns = [
    path("exports/<slug:kind>.<slug:fmt>", api.ExportApi.as_view(), name="api-export"),
    path("analytics/", api.AnalyticsApi.as_view(), name="api-analytics"),
]
