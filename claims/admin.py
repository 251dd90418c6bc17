"""The editors' admin: submit articles, decide on their claim candidates (editor.py)."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from factcheck.auth import acting_user

from . import services
from .editor import ArticleClaimsAdmin
from .match_admin import ClaimMatchesAdmin
from .models import Article, Claim, Evidence, Feed, FeedEntry, GatheringRun, ProviderJob, Snapshot


class ArticleSubmitForm(forms.Form):
    url = forms.URLField(
        required=False,
        label="URL",
        assume_scheme="https",
        max_length=2000,
        help_text="Fetched by the worker; or, with pasted text, recorded as its source.",
    )
    text = forms.CharField(required=False, widget=forms.Textarea, label="…or paste the text")
    title = forms.CharField(required=False, max_length=500)
    publisher = forms.CharField(required=False, max_length=300)
    published_at = forms.DateTimeField(required=False, label="Published at")


class ClaimInline(admin.TabularInline[Claim, Article]):
    model = Claim
    readonly_fields = (
        "claim_link", "checkworthiness", "claimant", "article_stance", "stance_cue", "status",
    )  # fmt: skip
    fields = readonly_fields
    extra = 0
    can_delete = False
    ordering = ["-checkworthiness"]

    @admin.display(description="claim")
    def claim_link(self, claim: Claim) -> str:
        url = reverse("admin:claims_claim_change", args=[claim.id])
        return format_html('<a href="{}">{}</a>', url, claim.text)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SnapshotInline(admin.TabularInline[Snapshot, Article]):
    model = Snapshot
    readonly_fields = ("fetched_at", "url", "content_type", "size", "sha256")
    fields = readonly_fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(ArticleClaimsAdmin):
    list_display = ["__str__", "publisher", "status", "failure_reason", "created_at"]
    list_filter = ["status"]
    search_fields = ["title", "url", "publisher"]
    actions = ["retry"]
    readonly_fields = [
        "url", "canonical_url", "title", "author", "publisher", "published_at", "language",
        "status", "failure_reason", "attempts", "content_hash", "submitted_by", "created_at",
        "fetched_at", "candidates_proposed_at", "candidates_note", "duplicate_of", "links", "text",
    ]  # fmt: skip
    inlines = [ClaimInline, SnapshotInline]

    @admin.action(description="Retry selected failed articles", permissions=["change"])
    def retry(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        retried = 0
        for article in queryset:
            try:
                services.article_retry(article=article, user=acting_user(request.user))
                retried += 1
            except ValidationError as error:
                messages.warning(request, f"#{article.id}: {' '.join(error.messages)}")
        if retried:
            messages.success(request, f"Queued {retried} article(s) again.")

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Submit an article through the same service as the API."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ArticleSubmitForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                submission = services.article_submit(
                    **form.cleaned_data, submitted_by=acting_user(request.user)
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                article = submission.article
                if submission.created:
                    messages.success(request, f"Article #{article.id} is queued for extraction.")
                else:
                    messages.info(request, f"This article is already stored as #{article.id}.")
                return HttpResponseRedirect(
                    reverse("admin:claims_article_change", args=[article.id])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": "Submit an article",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/claims/article/submit.html", context)


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error.messages)


@admin.register(Claim)
class ClaimAdmin(ClaimMatchesAdmin):
    list_display = ["text", "checkworthiness", "claimant", "article_stance", "status", "gathering"]
    list_filter = ["status", "article_stance", "gathering", "matching"]
    search_fields = ["text", "claimant"]
    ordering = ["-checkworthiness"]
    readonly_fields = [
        "article", "text", "span_start", "span_end", "claimant", "article_stance", "stance_cue",
        "checkworthiness", "scored_by", "status", "created_by", "created_at", "edited_by",
        "edited_at", "accepted_by", "accepted_at", "decided_by", "decided_at", "split_from",
        "merged_into", "gathering", "gathering_error", "matching", "matching_note",
        "duplicate_of", "checked_by_external",
    ]  # fmt: skip
    actions = ["accept", "dismiss", "gather", "match_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Accept selected claims for checking", permissions=["change"])
    def accept(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        done = _for_each(request, queryset, services.claim_accept, services.ClaimAlreadyDecided)
        if done:
            messages.success(request, f"Accepted {done} claim(s); gathering evidence.")

    @admin.action(description="Gather evidence again for selected claims")
    def gather(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        refusals = (services.ClaimNotAccepted, services.ClaimCheckedBefore)
        done = _for_each(request, queryset, services.gathering_start, refusals)
        if done:
            messages.success(request, f"Gathering evidence for {done} claim(s).")

    @admin.action(description="Dismiss selected candidates", permissions=["change"])
    def dismiss(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        done = _for_each(request, queryset, services.claim_dismiss, services.ClaimAlreadyDecided)
        if done:
            messages.success(request, f"Dismissed {done} claim(s).")


def _for_each(
    request: HttpRequest,
    claims: QuerySet[Claim],
    step: Callable[..., object],
    refusal: type[Exception] | tuple[type[Exception], ...],
) -> int:
    """Run one service on each selected claim; say why any was refused; return how many took."""
    done = 0
    for claim in claims:
        try:
            step(claim=claim, user=acting_user(request.user))
            done += 1
        except refusal as error:
            messages.warning(request, str(error))
    return done


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin[Evidence]):
    list_display = ["claim", "rank", "source", "provider", "relevance", "stance", "pinned"]
    list_filter = ["provider", "stance", "pinned", "interested_party"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ProviderJobInline(admin.TabularInline[ProviderJob, GatheringRun]):
    model = ProviderJob
    readonly_fields = (
        "provider", "status", "attempts", "lease_until", "last_error", "cancel_reason",
        "evidence_found",
    )  # fmt: skip
    fields = readonly_fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(GatheringRun)
class GatheringRunAdmin(admin.ModelAdmin[GatheringRun]):
    """Each round of gathering, with its jobs: read only, the workers write it."""

    list_display = ["claim", "state", "providers_done", "providers_total", "started_at", "errors"]
    list_filter = ["state"]
    readonly_fields = [
        "claim", "state", "providers_done", "providers_total", "errors", "started_by",
        "started_at", "finished_at",
    ]  # fmt: skip
    inlines = [ProviderJobInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FeedEntryInline(admin.TabularInline[FeedEntry, Feed]):
    model = FeedEntry
    readonly_fields = ("seen_at", "link", "article")
    fields = readonly_fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FeedForm(forms.ModelForm[Feed]):
    url = forms.URLField(label="URL", assume_scheme="https", max_length=2000)

    class Meta:
        model = Feed
        fields = ["url", "title", "active", "poll_every"]


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin[Feed]):
    form = FeedForm
    list_display = ["__str__", "active", "poll_every", "polled_at", "last_error"]
    list_filter = ["active"]
    readonly_fields = ["etag", "last_modified", "polled_at", "last_error"]

    def get_inlines(
        self, request: HttpRequest, obj: Feed | None
    ) -> list[type[admin.options.InlineModelAdmin[Any, Any]]]:
        return [FeedEntryInline] if obj else []  # a new feed has no entries yet

    def get_readonly_fields(self, request: HttpRequest, obj: Feed | None = None) -> list[str]:
        """A feed's URL is fixed once subscribed: its entries belong to it."""
        return [*self.readonly_fields, "url"] if obj else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Feed, form: Any, change: bool) -> None:
        """Through the same services as the API."""
        user = acting_user(request.user)
        title, active, poll_every = obj.title, obj.active, obj.poll_every
        if change:
            services.feed_update(
                feed=obj, user=user, title=title, active=active, poll_every=poll_every
            )
            return
        feed = services.feed_subscribe(
            url=obj.url, user=user, title=title, active=active, poll_every=poll_every
        )
        obj.pk = feed.pk

    def delete_model(self, request: HttpRequest, obj: Feed) -> None:
        services.feed_delete(feed=obj, user=acting_user(request.user))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        for feed in queryset:
            services.feed_delete(feed=feed, user=acting_user(request.user))
