"""JSON nested too deep to decode is bad input like any other: a 400 that says so, on every
JSON endpoint (the token endpoint included), with nothing written."""

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from claims.models import Article, Feed
from tests.token_clients import token_client

NESTED = "[" * 100_000 + "]" * 100_000


def test_the_token_endpoint_answers_400(editor: User) -> None:
    response = APIClient().post("/api/v1/auth/token/", NESTED, content_type="application/json")
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


@pytest.mark.parametrize(
    "url", ["/api/v1/articles/", "/api/v1/reviews/", "/api/v1/feeds/", "/api/v1/tags/"]
)
def test_the_newsrooms_endpoints_answer_400(url: str, site_admin: User) -> None:
    response = token_client(site_admin).post(url, NESTED, content_type="application/json")
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]
    assert not Article.objects.exists() and not Feed.objects.exists()
