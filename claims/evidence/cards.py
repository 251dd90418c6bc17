"""The reviewer's view of a claim's evidence in the admin: cards, pin, stance, add by URL.

Everything shown comes from fetched pages, so every piece is escaped; the passage's marks
are added around pieces that were escaped first.
"""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from claims.evidence.gathering import ClaimCheckedBefore, ClaimNotAccepted, gathering_start
from claims.evidence.passages import WORD
from claims.evidence.review import evidence_add_by_url, evidence_pin, evidence_set_stance
from claims.evidence.services import claim_terms
from claims.models import Claim, Evidence, Snapshot
from factcheck.auth import acting_user


@dataclass(frozen=True)
class Card:
    evidence: Evidence
    passage_html: SafeString
    snapshot: Snapshot | None


def highlighted_passage(passage: str, terms: list[str]) -> SafeString:
    """Return the passage escaped, with the claim's words in <mark>."""
    wanted, html, at = set(terms), [], 0
    for word in WORD.finditer(passage):
        if word.group().lower().strip("’'-") in wanted:
            html += [escape(passage[at : word.start()]), "<mark>", escape(word.group()), "</mark>"]
            at = word.end()
    html.append(escape(passage[at:]))
    return mark_safe("".join(html))  # noqa: S308  # every piece is escaped above


def evidence_cards(claim: Claim) -> list[Card]:
    terms = claim_terms(claim)
    evidence = claim.evidence.select_related("source", "added_by").order_by("-pinned", "rank")
    snapshots: dict[int, Snapshot] = {}
    sources = {item.source_id for item in evidence}
    for snapshot in Snapshot.objects.filter(article_id__in=sources).defer("body_gzip"):
        snapshots.setdefault(snapshot.article_id, snapshot)  # the newest, by the model's order
    return [
        Card(item, highlighted_passage(item.passage, terms), snapshots.get(item.source_id))
        for item in evidence
    ]


class EvidenceAddForm(forms.Form):
    url = forms.URLField(label="Add evidence by URL", assume_scheme="https", max_length=2000)


class ClaimEvidenceAdmin(admin.ModelAdmin[Claim]):
    """Adds the evidence cards and what reviewers do with them to the claim admin."""

    change_form_template = "admin/claims/claim/change_form.html"

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path(
                "<int:claim_id>/gather/", view(require_POST(self.gather_view)), name="claims_gather"
            ),
            path(
                "<int:claim_id>/evidence/add/",
                view(require_POST(self.add_evidence)),
                name="claims_evidence_add",
            ),
            path(
                "evidence/<int:evidence_id>/<slug:step>/",
                view(require_POST(self.curate)),
                name="claims_evidence_curate",
            ),
            path(
                "snapshot/<int:snapshot_id>/", view(self.snapshot), name="claims_evidence_snapshot"
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
            context["evidence_cards"] = evidence_cards(obj)
            context["gathering_run"] = obj.gathering_runs.prefetch_related("jobs").first()
            context["stances"] = Evidence.Stance.choices
            context["evidence_form"] = EvidenceAddForm()
            context["can_curate"] = request.user.has_perm("claims.change_evidence")
        return super().render_change_form(request, context, add, change, form_url, obj)

    def gather_view(self, request: HttpRequest, claim_id: int) -> HttpResponse:
        claim = get_object_or_404(Claim, id=claim_id)
        try:
            run = gathering_start(claim=claim, user=acting_user(request.user))
            messages.success(request, f"Gathering evidence from {run.providers_total} providers.")
        except (ClaimNotAccepted, ClaimCheckedBefore) as error:
            messages.error(request, str(error))
        return _back_to(claim_id)

    def add_evidence(self, request: HttpRequest, claim_id: int) -> HttpResponse:
        claim = get_object_or_404(Claim, id=claim_id)
        form = EvidenceAddForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(list(form.errors["url"]))
            evidence_add_by_url(
                claim=claim, url=form.cleaned_data["url"], user=acting_user(request.user)
            )
            messages.success(request, "Added and pinned the page as evidence.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return _back_to(claim_id)

    def curate(self, request: HttpRequest, evidence_id: int, step: str) -> HttpResponse:
        evidence = get_object_or_404(Evidence, id=evidence_id)
        user = acting_user(request.user)
        try:
            if step in ("pin", "unpin"):
                evidence_pin(evidence=evidence, pinned=step == "pin", user=user)
            elif step == "stance":
                stance = request.POST.get("stance", "")
                evidence_set_stance(evidence=evidence, stance=stance, user=user)
            else:
                raise ValidationError(f"No step “{step}”.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return _back_to(evidence.claim_id)

    def snapshot(self, request: HttpRequest, snapshot_id: int) -> HttpResponse:
        """The page as it was fetched, shown as inert text: it is the outside world's HTML."""
        if not request.user.has_perm("claims.view_snapshot"):
            raise PermissionDenied
        snapshot = get_object_or_404(Snapshot, id=snapshot_id)
        response = HttpResponse(snapshot.body, content_type="text/plain; charset=utf-8")
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        response["X-Content-Type-Options"] = "nosniff"
        return response


def _back_to(claim_id: int) -> HttpResponse:
    return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim_id]) + "#evidence")
