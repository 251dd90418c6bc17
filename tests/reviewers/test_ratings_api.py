"""The rating scale is configured through the API; a rating in use stays on it."""

from collections.abc import Callable

from django.contrib.auth.models import User

from claims.models import Claim
from reviewers.models import Rating, Review
from reviewers.services import review_draft
from tests.token_clients import token_client, user_with

Publish = Callable[..., Review]
RATING_MANAGER = (
    "reviewers.view_rating", "reviewers.add_rating", "reviewers.change_rating",
    "reviewers.delete_rating",
)  # fmt: skip


def test_admin_adds_changes_and_removes_a_rating(db: None) -> None:
    client = token_client(user_with("scale_keeper", *RATING_MANAGER))
    created = client.post(
        "/api/v1/ratings/",
        {"label": "Satire", "value": -1, "description": "Not meant as fact.", "scored": False},
        format="json",
    )
    assert created.status_code == 201, created.content
    rating_id = created.json()["id"]
    changed = client.patch(f"/api/v1/ratings/{rating_id}/", {"description": "A joke."})
    assert changed.status_code == 200
    rating = Rating.objects.get(label="Satire")
    assert (rating.value, rating.description, rating.scored) == (-1, "A joke.", False)
    labels = [r["label"] for r in client.get("/api/v1/ratings/").json()["results"]]
    assert labels[0] == "True" and labels[-1] == "Satire"  # most true first
    assert client.delete(f"/api/v1/ratings/{rating_id}/").status_code == 204
    assert not Rating.objects.filter(label="Satire").exists()


def test_labels_and_values_are_unique_along_the_scale(db: None) -> None:
    client = token_client(user_with("scale_keeper", *RATING_MANAGER))
    taken_label = client.post("/api/v1/ratings/", {"label": "False", "value": 99})
    assert taken_label.status_code == 400 and "label" in taken_label.json()
    taken_value = client.post("/api/v1/ratings/", {"label": "Nonsense", "value": 1})
    assert taken_value.status_code == 400 and "value" in taken_value.json()
    assert not Rating.objects.filter(value=99).exists()
    assert not Rating.objects.filter(label="Nonsense").exists()


def test_rating_in_use_cannot_be_deleted(accepted_claim: Claim, reviewer: User) -> None:
    rating = Rating.objects.get(label="Mixed")
    review_draft(
        claim=accepted_claim, author=reviewer, rating=rating, headline="", justification=""
    )
    response = token_client(user_with("scale_keeper", *RATING_MANAGER)).delete(
        f"/api/v1/ratings/{rating.id}/"
    )
    assert response.status_code == 409
    assert "Mixed" in response.json()["detail"]
    assert Rating.objects.filter(id=rating.id).exists()


def test_rating_of_a_published_check_cannot_be_deleted(publish_check: Publish) -> None:
    review = publish_check(rating="Mostly false")
    review.rating = Rating.objects.get(label="False")  # as if a correction changed it since
    review.save(update_fields=["rating"])
    rating = Rating.objects.get(label="Mostly false")
    response = token_client(user_with("scale_keeper", *RATING_MANAGER)).delete(
        f"/api/v1/ratings/{rating.id}/"
    )
    assert response.status_code == 409
    assert "published check" in response.json()["detail"]
    assert Rating.objects.filter(id=rating.id).exists()


def test_reviewer_reads_the_scale_but_cannot_change_it(reviewer: User) -> None:
    client = token_client(reviewer)
    assert client.get("/api/v1/ratings/").status_code == 200
    rating = Rating.objects.get(label="False")
    assert client.patch(f"/api/v1/ratings/{rating.id}/", {"label": "Fake"}).status_code == 403
    assert client.post("/api/v1/ratings/", {"label": "Fake", "value": 50}).status_code == 403
    assert client.delete(f"/api/v1/ratings/{rating.id}/").status_code == 403
    rating.refresh_from_db()
    assert rating.label == "False"
