"""Whoever may manage tags does so through the API; others may not."""

from django.contrib.auth.models import User

from reviewers.models import Tag
from tests.token_clients import token_client, user_with


def test_chief_editor_creates_renames_and_deletes_a_tag(db: None) -> None:
    chief = user_with(
        "chief", "reviewers.view_tag", "reviewers.add_tag", "reviewers.change_tag",
        "reviewers.delete_tag",
    )  # fmt: skip
    client = token_client(chief)
    created = client.post("/api/v1/tags/", {"name": "Public transport"})
    assert created.status_code == 201, created.content
    assert created.json()["slug"] == "public-transport"  # made from the name
    tag_id = created.json()["id"]
    renamed = client.patch(f"/api/v1/tags/{tag_id}/", {"name": "Transport"})
    assert renamed.status_code == 200
    assert Tag.objects.get().name == "Transport"
    assert [t["slug"] for t in client.get("/api/v1/tags/").json()["results"]] == [
        "public-transport"
    ]
    assert client.delete(f"/api/v1/tags/{tag_id}/").status_code == 204
    assert not Tag.objects.exists()


def test_tags_are_unique_and_well_formed(db: None) -> None:
    client = token_client(user_with("chief", "reviewers.add_tag"))
    assert client.post("/api/v1/tags/", {"name": "Budget"}).status_code == 201
    again = client.post("/api/v1/tags/", {"name": "Budget again", "slug": "budget"})
    assert again.status_code == 400 and "slug" in again.json()
    spaced = client.post("/api/v1/tags/", {"name": "X", "slug": "no spaces"})
    assert spaced.status_code == 400 and "slug" in spaced.json()
    assert Tag.objects.count() == 1


def test_reviewer_cannot_manage_tags(reviewer: User) -> None:
    tag = Tag.objects.create(slug="budget", name="Budget")
    client = token_client(reviewer)
    assert client.post("/api/v1/tags/", {"name": "Mine"}).status_code == 403
    assert client.patch(f"/api/v1/tags/{tag.id}/", {"name": "Mine"}).status_code == 403
    assert client.delete(f"/api/v1/tags/{tag.id}/").status_code == 403
    tag.refresh_from_db()
    assert (tag.name, Tag.objects.count()) == ("Budget", 1)
