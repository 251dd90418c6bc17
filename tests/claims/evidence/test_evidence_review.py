"""Reviewers curate evidence: pin and unpin it, set its stance, add a page by URL, and
gather again on demand; through the services, the API and the admin's evidence cards."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from claims.evidence.review import evidence_add, evidence_pin, evidence_set_stance
from claims.evidence.stance import load_model
from claims.models import Claim, Evidence
from tests.conftest import LocalSite

ACCOUNTS = (
    "The City of Riverton has published its accounts. The total cost of the Harbour Street "
    "bridge was 212 million dollars. The claim of 400 million dollars is false."
)
HOSTILE = '<script>alert("x")</script> The Harbour Street bridge cost 212 million dollars.'
PAGE = """<!doctype html><html lang="en"><head><title>Auditor's report</title>
<meta property="og:site_name" content="Riverton Auditor"></head><body><article>
<h1>Auditor's report</h1><p>The auditor confirmed that the Harbour Street bridge cost
212 million dollars, not 400 million dollars as a viral post claims.</p>
<p>The report covers every payment made between 2022 and 2026.</p></article></body></html>"""


def add_evidence(claim: Claim, source: Any, relevance: float, rank: int, **fields: Any) -> Evidence:
    return Evidence.objects.create(
        claim=claim, source=source, provider="archive", passage=source.text, rank=rank,
        relevance=relevance, snapshot_hash=source.content_hash, retrieved_at=timezone.now(),
        **fields,
    )  # fmt: skip


@pytest.fixture
def two_pieces(accepted_claim: Claim, make_article: Any) -> tuple[Evidence, Evidence]:
    best = add_evidence(accepted_claim, make_article(ACCOUNTS, title="Accounts"), 0.8, 1)
    other = add_evidence(accepted_claim, make_article(HOSTILE, title="<b>Hostile</b>"), 0.5, 2)
    return best, other


def ranks(claim: Claim) -> list[tuple[int, int, bool]]:
    return list(claim.evidence.order_by("rank").values_list("id", "rank", "pinned"))


def test_pinning_puts_evidence_first_and_unpinning_restores_relevance_order(
    accepted_claim: Claim, two_pieces: tuple[Evidence, Evidence], reviewer: User
) -> None:
    best, other = two_pieces
    evidence_pin(evidence=other, pinned=True, user=reviewer)
    assert ranks(accepted_claim) == [(other.id, 1, True), (best.id, 2, False)]
    evidence_pin(evidence=other, pinned=False, user=reviewer)
    assert ranks(accepted_claim) == [(best.id, 1, False), (other.id, 2, False)]


def test_reviewers_set_the_stance_and_outsiders_cannot(
    two_pieces: tuple[Evidence, Evidence], reviewer: User, outsider: User
) -> None:
    best, _ = two_pieces
    evidence_set_stance(evidence=best, stance="refutes", user=reviewer)
    best.refresh_from_db()
    assert (best.stance, best.stance_cue) == ("refutes", "set by reviewer")
    with pytest.raises(ValidationError):
        evidence_set_stance(evidence=best, stance="probably", user=reviewer)
    with pytest.raises(PermissionDenied):
        evidence_set_stance(evidence=best, stance="supports", user=outsider)
    with pytest.raises(PermissionDenied):
        evidence_pin(evidence=best, pinned=True, user=outsider)


def test_a_page_added_by_url_is_fetched_safely_and_pinned(
    accepted_claim: Claim, reviewer: User, local_site: LocalSite
) -> None:
    url = local_site.add("/auditor", PAGE)
    evidence = evidence_add(claim=accepted_claim, url=url, user=reviewer)
    assert (evidence.provider, evidence.pinned, evidence.rank) == ("by_hand", True, 1)
    assert evidence.added_by == reviewer
    assert "212 million dollars" in evidence.passage
    # The stance model's suggestion, with its name and probability, for a person to confirm.
    assert evidence.stance_cue.startswith(f"{load_model().name}, p = ")
    assert evidence.stance_by is None
    assert evidence.source.publisher == "Riverton Auditor"
    assert evidence.snapshot_hash == evidence.source.snapshots.get().sha256
    with pytest.raises(ValidationError, match="already evidence"):
        evidence_add(claim=accepted_claim, url=url, user=reviewer)
    with pytest.raises(ValidationError):
        evidence_add(claim=accepted_claim, url="http://169.254.169.254/", user=reviewer)


def test_the_api_curates_evidence_and_starts_gathering(
    accepted_claim: Claim,
    two_pieces: tuple[Evidence, Evidence],
    reviewer: User,
    outsider: User,
    client_for: Any,
    local_site: LocalSite,
) -> None:
    best, other = two_pieces
    api = client_for(reviewer)
    pinned = api.post(f"/api/v1/evidence/{other.id}/pin/", {"pinned": True}, format="json")
    assert pinned.status_code == 200 and pinned.json()["rank"] == 1
    stance = api.post(f"/api/v1/evidence/{best.id}/stance/", {"stance": "mixed"})
    assert stance.status_code == 200 and stance.json()["stance"] == "mixed"
    assert api.post(f"/api/v1/evidence/{best.id}/stance/", {"stance": "?"}).status_code == 400
    added = api.post(
        f"/api/v1/claims/{accepted_claim.id}/evidence/", {"url": local_site.add("/a", PAGE)}
    )
    assert added.status_code == 201 and added.json()["provider"] == "by_hand"
    assert api.post("/api/v1/evidence/999999/pin/", {"pinned": True}).status_code == 404
    forbidden = client_for(outsider).post(f"/api/v1/evidence/{best.id}/pin/", {"pinned": True})
    assert forbidden.status_code == 403

    rerun = api.post(f"/api/v1/claims/{accepted_claim.id}/gather/")
    assert rerun.status_code == 202
    assert rerun.json()["state"] == "running"  # the run of the acceptance is still going
    assert {job["provider"] for job in rerun.json()["jobs"]} == {"archive", "links", "our_checks"}
    detail = api.get(f"/api/v1/claims/{accepted_claim.id}/").json()
    assert [item["pinned"] for item in detail["evidence"]] == [True, True, False]
    assert detail["gathering_runs"][0]["providers_total"] == 3
    assert {"interested_party", "published_after_claim", "stance_cue"} <= set(detail["evidence"][0])


def test_gathering_is_refused_for_a_claim_not_accepted(
    make_article: Any, editor: User, client_for: Any
) -> None:
    claim = Claim.objects.create(article=make_article("The bridge cost a lot."), text="Cost.")
    response = client_for(editor).post(f"/api/v1/claims/{claim.id}/gather/")
    assert response.status_code == 409
    assert not claim.gathering_runs.exists()


def test_claim_detail_api_query_count_does_not_grow_with_evidence(
    accepted_claim: Claim,
    two_pieces: tuple[Evidence, Evidence],
    make_article: Any,
    reviewer: User,
    client_for: Any,
    django_assert_max_num_queries: Any,
) -> None:
    for number in range(5):
        add_evidence(accepted_claim, make_article(f"Bridge note {number}."), 0.1, 3 + number)
    with django_assert_max_num_queries(8):
        assert client_for(reviewer).get(f"/api/v1/claims/{accepted_claim.id}/").status_code == 200


def test_the_admin_shows_evidence_cards_escaped_with_the_claims_words_marked(
    accepted_claim: Claim, two_pieces: tuple[Evidence, Evidence], reviewer: User
) -> None:
    client = Client()
    client.force_login(reviewer)
    page = client.get(reverse("admin:claims_claim_change", args=[accepted_claim.id]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "&lt;b&gt;Hostile&lt;/b&gt;" in html
    assert "<mark>Harbour</mark> <mark>Street</mark> <mark>bridge</mark>" in html
    assert "Gathering run #" in html and "0 of 3 providers done" in html
    assert "Set or confirm stance" in html and "Add and pin" in html


def test_the_admin_pins_sets_stance_and_gathers_again(
    accepted_claim: Claim, two_pieces: tuple[Evidence, Evidence], reviewer: User
) -> None:
    best, other = two_pieces
    client = Client()
    client.force_login(reviewer)
    curate = "admin:claims_evidence_curate"
    assert client.post(reverse(curate, args=[other.id, "pin"])).status_code == 302
    client.post(reverse(curate, args=[best.id, "stance"]), {"stance": "refutes"})
    other.refresh_from_db()
    best.refresh_from_db()
    assert (other.pinned, other.rank, best.stance) == (True, 1, "refutes")
    accepted_claim.gathering_runs.update(state="done", finished_at=timezone.now())
    client.post(reverse("admin:claims_gather", args=[accepted_claim.id]))
    assert accepted_claim.gathering_runs.count() == 2


def test_the_snapshot_is_served_as_inert_text(
    accepted_claim: Claim, reviewer: User, local_site: LocalSite
) -> None:
    url = local_site.add("/auditor", PAGE.replace("<h1>", "<script>steal()</script><h1>"))
    evidence = evidence_add(claim=accepted_claim, url=url, user=reviewer)
    client = Client()
    client.force_login(reviewer)
    card_page = client.get(reverse("admin:claims_claim_change", args=[accepted_claim.id]))
    snapshot = evidence.source.snapshots.get()
    link = reverse("admin:claims_evidence_snapshot", args=[snapshot.id])
    assert link in card_page.content.decode()
    response = client.get(link)
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert b"<script>steal()</script>" in response.content


def test_the_admin_lists_gathering_runs_with_their_jobs(
    accepted_claim: Claim, reviewer: User
) -> None:
    client = Client()
    client.force_login(reviewer)
    run = accepted_claim.gathering_runs.get()
    assert client.get(reverse("admin:claims_gatheringrun_changelist")).status_code == 200
    page = client.get(reverse("admin:claims_gatheringrun_change", args=[run.id]))
    assert page.status_code == 200
    assert "archive" in page.content.decode() and "links" in page.content.decode()
