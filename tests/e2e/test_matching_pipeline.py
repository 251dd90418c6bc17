"""Checked before?, through the API and a real Celery worker: claims extracted from a new
article are matched against an earlier accepted claim and another fact-checker's imported
review; an editor confirms one, and the reviewers' queue keeps one claim of the group."""

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from claims.models import Article, Claim, MatchEntry
from tests.conftest import Worker, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FIRST_ARTICLE = (
    "A post shared thousands of times on social media claims that the new Harbour Street "
    "bridge in Riverton cost taxpayers 400 million dollars."
)
SECOND_ARTICLE = (
    "A video on TikTok says Riverton spent $400 million of public money on the Harbour "
    "Street bridge. Another post claims that the flu shots given at Riverton schools "
    "contain mercury."
)
VACCINE_REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://checkers.example/2026/flu-shots-mercury",
    "claimReviewed": "The flu vaccine given in Riverton schools contains mercury.",
    "author": {"@type": "Organization", "name": "Checkers United"},
    "datePublished": "2026-10-01",
    "reviewRating": {"@type": "Rating", "alternateName": "False"},
}


def submitted_claims(client: Any, text: str, worker: Worker) -> list[dict[str, Any]]:
    """Submit pasted text and return its claims once each is matched."""
    article_id = client.post("/api/v1/articles/", {"text": text}).json()["id"]

    def matched() -> bool:
        article = Article.objects.get(id=article_id)
        claims = article.claims.all()
        return article.candidates_proposed_at is not None and all(
            claim.matching == Claim.Matching.DONE for claim in claims
        )

    wait_until(matched, what="claims matched", worker=worker, timeout=120)
    return list(client.get(f"/api/v1/articles/{article_id}/").json()["claims"])


def test_new_claims_are_matched_with_what_was_checked_before(
    celery_worker: Worker, editor: User, client_for: Any, tmp_path: Path
) -> None:
    as_editor = client_for(editor)
    first = submitted_claims(as_editor, FIRST_ARTICLE, celery_worker)
    bridge = next(claim for claim in first if "400 million" in claim["text"])
    assert as_editor.post(f"/api/v1/claims/{bridge['id']}/accept/").status_code == 200
    wait_until(
        lambda: MatchEntry.objects.filter(claim_id=bridge["id"], target=True).exists(),
        what="the accepted claim in the index",
        worker=celery_worker,
    )
    dump = tmp_path / "reviews.jsonl"
    dump.write_text(json.dumps(VACCINE_REVIEW) + "\n{broken\n")
    out, err = StringIO(), StringIO()
    call_command("import_claimreviews", str(dump), stdout=out, stderr=err)
    assert "Imported 1 new review(s); 0 already known; 1 rejected." in out.getvalue()
    assert "line 2: not valid JSON" in err.getvalue()

    second = submitted_claims(as_editor, SECOND_ARTICLE, celery_worker)

    by_topic = {("bridge" if "bridge" in c["text"] else "vaccine"): c for c in second}
    bridge_again = as_editor.get(f"/api/v1/claims/{by_topic['bridge']['id']}/matches/").json()
    assert bridge_again["matching"] == "done"
    [ours] = bridge_again["matches"]
    assert (ours["kind"], ours["claim"]["id"]) == ("claim", bridge["id"])
    vaccine = as_editor.get(f"/api/v1/claims/{by_topic['vaccine']['id']}/matches/").json()
    [theirs] = vaccine["matches"]
    assert theirs["kind"] == "external_review"
    assert theirs["external_review"]["publisher_name"] == "Checkers United"
    assert theirs["external_review"]["origin"] == "other fact-checker"

    base = f"/api/v1/claims/{by_topic['bridge']['id']}/matches/{ours['id']}"
    assert as_editor.post(base + "/confirm/").status_code == 200
    assert as_editor.post(f"/api/v1/claims/{by_topic['bridge']['id']}/accept/").status_code == 200
    duplicate = Claim.objects.get(id=by_topic["bridge"]["id"])
    assert duplicate.duplicate_of_id == bridge["id"]
    assert list(Claim.objects.needing_review().values_list("id", flat=True)) == [bridge["id"]]
