"""The reviewer's view of a claim's evidence in the admin: cards, pin, stance, add by URL.

Everything shown comes from fetched pages, so every piece is escaped; the passage's marks
are added around pieces that were escaped first.
"""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from claims.evidence.gathering import (
    ClaimCheckedBefore,
    ClaimNotAccepted,
    NotRetryable,
    gathering_start,
    provider_job_retry,
)
from claims.evidence.passages import WORD
from claims.evidence.progress import gathering_progress
from claims.evidence.review import evidence_add, evidence_pin, evidence_set_stance
from claims.evidence.services import claim_terms
from claims.ingestion.documents import upload_from
from claims.ingestion.services import SourceDetails
from claims.models import Article, Claim, Evidence, ProviderJob, Snapshot
from factcheck.auth import acting_user
from factcheck.uploads import upload_refusal


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
    evidence = claim.evidence.select_related("source", "added_by", "stance_by")
    evidence = evidence.order_by("-pinned", "rank")
    snapshots: dict[int, Snapshot] = {}
    sources = {item.source_id for item in evidence}
    for snapshot in Snapshot.objects.filter(article_id__in=sources).defer("body_gzip"):
        snapshots.setdefault(snapshot.article_id, snapshot)  # the newest, by the model's order
    return [
        Card(item, highlighted_passage(item.passage, terms), snapshots.get(item.source_id))
        for item in evidence
    ]


class EvidenceAddForm(forms.Form):
    """One source a reviewer holds: a page's URL, or a text or file and where it comes from."""

    url = forms.URLField(label="Page URL", assume_scheme="https", max_length=2000, required=False)
    text = forms.CharField(
        label="Or paste a text or quotation",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        strip=False,
    )
    file = forms.FileField(label="Or upload a file (PDF, DOCX, HTML, plain text)", required=False)
    source_name = forms.CharField(
        label="Source (who said or wrote it)", max_length=300, required=False
    )
    source_kind = forms.ChoiceField(
        label="Kind",
        choices=[("", "—"), *((kind.value, kind.label) for kind in Article.SUPPLIED_KINDS)],
        required=False,
    )
    source_date = forms.DateField(
        label="Date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    source_url = forms.URLField(
        label="Where it can be seen (optional)", assume_scheme="https", required=False
    )
    supplied_by = forms.CharField(label="Supplied by (optional)", max_length=300, required=False)

    def add(self, claim: Claim, user: User) -> Evidence:
        """Add the evidence through the service; raise ValidationError saying what is wrong."""
        if not self.is_valid():
            raise ValidationError(
                [f"{name}: {' '.join(map(str, errors))}" for name, errors in self.errors.items()]
            )
        given = self.cleaned_data
        file = given["file"]
        return evidence_add(
            claim=claim,
            user=user,
            url=given["url"],
            text=given["text"],
            upload=upload_from(file) if file else None,
            details=SourceDetails(
                name=given["source_name"],
                kind=given["source_kind"],
                date=given["source_date"],
                url=given["source_url"],
                supplied_by=given["supplied_by"],
            ),
        )


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
            path(
                "<int:claim_id>/gathering/",
                view(self.gathering_view),
                name="claims_gathering_progress",
            ),
            path(
                "gathering/job/<int:job_id>/retry/",
                view(require_POST(self.retry_provider)),
                name="claims_provider_retry",
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
            context.update(gathering_context(request, obj, _claim_url(obj.id)))
            context["stances"] = Evidence.Stance.choices
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

    @method_decorator(csrf_exempt)
    def add_evidence(self, request: HttpRequest, claim_id: int) -> HttpResponse:
        """Refuse an oversized upload before its body is read; the CSRF check (which reads
        the body) comes after, in `_add_evidence`."""
        refusal = upload_refusal(request)
        if refusal:
            messages.error(request, refusal)
            return HttpResponseRedirect(_next_or_claim(request, claim_id), status=303)
        return self._add_evidence(request, claim_id)

    @method_decorator(csrf_protect)
    def _add_evidence(self, request: HttpRequest, claim_id: int) -> HttpResponse:
        claim = get_object_or_404(Claim, id=claim_id)
        form = EvidenceAddForm(request.POST, request.FILES)
        try:
            evidence = form.add(claim, acting_user(request.user))
            messages.success(request, f"Added and pinned “{evidence.source}” as evidence.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(_next_or_claim(request, claim_id))

    def gathering_view(self, request: HttpRequest, claim_id: int) -> HttpResponse:
        """Gathering's progress alone, for a page that follows it while it runs."""
        claim = get_object_or_404(Claim, id=claim_id)
        if not self.has_view_permission(request, claim):
            raise PermissionDenied
        next_url = _next_or_claim(request, claim_id)
        return TemplateResponse(
            request,
            "admin/claims/claim/_gathering.html",
            gathering_context(request, claim, next_url),
        )

    def retry_provider(self, request: HttpRequest, job_id: int) -> HttpResponse:
        job = get_object_or_404(ProviderJob.objects.select_related("run"), id=job_id)
        try:
            provider_job_retry(job=job, user=acting_user(request.user))
            messages.success(request, f"Asking {job.provider} again.")
        except NotRetryable as error:
            messages.error(request, str(error))
        return HttpResponseRedirect(_next_or_claim(request, job.run.claim_id))

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
        """The page as it was fetched (or a file's text), shown as inert text: it is the
        outside world's HTML."""
        if not request.user.has_perm("claims.view_snapshot"):
            raise PermissionDenied
        snapshot = get_object_or_404(Snapshot.objects.select_related("article"), id=snapshot_id)
        response = HttpResponse(snapshot.inert_text(), content_type="text/plain; charset=utf-8")
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        response["X-Content-Type-Options"] = "nosniff"
        return response


def gathering_context(request: HttpRequest, claim: Claim, next_url: str) -> dict[str, Any]:
    """What the gathering part of a page needs (the claim admin's, the review desk's)."""
    return {
        "progress": gathering_progress(claim),
        "claim_id": claim.id,
        "next_url": next_url,
        "can_gather": request.user.has_perm("claims.add_gatheringrun"),
        "evidence_form": EvidenceAddForm(),
    }


def _next_or_claim(request: HttpRequest, claim_id: int) -> str:
    """Where the form came from (the review desk posts here too), if it is ours."""
    wanted = request.GET.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}):
        return wanted
    return _claim_url(claim_id)


def _claim_url(claim_id: int) -> str:
    return reverse("admin:claims_claim_change", args=[claim_id]) + "#evidence"


def _back_to(claim_id: int) -> HttpResponse:
    return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim_id]) + "#evidence")
