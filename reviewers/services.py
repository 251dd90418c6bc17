"""The only place a review changes state.

Each transition is one function: it checks who may make it, locks the review row,
checks the state it starts from, saves only the fields it changes, and writes an audit
event, all in one transaction.
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from claims.models import Claim

from .models import PublishedCheck, Rating, Review, ReviewEvent, Tag
from .publishing import claim_review, frozen_evidence
from .webhooks import deliveries_create

State = Review.State


class InvalidTransition(Exception):
    """The review is not in a state that allows this step."""

    http_status = 409


class FourEyesViolation(PermissionDenied):
    """The author of a verdict tried to approve it."""


@transaction.atomic
def review_draft(
    *,
    claim: Claim,
    author: User,
    rating: Rating | None,
    headline: str,
    justification: str,
    tags: Iterable[Tag] | None = None,
) -> Review:
    """Start or update the draft verdict on an accepted claim."""
    _require_perm(author, "reviewers.change_review")
    claim = Claim.objects.select_for_update().get(id=claim.id)
    if claim.status != Claim.Status.ACCEPTED:
        raise InvalidTransition("Only accepted claims can be reviewed.")
    review = Review.objects.select_for_update().filter(claim=claim).first()
    if review is None:
        review = Review(claim=claim, author=author)
        _apply(
            review, rating=rating, headline=headline.strip(), justification=justification.strip()
        )
        review.full_clean()
        review.save()
        if tags is not None:
            review.tags.set(tags)
        _audit(review, author, from_state="", reason="Draft started.")
        return review
    if review.state != State.DRAFTING:
        raise InvalidTransition(f"The review is {review.get_state_display()}, not drafting.")
    if review.author_id != author.pk:
        raise PermissionDenied("Only the author of a draft can edit it.")
    _apply(review, rating=rating, headline=headline.strip(), justification=justification.strip())
    review.full_clean()
    review.save(update_fields=["rating", "headline", "justification", "updated_at"])
    if tags is not None:
        review.tags.set(tags)
    return review


def review_submit(*, review: Review, actor: User) -> Review:
    """Send a finished draft for approval by someone else."""
    return _transition(review, actor, State.DRAFTING, State.AWAITING_APPROVAL, author_only=True)


def review_approve(*, review: Review, approver: User) -> Review:
    """Approve someone else's verdict (four eyes)."""
    _require_perm(approver, "reviewers.approve_review")
    return _transition(
        review, approver, State.AWAITING_APPROVAL, State.APPROVED, approved_by=approver
    )


def review_publish(*, review: Review, publisher: User) -> PublishedCheck:
    """Publish an approved check: freeze version 1 of what the public sees."""
    _require_perm(publisher, "reviewers.publish_review")
    with transaction.atomic():
        review = _transition(review, publisher, State.APPROVED, State.PUBLISHED)
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
) -> PublishedCheck:
    """Correct a published check: freeze the next version, saying what changed (`note`)."""
    _require_perm(corrector, "reviewers.publish_review")
    if not note.strip():
        raise ValidationError({"note": "Say what the correction changes."})
    review = _transition(review, corrector, State.PUBLISHED, State.PUBLISHED, reason=note.strip())
    changes = {"rating": rating, "headline": headline, "justification": justification}
    changes = {field: value for field, value in changes.items() if value is not None}
    _apply(review, **{f: v.strip() if isinstance(v, str) else v for f, v in changes.items()})
    review.full_clean()
    review.save(update_fields=[*changes, "updated_at"])
    return _freeze_version(review, change=PublishedCheck.Change.CORRECTED, note=note.strip())


@transaction.atomic
def review_retract(*, review: Review, retractor: User, reason: str) -> PublishedCheck:
    """Withdraw a published check: a last version that says why, without a ClaimReview."""
    _require_perm(retractor, "reviewers.publish_review")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the check is retracted."})
    review = _transition(review, retractor, State.PUBLISHED, State.RETRACTED, reason=reason.strip())
    return _freeze_version(review, change=PublishedCheck.Change.RETRACTED, note=reason.strip())


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
        evidence=frozen_evidence(claim),
        rating_label=review.rating.label,
        rating_value=review.rating.value,
        headline=review.headline,
        justification=review.justification,
        claim_review={}
        if retracted
        else claim_review(review, published_at=published_at, modified_at=now),
    )
    deliveries_create(check=check)
    return check


def _transition(
    review: Review,
    actor: User,
    from_state: str,
    to_state: str,
    *,
    author_only: bool = False,
    reason: str = "",
    **changes: Any,
) -> Review:
    with transaction.atomic():
        locked = Review.objects.select_for_update(of=("self",)).select_related(
            "claim__article", "rating"
        )
        review = locked.get(pk=review.pk)
        if review.state != from_state:
            raise InvalidTransition(
                f"The review is {review.get_state_display()}; "
                f"this step needs it to be {State(from_state).label}."
            )
        if to_state == State.AWAITING_APPROVAL:
            _require_complete_verdict(review)
        if author_only and review.author_id != actor.pk:
            raise PermissionDenied("Only the author of the verdict can do this.")
        if "approved_by" in changes and review.author_id == actor.pk:
            raise FourEyesViolation("The author of a verdict cannot approve it.")
        _apply(review, state=to_state, **changes)
        review.save(update_fields=["state", *changes, "updated_at"])
        _audit(review, actor, from_state=from_state, reason=reason)
        return review


def _require_complete_verdict(review: Review) -> None:
    fields = {"rating": review.rating_id, "headline": review.headline}
    fields["justification"] = review.justification
    missing = [name for name, value in fields.items() if not value]
    if missing:
        raise ValidationError(f"The verdict needs a {' and a '.join(missing)} first.")


def _apply(review: Review, **changes: Any) -> None:
    for field, value in changes.items():
        setattr(review, field, value)


def _audit(review: Review, actor: User, *, from_state: str, reason: str) -> None:
    ReviewEvent.objects.create(
        review=review, actor=actor, from_state=from_state, to_state=review.state, reason=reason
    )


def _require_perm(user: User, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied(f"You need the “{permission}” permission for this.")
