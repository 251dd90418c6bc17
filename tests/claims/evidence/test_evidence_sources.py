"""Each evidence provider, against a local server that speaks its real protocol: the links
the article cites, trusted outlets' feeds, a SearxNG search, a MediaWiki API and a
ClaimReview search. Every source page goes through the safe fetch and becomes an Article."""

import json
import re
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from claims.evidence.gathering import gathering_start, provider_job_run
from claims.evidence.sources.claimreview import rating_stance
from claims.evidence.stance import load_model
from claims.ingestion.fetching import FetchedPage, fetch, fetch_many
from claims.ingestion.pages import extract_page
from claims.models import Article, Claim, Evidence, GatheringRun
from tests.conftest import LocalSite

ACCOUNTS = (
    "The City of Riverton has published the final accounts of the Harbour Street bridge. "
    "The total cost of the Harbour Street bridge was 212 million dollars, against a budget "
    "of 190 million dollars. The claim that the bridge cost 400 million dollars is false."
)
TRAP = ACCOUNTS + " A page whose URL is a script."
RAIN = "The drought warning for the valley was lifted after two weeks of steady rain."


def html(title: str, text: str, publisher: str = "Riverton Courier", date: str = "") -> str:
    published = f'<meta property="article:published_time" content="{date}">' if date else ""
    return f"""<!doctype html><html lang="en"><head><title>{title}</title>
<meta property="og:site_name" content="{publisher}">{published}</head>
<body><article><h1>{title}</h1><p>{text}</p>
<p>Officials said the figures were checked by the regional auditor in October.</p>
</article></body></html>"""


def as_json(data: object) -> bytes:
    return json.dumps(data).encode()


@pytest.fixture
def claim(make_article: Any, editor: User) -> Claim:
    article = make_article(
        "A viral post claims the Harbour Street bridge cost 400 million dollars.",
        url="https://news.example/viral",
        published_at=datetime(2026, 10, 12, tzinfo=UTC),
    )
    return Claim.objects.create(
        article=article,
        text=article.text,
        claimant="A viral post",
        status=Claim.Status.ACCEPTED,
        accepted_at=timezone.now(),
    )


def gather_with(provider: str, claim: Claim, editor: User, settings: Any) -> GatheringRun:
    settings.EVIDENCE_PROVIDERS = [provider]
    run = gathering_start(claim=claim, user=editor)
    for job in run.jobs.all():
        provider_job_run(job_id=job.id)
    run.refresh_from_db()
    return run


def test_links_cited_in_the_article_are_fetched_and_quoted(
    claim: Claim, editor: User, local_site: LocalSite, settings: Any
) -> None:
    accounts = local_site.add(
        "/accounts", html("Final accounts", ACCOUNTS, date="2026-10-20T08:00:00Z")
    )
    rain = local_site.add("/rain", html("Rain", RAIN))
    Article.objects.filter(id=claim.article_id).update(
        links=[{"url": rain, "text": "weather"}, {"url": accounts, "text": "the accounts"}]
    )
    claim.refresh_from_db()
    run = gather_with("links", claim, editor, settings)
    assert (run.state, run.providers_done) == ("done", 1)
    evidence = claim.evidence.select_related("source").get()
    assert evidence.provider == "links" and evidence.rank == 1
    assert "212 million dollars" in evidence.passage
    source = evidence.source
    assert (source.url, source.status, source.publisher) == (
        accounts,
        "extracted",
        "Riverton Courier",
    )
    assert evidence.snapshot_hash == source.snapshots.get().sha256
    assert evidence.published_after_claim  # 20 October, after the post of 12 October
    assert evidence.stance == Evidence.Stance.REFUTES  # "… 400 million dollars is false."
    assert re.fullmatch(rf"{re.escape(load_model().name)}, p = 0\.\d\d", evidence.stance_cue)
    assert source.candidates_proposed_at is None  # sources are not mined for claims
    assert Article.objects.filter(url=rain).exists()  # fetched, but not relevant


def test_feeds_of_trusted_outlets_give_their_matching_items(
    claim: Claim, editor: User, local_site: LocalSite, settings: Any
) -> None:
    story = local_site.add("/story", html("Bridge accounts", ACCOUNTS))
    local_site.add("/unrelated", html("Rain", RAIN))
    feed = local_site.add(
        "/feed.xml",
        f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Valley Times</title>
<item><title>Harbour Street bridge cost: the accounts</title><link>{story}</link>
<pubDate>Tue, 20 Oct 2026 08:00:00 GMT</pubDate></item>
<item><title>Rain at last</title><link>{local_site.base_url}/unrelated</link></item>
</channel></rss>""",
        Content_Type="application/rss+xml",
    )
    settings.EVIDENCE_FEEDS = [feed]
    gather_with("feeds", claim, editor, settings)
    evidence = claim.evidence.select_related("source").get()
    assert (evidence.provider, evidence.source.url) == ("feeds", story)
    assert "/unrelated" not in local_site.requests  # only matching items are fetched


def test_web_search_speaks_searxng_json(
    claim: Claim, editor: User, local_site: LocalSite, settings: Any
) -> None:
    page = local_site.add("/found", html("Final accounts", ACCOUNTS))
    results = {
        "query": "harbour street bridge",
        "number_of_results": 1,
        "results": [
            {"url": page, "title": "Final accounts", "content": "…", "engine": "duckduckgo",
             "score": 1.0, "publishedDate": "2026-10-20T08:00:00"},
            {"url": "ftp://elsewhere.example/file", "title": "not http", "content": ""},
        ],
    }  # fmt: skip
    local_site.add("/search", as_json(results), Content_Type="application/json")
    settings.SEARXNG_URL = local_site.base_url + "/"
    gather_with("web_search", claim, editor, settings)
    query = parse_qs(urlsplit(local_site.requests[0]).query)
    assert query["format"] == ["json"]
    assert query["q"] == ["viral post claims harbour street bridge cost 400 million dollars"]
    evidence = claim.evidence.select_related("source").get()
    assert (evidence.provider, evidence.source.url) == ("web_search", page)


def test_mediawiki_search_and_extracts_become_articles_without_fetching_pages(
    claim: Claim, editor: User, local_site: LocalSite, settings: Any
) -> None:
    answer = {
        "batchcomplete": True,
        "query": {
            "pages": [
                {"pageid": 7, "ns": 0, "title": "Rain", "index": 2, "extract": RAIN,
                 "fullurl": "https://wiki.example/wiki/Rain"},
                {"pageid": 9, "ns": 0, "title": "Trap", "index": 3, "extract": TRAP,
                 "fullurl": "javascript:alert(1)"},
                {"pageid": 3, "ns": 0, "title": "Harbour Street Bridge", "index": 1,
                 "extract": ACCOUNTS, "fullurl": "https://wiki.example/wiki/Harbour_Street_Bridge"},
            ]
        },
    }  # fmt: skip
    api = local_site.add("/w/api.php", as_json(answer), Content_Type="application/json")
    settings.MEDIAWIKI_API_URL = api
    gather_with("mediawiki", claim, editor, settings)
    query = parse_qs(urlsplit(local_site.requests[0]).query)
    assert query["generator"] == ["search"] and query["prop"] == ["extracts|info"]
    assert len(local_site.requests) == 1  # the extracts came with the search
    evidence = claim.evidence.select_related("source").get()
    assert evidence.source.url == "https://wiki.example/wiki/Harbour_Street_Bridge"
    assert evidence.source.title == "Harbour Street Bridge"
    assert "212 million dollars" in evidence.passage


def test_claimreview_search_maps_a_fact_checkers_rating_to_a_stance(
    claim: Claim, editor: User, local_site: LocalSite, settings: Any
) -> None:
    review = local_site.add(
        "/checks/bridge", html("Did the bridge cost 400 million?", ACCOUNTS, "Check Desk")
    )
    answer = {
        "claims": [
            {
                "text": "The Harbour Street bridge cost 400 million dollars",
                "claimant": "Viral post",
                "claimDate": "2026-10-11T00:00:00Z",
                "claimReview": [
                    {
                        "publisher": {"name": "Check Desk", "site": "checkdesk.example"},
                        "url": review,
                        "title": "Did the bridge cost 400 million?",
                        "reviewDate": "2026-10-14T00:00:00Z",
                        "textualRating": "Mostly false",
                        "languageCode": "en",
                    }
                ],
            }
        ],
        "nextPageToken": "CAo",
    }
    endpoint = local_site.add(
        "/v1alpha1/claims:search", as_json(answer), Content_Type="application/json"
    )
    settings.CLAIMREVIEW_API_URL, settings.CLAIMREVIEW_API_KEY = endpoint, "test-key"
    gather_with("claimreview", claim, editor, settings)
    query = parse_qs(urlsplit(local_site.requests[0]).query)
    assert query["key"] == ["test-key"] and "bridge" in query["query"][0]
    evidence = claim.evidence.select_related("source").get()
    assert (evidence.provider, evidence.stance) == ("claimreview", "refutes")
    assert evidence.stance_cue == "rated “Mostly false”"
    assert evidence.source.publisher == "Check Desk"


@pytest.mark.parametrize(
    ("rating", "stance"),
    [
        ("False", "refutes"),
        ("Pants on Fire!", "refutes"),
        ("Half True", "mixed"),
        ("Missing context", "mixed"),
        ("Mostly True", "supports"),
        ("Unproven", "not_enough_info"),
        ("Satire", "unknown"),
    ],
)
def test_fact_checkers_ratings_map_to_stances(rating: str, stance: str) -> None:
    assert rating_stance(rating) == stance


def test_one_source_found_by_two_providers_is_stored_once(
    claim: Claim, editor: User, local_site: LocalSite, settings: Any
) -> None:
    page = local_site.add("/accounts", html("Final accounts", ACCOUNTS))
    Article.objects.filter(id=claim.article_id).update(links=[{"url": page, "text": "accounts"}])
    claim.refresh_from_db()
    local_site.add(
        "/search", as_json({"results": [{"url": page}]}), Content_Type="application/json"
    )
    settings.SEARXNG_URL = local_site.base_url
    settings.EVIDENCE_PROVIDERS = ["links", "web_search"]
    run = gathering_start(claim=claim, user=editor)
    for job in run.jobs.all():
        provider_job_run(job_id=job.id)
    assert Article.objects.filter(url=page).count() == 1
    ranked = claim.evidence.order_by("rank").values_list("provider", "rank", "source__url")
    assert list(ranked) == [("links", 1, page), ("web_search", 2, page)]
    assert local_site.requests.count("/accounts") == 1


def test_two_links_to_one_text_give_one_source_and_the_second_is_kept_as_its_duplicate(
    claim: Claim, editor: User, local_site: LocalSite, settings: Any
) -> None:
    first = local_site.add("/accounts", html("Final accounts", ACCOUNTS))
    second = local_site.add("/mirror/accounts", html("Final accounts", ACCOUNTS))
    links = [{"url": first, "text": "accounts"}, {"url": second, "text": "accounts"}]
    Article.objects.filter(id=claim.article_id).update(links=links)
    claim.refresh_from_db()
    run = gather_with("links", claim, editor, settings)
    assert run.state == GatheringRun.State.DONE
    source, mirror = Article.objects.get(url=first), Article.objects.get(url=second)
    assert (source.status, source.snapshots.count()) == ("extracted", 1)
    assert (mirror.status, mirror.duplicate_of) == ("failed", source)
    assert mirror.failure_reason == f"Same article as #{source.id} (accounts)."  # the link's
    assert mirror.snapshots.count() == 0
    assert list(claim.evidence.values_list("source__url", flat=True)) == [first]


def test_a_link_whose_text_is_stored_already_is_quoted_from_the_stored_article(
    claim: Claim, editor: User, local_site: LocalSite, settings: Any, make_article: Any
) -> None:
    mirror = local_site.add("/mirror", html("Final accounts", ACCOUNTS))
    text = extract_page(fetch(mirror)).text
    stored = make_article(text, title="Accounts", url="https://accounts.example/final")
    Article.objects.filter(id=claim.article_id).update(links=[{"url": mirror, "text": "bridge"}])
    claim.refresh_from_db()
    gather_with("links", claim, editor, settings)
    assert Article.objects.get(url=mirror).duplicate_of == stored
    assert claim.evidence.get().source == stored
    assert claim.evidence.get().snapshot_hash == stored.content_hash  # it has no snapshot


def test_an_unreadable_source_is_skipped_and_the_job_still_succeeds(
    claim: Claim, editor: User, local_site: LocalSite, settings: Any
) -> None:
    gone = local_site.base_url + "/gone"
    Article.objects.filter(id=claim.article_id).update(links=[{"url": gone, "text": "bridge"}])
    claim.refresh_from_db()
    run = gather_with("links", claim, editor, settings)
    assert run.state == GatheringRun.State.DONE
    assert not claim.evidence.exists()


def test_a_malformed_link_is_skipped_and_the_other_links_still_give_evidence(
    claim: Claim, editor: User, local_site: LocalSite, settings: Any
) -> None:
    accounts = local_site.add("/accounts", html("Final accounts", ACCOUNTS))
    links = [{"url": "http://[::1/broken", "text": "bridge"}, {"url": accounts, "text": "bridge"}]
    Article.objects.filter(id=claim.article_id).update(links=links)
    claim.refresh_from_db()
    run = gather_with("links", claim, editor, settings)
    assert (run.state, run.providers_done) == (GatheringRun.State.DONE, 1)
    assert run.jobs.get().status == "done"
    assert claim.evidence.get().source.url == accounts


def test_sources_are_fetched_in_parallel_but_at_most_two_at_a_time_per_host(
    settings: Any,
) -> None:
    settings.FETCH_ALLOWED_HOSTS = ["127.0.0.1:*", "localhost:*"]
    active, most = [0], [0]
    lock = threading.Lock()

    class Slow(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with lock:
                active[0] += 1
                most[0] = max(most[0], active[0])
            time.sleep(0.2)
            body = html("Page", ACCOUNTS).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            with lock:
                active[0] -= 1

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        urls = [f"http://127.0.0.1:{server.server_port}/{number}" for number in range(6)]
        pages = fetch_many(urls)
    finally:
        server.shutdown()
    assert all(isinstance(page, FetchedPage) for page in pages.values())
    # Two at once (so not one after the other), and never more from one host: politeness.
    # Counted by the server, not timed: a busy machine makes any time bound flaky.
    assert most[0] == 2
