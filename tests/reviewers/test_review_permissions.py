"""Every role against every step of the review desk, through the services (the admin and
the API call the same ones), with spot checks through the API; the desk page offers a step
exactly when the service would take it."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied

from claims.models import Claim, Evidence
from reviewers import services
from reviewers.desk_steps import available_steps
from reviewers.models import Rating, Review

State = Review.State
ROLES = ["editor", "reviewer", "chief_editor", "site_admin", "outsider"]
WRITERS = {"reviewer", "chief_editor", "site_admin"}
CHIEFS = {"chief_editor", "site_admin"}
# The step, the state it starts from, whether the actor must hold the review, who may.
ACTIONS: dict[str, tuple[str, bool, set[str]]] = {
    "self_assign": (State.NEW, False, WRITERS),
    "assign_other": (State.NEW, False, CHIEFS),
    "auto_assign": (State.NEW, False, CHIEFS),
    "draft": (State.ASSIGNED, True, WRITERS),
    "submit": (State.DRAFTING, True, WRITERS),
    "comment": (State.DRAFTING, False, WRITERS),
    "approve": (State.AWAITING_APPROVAL, False, CHIEFS),
    "send_back": (State.AWAITING_APPROVAL, False, CHIEFS),
    "publish": (State.APPROVED, False, CHIEFS),
    "correct": (State.PUBLISHED, False, CHIEFS),
    "retract": (State.PUBLISHED, False, CHIEFS),
    "dismiss": (State.ASSIGNED, False, CHIEFS),
}


@pytest.fixture
def cast(
    editor: User,
    reviewer: User,
    chief_editor: User,
    site_admin: User,
    outsider: User,
    second_reviewer: User,
) -> dict[str, User]:
    return {
        "editor": editor,
        "reviewer": reviewer,
        "chief_editor": chief_editor,
        "site_admin": site_admin,
        "outsider": outsider,
        "writer": second_reviewer,
    }


@pytest.fixture
def boss(db: None) -> User:
    """A chief editor who is not in the matrix, to take reviews where they start from."""
    user = User.objects.create_user("boss", is_staff=True)
    user.groups.add(Group.objects.get(name="Chief editor"))
    return user


def bring_to(state: str, claim: Claim, writer: User, boss: User, evidence: Evidence) -> None:
    """Take the claim's review to `state` through the services, written by `writer`."""
    if state == State.NEW:
        return
    services.review_assign(claim=claim, actor=boss, assignee=writer)
    if state == State.ASSIGNED:
        return
    review = services.review_draft(
        claim=claim,
        author=writer,
        rating=Rating.objects.get(label="False"),
        headline="Not 400 million",
        justification="The accounts say 212 million.",
        cited_evidence=[evidence],
    )
    if state == State.DRAFTING:
        return
    services.review_submit(review=review, actor=writer)
    if state == State.AWAITING_APPROVAL:
        return
    services.review_approve(review=review, approver=boss)
    if state == State.APPROVED:
        return
    services.review_publish(review=review, publisher=boss)


def hand_over(claim: Claim, actor: User) -> None:
    """Make the actor the review's assignee, whatever their role (a test shortcut)."""
    Review.objects.filter(claim=claim).update(assignee=actor)


def take(action: str, claim: Claim, actor: User, writer: User) -> object:
    review = Review.objects.filter(claim=claim).first()
    steps: dict[str, Callable[[], object]] = {
        "self_assign": lambda: services.review_self_assign(claim=claim, actor=actor),
        "assign_other": lambda: services.review_assign(claim=claim, actor=actor, assignee=writer),
        "auto_assign": lambda: services.review_auto_assign(claim=claim, actor=actor),
        "draft": lambda: services.review_draft(
            claim=claim, author=actor, rating=None, headline="Draft", justification=""
        ),
        "submit": lambda: services.review_submit(review=review, actor=actor),  # type: ignore[arg-type]
        "comment": lambda: services.review_comment(review=review, actor=actor, body="Why?"),  # type: ignore[arg-type]
        "approve": lambda: services.review_approve(review=review, approver=actor),  # type: ignore[arg-type]
        "send_back": lambda: services.review_send_back(
            review=review,  # type: ignore[arg-type]
            actor=actor,
            reason="changes_requested",
            note="Shorter headline.",
        ),
        "publish": lambda: services.review_publish(review=review, publisher=actor),  # type: ignore[arg-type]
        "correct": lambda: services.review_correct(review=review, corrector=actor, note="Typo."),  # type: ignore[arg-type]
        "retract": lambda: services.review_retract(review=review, retractor=actor, reason="Wrong."),  # type: ignore[arg-type]
        "dismiss": lambda: services.review_dismiss(claim=claim, actor=actor, reason="duplicate"),
    }
    return steps[action]()


def footprint(claim: Claim) -> tuple[Any, ...]:
    review = Review.objects.filter(claim=claim).first()
    if review is None:
        return (None,)
    return (review.state, review.version, review.events.count(), review.comments.count())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(
    role: str,
    action: str,
    cast: dict[str, User],
    boss: User,
    accepted_claim: Claim,
    make_evidence: Callable[..., Evidence],
) -> None:
    start, held, allowed = ACTIONS[action]
    actor, writer = cast[role], cast["writer"]
    bring_to(start, accepted_claim, writer, boss, make_evidence(accepted_claim))
    if held:
        hand_over(accepted_claim, actor)
    review = Review.objects.filter(claim=accepted_claim).first()
    offered = available_steps(actor, review)
    assert (action.replace("_other", "").replace("_", "-") in offered) == (role in allowed), (
        f"the desk offers {role} {sorted(offered)}"
    )
    before = footprint(accepted_claim)
    if role in allowed:
        take(action, accepted_claim, actor, writer)
        assert footprint(accepted_claim) != before, f"{role} {action}: nothing changed"
    else:
        with pytest.raises(PermissionDenied):
            take(action, accepted_claim, actor, writer)
        assert footprint(accepted_claim) == before, f"{role} {action}: something changed"


def test_api_spot_checks(
    cast: dict[str, User],
    boss: User,
    accepted_claim: Claim,
    make_evidence: Callable[..., Evidence],
    client_for: Any,
) -> None:
    claim_url = f"/api/v1/reviews/queue/{accepted_claim.id}/"
    assert client_for(cast["editor"]).post(claim_url + "assign/").status_code == 403
    assert client_for(cast["outsider"]).get("/api/v1/reviews/queue/").status_code == 403
    assert client_for(None).get("/api/v1/reviews/queue/").status_code in (401, 403)
    assert client_for(cast["editor"]).get("/api/v1/reviews/queue/").status_code == 200
    assign_other = {"assignee": "second_reviewer"}
    assert client_for(cast["reviewer"]).post(claim_url + "assign/", assign_other).status_code == 403
    assert (
        client_for(cast["chief_editor"]).post(claim_url + "assign/", assign_other).status_code
        == 200
    )
    bring_to(
        State.AWAITING_APPROVAL, accepted_claim, cast["writer"], boss, make_evidence(accepted_claim)
    )
    review = Review.objects.get(claim=accepted_claim)
    url = f"/api/v1/reviews/{review.id}/"
    assert client_for(cast["reviewer"]).post(url + "approve/").status_code == 403
    assert client_for(cast["editor"]).post(url + "comments/", {"body": "Hi"}).status_code == 403
    assert client_for(cast["editor"]).get(url).status_code == 200  # editors see reviews
    assert client_for(cast["editor"]).get(url + "comments/").status_code == 200
    assert client_for(cast["outsider"]).get(url).status_code == 403
    assert client_for(cast["outsider"]).get(url + "comments/").status_code == 403
    assert client_for(cast["site_admin"]).post(url + "approve/").status_code == 200
    assert client_for(cast["reviewer"]).post(url + "publish/").status_code == 403
    assert client_for(cast["chief_editor"]).post(url + "publish/").status_code == 201
    assert client_for(cast["reviewer"]).post(url + "retract/", {"reason": "x"}).status_code == 403
