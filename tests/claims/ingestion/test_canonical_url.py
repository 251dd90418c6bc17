"""A page's canonical URL (link rel=canonical, og:url) stands for the page only on its own
site: a page naming another site's URL never takes over that URL, for later submissions,
evidence by URL or gathering; and a submission answered by another stored article says so."""

from typing import Any

from django.contrib.auth.models import User

from claims.evidence.review import evidence_add
from claims.ingestion.services import article_ingest, article_submit
from claims.models import Article, Claim
from tests.conftest import LocalSite
from tests.token_clients import token_client


def page(text: str, canonical: str) -> str:
    return (
        f'<html><head><title>Story</title><link rel="canonical" href="{canonical}">'
        f'<meta property="og:url" content="{canonical}"></head>'
        f"<body><article><p>{text}</p></article></body></html>"
    )


PLANTED = "The Harbour Street bridge cost 900 million dollars, the auditor secretly admits today."
REAL = "The Harbour Street bridge cost 212 million dollars, the auditor's published report says."


def ingested(url: str, user: User) -> Article:
    article = article_submit(url=url, submitted_by=user).article
    article_ingest(article_id=article.id)
    article.refresh_from_db()
    return article


def test_a_canonical_url_on_another_site_is_not_kept(local_site: LocalSite, editor: User) -> None:
    planted = ingested(
        local_site.add("/planted", page(PLANTED, "https://trusted.example/story")), editor
    )
    assert planted.status == Article.Status.EXTRACTED
    assert planted.canonical_url == ""
    again = article_submit(url="https://trusted.example/story", submitted_by=editor)
    assert again.created and again.article.id != planted.id


def test_evidence_by_url_fetches_the_real_page_not_the_one_claiming_it(
    local_site: LocalSite, editor: User, reviewer: User, accepted_claim: Claim, settings: Any
) -> None:
    settings.FETCH_ALLOWED_HOSTS = ["127.0.0.1:*", "localhost:*"]
    real_url = f"http://localhost:{local_site.port}/real"
    local_site.add("/real", page(REAL, real_url))
    ingested(local_site.add("/planted", page(PLANTED, real_url)), editor)

    evidence = evidence_add(claim=accepted_claim, url=real_url, user=reviewer)

    assert "212 million" in evidence.source.text and evidence.source.url == real_url
    assert "/real" in local_site.requests


def test_a_canonical_url_on_the_same_site_still_deduplicates_and_says_so(
    local_site: LocalSite, editor: User
) -> None:
    canonical = f"{local_site.base_url}/story"
    tracked = local_site.add("/story-amp", page(REAL, canonical))
    stored = ingested(tracked, editor)
    assert stored.canonical_url == canonical

    answer = token_client(editor).post("/api/v1/articles/", {"url": canonical})

    assert answer.status_code == 200
    assert answer.json()["existing"] is True and answer.json()["id"] == stored.id
    assert answer.json()["url"] == tracked  # the article's own URL, not the one sent
    assert Article.objects.count() == 1
