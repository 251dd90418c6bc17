"""The public pages of published checks: one page per check, and archived evidence
(the Atom feed is feed.py).

Like the public API they read the frozen version rows only.
"""

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from claims.models import Snapshot
from reviewers.models import PublishedCheck
from reviewers.publishing.api import current_version, version_history
from reviewers.publishing.claimreview import json_ld_script

# As the admin serves snapshots (claims/evidence/cards.py).
ARCHIVED_COPY_POLICY = "sandbox; default-src 'none'"


def check_page(request: HttpRequest, check_id: int) -> HttpResponseBase:
    """The public page of a check: verdict, justification, evidence, corrections, JSON-LD."""
    check = current_version(check_id)
    etag = f'"page-{check_id}-{check["version"]}"'
    timestamp = int(check["modified_at"].timestamp())
    not_modified = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if not_modified:
        return not_modified
    retracted = check["change"] == PublishedCheck.Change.RETRACTED
    response = render(
        request,
        "reviewers/check.html",
        {
            "check": check,
            "check_id": check_id,
            "retracted": retracted,
            "history": version_history(check_id),
            "json_ld": "" if retracted else json_ld_script(check["claim_review"]),
        },
    )
    response["ETag"] = etag
    response["Last-Modified"] = http_date(timestamp)
    return response


def archived_copy(request: HttpRequest, check_id: int, number: int) -> HttpResponse:
    """The page a piece of cited evidence was read from, exactly as it was fetched.

    It is someone else's page served from our address, so it is sandboxed and loads
    nothing (no scripts, styles, images, frames or forms: each would tell a third party who
    reads it), and no guessing at its content type. A retracted check withdraws its copies.
    """
    check = current_version(check_id)
    if check["change"] == PublishedCheck.Change.RETRACTED:
        raise Http404("The check was retracted, and its archived copies with it.")
    evidence = check["evidence"]
    if not 0 <= number < len(evidence) or not evidence[number].get("snapshot"):
        raise Http404("No archived copy of this evidence.")
    snapshot = get_object_or_404(Snapshot, id=evidence[number]["snapshot"])
    if snapshot.filename:  # an uploaded file: only the text read from it is served
        response = HttpResponse(snapshot.inert_text(), content_type="text/plain; charset=utf-8")
    else:
        response = HttpResponse(snapshot.body, content_type=snapshot.content_type)
    response["Content-Security-Policy"] = ARCHIVED_COPY_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    return response
