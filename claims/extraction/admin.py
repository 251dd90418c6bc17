"""The editor's view of an article in the admin: the text with its claims highlighted by
check-worthiness, each claim with its claimant, stance and score, and a form for each
decision. Every form posts to `ArticleClaimsAdmin.decide`, which calls one service, as
the API does.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from claims.extraction.decisions import (
    ClaimAlreadyDecided,
    Part,
    claim_create,
    claim_dismiss,
    claim_edit,
    claim_merge,
    claim_split,
)
from claims.extraction.highlighting import (
    NOT_SCORED,
    Span,
    claim_band,
    claim_priority,
    highlighted,
    positions,
)
from claims.extraction.services import claim_accept
from claims.matching.selectors import MatchView, matches_for
from claims.models import Article, Claim
from factcheck.admin import ReadOnlyInline
from factcheck.auth import acting_user

CLAIM_USERS = ["accepted_by", "created_by", "edited_by", "decided_by"]


class ClaimForm(forms.Form):
    claim = forms.IntegerField()


class ClaimEditForm(ClaimForm):
    text = forms.CharField(strip=False)
    claimant = forms.CharField(required=False)
    article_stance = forms.ChoiceField(choices=Claim.ArticleStance.choices)


class ClaimSplitForm(ClaimForm):
    parts = forms.CharField()


class ClaimMergeForm(forms.Form):
    claims = forms.TypedMultipleChoiceField(coerce=int)
    text = forms.CharField(required=False)

    def __init__(self, data: QueryDict, article: Article) -> None:
        super().__init__(data)
        choices = [(claim_id, claim_id) for claim_id in article.claims.values_list("id", flat=True)]
        self.fields["claims"].choices = choices  # type: ignore[attr-defined]


class ClaimCreateForm(forms.Form):
    span_start = forms.IntegerField()
    span_end = forms.IntegerField()


@dataclass(frozen=True)
class Row:
    claim: Claim
    band: str  # likely, possible, unlikely, unscored
    position: Span | None
    matches: list[MatchView]

    @property
    def is_candidate(self) -> bool:
        return self.claim.status == Claim.Status.CANDIDATE


class ArticleClaimsAdmin(admin.ModelAdmin[Article]):
    """Adds the editor's view of an article's claims to the article admin."""

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("<int:article_id>/claims/", view(self.claims), name="claims_article_claims"),
            path(
                "<int:article_id>/claims/<slug:step>/",
                view(require_POST(self.decide)),
                name="claims_article_decide",
            ),
            *super().get_urls(),
        ]

    def claims(self, request: HttpRequest, article_id: int) -> HttpResponse:
        article = get_object_or_404(Article, id=article_id)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        claims = list(article.claims.select_related(*CLAIM_USERS))
        where = positions(claims)
        found = matches_for(claim.id for claim in claims)
        rows = [Row(c, claim_band(c), where.get(c.id), found.get(c.id, [])) for c in claims]
        rows.sort(key=lambda row: (not row.is_candidate, -claim_priority(row.claim), row.claim.id))
        context = {
            **self.admin_site.each_context(request),
            "title": "Claims",
            "subtitle": str(article),
            "opts": self.model._meta,
            "article": article,
            "article_html": highlighted(article.text, claims, where),
            "article_length": len(article.text),
            "rows": rows,
            "not_scored": NOT_SCORED,
            "stances": Claim.ArticleStance.choices,
            "can_decide": request.user.has_perm("claims.change_claim"),
            "can_create": request.user.has_perm("claims.add_claim"),
        }
        return TemplateResponse(request, "admin/claims/article/claims.html", context)

    def decide(self, request: HttpRequest, article_id: int, step: str) -> HttpResponse:
        """Take one decision through its service, and say how it went."""
        article = get_object_or_404(Article, id=article_id)
        take = STEPS.get(step)
        if take is None:
            raise Http404(f"No step “{step}”.")
        try:
            messages.success(request, take(request.POST, article, acting_user(request.user)))
        except (ValidationError, ClaimAlreadyDecided) as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            messages.error(request, text)
        return HttpResponseRedirect(reverse("admin:claims_article_claims", args=[article.id]))


def _accept(data: QueryDict, article: Article, user: User) -> str:
    claim = claim_accept(claim=_claim(data, article), user=user)
    if claim.checked_before:
        return f"Claim #{claim.id} is accepted; it was checked before, so no evidence is gathered."
    return f"Claim #{claim.id} is accepted; evidence is being gathered."


def _dismiss(data: QueryDict, article: Article, user: User) -> str:
    claim = claim_dismiss(claim=_claim(data, article), user=user)
    return f"Claim #{claim.id} is dismissed."


def _edit(data: QueryDict, article: Article, user: User) -> str:
    given = _cleaned(ClaimEditForm(data))
    claim = claim_edit(
        claim=_claim(data, article),
        user=user,
        text=given["text"],
        claimant=given["claimant"],
        article_stance=given["article_stance"],
    )
    return f"Claim #{claim.id} now reads: “{claim.text}”."


def _split(data: QueryDict, article: Article, user: User) -> str:
    given = _cleaned(ClaimSplitForm(data))
    claim = _claim(data, article)
    lines = [line.strip() for line in given["parts"].splitlines() if line.strip()]
    parts = claim_split(
        claim=claim, user=user, parts=[_part(article, claim, line) for line in lines]
    )
    return f"Claim #{claim.id} is split into " + ", ".join(f"#{part.id}" for part in parts) + "."


def _merge(data: QueryDict, article: Article, user: User) -> str:
    given = _cleaned(ClaimMergeForm(data, article))
    claims = list(article.claims.filter(id__in=given["claims"]))
    merged = claim_merge(claims=claims, user=user, text=given["text"])
    return f"The claims are merged into #{merged.id}: “{merged.text}”."


def _create(data: QueryDict, article: Article, user: User) -> str:
    given = _cleaned(ClaimCreateForm(data))
    claim, created = claim_create(article=article, user=user, **given)
    if not created:
        return f"That text is already claim #{claim.id} ({claim.get_status_display().lower()})."
    return f"Claim #{claim.id} is created: “{claim.text}”."


STEPS: dict[str, Callable[[QueryDict, Article, User], str]] = {
    "accept": _accept,
    "dismiss": _dismiss,
    "edit": _edit,
    "split": _split,
    "merge": _merge,
    "create": _create,
}


def _cleaned(form: forms.Form) -> dict[str, Any]:
    if not form.is_valid():
        problems = [
            f"{field}: {' '.join(str(error) for error in errors)}"
            for field, errors in form.errors.items()
        ]
        raise ValidationError("; ".join(problems))
    return form.cleaned_data


def _claim(data: QueryDict, article: Article) -> Claim:
    given = _cleaned(ClaimForm(data))
    return get_object_or_404(Claim, id=given["claim"], article=article)


def _part(article: Article, claim: Claim, line: str) -> Part:
    """Return a part of the claim; a line copied word for word from the claim's own
    sentence keeps its place there, unless another claim has that place."""
    if claim.span_start is None or claim.span_end is None:
        return Part(line)
    found = article.text.find(line, claim.span_start, claim.span_end)
    span = (found, found + len(line))
    if found < 0 or span == (claim.span_start, claim.span_end):
        return Part(line)
    if article.claims.filter(span_start=span[0], span_end=span[1]).exists():
        return Part(line)
    return Part(line, *span)


class ClaimInline(ReadOnlyInline, admin.TabularInline[Claim, Article]):
    model = Claim
    readonly_fields = (
        "claim_link", "checkworthiness", "claimant", "article_stance", "stance_cue", "status",
    )  # fmt: skip
    fields = readonly_fields
    ordering = ["-checkworthiness"]

    @admin.display(description="claim")
    def claim_link(self, claim: Claim) -> str:
        url = reverse("admin:claims_claim_change", args=[claim.id])
        return format_html('<a href="{}">{}</a>', url, claim.text)
