"""The claims app's admin. Each concern's admin module registers its own tables; the two
pages that span concerns are composed here: an article (ingestion's fields and submit form,
extraction's editor view of its claims) and a claim (evidence cards, matches, its history).
The history of every claim (`ClaimEvent`) is listed here too, read only."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

import claims.evidence.admin
import claims.ingestion.admin
import claims.matching.admin
import claims.tips.admin  # noqa: F401  (each registers its own tables)
from claims.events import event_summary
from claims.evidence.cards import ClaimEvidenceAdmin
from claims.evidence.gathering import ClaimCheckedBefore, ClaimNotAccepted, gathering_start
from claims.extraction.admin import ArticleClaimsAdmin, ClaimInline
from claims.extraction.decisions import ClaimAlreadyDecided, claim_dismiss
from claims.extraction.services import claim_accept
from claims.ingestion.admin import ArticleIngestionAdmin, SnapshotInline, SourceCorrectionInline
from claims.matching.admin import ClaimMatchesAdmin
from claims.models import Article, Claim, ClaimEvent
from factcheck.admin import ReadOnlyAdmin
from factcheck.auth import acting_user


@admin.register(Article)
class ArticleAdmin(ArticleIngestionAdmin, ArticleClaimsAdmin):
    inlines = [ClaimInline, SnapshotInline, SourceCorrectionInline]


@admin.register(Claim)
class ClaimAdmin(ClaimMatchesAdmin, ClaimEvidenceAdmin):
    """A claim with its evidence cards (evidence/cards.py), its matches (matching/admin.py)
    and its history. Every field is read only: decisions go through the services."""

    list_display = ["text", "checkworthiness", "claimant", "article_stance", "status", "gathering"]
    list_filter = ["status", "article_stance", "gathering", "matching"]
    search_fields = ["text", "claimant"]
    ordering = ["-checkworthiness"]
    readonly_fields = [
        "article", "text", "span_start", "span_end", "claimant", "article_stance", "stance_cue",
        "checkworthiness", "scored_by", "status", "created_by", "created_at", "edited_by",
        "edited_at", "accepted_by", "accepted_at", "decided_by", "decided_at", "split_from",
        "merged_into", "gathering", "gathering_error", "gathering_changed_at", "matching",
        "matching_note", "matching_attempts", "matching_changed_at", "duplicate_of",
        "checked_by_external",
    ]  # fmt: skip
    actions = ["accept", "dismiss", "gather", "match_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

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
            events = obj.events.select_related("actor")
            context["history"] = [(event, event_summary(event)) for event in events]
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.action(description="Accept selected claims for checking", permissions=["change"])
    def accept(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        done = _for_each(request, queryset, claim_accept, ClaimAlreadyDecided)
        if done:
            messages.success(request, f"Accepted {done} claim(s); gathering evidence.")

    @admin.action(description="Gather evidence again for selected claims")
    def gather(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        refusals = (ClaimNotAccepted, ClaimCheckedBefore)
        done = _for_each(request, queryset, gathering_start, refusals)
        if done:
            messages.success(request, f"Gathering evidence for {done} claim(s).")

    @admin.action(description="Dismiss selected candidates", permissions=["change"])
    def dismiss(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        done = _for_each(request, queryset, claim_dismiss, ClaimAlreadyDecided)
        if done:
            messages.success(request, f"Dismissed {done} claim(s).")


@admin.register(ClaimEvent)
class ClaimEventAdmin(ReadOnlyAdmin, admin.ModelAdmin[ClaimEvent]):
    """Every claim's history, to read: events are written by the services only, never edited."""

    list_display = ["created_at", "claim", "actor", "action", "from_status", "to_status"]
    list_filter = ["action"]
    list_select_related = ["claim", "actor"]


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
