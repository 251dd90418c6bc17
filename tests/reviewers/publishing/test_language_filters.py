"""Readers filter published checks by language as the newsroom does: `de` finds every
check in German, whichever tag its article carried; a full tag finds itself only."""

from collections.abc import Callable

import pytest
from django.test import Client
from rest_framework.test import APIClient

from reviewers.models import PublishedCheck, Review

Publish = Callable[..., Review]


@pytest.fixture
def german_and_english(publish_check: Publish) -> dict[str, Review]:
    return {
        tag: publish_check(language=tag, headline=f"In {tag}")
        for tag in ("de", "de-DE", "de-AT", "en")
    }


def api_listed(query: str) -> list[str]:
    response = APIClient().get(f"/api/v1/checks/?{query}")
    assert response.status_code == 200, response.content
    return sorted(check["language"] for check in response.json()["results"])


def test_the_public_api_finds_every_tag_of_a_language(
    german_and_english: dict[str, Review],
) -> None:
    assert api_listed("language=de") == ["de", "de-AT", "de-DE"]
    assert api_listed("language=de-at") == ["de-AT"]
    assert api_listed("language=en") == ["en"]


def test_a_version_published_before_tags_were_normalised_is_found_too(
    german_and_english: dict[str, Review],
) -> None:
    PublishedCheck.objects.filter(language="de-DE").update(language="de-de")  # as published
    assert api_listed("language=de") == ["de", "de-AT", "de-de"]


@pytest.mark.django_db
def test_the_public_api_says_when_a_language_is_not_a_tag() -> None:
    response = APIClient().get("/api/v1/checks/?language=German!")
    assert response.status_code == 400
    assert response.json()["language"] == ["Not a language tag (for example de or de-AT)."]


def test_the_index_offers_each_language_once_and_finds_all_its_checks(
    german_and_english: dict[str, Review], client: Client
) -> None:
    html = client.get("/checks/").content.decode()
    assert html.count('<option value="de"') == 1 and '<option value="de-AT"' not in html
    german = client.get("/checks/?language=de").content.decode()
    assert all(f"In {tag}" in german for tag in ("de", "de-DE", "de-AT"))
    assert "In en<" not in german


@pytest.mark.django_db
def test_the_index_says_when_a_language_is_not_a_tag(client: Client) -> None:
    response = client.get("/checks/?language=German!")
    assert response.status_code == 400
    assert "Not a language tag" in response.content.decode()
