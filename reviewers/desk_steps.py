"""The steps a user can take on the review desk's page, each a small function that reads
its form, calls one service and says what it did (the admin views: desk.py)."""

from collections.abc import Callable

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict

from claims.models import Claim, Evidence
from reviewers import services
from reviewers.models import Rating, Review

State = Review.State
Step = Callable[[QueryDict, Claim, Review | None, User], str]


class VerdictForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    rating = forms.ModelChoiceField(Rating.objects.all(), required=False)
    headline = forms.CharField(max_length=300, required=False)
    justification = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), required=False)
    # Any evidence id: the service refuses another claim's evidence with a clear message.
    cited_evidence = forms.ModelMultipleChoiceField(Evidence.objects.all(), required=False)


def available_steps(user: User, review: Review | None) -> set[str]:
    """Return the steps this user may take on the review now: the desk shows only these
    (the services check again whatever is posted)."""
    state = review.state if review else State.NEW
    writes = user.has_perm("reviewers.change_review")
    assigns = user.has_perm("reviewers.assign_review")
    approves = user.has_perm("reviewers.approve_review")
    publishes = user.has_perm("reviewers.publish_review")
    holder = review is not None and review.assignee_id == user.pk
    steps: set[str] = set()
    if review is not None and user.has_perm("reviewers.add_reviewcomment"):
        steps.add("comment")
    if state == State.NEW and writes:
        steps |= {"self-assign", "draft", "submit"}
    if state in (State.NEW, State.ASSIGNED, State.DRAFTING) and assigns:
        steps |= {"assign", "auto-assign"}
    if state in (State.ASSIGNED, State.DRAFTING) and holder and writes:
        steps |= {"draft", "submit"}
    if state == State.AWAITING_APPROVAL and approves:
        steps.add("send-back")
        if review is not None and user.pk not in review.writer_ids():
            steps.add("approve")
    if state == State.APPROVED:
        steps |= {"send-back"} if approves else set()
        steps |= {"publish"} if publishes else set()
    if state == State.PUBLISHED and publishes:
        steps |= {"correct", "retract"}
    if state == State.CORRECTION_PENDING and review is not None:
        steps |= _correction_steps(user, review)
    dismissable = (State.NEW, State.ASSIGNED, State.DRAFTING, State.AWAITING_APPROVAL)
    if state in (*dismissable, State.APPROVED) and user.has_perm("reviewers.dismiss_review"):
        steps.add("dismiss")
    return steps


def _correction_steps(user: User, review: Review) -> set[str]:
    """A correction awaiting approval: anyone but its author may approve it (approve and
    publish permissions); approvers may turn it down; publishers may still retract."""
    steps: set[str] = set()
    approves = user.has_perm("reviewers.approve_review")
    publishes = user.has_perm("reviewers.publish_review")
    if approves:
        steps.add("reject-correction")
        if publishes and review.pending_correction.get("by") != user.pk:
            steps.add("approve-correction")
    if publishes:
        steps.add("retract")
    return steps


# The steps. Each reads its form, calls one service and says what it did.


def _self_assign(data: QueryDict, claim: Claim, review: Review | None, user: User) -> str:
    services.review_self_assign(claim=claim, actor=user)
    return "The review is yours."


def _assign(data: QueryDict, claim: Claim, review: Review | None, user: User) -> str:
    assignee = User.objects.filter(id=_number(data, "assignee") or 0, is_active=True).first()
    if assignee is None:
        raise ValidationError("Choose whom to assign.")
    services.review_assign(claim=claim, actor=user, assignee=assignee)
    return f"Assigned to {assignee.get_username()}."


def _auto_assign(data: QueryDict, claim: Claim, review: Review | None, user: User) -> str:
    review = services.review_auto_assign(claim=claim, actor=user)
    return f"Assigned to {review.assignee}, who had the least to write."


def _dismiss(data: QueryDict, claim: Claim, review: Review | None, user: User) -> str:
    services.review_dismiss(
        claim=claim,
        actor=user,
        reason=data.get("reason", ""),
        note=data.get("note", ""),
        expected_version=_version(data),
    )
    return "Dismissed from the desk."


def _draft(data: QueryDict, claim: Claim, review: Review | None, user: User) -> str:
    _save_verdict(data, claim, user)
    return "The draft is saved."


@transaction.atomic
def _submit(data: QueryDict, claim: Claim, review: Review | None, user: User) -> str:
    saved = _save_verdict(data, claim, user)
    services.review_submit(review=saved, actor=user, expected_version=saved.version)
    return "Sent for approval."


def _approve(data: QueryDict, claim: Claim, review: Review | None, user: User) -> str:
    version = _version(data)
    services.review_approve(review=_existing(review), approver=user, expected_version=version)
    return "Approved."


def _send_back(data: QueryDict, claim: Claim, review: Review | None, user: User) -> str:
    services.review_send_back(
        review=_existing(review),
        actor=user,
        reason=data.get("reason", ""),
        note=data.get("note", ""),
        expected_version=_version(data),
    )
    return "Sent back to its writer."


def _publish(data: QueryDict, claim: Claim, review: Review | None, user: User) -> str:
    check = services.review_publish(
        review=_existing(review), publisher=user, expected_version=_version(data)
    )
    return f"Published (version {check.version})."


def _correct(data: QueryDict, claim: Claim, review: Review | None, user: User) -> str:
    rating = Rating.objects.filter(id=_number(data, "rating") or 0).first()
    check = services.review_correct(
        review=_existing(review),
        corrector=user,
        note=data.get("note", ""),
        rating=rating,
        headline=data.get("headline") or None,
        justification=data.get("justification") or None,
        expected_version=_version(data),
    )
    if check is None:
        return "The correction changes the rating: it awaits another person's approval."
    return f"Corrected: version {check.version} is published."


def _approve_correction(data: QueryDict, claim: Claim, review: Review | None, user: User) -> str:
    check = services.review_correction_approve(
        review=_existing(review), approver=user, expected_version=_version(data)
    )
    return f"Correction approved: version {check.version} is published."


def _reject_correction(data: QueryDict, claim: Claim, review: Review | None, user: User) -> str:
    services.review_correction_reject(
        review=_existing(review),
        actor=user,
        note=data.get("note", ""),
        expected_version=_version(data),
    )
    return "Correction turned down: the published verdict stands."


def _retract(data: QueryDict, claim: Claim, review: Review | None, user: User) -> str:
    services.review_retract(
        review=_existing(review),
        retractor=user,
        reason=data.get("reason", ""),
        expected_version=_version(data),
    )
    return "Retracted."


def _comment(data: QueryDict, claim: Claim, review: Review | None, user: User) -> str:
    services.review_comment(review=_existing(review), actor=user, body=data.get("body", ""))
    return "Comment added."


STEPS: dict[str, Step] = {
    "self-assign": _self_assign,
    "assign": _assign,
    "auto-assign": _auto_assign,
    "dismiss": _dismiss,
    "draft": _draft,
    "submit": _submit,
    "approve": _approve,
    "send-back": _send_back,
    "publish": _publish,
    "correct": _correct,
    "approve-correction": _approve_correction,
    "reject-correction": _reject_correction,
    "retract": _retract,
    "comment": _comment,
}


def _save_verdict(data: QueryDict, claim: Claim, user: User) -> Review:
    form = VerdictForm(data)
    if not form.is_valid():
        raise ValidationError(
            [f"{name}: {' '.join(map(str, errors))}" for name, errors in form.errors.items()]
        )
    given = form.cleaned_data
    return services.review_draft(
        claim=claim,
        author=user,
        rating=given["rating"],
        headline=given["headline"],
        justification=given["justification"],
        cited_evidence=given["cited_evidence"],
        expected_version=given["version"],
    )


def _existing(review: Review | None) -> Review:
    if review is None:
        raise services.InvalidTransition("The claim is new: nobody has taken it yet.")
    return review


def _number(data: QueryDict, name: str) -> int | None:
    value = data.get(name, "")
    return int(value) if value.isdigit() else None


def _version(data: QueryDict) -> int | None:
    return _number(data, "version")
