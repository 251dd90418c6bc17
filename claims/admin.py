"""The claims app's admin. Each concern's admin module registers its own tables; the two
pages that span concerns are composed here: an article (ingestion's fields and submit form,
extraction's editor view of its claims) and a claim (evidence cards, matches, its history).
The history of every claim (`ClaimEvent`) is listed here too, read only."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.text import Truncator

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
from claims.verdicts import with_desk_state
from factcheck.admin import CappedSearch, NothingToSave, ReadOnlyAdmin
from factcheck.auth import acting_user


@admin.register(Article)
class ArticleAdmin(ArticleIngestionAdmin, ArticleClaimsAdmin):
    inlines = [ClaimInline, SnapshotInline, SourceCorrectionInline]


@admin.register(Claim)
class ClaimAdmin(CappedSearch, NothingToSave[Claim], ClaimMatchesAdmin, ClaimEvidenceAdmin):
    """A claim with its evidence cards (evidence/cards.py), its matches (matching/admin.py)
    and its history. Every field is read only: decisions go through the services.

    The page reads as the claim: its text, who said it and where, then the evidence and
    the history (change_form.html); every field, folded, last."""

    list_display = [
        "text", "checkworthiness", "claimant", "language", "article_stance", "status", "gathering",
        "desk",
    ]  # fmt: skip
    list_filter = ["status", "article_stance", "gathering", "matching"]
    list_select_related = ["article"]
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
    fieldsets = [("Every field", {"classes": ["collapse"], "fields": tuple(readonly_fields)})]

    class Media:
        css = {"all": ["claims/admin_pages.css"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Claim]:
        return with_desk_state(super().get_queryset(request))

    @admin.display(description="language", ordering="article__language")
    def language(self, claim: Claim) -> str:
        return claim.article.language

    @admin.display(description="review", ordering="desk_state")
    def desk(self, claim: Claim) -> str:
        """The review desk's state: "new" for an accepted claim no step was taken on yet."""
        state = getattr(claim, "desk_state", None)
        if state is None:
            return "new" if claim.status == Claim.Status.ACCEPTED else ""
        return str(state).replace("_", " ")

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

    list_display = ["when", "claim_text", "who", "action", "status_change", "summary"]
    list_filter = ["action"]
    list_select_related = ["claim", "actor"]
    date_hierarchy = "created_at"

    class Media:
        css = {"all": ["factcheck/audit.css"]}

    @admin.display(description="when", ordering="created_at")
    def when(self, event: ClaimEvent) -> str:
        return event.created_at.strftime("%Y-%m-%d %H:%M")

    @admin.display(description="claim")
    def claim_text(self, event: ClaimEvent) -> str:
        return f"#{event.claim_id} {Truncator(event.claim.text).chars(120)}"

    @admin.display(description="who", ordering="actor__username")
    def who(self, event: ClaimEvent) -> str:
        return event.actor.username if event.actor else "system"

    @admin.display(description="status")
    def status_change(self, event: ClaimEvent) -> str:
        if not event.to_status:
            return ""
        return f"{event.get_from_status_display() or '—'} → {event.get_to_status_display()}"

    @admin.display(description="detail")
    def summary(self, event: ClaimEvent) -> str:
        return Truncator(event_summary(event)).chars(200)


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
