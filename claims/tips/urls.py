"""The readers' pages for tips (the API route is in claims/urls.py)."""

from django.urls import path

from claims.tips import views

urlpatterns = [
    path("tips/", views.tip_form, name="tip-form"),
    path("tips/<str:token>/", views.tip_status_page, name="tip-status"),
    path("tips/<str:token>/forget/", views.tip_contact_forget_view, name="tip-contact-forget"),
]
