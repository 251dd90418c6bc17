"""The only place a review changes state.

Each transition is one function: it checks who may make it, locks the review row,
checks the state it starts from, saves only the fields it changes, and writes an audit
event, all in one transaction.
"""

import copy
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from claims.matching.services import match_headline_request
from claims.models import Claim, Evidence
from claims.tips.services import tip_readers_notify_request
from factcheck.facts import facts_changed
from reviewers.models import PublishedCheck, Rating, Review, ReviewComment, ReviewEvent, Tag
from reviewers.publishing.claimreview import claim_review, frozen_evidence
from reviewers.publishing.webhooks import deliveries_create
from reviewers.queue import least_loaded_reviewer, review_counts_move

State = Review.State


class InvalidTransition(Exception):
    """The review is not in a state that allows this step."""

    http_status = 409


class StaleReview(InvalidTransition):
    """The form was filled in on an older version of the review than the stored one."""


class FourEyesViolation(PermissionDenied):
    """The author of a verdict tried to approve it."""


# Steps that may start before a review row exists (the claim is "new" in the queue)
# take the claim; the row is written inside the same transaction as the step.


@transaction.atomic
def review_assign(*, claim: Claim, actor: User, assignee: User) -> Review:
    """Give the review of a claim to `assignee`: oneself (self-assign), or anyone who
    writes verdicts (Chief editor)."""
    _require_perm(actor, "reviewers.change_review")
    if assignee.pk != actor.pk:
        _require_perm(actor, "reviewers.assign_review")
    if not (assignee.is_active and assignee.has_perm("reviewers.change_review")):
        raise ValidationError({"assignee": f"{assignee} does not write verdicts."})
    review = _open_review(claim)
    _require_state(review, State.NEW, State.ASSIGNED, State.DRAFTING)
    if review.assignee_id == assignee.pk:
        return review
    if review.assignee_id is not None and not actor.has_perm("reviewers.assign_review"):
        raise PermissionDenied(
            f"The review is assigned to {review.assignee}; a chief editor can reassign it."
        )
    from_state = review.state
    review.assignee = assignee
    review.state = State.ASSIGNED if from_state == State.NEW else from_state
    _save(review, "assignee", "state")
    reason = f"Assigned to {assignee.get_username()}."
    _audit(review, actor, from_state=from_state, reason=reason, assignee=assignee)
    return review


def review_self_assign(*, claim: Claim, actor: User) -> Review:
    """Take the review of a claim for oneself."""
    return review_assign(claim=claim, actor=actor, assignee=actor)


@transaction.atomic
def review_auto_assign(*, claim: Claim, actor: User) -> Review:
    """Assign the review of a claim to the reviewer with the fewest open reviews."""
    _require_perm(actor, "reviewers.assign_review")
    assignee = least_loaded_reviewer()
    if assignee is None:
        raise ValidationError("Nobody can be assigned: no active reviewer writes verdicts.")
    return review_assign(claim=claim, actor=actor, assignee=assignee)


@transaction.atomic
def review_dismiss(
    *, claim: Claim, actor: User, reason: str, note: str = "", expected_version: int | None = None
) -> Review:
    """Take a claim off the desk: not check-worthy, or a duplicate of another."""
    _require_perm(actor, "reviewers.dismiss_review")
    if reason not in Review.DismissReason.values:
        choices = ", ".join(Review.DismissReason.values)
        raise ValidationError({"reason": f"Choose one of: {choices}."})
    review = _open_review(claim)
    _check_version(review, expected_version)
    open_states = (State.NEW, State.ASSIGNED, State.DRAFTING)
    _require_state(review, *open_states, State.AWAITING_APPROVAL, State.APPROVED)
    label = Review.DismissReason(reason).label
    note = note.strip()
    _move(review, actor, State.DISMISSED, reason_code=reason, reason=f"{label}. {note}".strip())
    return review


@transaction.atomic
def review_draft(
    *,
    claim: Claim,
    author: User,
    rating: Rating | None,
    headline: str,
    justification: str,
    tags: Iterable[Tag] | None = None,
    cited_evidence: Iterable[Evidence] | None = None,
    expected_version: int | None = None,
) -> Review:
    """Write or update the verdict on a claim. The assignee writes it; on a new claim,
    writing it self-assigns the review first."""
    _require_perm(author, "reviewers.change_review")
    review = _open_review(claim)
    _check_version(review, expected_version)
    if review.state == State.NEW:
        review.assignee, review.state = author, State.ASSIGNED
        _save(review, "assignee", "state")
        reason = "Self-assigned by drafting."
        _audit(review, author, from_state=State.NEW, reason=reason, assignee=author)
    _require_state(review, State.ASSIGNED, State.DRAFTING)
    if review.assignee_id != author.pk:
        raise PermissionDenied(f"Only the assignee ({review.assignee}) writes this verdict.")
    cited = _cited(review, cited_evidence)
    from_state = review.state
    _apply(
        review,
        rating=rating,
        headline=headline.strip(),
        justification=justification.strip(),
        author=author,
        state=State.DRAFTING,
    )
    review.full_clean(exclude=["claim"])
    _save(review, "rating", "headline", "justification", "author", "state")
    if tags is not None:
        review.tags.set(tags)
    if cited is not None:
        review.cited_evidence.set(cited)
    if from_state == State.ASSIGNED:
        _audit(review, author, from_state=from_state, reason="Started the verdict.")
    return review


# Steps on an existing review.


def review_submit(*, review: Review, actor: User, expected_version: int | None = None) -> Review:
    """Send a finished draft for approval by someone else."""
    _require_perm(actor, "reviewers.change_review")
    with transaction.atomic():
        review = _locked(review, expected_version)
        _require_state(review, State.DRAFTING)
        if review.assignee_id != actor.pk:
            raise PermissionDenied("Only the assignee of the verdict can send it for approval.")
        _require_complete_verdict(review)
        return _move(review, actor, State.AWAITING_APPROVAL, author=actor)


def review_approve(
    *, review: Review, approver: User, expected_version: int | None = None
) -> Review:
    """Approve someone else's verdict (four eyes): nobody who wrote it or held it."""
    _require_perm(approver, "reviewers.approve_review")
    with transaction.atomic():
        review = _locked(review, expected_version)
        _require_state(review, State.AWAITING_APPROVAL)
        if review.author_id == approver.pk:
            raise FourEyesViolation("The author of a verdict cannot approve it.")
        if approver.pk in review.writer_ids():
            raise FourEyesViolation(
                "Whoever held a verdict while it was written cannot approve it."
            )
        return _move(review, approver, State.APPROVED, approved_by=approver)


def review_send_back(
    *, review: Review, actor: User, reason: str, note: str, expected_version: int | None = None
) -> Review:
    """Return a verdict to its writer: more evidence needed, or changes requested."""
    _require_perm(actor, "reviewers.approve_review")
    if reason not in Review.SendBackReason.values:
        choices = ", ".join(Review.SendBackReason.values)
        raise ValidationError({"reason": f"Choose one of: {choices}."})
    if not note.strip():
        raise ValidationError({"note": "Say what the verdict needs."})
    with transaction.atomic():
        review = _locked(review, expected_version)
        _require_state(review, State.AWAITING_APPROVAL, State.APPROVED)
        label = Review.SendBackReason(reason).label
        reason_text = f"{label}. {note.strip()}"
        return _move(
            review, actor, State.DRAFTING, approved_by=None, reason_code=reason, reason=reason_text
        )


def review_publish(
    *, review: Review, publisher: User, expected_version: int | None = None
) -> PublishedCheck:
    """Publish an approved check: freeze version 1 of what the public sees."""
    _require_perm(publisher, "reviewers.publish_review")
    with transaction.atomic():
        review = _locked(review, expected_version)
        _require_state(review, State.APPROVED)
        review = _move(review, publisher, State.PUBLISHED)
        return _freeze_version(review, version=1)


@transaction.atomic
def review_correct(
    *,
    review: Review,
    corrector: User,
    note: str,
    rating: Rating | None = None,
    headline: str | None = None,
    justification: str | None = None,
    cited_evidence: Iterable[Evidence] | None = None,
    expected_version: int | None = None,
) -> PublishedCheck | None:
    """Correct a published check, saying what changed (`note`).

    A correction that keeps the rating freezes the next version at once (one person's act,
    like fixing a typo). One that changes the rating is a new verdict: it waits, in
    "correction awaiting approval", for a second person (review_correction_approve), and
    the public keeps the published version until then; None is returned.
    """
    _require_perm(corrector, "reviewers.publish_review")
    if not note.strip():
        raise ValidationError({"note": "Say what the correction changes."})
    review = _locked(review, expected_version)
    _require_state(review, State.PUBLISHED)
    given: dict[str, Any] = {"rating": rating, "headline": headline, "justification": justification}
    changes = {f: v.strip() if isinstance(v, str) else v for f, v in given.items() if v is not None}
    cited = _cited(review, cited_evidence)
    if cited is not None and not cited:
        raise ValidationError({"cited_evidence": "A published verdict cites evidence."})
    if rating is not None and rating.pk != review.rating_id:
        _propose_correction(review, corrector, note.strip(), changes, cited)
        return None
    return _correct(review, corrector, note.strip(), changes, cited)


def review_correction_approve(
    *, review: Review, approver: User, expected_version: int | None = None
) -> PublishedCheck:
    """Approve and publish someone else's correction that changes the rating."""
    _require_perm(approver, "reviewers.approve_review")
    _require_perm(approver, "reviewers.publish_review")
    with transaction.atomic():
        review = _locked(review, expected_version)
        _require_state(review, State.CORRECTION_PENDING)
        pending = review.pending_correction
        if pending["by"] == approver.pk:
            raise FourEyesViolation("Whoever proposed a correction cannot approve it.")
        changes: dict[str, Any] = {
            "headline": pending["headline"],
            "justification": pending["justification"],
            "rating": Rating.objects.get(pk=pending["rating"]),
            "pending_correction": {},
        }
        cited_ids = pending["cited_evidence"]
        cited = None if cited_ids is None else list(Evidence.objects.filter(pk__in=cited_ids))
        return _correct(review, approver, pending["note"], changes, cited)


def review_correction_reject(
    *, review: Review, actor: User, note: str, expected_version: int | None = None
) -> Review:
    """Turn down a proposed correction: the published verdict stands as it is."""
    _require_perm(actor, "reviewers.approve_review")
    if not note.strip():
        raise ValidationError({"note": "Say why the correction is turned down."})
    with transaction.atomic():
        review = _locked(review, expected_version)
        _require_state(review, State.CORRECTION_PENDING)
        return _move(review, actor, State.PUBLISHED, reason=note.strip(), pending_correction={})


def _propose_correction(
    review: Review,
    corrector: User,
    note: str,
    changes: dict[str, Any],
    cited: list[Evidence] | None,
) -> None:
    """Check the corrected verdict as it would be, and keep it aside for approval."""
    proposed = copy.copy(review)
    _apply(proposed, **changes)
    proposed.full_clean(exclude=["claim"])
    assert proposed.rating is not None
    pending = {
        "rating": proposed.rating.pk,
        "headline": proposed.headline,
        "justification": proposed.justification,
        "cited_evidence": None if cited is None else [item.pk for item in cited],
        "note": note,
        "by": corrector.pk,
    }
    reason = f"Proposed a correction to {proposed.rating.label}: {note}"
    _move(review, corrector, State.CORRECTION_PENDING, reason=reason, pending_correction=pending)


def _correct(
    review: Review,
    actor: User,
    note: str,
    changes: dict[str, Any],
    cited: list[Evidence] | None,
) -> PublishedCheck:
    """Apply a correction to the locked review and freeze the version the public sees."""
    _apply(review, **changes)
    review.full_clean(exclude=["claim"])
    if cited is not None:
        review.cited_evidence.set(cited)
    review = _move(review, actor, State.PUBLISHED, reason=note, **changes)
    return _freeze_version(review, change=PublishedCheck.Change.CORRECTED, note=note)


@transaction.atomic
def review_retract(
    *, review: Review, retractor: User, reason: str, expected_version: int | None = None
) -> PublishedCheck:
    """Withdraw a published check: a last version that says why, without a ClaimReview."""
    _require_perm(retractor, "reviewers.publish_review")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the check is retracted."})
    review = _locked(review, expected_version)
    _require_state(review, State.PUBLISHED, State.CORRECTION_PENDING)
    review = _move(review, retractor, State.RETRACTED, reason=reason.strip(), pending_correction={})
    return _freeze_version(review, change=PublishedCheck.Change.RETRACTED, note=reason.strip())


def review_comment(*, review: Review, actor: User, body: str) -> ReviewComment:
    """Add a message to the review's thread."""
    _require_perm(actor, "reviewers.add_reviewcomment")
    if not body.strip():
        raise ValidationError({"body": "Write something first."})
    return ReviewComment.objects.create(review=review, author=actor, body=body.strip())


def _freeze_version(
    review: Review,
    *,
    version: int | None = None,
    change: str = PublishedCheck.Change.PUBLISHED,
    note: str = "",
) -> PublishedCheck:
    now = timezone.now()
    previous = review.versions.filter(is_current=True).first()
    published_at = previous.published_at if previous else now
    version = version or (previous.version + 1 if previous else 1)
    review.versions.filter(is_current=True).update(is_current=False)
    assert review.rating is not None
    claim, article = review.claim, review.claim.article
    retracted = change == PublishedCheck.Change.RETRACTED
    check = PublishedCheck.objects.create(
        review=review,
        version=version,
        change=change,
        note=note,
        published_at=published_at,
        modified_at=now,
        claim_text=claim.text,
        claimant=claim.claimant,
        appearance_url=article.canonical_url or article.url,
        language=article.language,
        tags=list(review.tags.values_list("slug", flat=True)),
        evidence=frozen_evidence(review),
        rating_label=review.rating.label,
        rating_value=review.rating.value,
        headline=review.headline,
        justification=review.justification,
        claim_review={}
        if retracted
        else claim_review(review, published_at=published_at, modified_at=now),
    )
    facts_changed(PublishedCheck, published_at)  # the first publication's day
    deliveries_create(check=check)
    match_headline_request(claim_id=claim.id)  # matching weighs the check's headline
    if not retracted:
        tip_readers_notify_request(claim_id=claim.id)  # readers who asked are told
    return check


def _open_review(claim: Claim) -> Review:
    """Lock the claim and return its review, locked, writing the row (state "new") if
    this is the first step taken on it. The claim's lock serializes first steps."""
    claim = Claim.objects.select_for_update().get(id=claim.id)
    if claim.status != Claim.Status.ACCEPTED:
        raise InvalidTransition("Only accepted claims can be reviewed.")
    review = Review.objects.select_for_update().filter(claim=claim).first()
    if review is None:
        _refuse_checked_before(claim)
        review = Review.objects.create(claim=claim, state=State.NEW, accepted_at=claim.accepted_at)
        review_counts_move(from_state="", to_state=State.NEW)
    return review


def _refuse_checked_before(claim: Claim) -> None:
    """A claim an editor confirmed as checked before is not checked again."""
    if claim.duplicate_of_id is not None:
        raise InvalidTransition(
            f"This claim is the same as claim {claim.duplicate_of_id}: review that one."
        )
    if claim.checked_by_external_id is not None:
        raise InvalidTransition("Another fact-checker checked this claim: see its review.")


def _locked(review: Review, expected_version: int | None) -> Review:
    locked = Review.objects.select_for_update(of=("self",)).select_related(
        "claim__article", "rating", "assignee", "author"
    )
    review = locked.get(pk=review.pk)
    _check_version(review, expected_version)
    return review


def _check_version(review: Review, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != review.version:
        raise StaleReview(
            f"Someone changed this review after you opened it (your version "
            f"{expected_version}, now {review.version}); reload it and try again."
        )


def _require_state(review: Review, *states: str) -> None:
    if review.state not in states:
        wanted = " or ".join(str(State(state).label) for state in states)
        raise InvalidTransition(
            f"The review is {review.get_state_display()}; this step needs it to be {wanted}."
        )


def _move(
    review: Review,
    actor: User,
    to_state: str,
    *,
    reason: str = "",
    reason_code: str = "",
    **changes: Any,
) -> Review:
    """Change the locked review's state (and `changes`), and record the event."""
    from_state = review.state
    _apply(review, state=to_state, **changes)
    _save(review, "state", *changes)
    _audit(review, actor, from_state=from_state, reason=reason, reason_code=reason_code)
    return review


def _save(review: Review, *fields: str) -> None:
    review.version += 1
    review.save(update_fields=[*dict.fromkeys(fields), "version", "updated_at"])


def _cited(review: Review, evidence: Iterable[Evidence] | None) -> list[Evidence] | None:
    """Return the evidence to cite, refusing evidence gathered for another claim."""
    if evidence is None:
        return None
    cited = list(evidence)
    foreign = [item.pk for item in cited if item.claim_id != review.claim_id]
    if foreign:
        ids = ", ".join(f"#{pk}" for pk in foreign)
        raise ValidationError(
            {"cited_evidence": f"Evidence {ids} belongs to another claim; cite this claim's."}
        )
    return cited


def _require_complete_verdict(review: Review) -> None:
    fields = {"rating": review.rating_id, "headline": review.headline}
    fields["justification"] = review.justification
    missing = [name for name, value in fields.items() if not value]
    if missing:
        raise ValidationError(f"The verdict needs a {' and a '.join(missing)} first.")
    if not review.cited_evidence.exists():
        raise ValidationError("The verdict needs to cite at least one piece of evidence.")


def _apply(review: Review, **changes: Any) -> None:
    for field, value in changes.items():
        setattr(review, field, value)


def _audit(
    review: Review,
    actor: User,
    *,
    from_state: str,
    reason: str = "",
    reason_code: str = "",
    assignee: User | None = None,
) -> None:
    event = ReviewEvent.objects.create(
        review=review,
        actor=actor,
        from_state=from_state,
        to_state=review.state,
        reason=reason,
        reason_code=reason_code,
        assignee=assignee,
    )
    facts_changed(ReviewEvent, event.created_at)
    # Every change of state records its event here, so here the desk's counts follow it.
    review_counts_move(from_state=from_state, to_state=review.state)
    _stamp_stage(review, event.created_at)


def _stamp_stage(review: Review, at: datetime) -> None:
    """Keep the time the review first reached a stage's end, as its event says, and how
    long the stage took from the previous one's end. Written beside the event, not through
    `_save`: it is bookkeeping, not a change a stale form should trip on."""
    field = Review.STAGE_TIMES.get(State(review.state))
    if field is None or getattr(review, field) is not None:
        return
    ends = ["accepted_at", *Review.STAGE_TIMES.values()]
    before = getattr(review, ends[ends.index(field) - 1])
    took = None if before is None else round((at - before).total_seconds())
    stamps = {field: at, field.replace("_at", "_seconds"): took}
    _apply(review, **stamps)
    Review.objects.filter(pk=review.pk).update(**stamps)
    facts_changed(Review, review.accepted_at)


def _require_perm(user: User, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied(f"You need the “{permission}” permission for this.")
