"""A queued article is fetched and extracted once, or fails with a reason."""

from pathlib import Path
from typing import Any

from django.contrib.auth.models import User

from claims.models import Article
from claims.services import article_ingest, article_submit
from tests.conftest import LocalSite

SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_6d8d2df6102522df.txt"

PAGE = """<html><head><title>Bridge cost | Riverton Courier</title>
<meta property="og:site_name" content="Riverton Courier"><meta name="author" content="Ann Reporter">
<meta property="article:published_time" content="2026-10-12T09:00:00Z">
<link rel="canonical" href="https://courier.example/bridge-cost"></head>
<body><nav>Home | News | Sport</nav><article><h1>Bridge cost</h1>
<p>The Harbour Street bridge cost 212 million dollars, the city's final accounts show.</p>
<p>The budget approved in 2022 was 190 million dollars, and steel prices rose in 2023.</p>
</article><footer>Subscribe to our newsletter</footer></body></html>"""


def ingest(article: Article) -> Article:
    article_ingest(article_id=article.id)
    article.refresh_from_db()
    return article


def test_fetches_and_extracts_a_url(
    local_site: LocalSite, editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    url = local_site.add("/bridge", PAGE)
    article = article_submit(url=url, submitted_by=editor).article
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        article = ingest(article)
    assert article.status == Article.Status.EXTRACTED
    assert article.title == "Bridge cost"
    assert (article.publisher, article.author) == ("Riverton Courier", "Ann Reporter")
    assert article.published_at is not None and article.published_at.year == 2026
    assert article.canonical_url == "https://courier.example/bridge-cost"
    assert "212 million" in article.text
    assert "Sport" not in article.text and "newsletter" not in article.text
    assert article.fetched_at is not None and len(article.content_hash) == 64
    assert len(enqueued) == 1  # claim extraction, queued after commit


def test_ingests_each_article_once(local_site: LocalSite, editor: User) -> None:
    article = article_submit(url=local_site.add("/bridge", PAGE), submitted_by=editor).article
    ingest(article)
    ingest(article)
    assert local_site.requests == ["/bridge"]
    assert Article.objects.get().attempts == 1


def test_a_failed_fetch_is_recorded_with_its_reason(local_site: LocalSite, editor: User) -> None:
    url = local_site.add("/gone", "gone", status=404)
    article = ingest(article_submit(url=url, submitted_by=editor).article)
    assert article.status == Article.Status.FAILED
    assert article.failure_reason == "The server answered HTTP 404."
    assert article.text == "" and article.content_hash == ""


def test_a_page_without_text_fails_clearly(local_site: LocalSite, editor: User) -> None:
    url = local_site.add("/scripts", "<html><script>var a = 1;</script><nav>Menu</nav></html>")
    article = ingest(article_submit(url=url, submitted_by=editor).article)
    assert article.status == Article.Status.FAILED
    assert article.failure_reason == "No main text was found on the page."


def test_same_content_under_a_new_url_is_reported_as_duplicate(
    local_site: LocalSite, editor: User
) -> None:
    first = ingest(article_submit(url=local_site.add("/a", PAGE), submitted_by=editor).article)
    second = ingest(article_submit(url=local_site.add("/b", PAGE), submitted_by=editor).article)
    assert second.status == Article.Status.FAILED
    assert second.failure_reason.startswith(f"Same article as #{first.id}")


def test_pasted_seed_article_keeps_its_text(editor: User) -> None:
    text = SEED.read_text()
    article = article_submit(
        text=text, title="Russia doesn’t claim monopoly", submitted_by=editor
    ).article
    article = ingest(article)
    assert article.status == Article.Status.EXTRACTED
    assert article.title == "Russia doesn’t claim monopoly"
    assert "can be safely refuted" in article.text
