"""The reviewers' admin: the review desk (desk.py), the audit trail, the rating scale, tags,
published versions and webhooks."""

from typing import Any, TypeVar

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.text import Truncator

from claims.ingestion.fetching import FetchError, check_url
from factcheck.admin import ReadOnlyAdmin
from factcheck.auth import acting_user
from reviewers import catalog
from reviewers.desk import ReviewDeskAdmin
from reviewers.models import (
    PublishedCheck,
    Rating,
    Review,
    ReviewEvent,
    Tag,
    WebhookDelivery,
    WebhookSubscription,
)


@admin.register(Review)
class ReviewAdmin(ReviewDeskAdmin):
    """Reviews live on the desk (desk.py): the queue is the list, the desk the page."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReviewEvent)
class ReviewEventAdmin(ReadOnlyAdmin, admin.ModelAdmin[ReviewEvent]):
    """The audit trail, to read: events are written by the services only, never edited."""

    list_display = ["when", "claim_text", "actor", "what", "why", "assignee"]
    list_filter = ["to_state", "reason_code"]
    list_select_related = ["review__claim", "actor", "assignee"]
    date_hierarchy = "created_at"

    class Media:
        css = {"all": ["factcheck/audit.css"]}

    @admin.display(description="when", ordering="created_at")
    def when(self, event: ReviewEvent) -> str:
        return event.created_at.strftime("%Y-%m-%d %H:%M")

    @admin.display(description="claim")
    def claim_text(self, event: ReviewEvent) -> str:
        claim = event.review.claim
        return f"#{claim.id} {Truncator(claim.text).chars(120)}"

    @admin.display(description="step")
    def what(self, event: ReviewEvent) -> str:
        before = State(event.from_state).label if event.from_state else "—"
        return f"{before} → {event.get_to_state_display()}"

    @admin.display(description="why")
    def why(self, event: ReviewEvent) -> str:
        code = event.reason_code.replace("_", " ")
        return " — ".join(part for part in (code, Truncator(event.reason).chars(200)) if part)


State = Review.State
M = TypeVar("M", Rating, Tag, WebhookSubscription)


class CatalogAdmin(admin.ModelAdmin[M]):
    """Saves and deletes through the catalogue's services, as the API does; one at a time,
    so the bulk delete action (which would bypass them) is not offered."""

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(Rating)
class RatingAdmin(CatalogAdmin[Rating]):
    list_display = ["label", "value", "scored", "description"]

    def has_delete_permission(self, request: HttpRequest, obj: Rating | None = None) -> bool:
        # A rating carried by a verdict or a published check stays (catalog.rating_in_use).
        in_use = obj is not None and bool(catalog.rating_in_use(obj))
        return super().has_delete_permission(request, obj) and not in_use

    def save_model(self, request: HttpRequest, obj: Rating, form: Any, change: bool) -> None:
        fields = {name: form.cleaned_data[name] for name in ("label", "value", "description")}
        fields["scored"] = form.cleaned_data["scored"]
        user = acting_user(request.user)
        if change:
            catalog.rating_update(rating=obj, user=user, **fields)
        else:
            obj.pk = catalog.rating_create(user=user, **fields).pk

    def delete_model(self, request: HttpRequest, obj: Rating) -> None:
        catalog.rating_delete(rating=obj, user=acting_user(request.user))


@admin.register(Tag)
class TagAdmin(CatalogAdmin[Tag]):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request: HttpRequest, obj: Tag, form: Any, change: bool) -> None:
        name, slug = form.cleaned_data["name"], form.cleaned_data["slug"]
        user = acting_user(request.user)
        if change:
            catalog.tag_update(tag=obj, user=user, name=name, slug=slug)
        else:
            obj.pk = catalog.tag_create(user=user, name=name, slug=slug).pk

    def delete_model(self, request: HttpRequest, obj: Tag) -> None:
        catalog.tag_delete(tag=obj, user=acting_user(request.user))


@admin.register(PublishedCheck)
class PublishedCheckAdmin(ReadOnlyAdmin, admin.ModelAdmin[PublishedCheck]):
    list_display = ["headline", "rating_label", "version", "change", "is_current", "modified_at"]
    list_filter = ["is_current", "change", "rating_label"]


class WebhookSubscriptionForm(forms.ModelForm[WebhookSubscription]):
    url = forms.URLField(max_length=2000, assume_scheme="https")
    events = forms.MultipleChoiceField(
        choices=WebhookSubscription.Event.choices, widget=forms.CheckboxSelectMultiple
    )

    # Write-only, as in the API: the form never sends the stored secret back to the browser.
    secret = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        required=False,
        max_length=200,
        help_text="Shared with the partner to sign deliveries. Never shown again; leave it "
        "empty to keep the current one.",
    )

    class Meta:
        model = WebhookSubscription
        fields = ["url", "secret", "events", "active"]

    def clean_secret(self) -> str:
        secret: str = self.cleaned_data["secret"]
        if secret:
            return secret
        if self.instance.pk is None:
            raise forms.ValidationError("A new subscription needs a secret.")
        return self.instance.secret

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
class WebhookSubscriptionAdmin(CatalogAdmin[WebhookSubscription]):
    form = WebhookSubscriptionForm
    list_display = ["url", "events", "active", "created_at"]

    def get_inlines(
        self, request: HttpRequest, obj: WebhookSubscription | None
    ) -> list[type[admin.options.InlineModelAdmin[Any, Any]]]:
        return [WebhookDeliveryInline] if obj else []  # a new subscription has no deliveries

    def save_model(
        self, request: HttpRequest, obj: WebhookSubscription, form: Any, change: bool
    ) -> None:
        fields = {name: form.cleaned_data[name] for name in ("url", "secret", "events", "active")}
        user = acting_user(request.user)
        if change:
            catalog.webhook_subscription_update(subscription=obj, user=user, **fields)
        else:
            obj.pk = catalog.webhook_subscription_create(user=user, **fields).pk

    def delete_model(self, request: HttpRequest, obj: WebhookSubscription) -> None:
        catalog.webhook_subscription_delete(subscription=obj, user=acting_user(request.user))


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin, admin.ModelAdmin[WebhookDelivery]):
    """The delivery log: what was sent where, and how it went."""

    list_display = ["created_at", "event", "subscription", "status", "attempts", "response_status"]
    list_filter = ["status", "event"]
    list_select_related = ["subscription"]
