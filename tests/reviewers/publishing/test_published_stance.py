"""The public page shows only a stance a reviewer set or confirmed; a suggested stance
(cue words, another fact-checker's rating) is marked as such on the desk and never
published unconfirmed."""

from collections.abc import Callable

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from claims.evidence.review import evidence_set_stance
from claims.models import Evidence
from reviewers.models import Review
from reviewers.services import review_correct

Publish = Callable[..., Review]


def public_page(client: Client, review: Review) -> str:
    return client.get(reverse("check-page", args=[review.id])).content.decode()


def test_a_suggested_stance_is_left_out_of_the_published_version(
    publish_check: Publish, client: Client
) -> None:
    review = publish_check()
    cited = review.cited_evidence.get()
    assert (cited.stance, cited.stance_by) == ("refutes", None)  # as gathering suggested it
    assert review.versions.get().evidence[0]["stance"] == ""
    html = public_page(client, review)
    assert "(Refutes)" not in html and "(Unknown)" not in html


def test_a_stance_a_reviewer_confirmed_is_published_with_the_next_version(
    publish_check: Publish, client: Client, reviewer: User, chief_editor: User
) -> None:
    review = publish_check()
    cited = review.cited_evidence.get()
    evidence_set_stance(evidence=cited, stance="refutes", user=reviewer)  # confirms it
    cited.refresh_from_db()
    assert cited.stance_by == reviewer
    assert "(Refutes)" not in public_page(client, review)  # the published version is frozen
    review_correct(review=review, corrector=chief_editor, note="The stance is confirmed.")
    assert "(Refutes)" in public_page(client, review)


def test_an_unknown_stance_set_by_a_reviewer_prints_nothing(
    publish_check: Publish, client: Client, reviewer: User, chief_editor: User
) -> None:
    review = publish_check()
    evidence_set_stance(evidence=review.cited_evidence.get(), stance="unknown", user=reviewer)
    review_correct(review=review, corrector=chief_editor, note="Reconsidered.")
    assert "(Unknown)" not in public_page(client, review)


def test_the_desk_marks_a_suggestion_and_names_who_set_a_stance(
    publish_check: Publish, reviewer: User
) -> None:
    review = publish_check()
    client = Client()
    client.force_login(reviewer)
    desk = reverse("admin:reviewers_review_desk", args=[review.claim_id])
    assert "suggested, not confirmed" in client.get(desk).content.decode()
    evidence = review.cited_evidence.get()
    evidence_set_stance(evidence=evidence, stance=Evidence.Stance.REFUTES, user=reviewer)
    html = client.get(desk).content.decode()
    assert "suggested, not confirmed" not in html and "(set by reviewer)" in html
