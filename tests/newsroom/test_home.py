"""The home page after login says what needs the signed-in user now, with counts and links
to where the work is done, and only what their role lets them act on."""

from collections.abc import Callable

from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from claims.models import Article, Claim, Evidence, TipGroup
from reviewers.models import Rating, Review
from reviewers.services import review_assign, review_draft, review_submit


def home_of(user: User) -> dict[str, tuple[int, str]]:
    client = Client()
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return {item.label: (item.count, item.url) for item in response.context["needs_me"]}


def failed_article(make_article: Callable[..., Article]) -> None:
    article = make_article("Nothing could be read.", url="https://x.example/")
    Article.objects.filter(id=article.id).update(
        status=Article.Status.FAILED, failure_reason="HTTP 503"
    )


def test_reviewer_sees_their_assignments_and_nothing_to_approve(
    accepted_claim: Claim, reviewer: User, chief_editor: User
) -> None:
    review_assign(claim=accepted_claim, assignee=reviewer, actor=chief_editor)

    home = home_of(reviewer)

    assert home["My assignments"] == (1, "/admin/reviewers/review/?mine=on")
    assert "Verdicts awaiting my approval" not in home


def test_chief_editor_sees_verdicts_awaiting_their_approval(
    accepted_claim: Claim,
    reviewer: User,
    chief_editor: User,
    make_evidence: Callable[..., Evidence],
) -> None:
    review = review_draft(
        claim=accepted_claim,
        author=reviewer,
        rating=Rating.objects.get(label="False"),
        headline="It cost 212 million",
        justification="The accounts say so.",
        cited_evidence=[make_evidence(accepted_claim)],
    )
    review_submit(review=review, actor=reviewer)

    home = home_of(chief_editor)

    count, url = home["Verdicts awaiting my approval"]
    assert count == 1
    assert url == "/admin/reviewers/review/?awaiting_my_approval=on"
    assert Review.objects.get().state == Review.State.AWAITING_APPROVAL


def test_editor_sees_candidates_failed_gathering_and_failed_articles(
    editor: User, make_article: Callable[..., Article], accepted_claim: Claim
) -> None:
    failed_article(make_article)
    Claim.objects.filter(id=accepted_claim.id).update(gathering=Claim.Gathering.FAILED)
    Claim.objects.create(article=accepted_claim.article, text="The bridge opened in 1990.")

    home = home_of(editor)

    assert home["Articles that failed to ingest"] == (
        1,
        "/admin/claims/article/?status__exact=failed",
    )
    assert home["Gathering failures"] == (1, "/admin/claims/claim/?gathering__exact=failed")
    assert home["Claim candidates"] == (1, "/admin/claims/claim/?status__exact=candidate")
    assert "My assignments" not in home


def test_each_link_opens_a_list_that_shows_the_counted_rows(
    editor: User, make_article: Callable[..., Article]
) -> None:
    failed_article(make_article)
    client = Client()
    client.force_login(editor)

    _, url = home_of(editor)["Articles that failed to ingest"]
    listed = client.get(url)

    assert listed.status_code == 200
    assert listed.context["cl"].result_count == 1


def test_the_header_login_and_view_site_speak_of_the_product(client: Client, editor: User) -> None:
    login = client.get("/admin/login/")
    assert "factcheck · newsroom" in login.content.decode()
    assert "Django administration" not in login.content.decode()
    client.force_login(editor)
    home = client.get("/admin/").content.decode()
    assert "What needs you now" in home
    assert 'href="/checks/"' in home


def test_editor_sees_the_new_reader_tips_and_not_those_already_claims(
    editor: User, reviewer: User, accepted_claim: Claim
) -> None:
    now = timezone.now()
    for text, claim in (("Did the bridge cost 400 million?", None), ("Is the mayor 90?", None)):
        TipGroup.objects.create(
            text=text, vector=b"", model_name="m", count=3, first_asked_at=now,
            last_asked_at=now, claim=claim,
        )  # fmt: skip
    TipGroup.objects.create(
        text="Was the bridge late?", vector=b"", model_name="m", count=1, first_asked_at=now,
        last_asked_at=now, claim=accepted_claim, status=TipGroup.Status.CLAIMED,
    )  # fmt: skip

    home = home_of(editor)

    assert home["New reader tips"] == (2, "/admin/claims/tipgroup/?status__exact=open")
    assert "New reader tips" not in home_of(reviewer)
    client = Client()
    client.force_login(editor)
    assert client.get(home["New reader tips"][1]).context["cl"].result_count == 2
