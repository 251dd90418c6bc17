"""Every search is capped: the API's lists refuse a filter text longer than 200 characters
with a 400 that says so, and search only the first 10 words of `q`; the admin's search boxes
search the first 10 words too. (3,000 words once took 27 s and ended in a 500.)"""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from claims.models import Claim
from reviewers.models import Review
from tests.token_clients import token_client

Publish = Callable[..., Review]
LONG = " ".join(["bridge"] * 3000)
# Ten words that all match, then one that matches nothing: only the first ten count.
TWELVE = "the bridge cost hundred million dollars the bridge cost hundred unmatched words"


def test_the_public_search_refuses_a_long_text_and_searches_ten_words(
    publish_check: Publish,
) -> None:
    anonymous = APIClient()
    review = publish_check("The bridge cost four hundred million dollars.")
    refused = anonymous.get("/api/v1/checks/", {"q": LONG})
    assert refused.status_code == 400
    assert "200 characters" in str(refused.json()["q"])
    found = anonymous.get("/api/v1/checks/", {"q": TWELVE})
    assert [row["id"] for row in found.json()["results"]] == [review.id]
    assert anonymous.get("/api/v1/checks/", {"claimant": "x" * 201}).status_code == 400


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/claims/", "q"),
        ("/api/v1/claims/", "claimant"),
        ("/api/v1/articles/", "q"),
        ("/api/v1/articles/", "publisher"),
        ("/api/v1/reviews/queue/", "claimant"),
    ],
)
def test_the_newsrooms_lists_refuse_a_long_search(
    url: str, field: str, accepted_claim: Claim, chief_editor: User
) -> None:
    response = token_client(chief_editor).get(url, {field: LONG})
    assert response.status_code == 400
    assert "200 characters" in str(response.json()[field])


def test_the_newsrooms_lists_search_ten_words(accepted_claim: Claim, editor: User) -> None:
    words = "a post on social media claims that the harbour street nothing-matches-this"
    found = token_client(editor).get("/api/v1/claims/", {"q": words}).json()["results"]
    assert [row["id"] for row in found] == [accepted_claim.id]


@pytest.mark.parametrize(
    "changelist",
    ["/admin/claims/claim/", "/admin/claims/article/", "/admin/claims/externalreview/"],
)
def test_admin_search_boxes_search_the_first_ten_words(
    changelist: str, accepted_claim: Claim, admin_user: User
) -> None:
    client = Client()
    client.force_login(admin_user)
    assert client.get(changelist, {"q": LONG}).status_code == 200
    claims = client.get("/admin/claims/claim/", {"q": "harbour street " + LONG}).content.decode()
    assert f"/admin/claims/claim/{accepted_claim.id}/change/" in claims
