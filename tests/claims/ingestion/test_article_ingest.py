"""A queued article is fetched and extracted once, or fails with a reason; pasted text is
cleaned of navigation, byline and dateline."""

from typing import Any

from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from claims.ingestion.services import MAX_ATTEMPTS, article_ingest, article_submit
from claims.models import Article, Snapshot
from tests.conftest import LocalSite, seed_article

PAGE = """<html lang="en-GB"><head><title>Bridge cost | Riverton Courier</title>
<meta property="og:site_name" content="Riverton Courier"><meta name="author" content="Ann Reporter">
<meta property="article:published_time" content="2026-10-12T09:00:00Z">
<link rel="canonical" href="https://courier.example/bridge-cost"></head>
<body><nav><a href="/">Home</a> | <a href="/news">News</a> | Sport</nav>
<article><h1>Bridge cost</h1>
<p>The Harbour Street bridge cost 212 million dollars, the city's
<a href="https://riverton.example/accounts.pdf">final accounts</a> show.</p>
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
    assert (article.language, article.language_primary) == ("en-GB", "en")
    assert article.canonical_url == ""  # another site's URL: never trusted (test_canonical_url.py)
    assert article.text.startswith("The Harbour Street bridge cost 212 million dollars")
    assert "Sport" not in article.text and "newsletter" not in article.text
    assert article.links == [
        {"url": "https://riverton.example/accounts.pdf", "text": "final accounts"}
    ]
    assert article.fetched_at is not None and len(article.content_hash) == 64
    assert len(enqueued) == 1  # claim extraction, queued after commit


def test_keeps_the_raw_page_compressed_with_its_hash(local_site: LocalSite, editor: User) -> None:
    url = local_site.add("/bridge", PAGE)
    article = ingest(article_submit(url=url, submitted_by=editor).article)
    snapshot = Snapshot.objects.get(article=article)
    assert snapshot.body == PAGE.encode()
    assert snapshot.size == len(PAGE.encode()) > len(bytes(snapshot.body_gzip))
    assert (snapshot.url, snapshot.content_type) == (url, "text/html")
    assert snapshot.fetched_at == article.fetched_at
    assert len(snapshot.sha256) == 64


def test_ingests_each_article_once(local_site: LocalSite, editor: User) -> None:
    article = article_submit(url=local_site.add("/bridge", PAGE), submitted_by=editor).article
    ingest(article)
    ingest(article)
    assert local_site.requests == ["/bridge"]
    assert Article.objects.get().attempts == 1


def test_a_permanent_failure_is_recorded_with_its_reason(
    local_site: LocalSite, editor: User
) -> None:
    url = local_site.add("/gone", "gone", status=404)
    article = ingest(article_submit(url=url, submitted_by=editor).article)
    assert article.status == Article.Status.FAILED
    assert article.failure_reason == "The server answered HTTP 404."
    assert article.text == "" and article.content_hash == ""
    assert not Snapshot.objects.exists()


def test_a_transient_failure_is_tried_again_later_then_given_up(
    local_site: LocalSite, editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    url = local_site.add("/flaky", "busy", status=503)
    article = article_submit(url=url, submitted_by=editor).article
    for attempt in range(1, MAX_ATTEMPTS):
        with django_capture_on_commit_callbacks(execute=False) as enqueued:
            article = ingest(article)
        assert article.status == Article.Status.QUEUED
        assert article.failure_reason.startswith("The server answered HTTP 503. Trying again")
        assert article.attempts == attempt and len(enqueued) == 1
    article = ingest(article)
    assert article.status == Article.Status.FAILED
    assert article.attempts == MAX_ATTEMPTS


def test_a_failed_article_can_be_retried(
    local_site: LocalSite, editor: User, client_for: Any
) -> None:
    url = local_site.add("/later", "not yet", status=404)
    article = ingest(article_submit(url=url, submitted_by=editor).article)
    local_site.add("/later", PAGE)
    response = client_for(editor).post(f"/api/v1/articles/{article.id}/retry/")
    assert response.status_code == 202
    article = ingest(article)
    assert article.status == Article.Status.EXTRACTED
    again = client_for(editor).post(f"/api/v1/articles/{article.id}/retry/")
    assert again.status_code == 400
    assert "Only failed articles" in str(again.json())


def test_retry_action_in_the_admin(local_site: LocalSite, editor: User) -> None:
    article = ingest(
        article_submit(url=local_site.add("/x", "", status=500), submitted_by=editor).article
    )
    Article.objects.filter(id=article.id).update(status=Article.Status.FAILED)
    client = Client()
    client.force_login(editor)
    client.post("/admin/claims/article/", {"action": "retry", "_selected_action": [article.id]})
    article.refresh_from_db()
    assert (article.status, article.attempts, article.failure_reason) == ("queued", 0, "")


def test_a_page_without_text_fails_clearly(local_site: LocalSite, editor: User) -> None:
    url = local_site.add("/scripts", "<html><script>var a = 1;</script><nav>Menu</nav></html>")
    article = ingest(article_submit(url=url, submitted_by=editor).article)
    assert article.status == Article.Status.FAILED
    assert article.failure_reason == "No main text was found on the page."


def test_same_content_under_a_new_url_points_to_the_stored_article(
    local_site: LocalSite, editor: User, client_for: Any
) -> None:
    first = ingest(article_submit(url=local_site.add("/a", PAGE), submitted_by=editor).article)
    second = ingest(article_submit(url=local_site.add("/b", PAGE), submitted_by=editor).article)
    assert second.status == Article.Status.FAILED
    assert second.duplicate_of == first
    assert second.failure_reason.startswith(f"Same article as #{first.id}")
    status = client_for(editor).get(f"/api/v1/articles/{second.id}/").json()
    assert status["duplicate_of"] == first.id


def test_pasted_seed_article_loses_navigation_byline_and_dateline(editor: User) -> None:
    article = ingest(article_submit(text=seed_article(), submitted_by=editor).article)
    assert Article.objects.count() == 1
    assert article.status == Article.Status.EXTRACTED
    assert article.title == (
        "Russia doesn’t claim monopoly in communication with Armenia, Azerbaijan - Foreign Ministry"
    )
    assert article.publisher == "TASS"
    assert article.language == "en"  # detected: pasted text declares none
    assert article.text.startswith("Russia does not seek an exclusive right to communicate")
    assert "All news" not in article.text and "/TASS/" not in article.text
    assert article.text.count("Moscow-initiated trilateral agreements") == 1  # standfirst gone
    assert article.text.endswith("which links Nagorno-Karabakh to Armenia.")


def test_pasting_the_seed_twice_gives_back_the_first(editor: User) -> None:
    first = article_submit(text=seed_article(), submitted_by=editor)
    again = article_submit(text=seed_article() + "\n\n", submitted_by=editor)
    assert first.created and not again.created
    assert again.article == first.article


def test_a_wrong_or_missing_charset_is_detected(local_site: LocalSite, editor: User) -> None:
    body = (
        "<html><head><title>Café prices</title></head><body><article><p>Prices at the café "
        "near the bridge rose by 12 percent in 2026, the owner said on Monday.</p><p>The "
        "council’s report says rents in the district doubled since 2019.</p></article></body>"
        "</html>"
    )
    lying = local_site.add("/lying", body.encode("cp1252"), Content_Type="text/html; charset=utf-8")
    silent = local_site.add("/silent", body.encode("cp1252"), Content_Type="text/html")
    for url in (lying, silent):
        article = ingest(article_submit(url=url, submitted_by=editor).article)
        assert article.status == Article.Status.EXTRACTED, article.failure_reason
        assert "Prices at the café near the bridge" in article.text
        Article.objects.filter(id=article.id).delete()


def test_a_message_delivered_again_after_its_worker_died_takes_its_article_back(
    local_site: LocalSite, db: None
) -> None:
    url = local_site.add("/bridge", PAGE)
    article = Article.objects.create(url=url, status=Article.Status.FETCHING, attempts=1)
    Article.objects.filter(id=article.id).update(ingest_task_id="message-1")
    # Another message, even one sent back to its queue, leaves it.
    article_ingest(article_id=article.id, task_id="message-2", redelivered=True)
    assert local_site.requests == []
    article_ingest(article_id=article.id, task_id="message-1", redelivered=True)
    article.refresh_from_db()
    assert (article.status, article.attempts) == (Article.Status.EXTRACTED, 2)


def test_a_page_that_killed_its_worker_on_every_attempt_is_not_taken_back(
    local_site: LocalSite, db: None
) -> None:
    url = local_site.add("/bridge", PAGE)
    article = Article.objects.create(
        url=url, status=Article.Status.FETCHING, attempts=MAX_ATTEMPTS, ingest_task_id="m-1"
    )
    article_ingest(article_id=article.id, task_id="m-1", redelivered=True)
    article.refresh_from_db()
    assert (article.status, article.attempts) == (Article.Status.FETCHING, MAX_ATTEMPTS)
    assert local_site.requests == []  # the sweep gives it up


def test_a_second_copy_of_a_message_still_running_leaves_its_article(
    local_site: LocalSite, db: None
) -> None:
    url = local_site.add("/bridge", PAGE)
    article = Article.objects.create(
        url=url, status=Article.Status.FETCHING, attempts=1, ingest_task_id="message-1"
    )
    article_ingest(article_id=article.id, task_id="message-1")  # not redelivered: a copy
    article.refresh_from_db()
    assert (article.status, article.attempts) == (Article.Status.FETCHING, 1)
    assert local_site.requests == []


def test_a_retry_after_a_lost_commit_answer_sends_the_proposal_its_first_run_queued(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    # The first run stored the article, but the database connection broke during COMMIT:
    # the worker saw an error, dropped the proposal it had queued on commit, and retried.
    article = Article.objects.create(
        text="The bridge cost 212 million dollars.",
        content_hash="0" * 64,
        status=Article.Status.EXTRACTED,
        ingest_task_id="message-1",
        proposes_claims=True,
    )
    with django_capture_on_commit_callbacks(execute=False) as other_message:
        article_ingest(article_id=article.id, task_id="message-2", redelivered=True)
    with django_capture_on_commit_callbacks(execute=False) as retried:
        article_ingest(article_id=article.id, task_id="message-1", redelivered=True)
    assert (len(other_message), len(retried)) == (0, 1)

    Article.objects.filter(id=article.id).update(candidates_proposed_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=False) as proposed_already:
        article_ingest(article_id=article.id, task_id="message-1", redelivered=True)
    assert proposed_already == []
