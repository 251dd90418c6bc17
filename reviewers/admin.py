"""The reviewers' admin: the review desk (desk.py), the audit trail, the rating scale, tags,
published versions and webhooks."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from claims.fetching import FetchError, check_url

from .desk import ReviewDeskAdmin
from .models import (
    PublishedCheck,
    Rating,
    Review,
    ReviewEvent,
    Tag,
    WebhookDelivery,
    WebhookSubscription,
)
from .webhooks import webhook_subscribe


@admin.register(Review)
class ReviewAdmin(ReviewDeskAdmin):
    """Reviews live on the desk (desk.py): the queue is the list, the desk the page."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReviewEvent)
class ReviewEventAdmin(admin.ModelAdmin[ReviewEvent]):
    """The audit trail, to read: events are written by the services only, never edited."""

    list_display = ["created_at", "review", "actor", "from_state", "to_state", "reason_code"]
    list_filter = ["to_state", "reason_code"]
    list_select_related = ["review__claim", "actor"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin[Rating]):
    list_display = ["label", "value", "scored", "description"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin[Tag]):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(PublishedCheck)
class PublishedCheckAdmin(admin.ModelAdmin[PublishedCheck]):
    list_display = ["headline", "rating_label", "version", "change", "is_current", "modified_at"]
    list_filter = ["is_current", "change", "rating_label"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class WebhookSubscriptionForm(forms.ModelForm[WebhookSubscription]):
    url = forms.URLField(max_length=2000, assume_scheme="https")
    events = forms.MultipleChoiceField(
        choices=WebhookSubscription.Event.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookSubscription
        fields = ["url", "secret", "events", "active"]
        widgets = {"secret": forms.PasswordInput(render_value=True)}

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        try:
            check_url(url)
        except FetchError as error:
            raise forms.ValidationError(str(error)) from None
        return url


class WebhookDeliveryInline(admin.TabularInline[WebhookDelivery, WebhookSubscription]):
    model = WebhookDelivery
    readonly_fields = ("created_at", "event", "version", "status", "attempts", "response_status")
    fields = readonly_fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ["-created_at"]


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin[WebhookSubscription]):
    form = WebhookSubscriptionForm
    list_display = ["url", "events", "active", "created_at"]

    def get_inlines(
        self, request: HttpRequest, obj: WebhookSubscription | None
    ) -> list[type[admin.options.InlineModelAdmin[Any, Any]]]:
        return [WebhookDeliveryInline] if obj else []  # a new subscription has no deliveries

    def save_model(
        self, request: HttpRequest, obj: WebhookSubscription, form: Any, change: bool
    ) -> None:
        """New subscriptions go through the service, which applies the fetching rules."""
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        subscription = webhook_subscribe(
            url=data["url"], secret=data["secret"], events=data["events"]
        )
        obj.pk = subscription.pk


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin[WebhookDelivery]):
    """The delivery log: what was sent where, and how it went."""

    list_display = ["created_at", "event", "subscription", "status", "attempts", "response_status"]
    list_filter = ["status", "event"]
    list_select_related = ["subscription"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
