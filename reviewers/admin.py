"""The reviewers' admin: draft verdicts, send them for approval, approve and publish."""

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from claims.fetching import FetchError, check_url
from claims.models import Claim
from factcheck.auth import acting_user

from . import services
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

Step = Callable[[Review, User], object]


class ReviewForm(forms.ModelForm[Review]):
    class Meta:
        model = Review
        fields = ["claim", "rating", "headline", "justification", "tags"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "claim" in self.fields:
            claim_field = cast(forms.ModelChoiceField[Claim], self.fields["claim"])
            claim_field.queryset = Claim.objects.accepted().filter(review__isnull=True)


class ReviewEventInline(admin.TabularInline[ReviewEvent, Review]):
    model = ReviewEvent
    readonly_fields = ("created_at", "actor", "from_state", "to_state", "reason")
    fields = readonly_fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin[Review]):
    form = ReviewForm
    list_display = ["claim", "state", "author", "rating", "approved_by", "updated_at"]
    list_filter = ["state", "rating"]
    actions = ["submit_for_approval", "approve", "publish"]

    def get_inlines(
        self, request: HttpRequest, obj: Review | None
    ) -> list[type[admin.options.InlineModelAdmin[Any, Any]]]:
        return [ReviewEventInline] if obj else []  # a new review has no history yet

    def get_readonly_fields(self, request: HttpRequest, obj: Review | None = None) -> list[str]:
        """Only the author edits a verdict, and only while drafting."""
        if obj is None:
            return []
        if obj.state != Review.State.DRAFTING or obj.author_id != request.user.pk:
            return ["claim", "rating", "headline", "justification", "tags", "state", "author"]
        return ["claim", "state", "author"]

    def save_model(self, request: HttpRequest, obj: Review, form: Any, change: bool) -> None:
        review = services.review_draft(
            claim=form.cleaned_data.get("claim") or obj.claim,
            author=acting_user(request.user),
            rating=form.cleaned_data.get("rating"),
            headline=form.cleaned_data.get("headline", ""),
            justification=form.cleaned_data.get("justification", ""),
            tags=form.cleaned_data.get("tags"),
        )
        obj.pk = review.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Events are written by the services only."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Send for approval")
    def submit_for_approval(self, request: HttpRequest, queryset: QuerySet[Review]) -> None:
        self._run(request, queryset, lambda r, u: services.review_submit(review=r, actor=u))

    @admin.action(description="Approve (four eyes)")
    def approve(self, request: HttpRequest, queryset: QuerySet[Review]) -> None:
        self._run(request, queryset, lambda r, u: services.review_approve(review=r, approver=u))

    @admin.action(description="Publish")
    def publish(self, request: HttpRequest, queryset: QuerySet[Review]) -> None:
        self._run(request, queryset, lambda r, u: services.review_publish(review=r, publisher=u))

    def _run(self, request: HttpRequest, queryset: QuerySet[Review], step: Step) -> None:
        for review in queryset:
            try:
                step(review, acting_user(request.user))
            except (services.InvalidTransition, PermissionDenied, ValidationError) as error:
                text = "; ".join(error.messages) if isinstance(error, ValidationError) else error
                messages.error(request, f"{review}: {text}")
            else:
                messages.success(request, f"{review}: done.")


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
