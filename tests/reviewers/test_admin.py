"""The review desk in the admin: the queue with counts and filters, the desk page with
the claim in its article, evidence cards, the verdict form and only the steps the user
may take now — every step through the same services as the API."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from claims.models import Claim, Evidence
from reviewers.models import Rating, Review
from reviewers.services import review_draft, review_submit


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def desk(claim: Claim) -> str:
    return f"/admin/reviewers/review/desk/{claim.id}/"


def step(user: User, claim: Claim, name: str, **data: Any) -> Any:
    return logged_in(user).post(desk(claim) + f"{name}/", data, follow=True)


def said(response: Any) -> str:
    return " ".join(str(message) for message in response.context["messages"])


@pytest.fixture
def evidence(accepted_claim: Claim, make_evidence: Callable[..., Evidence]) -> Evidence:
    return make_evidence(accepted_claim)


def verdict(evidence: Evidence, **changes: Any) -> dict[str, Any]:
    return {
        "rating": Rating.objects.get(label="Mostly false").id,
        "headline": "Not 400 million",
        "justification": "The accounts say 212 million.",
        "cited_evidence": [evidence.id],
        **changes,
    }


@pytest.fixture
def drafted(accepted_claim: Claim, reviewer: User, evidence: Evidence) -> Review:
    response = step(reviewer, accepted_claim, "draft", **verdict(evidence))
    assert response.status_code == 200, response.content
    assert "The draft is saved." in said(response)
    return Review.objects.get(claim=accepted_claim)


def test_the_queue_shows_counts_filters_and_new_claims(
    accepted_claim: Claim, reviewer: User
) -> None:
    page = logged_in(reviewer).get("/admin/reviewers/review/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-state="new"><strong>1</strong>New' in html
    assert f"/admin/reviewers/review/desk/{accepted_claim.id}/" in html
    assert 'name="awaiting_my_approval"' in html and 'name="claimant"' in html
    mine = logged_in(reviewer).get("/admin/reviewers/review/", {"mine": "on"}).content.decode()
    assert f"desk/{accepted_claim.id}/" not in mine


def test_the_desk_shows_the_claim_in_its_article_and_the_evidence(
    accepted_claim: Claim, reviewer: User, evidence: Evidence
) -> None:
    html = logged_in(reviewer).get(desk(accepted_claim)).content.decode()
    assert '<div id="article-text"><mark' in html
    assert evidence.passage.split()[0] in html
    assert f'name="cited_evidence" value="{evidence.id}"' in html
    assert 'value="Take it (self-assign)"' in html
    assert 'value="Approve"' not in html and 'value="Dismiss"' not in html


def test_reviewer_drafts_a_verdict_citing_evidence(
    drafted: Review, reviewer: User, evidence: Evidence
) -> None:
    assert (drafted.state, drafted.author, drafted.assignee) == ("drafting", reviewer, reviewer)
    assert drafted.rating.label == "Mostly false"  # type: ignore[union-attr]
    assert list(drafted.cited_evidence.all()) == [evidence]


def test_author_cannot_approve_in_the_admin(
    accepted_claim: Claim, chief_editor: User, evidence: Evidence
) -> None:
    step(chief_editor, accepted_claim, "submit", **verdict(evidence))
    review = Review.objects.get(claim=accepted_claim)
    assert review.state == Review.State.AWAITING_APPROVAL
    page = logged_in(chief_editor).get(desk(accepted_claim)).content.decode()
    assert 'value="Approve"' not in page  # not offered to the author…
    refused = step(chief_editor, accepted_claim, "approve", version=review.version)
    assert refused.status_code == 400
    assert "cannot approve" in said(refused)  # …and refused if posted anyway
    review.refresh_from_db()
    assert (review.state, review.approved_by) == (Review.State.AWAITING_APPROVAL, None)


def test_chief_editor_approves_and_publishes_in_the_admin(
    drafted: Review, reviewer: User, chief_editor: User, evidence: Evidence
) -> None:
    step(reviewer, drafted.claim, "submit", **verdict(evidence, version=drafted.version))
    drafted.refresh_from_db()
    page = logged_in(chief_editor).get(desk(drafted.claim)).content.decode()
    assert 'value="Approve"' in page and 'value="Publish"' not in page
    assert "Approved." in said(step(chief_editor, drafted.claim, "approve"))
    assert "Published (version 1)." in said(step(chief_editor, drafted.claim, "publish"))
    drafted.refresh_from_db()
    assert drafted.state == Review.State.PUBLISHED
    assert drafted.versions.get().is_current
    page = logged_in(chief_editor).get(desk(drafted.claim)).content.decode()
    assert 'value="Retract"' in page and 'value="Publish a correction"' in page


def test_a_stale_verdict_form_saves_nothing(
    drafted: Review, reviewer: User, evidence: Evidence
) -> None:
    opened_at = drafted.version
    step(reviewer, drafted.claim, "draft", **verdict(evidence, headline="Newer", version=opened_at))
    response = step(
        reviewer, drafted.claim, "draft", **verdict(evidence, headline="Older", version=opened_at)
    )
    assert response.status_code == 400
    assert "changed this review after you opened it" in said(response)
    assert 'value="Older"' in response.content.decode()  # the form comes back as it was sent
    drafted.refresh_from_db()
    assert drafted.headline == "Newer"


def test_sending_without_a_rating_or_justification_saves_nothing(
    drafted: Review, reviewer: User, evidence: Evidence
) -> None:
    version = drafted.version
    no_rating = step(
        reviewer, drafted.claim, "submit", **verdict(evidence, rating="", version=version)
    )
    assert "The verdict needs a rating first." in said(no_rating)
    empty = step(
        reviewer, drafted.claim, "submit", **verdict(evidence, justification=" ", version=version)
    )
    assert "justification" in said(empty)
    drafted.refresh_from_db()
    assert (drafted.state, drafted.version) == (Review.State.DRAFTING, version)
    assert drafted.rating is not None and drafted.justification


def test_steps_and_comments_through_the_desk(
    accepted_claim: Claim, reviewer: User, chief_editor: User, editor: User
) -> None:
    assert "Assigned to reviewer" in said(step(chief_editor, accepted_claim, "auto-assign"))
    assert "Comment added." in said(step(chief_editor, accepted_claim, "comment", body="Urgent."))
    html = logged_in(editor).get(desk(accepted_claim)).content.decode()
    assert "Urgent." in html and "Nothing for you to do here now." in html
    assert step(editor, accepted_claim, "dismiss", reason="duplicate").status_code == 400
    dismissed = step(chief_editor, accepted_claim, "dismiss", reason="duplicate", note="Of #9.")
    assert "Dismissed" in said(dismissed)
    assert Review.objects.get(claim=accepted_claim).state == Review.State.DISMISSED


def test_old_review_urls_lead_to_the_desk(drafted: Review, reviewer: User) -> None:
    client = logged_in(reviewer)
    response = client.get(f"/admin/reviewers/review/{drafted.id}/change/")
    assert response.status_code == 302 and response["Location"] == desk(drafted.claim)
    assert client.get("/admin/reviewers/review/add/").status_code == 403
    assert client.post(desk(drafted.claim) + "unknown/").status_code == 404


def test_outsiders_stay_out(accepted_claim: Claim, outsider: User) -> None:
    outsider.is_staff = True
    outsider.save()
    assert logged_in(outsider).get(desk(accepted_claim)).status_code == 403
    assert logged_in(outsider).get("/admin/reviewers/review/").status_code == 403


def test_admin_pages_open(drafted: Review, admin_user: User) -> None:
    client = logged_in(admin_user)
    for path in [
        "/admin/",
        "/admin/claims/article/",
        "/admin/claims/article/add/",
        f"/admin/claims/article/{drafted.claim.article_id}/change/",
        "/admin/claims/claim/",
        f"/admin/claims/claim/{drafted.claim_id}/change/",
        "/admin/claims/evidence/",
        "/admin/reviewers/review/",
        "/admin/reviewers/review/?state=drafting&rating=Mostly+false&claimant=post",
        desk(drafted.claim),
        "/admin/reviewers/reviewevent/",
        "/admin/reviewers/publishedcheck/",
        "/admin/reviewers/rating/",
    ]:
        assert client.get(path).status_code == 200, path


def test_submitted_through_the_service_shows_on_the_desk(
    accepted_claim: Claim, reviewer: User, chief_editor: User, evidence: Evidence
) -> None:
    review = review_draft(
        claim=accepted_claim,
        author=reviewer,
        rating=Rating.objects.get(label="False"),
        headline="Not 400 million",
        justification="The accounts.",
        cited_evidence=[evidence],
    )
    review_submit(review=review, actor=reviewer)
    html = logged_in(chief_editor).get(desk(accepted_claim)).content.decode()
    assert 'data-state="awaiting_approval"' in html
    assert "drafting → awaiting_approval" in html
