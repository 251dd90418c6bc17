"""An article's language is stored in one form, whatever the page declared, and every
filter by language finds each tag of it: `de` finds de, de-DE and de-AT."""

from collections.abc import Callable
from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from claims.ingestion.pages import PageContent
from claims.ingestion.services import _language
from claims.models import Article, ExternalReview

MakeArticle = Callable[..., Article]
TAGS = ["de", "de-DE", "de-AT", "en-GB", "fr"]


@pytest.fixture
def articles(make_article: MakeArticle) -> dict[str, Article]:
    return {
        tag: make_article(f"A story in {tag}.", url=f"https://news.example/{tag}", language=tag)
        for tag in TAGS
    }


def listed(client: APIClient, query: str) -> list[str]:
    response = client.get(f"/api/v1/articles/?{query}")
    assert response.status_code == 200, response.content
    return sorted(article["language"] for article in response.json()["results"])


@pytest.mark.parametrize(
    ("declared", "stored"),
    [("de-de", "de-DE"), ("EN_us", "en-US"), (" pt-BR ", "pt-BR"), ("iw", "he")],
)
def test_the_declared_language_is_stored_in_its_canonical_form(declared: str, stored: str) -> None:
    assert _language(PageContent(text="Kurz.", language=declared)) == stored


def test_a_declared_value_that_names_no_language_gives_way_to_detection() -> None:
    text = "Die Bundesregierung hat am Mittwoch neue Regeln für den Wohnungsbau beschlossen."
    assert _language(PageContent(text=text, language="Deutsch (Schweiz)")) == "de"


def test_the_primary_subtag_is_kept_beside_the_full_tag(articles: dict[str, Article]) -> None:
    article = Article.objects.get(id=articles["de-AT"].id)
    assert (article.language, article.language_primary) == ("de-AT", "de")


def test_the_api_finds_every_tag_of_a_language(
    articles: dict[str, Article], client_for: Callable[[User | None], APIClient], editor: User
) -> None:
    client = client_for(editor)
    assert listed(client, "language=de") == ["de", "de-AT", "de-DE"]
    assert listed(client, "language=DE") == ["de", "de-AT", "de-DE"]
    assert listed(client, "language=en") == ["en-GB"]
    assert listed(client, "language=de_at") == ["de-AT"]  # a full tag finds itself only
    assert listed(client, "language=ru") == []


def test_the_api_says_when_a_language_is_not_a_tag(
    client_for: Callable[[User | None], APIClient], editor: User
) -> None:
    response = client_for(editor).get("/api/v1/articles/?language=Deutsch!")
    assert response.status_code == 400
    assert response.json()["language"] == ["Not a language tag (for example de or de-AT)."]


def test_the_admin_filters_by_language_alike(articles: dict[str, Article], editor: User) -> None:
    client = Client()
    client.force_login(editor)
    response = client.get("/admin/claims/article/?language_primary=de")
    assert response.status_code == 200
    shown = {article.language for article in response.context["cl"].result_list}
    assert shown == {"de", "de-DE", "de-AT"}
    assert "?language_primary=de" in response.content.decode()  # offered as a choice


def test_the_migration_rewrites_stored_tags_in_one_form(make_article: MakeArticle) -> None:
    spellings = ["de-de", "EN_us", "de", "", "Deutsch"]
    stored = [
        make_article(f"Story {n}.", url=f"https://news.example/{n}").id
        for n, _ in enumerate(spellings)
    ]
    for article_id, spelling in zip(stored, spellings, strict=True):
        Article.objects.filter(id=article_id).update(language=spelling)  # as rows were
    review = ExternalReview.objects.create(
        publisher_name="Checkers", url="https://checkers.example/1", claim_reviewed="X.",
        claim_hash="x", raw={}, source="test", language="pt_br",
    )  # fmt: skip

    migration = import_module("claims.migrations.0024_language_primary")
    migration.normalise_stored_tags(apps, None)

    rows = Article.objects.filter(id__in=stored).order_by("id")
    assert [(a.language, a.language_primary) for a in rows] == [
        ("de-DE", "de"),
        ("en-US", "en"),
        ("de", "de"),
        ("", ""),
        ("", ""),
    ]
    review.refresh_from_db()
    assert (review.language, review.language_primary) == ("pt-BR", "pt")
