"""Editors submit articles by URL or pasted text, in the API and the admin."""

import itertools
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from claims.ingestion import services
from claims.ingestion.pages import MAX_TEXT_CHARS
from claims.models import Article

TEXT = "The council said the bridge cost 212 million dollars in 2026."


def test_submitting_a_url_answers_202_with_a_status_url(editor: User, client_for: Any) -> None:
    response = client_for(editor).post("/api/v1/articles/", {"url": "https://news.example/a"})
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued"
    assert body["status_url"].endswith(f"/api/v1/articles/{body['id']}/")
    status = client_for(editor).get(body["status_url"]).json()
    assert status["url"] == "https://news.example/a"
    assert Article.objects.get().submitted_by == editor


def test_the_same_url_or_text_gives_back_the_stored_article(editor: User, client_for: Any) -> None:
    client = client_for(editor)
    first = client.post("/api/v1/articles/", {"url": "https://news.example/a"}).json()
    again = client.post("/api/v1/articles/", {"url": "https://news.example/a"})
    assert again.status_code == 200
    assert again.json() == {**first, "existing": True}
    pasted = client.post("/api/v1/articles/", {"text": TEXT}).json()
    respaced = client.post("/api/v1/articles/", {"text": f"  {TEXT}\n\n"}).json()
    assert respaced["id"] == pasted["id"] and respaced["existing"]
    assert Article.objects.count() == 2


def test_the_same_url_submitted_at_the_same_moment_is_stored_once(
    editor: User, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second of two simultaneous submissions looked before the first one saved; its
    save meets the unique URL and it answers with the stored article (scenario 9 of
    tests/faults/test_load.py sends them really at once, against gunicorn)."""
    first = client_for(editor).post("/api/v1/articles/", {"url": "https://news.example/a"})
    looked_up = services._existing_article
    lookups = itertools.count()

    def lookup_before_the_first_saved(*given: Any) -> Article | None:
        return None if next(lookups) == 0 else looked_up(*given)

    monkeypatch.setattr(services, "_existing_article", lookup_before_the_first_saved)
    second = client_for(editor).post("/api/v1/articles/", {"url": "https://news.example/a"})
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["existing"] is True
    assert Article.objects.count() == 1


def test_bad_submissions_get_clear_errors_and_store_nothing(editor: User, client_for: Any) -> None:
    client = client_for(editor)
    cases = [
        ({}, "either a URL or"),
        ({"text": "  \n\n "}, "either a URL or"),
        ({"url": "https://news.example/a b"}, "Malformed URL"),
        ({"url": "javascript:alert(1)"}, "Only http and https"),
        ({"url": "https://user:pw@news.example/"}, "credentials"),
        ({"text": "x" * (MAX_TEXT_CHARS + 1)}, "longer than"),
        ({"text": TEXT, "published_at": "last Tuesday"}, "Datetime has wrong format"),
    ]
    for data, message in cases:
        response = client.post("/api/v1/articles/", data, format="json")
        assert response.status_code == 400, data
        assert message in str(response.json()), (data, response.json())
    assert not Article.objects.exists()


def test_pasted_text_keeps_its_source_url_without_fetching_it(
    editor: User, client_for: Any
) -> None:
    body = {"text": TEXT, "url": "https://news.example/original", "title": "Bridge"}
    response = client_for(editor).post("/api/v1/articles/", body)
    assert response.status_code == 202
    article = Article.objects.get()
    assert (article.url, article.text, article.title) == (body["url"], TEXT, "Bridge")
    again = client_for(editor).post("/api/v1/articles/", {"url": body["url"]})
    assert again.json()["existing"] is True


def test_only_editors_submit(outsider: User, client_for: Any) -> None:
    assert client_for(outsider).post("/api/v1/articles/", {"text": TEXT}).status_code == 403
    assert client_for(None).post("/api/v1/articles/", {"text": TEXT}).status_code in (401, 403)
    assert not Article.objects.exists()


def test_editor_pastes_an_article_in_the_admin(editor: User) -> None:
    client = Client()
    client.force_login(editor)
    response = client.post(
        "/admin/claims/article/add/", {"text": TEXT, "title": "Bridge", "publisher": "Courier"}
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/claims/article/{article.id}/change/"
    assert (article.title, article.publisher, article.status) == ("Bridge", "Courier", "queued")


def test_admin_form_shows_the_error_and_stores_nothing(editor: User) -> None:
    client = Client()
    client.force_login(editor)
    response = client.post("/admin/claims/article/add/", {"url": "", "text": ""})
    assert response.status_code == 200
    assert "Give either a URL or the article" in response.content.decode()
    assert not Article.objects.exists()
