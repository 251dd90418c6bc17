"""The ingestion admin: submit articles (the same service as the API), retry them, feeds."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from claims.ingestion.feeds import feed_delete, feed_subscribe, feed_update, feed_url_check
from claims.ingestion.services import article_retry, article_source_correct, article_submit
from claims.models import Article, ArticleSourceCorrection, Claim, Feed, FeedEntry, Snapshot
from factcheck.admin import CappedSearch, NothingToSave, ReadOnlyInline
from factcheck.auth import acting_user


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


class ArticleSourceForm(forms.Form):
    url = forms.URLField(
        label="Where it appeared (URL)", assume_scheme="https", max_length=2000, required=False
    )
    publisher = forms.CharField(max_length=300, required=False)
    published_at = forms.DateTimeField(label="Published at", required=False)


class SourceCorrectionInline(ReadOnlyInline, admin.TabularInline[ArticleSourceCorrection, Article]):
    """Who corrected the article's source, when, and what changed."""

    model = ArticleSourceCorrection
    readonly_fields = ("created_at", "actor", "changes")
    fields = readonly_fields


class SnapshotInline(ReadOnlyInline, admin.TabularInline[Snapshot, Article]):
    model = Snapshot
    classes = ["collapse"]  # bookkeeping: hashes and sizes, for when a page is disputed
    readonly_fields = ("fetched_at", "url", "content_type", "size", "sha256")
    fields = readonly_fields


ARTICLE_HEAD = ("title", "publisher", "published_at", "url", "status")
ARTICLE_METADATA = (
    "canonical_url", "author", "language", "status_changed_at", "failure_reason", "attempts",
    "content_hash", "submitted_by", "created_at", "fetched_at", "candidates_proposed_at",
    "candidates_note", "duplicate_of", "links", "kind", "supplied_by", "proposes_claims",
    "ingest_task_id",
)  # fmt: skip


class ArticleIngestionAdmin(CappedSearch, NothingToSave[Article]):
    """An article's fields, its snapshots, retry, and the submit form as the add page.

    The page reads as the article: where it came from and its text first, the ingestion's
    bookkeeping folded away. Nothing on it is edited (retry is an action)."""

    list_display = ["__str__", "publisher", "language", "state", "candidates", "created_at"]
    list_filter = ["status", "language_primary"]  # de finds de, de-DE and de-AT
    search_fields = ["title", "url", "publisher"]
    actions = ["retry"]
    fieldsets = [
        (None, {"fields": ARTICLE_HEAD}),
        ("Text", {"fields": ("text",)}),
        ("Metadata", {"classes": ["collapse"], "fields": ARTICLE_METADATA}),
    ]
    readonly_fields = [*ARTICLE_HEAD, "text", *ARTICLE_METADATA]
    inlines = [SnapshotInline]

    class Media:
        css = {"all": ["claims/admin_pages.css"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        waiting = Q(claims__status=Claim.Status.CANDIDATE)
        return (
            super().get_queryset(request).annotate(candidate_count=Count("claims", filter=waiting))
        )

    @admin.display(description="state", ordering="status")
    def state(self, article: Article) -> str:
        if article.status == Article.Status.FAILED:
            return f"failed: {article.failure_reason}"
        return article.get_status_display()

    @admin.display(description="candidates", ordering="candidate_count")
    def candidates(self, article: Article) -> int:
        return getattr(article, "candidate_count", 0)

    def get_urls(self) -> list[URLPattern]:
        source = path(
            "<int:article_id>/source/",
            self.admin_site.admin_view(self.source_view),
            name="claims_article_source",
        )
        return [source, *super().get_urls()]

    def source_view(self, request: HttpRequest, article_id: int) -> HttpResponse:
        """Correct where and when the article appeared, through the same service as the API."""
        article = get_object_or_404(Article, id=article_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        current = {
            "url": article.canonical_url or article.url,
            "publisher": article.publisher,
            "published_at": article.published_at,
        }
        form = ArticleSourceForm(request.POST or None, initial=current)
        if request.method == "POST" and form.is_valid():
            given = {k: v for k, v in form.cleaned_data.items() if v not in ("", None)}
            try:
                article_source_correct(article=article, user=acting_user(request.user), **given)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "The article's source is corrected.")
                return HttpResponseRedirect(
                    reverse("admin:claims_article_change", args=[article.id])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Correct the source of “{article}”",
            "form": form,
            "opts": self.model._meta,
            "article": article,
        }
        return TemplateResponse(request, "admin/claims/article/source.html", context)

    @admin.action(description="Retry selected failed articles", permissions=["change"])
    def retry(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        retried = 0
        for article in queryset:
            try:
                article_retry(article=article, user=acting_user(request.user))
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
                submission = article_submit(
                    **form.cleaned_data, submitted_by=acting_user(request.user)
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                article = submission.article
                if submission.created:
                    messages.success(request, f"Article #{article.id} is queued for extraction.")
                else:
                    messages.info(request, _already_stored(article, form.cleaned_data["url"]))
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


class FeedEntryInline(ReadOnlyInline, admin.TabularInline[FeedEntry, Feed]):
    model = FeedEntry
    readonly_fields = ("seen_at", "link", "article")
    fields = readonly_fields


class FeedForm(forms.ModelForm[Feed]):
    url = forms.URLField(label="URL", assume_scheme="https", max_length=2000)

    class Meta:
        model = Feed
        fields = ["url", "title", "active", "poll_every"]

    def clean_url(self) -> str:
        """Refuse, as a form error, a URL the subscription would refuse (only when adding:
        the URL of a followed feed is read only)."""
        url: str = self.cleaned_data["url"]
        try:
            return feed_url_check(url)
        except ValidationError as error:
            raise ValidationError(error.message_dict["url"]) from None


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
            feed_update(feed=obj, user=user, title=title, active=active, poll_every=poll_every)
            return
        feed = feed_subscribe(
            url=obj.url, user=user, title=title, active=active, poll_every=poll_every
        )
        obj.pk = feed.pk

    def delete_model(self, request: HttpRequest, obj: Feed) -> None:
        feed_delete(feed=obj, user=acting_user(request.user))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        for feed in queryset:
            feed_delete(feed=feed, user=acting_user(request.user))


def _already_stored(article: Article, url: str) -> str:
    """Say which stored article a submission found, and why when its URL is another."""
    if url and article.url != url:
        return (
            f"This article is already stored as #{article.id}, fetched from {article.url}"
            f" (the URL given is its canonical URL, or the same text)."
        )
    return f"This article is already stored as #{article.id}."
