"""The review desk in the admin: the queue with its counts and filters, and one page per
claim with the claim in its article, the evidence cards, the verdict form, the steps this
user may take now, the comment thread and the history. Every step posts to
`ReviewDeskAdmin.take_step`, which calls one service, as the API does.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

from claims.evidence.cards import evidence_cards, gathering_context
from claims.extraction.highlighting import claim_band, highlighted, positions
from claims.models import Claim
from factcheck.api import MAX_SEARCH_CHARS
from factcheck.auth import acting_user
from reviewers import services
from reviewers.desk_steps import STEPS, VerdictForm, available_steps
from reviewers.models import Rating, Review
from reviewers.queue import (
    QueueFilters,
    new_count_is_exact,
    permission_holders,
    review_queue,
    state_counts,
)
from reviewers.queue_pages import QueueCursor, QueuePage, queue_page

State = Review.State
QUEUE_PAGE_SIZE = 50


class QueueFilterForm(forms.Form):
    mine = forms.BooleanField(required=False, label="My queue")
    unassigned = forms.BooleanField(required=False)
    awaiting_my_approval = forms.BooleanField(required=False, label="Awaiting my approval")
    state = forms.ChoiceField(choices=[("", "Open (any)"), *State.choices], required=False)
    rating = forms.ModelChoiceField(
        Rating.objects.all(), to_field_name="label", required=False, empty_label="Any rating"
    )
    claimant = forms.CharField(required=False, max_length=MAX_SEARCH_CHARS)

    def filters(self) -> QueueFilters:
        if not self.is_valid():
            return QueueFilters()
        data = self.cleaned_data
        rating = data["rating"]
        return QueueFilters(
            mine=data["mine"],
            unassigned=data["unassigned"],
            awaiting_my_approval=data["awaiting_my_approval"],
            state=data["state"],
            rating=rating.label if rating else "",
            claimant=data["claimant"],
        )


class ReviewDeskAdmin(admin.ModelAdmin[Review]):
    """The review admin's pages: the queue replaces the list, the desk the change form."""

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("desk/<int:claim_id>/", view(self.desk), name="reviewers_review_desk"),
            path(
                "desk/<int:claim_id>/<slug:step>/",
                view(require_POST(self.take_step)),
                name="reviewers_review_step",
            ),
            *super().get_urls(),
        ]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The queue: accepted claims by priority, counts per state, the filters."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        user = acting_user(request.user)
        form = QueueFilterForm(request.GET or None)
        claims = review_queue(user=user, filters=form.filters())
        page = queue_page(claims, cursor=_cursor(request), size=QUEUE_PAGE_SIZE)
        context = {
            **self.admin_site.each_context(request),
            "title": "Review queue",
            "opts": self.model._meta,
            "form": form,
            "rows": [(claim, claim_band(claim), _state_label(claim)) for claim in page.claims],
            "counts": _counted(state_counts()),
            **_page_links(request.GET, page),
        }
        return TemplateResponse(request, "admin/reviewers/review/queue.html", context)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied  # before the lookup: the redirect names the review's claim
        review = get_object_or_404(Review, pk=object_id) if object_id.isdigit() else None
        if review is None:
            raise Http404("No review has this id.")
        return HttpResponseRedirect(_desk_url(review.claim_id))

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Reviews start on the desk, from the queue, never from a blank form."""
        return False

    def desk(self, request: HttpRequest, claim_id: int) -> HttpResponse:
        return self._render_desk(request, self._desk_claim(request, claim_id))

    def take_step(self, request: HttpRequest, claim_id: int, step: str) -> HttpResponse:
        """Take one step through its service. On success, back to the desk with a message;
        on an error, the desk again with the error and the form as it was sent."""
        claim = self._desk_claim(request, claim_id)
        take = STEPS.get(step)
        if take is None:
            raise Http404(f"No step “{step}”.")
        user = acting_user(request.user)
        try:
            done = take(request.POST, claim, _review_for(claim), user)
        except (ValidationError, PermissionDenied, services.InvalidTransition) as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            messages.error(request, text)
            verdict = request.POST if step in ("draft", "submit") else None
            return self._render_desk(request, claim, verdict_data=verdict, status=400)
        messages.success(request, done)
        return HttpResponseRedirect(_desk_url(claim.id))

    def _desk_claim(self, request: HttpRequest, claim_id: int) -> Claim:
        """The claim whose desk is asked for. Permission comes first: every answer, an
        error page included, shows the desk (article, draft verdict, comments, history), and
        a 404 would tell who may not look which claims exist."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(Claim.objects.accepted().select_related("article"), id=claim_id)

    def _render_desk(
        self,
        request: HttpRequest,
        claim: Claim,
        verdict_data: QueryDict | None = None,
        status: int = 200,
    ) -> HttpResponse:
        user = acting_user(request.user)
        review = _review_for(claim, detailed=True)
        article = claim.article
        where = positions([claim])
        verdict = VerdictForm(verdict_data) if verdict_data is not None else _verdict_form(review)
        cited = _cited_ids(verdict, review)
        steps = available_steps(user, review)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Review of claim #{claim.id}",
            "subtitle": claim.text,
            "opts": self.model._meta,
            "claim": claim,
            "review": review,
            "state": review.state if review else State.NEW,
            "state_label": (review.get_state_display() if review else State.NEW.label),
            "article": article,
            "article_html": highlighted(article.text, [claim], where),
            "evidence_cards": [(card, card.evidence.id in cited) for card in evidence_cards(claim)],
            "verdict": verdict,
            "steps": steps,
            "has_step_buttons": bool(steps - {"draft", "submit", "comment"}),
            "ratings": Rating.objects.all(),
            "writers": _writers(),
            "send_back_reasons": Review.SendBackReason.choices,
            "dismiss_reasons": Review.DismissReason.choices,
            "version": review.version if review else "",
            # Gathering as it goes and the form to add evidence (claims/evidence/cards.py).
            **gathering_context(request, claim, _desk_url(claim.id) + "#evidence"),
            "pending_rating": _pending_rating(review),
        }
        return TemplateResponse(request, "admin/reviewers/review/desk.html", context, status=status)


def _review_for(claim: Claim, detailed: bool = False) -> Review | None:
    reviews = Review.objects.select_related("assignee", "author", "approved_by", "rating")
    if detailed:
        reviews = reviews.prefetch_related("events__actor", "comments__author", "versions")
    return reviews.filter(claim=claim).first()


def _pending_rating(review: Review | None) -> str:
    """The rating a correction awaiting approval would give, by its label."""
    if review is None or not review.pending_correction:
        return ""
    rating = Rating.objects.filter(pk=review.pending_correction["rating"]).first()
    return rating.label if rating else ""


def _verdict_form(review: Review | None) -> VerdictForm:
    if review is None:
        return VerdictForm()
    return VerdictForm(
        initial={
            "version": review.version,
            "rating": review.rating_id,
            "headline": review.headline,
            "justification": review.justification,
        }
    )


def _cited_ids(verdict: VerdictForm, review: Review | None) -> set[int]:
    if isinstance(verdict.data, QueryDict):
        return {int(value) for value in verdict.data.getlist("cited_evidence") if value.isdigit()}
    if review is None:
        return set()
    return set(review.cited_evidence.values_list("id", flat=True))


def _writers() -> list[User]:
    """People a chief editor can assign: active users who write verdicts."""
    writers = User.objects.filter(is_active=True, id__in=permission_holders("change_review"))
    return list(writers.order_by("username"))


def _state_label(claim: Claim) -> str:
    """The label of the state `review_queue` annotated on the claim."""
    return str(State(getattr(claim, "desk_state", State.NEW)).label)


def _counted(counts: dict[str, int]) -> list[tuple[str, str, str]]:
    """Each state's value, label and count as shown ("100+" where counting stopped)."""
    shown = {value: f"{count:,}" for value, count in counts.items()}
    if not new_count_is_exact(counts):
        shown[State.NEW] += "+"
    return [(value, str(label), shown[value]) for value, label in State.choices]


def _cursor(request: HttpRequest) -> QueueCursor | None:
    """The page asked for; a cursor the desk did not give (edited by hand) is page one."""
    try:
        return QueueCursor.decode(request.GET.get("cursor"))
    except ValidationError:
        return None


def _page_links(query: QueryDict, page: QueuePage) -> dict[str, str]:
    """The query strings of the neighbouring pages, with the filters kept."""
    links = {}
    for name, cursor in (("next_query", page.next), ("previous_query", page.previous)):
        if cursor is not None:
            kept = query.copy()
            kept.pop("page", None)
            kept["cursor"] = cursor.encode()
            links[name] = kept.urlencode()
    return links


def _desk_url(claim_id: int) -> str:
    return reverse("admin:reviewers_review_desk", args=[claim_id])
