"""Checked before? in the admin: a claim's matches with confirm, reject and undo buttons, other
fact-checkers' reviews (read only, imported by URL here or by `import_claimreviews`), and
the list of all matches. Every decision calls the same service as the API.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from claims.matching.decisions import (
    MatchAlreadyDecided,
    MatchUndoUnsafe,
    claim_match_confirm,
    claim_match_reject,
    claim_match_undo,
)
from claims.matching.imports import external_reviews_import_url
from claims.matching.selectors import matches_for
from claims.matching.services import matching_request
from claims.models import Claim, ClaimMatch, ExternalReview
from factcheck.admin import CappedSearch, ReadOnlyAdmin
from factcheck.auth import acting_user


def match_decide(step: str, match: ClaimMatch, user: User) -> str:
    """Take an editor's decision on a match through its service; say what it did."""
    if step == "confirm":
        match = claim_match_confirm(match=match, user=user)
        claim = Claim.objects.get(id=match.claim_id)
        if match.matched_external_id is not None:
            linked = f"Claim #{claim.id}{_and_its_group(claim)}"
            return f"{linked} linked to the other fact-checker's review."
        return f"Claim #{claim.id} is grouped with claim #{claim.duplicate_of_id or claim.id}."
    if step == "reject":
        claim_match_reject(match=match, user=user)
        return f"Match #{match.id} is rejected and hidden."
    if step == "undo":
        match = claim_match_undo(match=match, user=user)
        ends = Claim.objects.filter(id__in=[match.claim_id, match.matched_claim_id]).order_by("id")
        return " ".join([f"Match #{match.id} is suggested again.", *map(_linked_now, ends)])
    raise ValidationError(f"No step “{step}”.")


def _and_its_group(claim: Claim) -> str:
    canonical = claim.duplicate_of_id or claim.id
    group = Claim.objects.filter(Q(id=canonical) | Q(duplicate_of=canonical))
    others = group.exclude(id=claim.id).count()
    return f" and the {others} other claim(s) of its group are" if others else " is"


def _linked_now(claim: Claim) -> str:
    """Say what a claim is linked to after an undo, and that its gathering may be restarted."""
    if claim.duplicate_of_id is not None:
        return f"Claim #{claim.id} is still the same claim as #{claim.duplicate_of_id}."
    if claim.checked_by_external_id is not None:
        return f"Claim #{claim.id} is still linked to another fact-checker's review."
    if claim.gathering == Claim.Gathering.CANCELLED:
        return (
            f"Claim #{claim.id} is not linked as checked before; its evidence gathering was "
            "cancelled, so gather evidence again if it needs its own."
        )
    return f"Claim #{claim.id} is not linked as checked before."


class ClaimMatchesAdmin(admin.ModelAdmin[Claim]):
    """Adds a claim's matches, and the editor's decisions on them, to the claim admin."""

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path(
                "match/<int:match_id>/<slug:step>/",
                view(require_POST(self.decide_match)),
                name="claims_match_decide",
            ),
            *super().get_urls(),
        ]

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Claim | None = None,
    ) -> HttpResponse:
        if obj is not None:
            context["match_views"] = matches_for([obj.id]).get(obj.id, [])
            context["can_decide_matches"] = request.user.has_perm("claims.change_claim")
        return super().render_change_form(request, context, add, change, form_url, obj)

    def decide_match(self, request: HttpRequest, match_id: int, step: str) -> HttpResponse:
        match = get_object_or_404(ClaimMatch, id=match_id)
        try:
            messages.success(request, match_decide(step, match, acting_user(request.user)))
        except (ValidationError, MatchAlreadyDecided, MatchUndoUnsafe) as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            messages.error(request, text)
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
            back = reverse("admin:claims_claim_change", args=[match.claim_id]) + "#checked-before"
        return HttpResponseRedirect(back)

    @admin.action(description="Match selected claims again", permissions=["change"])
    def match_again(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        claims = list(queryset.only("id"))
        matching_request(claims)
        messages.success(request, f"Matching {len(claims)} claim(s) again.")


class ReviewImportForm(forms.Form):
    url = forms.URLField(
        label="Page URL",
        assume_scheme="https",
        max_length=2000,
        help_text="A fact-check page carrying ClaimReview JSON-LD; fetched safely.",
    )


@admin.register(ExternalReview)
class ExternalReviewAdmin(CappedSearch, admin.ModelAdmin[ExternalReview]):
    """Other fact-checkers' reviews: what they published, as imported, never edited here."""

    list_display = [
        "claim_reviewed", "publisher_name", "rating_display", "review_date", "language",
        "imported_at",
    ]  # fmt: skip
    list_filter = ["publisher_name", "language_primary"]
    search_fields = ["claim_reviewed", "publisher_name", "claimant", "url"]
    readonly_fields = [
        "publisher_name", "publisher_url", "url", "headline", "claim_reviewed", "claimant",
        "appearance_url", "claim_date", "review_date", "rating_name", "rating_value",
        "rating_best", "rating_worst", "language", "source", "imported_by", "imported_at", "raw",
        "claim_hash", "index_queued_at",
    ]  # fmt: skip

    @admin.display(description="their rating")
    def rating_display(self, review: ExternalReview) -> str:
        return review.rating_display

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Import the ClaimReviews of a page through the same service as the command."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ReviewImportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                summary = external_reviews_import_url(
                    url=form.cleaned_data["url"], user=acting_user(request.user)
                )
            except ValidationError as error:
                form.add_error("url", error.messages)
            else:
                messages.success(request, f"From {form.cleaned_data['url']}: {summary}.")
                for problem in summary.problems:
                    messages.warning(request, problem)
                return HttpResponseRedirect(reverse("admin:claims_externalreview_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Import other fact-checkers' reviews from a page",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/claims/externalreview/import.html", context)


@admin.register(ClaimMatch)
class ClaimMatchAdmin(ReadOnlyAdmin, admin.ModelAdmin[ClaimMatch]):
    """Every match found, to review them across claims; decisions are taken on the claim."""

    list_display = ["__str__", "claim", "score", "status", "decided_by", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["claim", "decided_by"]
    ordering = ["-found_at"]
