"""The article and claim pages in the admin read as the article and the claim: text (and
evidence) first, metadata folded, no Save button where nothing is edited; the lists show
the columns an editor sorts by; the audit lists say when, what, who and why."""

from collections.abc import Callable

from django.contrib.auth.models import User
from django.test import Client

from claims.models import Article, Claim, Evidence
from reviewers.models import ReviewEvent
from reviewers.services import review_assign


def page(user: User, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_article_page_shows_its_text_before_its_folded_metadata_and_no_save_button(
    accepted_claim: Claim, editor: User
) -> None:
    html = page(editor, f"/admin/claims/article/{accepted_claim.article_id}/change/")

    text = html.index('class="form-row field-text"')
    metadata = html.index("<summary")
    assert text < metadata < html.index("field-content_hash")
    assert 'name="_save"' not in html
    assert 'name="_continue"' not in html
    assert "Close" in html


def test_claim_page_shows_the_claim_and_its_evidence_before_every_field(
    accepted_claim: Claim, reviewer: User, make_evidence: Callable[..., Evidence]
) -> None:
    make_evidence(accepted_claim)

    html = page(reviewer, f"/admin/claims/claim/{accepted_claim.id}/change/")

    assert html.index('id="claim"') < html.index('id="evidence"') < html.index("Every field")
    assert 'name="_save"' not in html


def test_article_list_shows_language_state_and_candidates_waiting(
    make_article: Callable[..., Article], editor: User
) -> None:
    article = make_article("The bridge cost 400 million.", title="Bridge", language="en")
    Claim.objects.create(article=article, text="The bridge cost 400 million.")
    failed = make_article("Gone.", title="Gone", url="https://gone.example/")
    Article.objects.filter(id=failed.id).update(
        status=Article.Status.FAILED, failure_reason="HTTP 410"
    )

    html = page(editor, "/admin/claims/article/")

    assert '<td class="field-candidates">1</td>' in html
    assert '<td class="field-language">en</td>' in html
    assert '<td class="field-state">failed: HTTP 410</td>' in html


def test_claim_list_shows_language_and_the_desk_state(
    accepted_claim: Claim, editor: User, reviewer: User, chief_editor: User
) -> None:
    Article.objects.filter(id=accepted_claim.article_id).update(language="en")
    assert '<td class="field-desk">new</td>' in page(editor, "/admin/claims/claim/")

    review_assign(claim=accepted_claim, actor=chief_editor, assignee=reviewer)

    html = page(editor, "/admin/claims/claim/")
    assert '<td class="field-desk">assigned</td>' in html
    assert '<td class="field-language">en</td>' in html


def test_audit_lists_say_when_what_who_and_why(
    accepted_claim: Claim, reviewer: User, chief_editor: User
) -> None:
    review_assign(claim=accepted_claim, actor=chief_editor, assignee=reviewer)
    assert ReviewEvent.objects.count() == 1

    claim_events = page(chief_editor, "/admin/claims/claimevent/")
    review_events = page(chief_editor, "/admin/reviewers/reviewevent/")

    assert '<td class="field-status_change">Candidate → Accepted</td>' in claim_events
    assert f"#{accepted_claim.id} A post on social media claims" in claim_events
    assert '<td class="field-what">New → Assigned</td>' in review_events
    assert '<td class="field-why">Assigned to reviewer.</td>' in review_events
