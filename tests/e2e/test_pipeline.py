"""The whole product on one path, through the API and a real Celery worker:
article in → claims → accepted → evidence → verdict → four eyes → published check out."""

from typing import Any

import pytest
from django.contrib.auth.models import User

from claims.models import Article, Claim
from tests.conftest import LocalSite, Worker, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ARTICLE_HTML = """<!doctype html>
<html lang="en"><head>
<title>Viral post on bridge cost | Riverton Courier</title>
<meta property="og:site_name" content="Riverton Courier">
<meta name="author" content="Ann Reporter">
<meta property="article:published_time" content="2026-10-12T09:00:00Z">
</head><body>
<nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/sport">Sport</a></nav>
<article>
<h1>Viral post on bridge cost</h1>
<p>A post shared thousands of times on social media claims that the new Harbour Street
bridge in Riverton cost taxpayers 400 million dollars.</p>
<p>Mayor Elena Novak said on Monday that the figure was false and that the bridge cost
212 million dollars according to the city's <a href="/council/accounts">published accounts</a>.</p>
<p>The bridge opened on September 30 and carries about 24,000 vehicles a day, officials said.</p>
</article>
<footer>© Riverton Courier. All rights reserved.</footer>
</body></html>"""

AUDITOR_HTML = """<!doctype html><html lang="en"><head><title>Auditor on the bridge</title>
<meta property="og:site_name" content="Riverton Auditor"></head><body><article>
<h1>Auditor on the bridge</h1><p>The regional auditor confirmed that the new Harbour Street
bridge cost 212 million dollars; the viral figure of 400 million is false.</p>
<p>The audit covered every payment made between 2022 and 2026.</p></article></body></html>"""

COUNCIL_REPORT = """The City of Riverton has published the final accounts of the Harbour Street
bridge project. The total cost of the Harbour Street bridge was 212 million dollars, against a
budget of 190 million dollars approved by the city council in 2022."""


def test_article_goes_from_url_to_published_check(
    celery_worker: Worker,
    local_site: LocalSite,
    editor: User,
    reviewer: User,
    chief_editor: User,
    client_for: Any,
) -> None:
    as_editor, as_reviewer = client_for(editor), client_for(reviewer)
    as_approver, anonymous = client_for(chief_editor), client_for(None)

    # The archive already holds the council's report (pasted text, ingested by the worker).
    report = as_editor.post(
        "/api/v1/articles/", {"text": COUNCIL_REPORT, "title": "Final accounts"}
    )
    assert report.status_code == 202

    # An editor submits the article by URL; the worker fetches it over real HTTP.
    url = local_site.add("/news/bridge-cost", ARTICLE_HTML)
    local_site.add("/council/accounts", AUDITOR_HTML)
    submitted = as_editor.post("/api/v1/articles/", {"url": url})
    assert submitted.status_code == 202
    status_url = submitted.json()["status_url"]

    def candidates_ready() -> bool:
        article = Article.objects.get(id=submitted.json()["id"])
        matching = article.claims.exclude(matching=Claim.Matching.DONE)  # checked before?
        return article.candidates_proposed_at is not None and not matching.exists()

    wait_until(candidates_ready, what="claim candidates", worker=celery_worker)
    article = as_editor.get(status_url).json()
    assert article["status"] == "extracted"
    assert article["title"] == "Viral post on bridge cost"
    assert article["publisher"] == "Riverton Courier"
    assert "Sport" not in article["text"] and "All rights reserved" not in article["text"]

    viral = next(c for c in article["claims"] if "400 million" in c["text"])
    assert "social media" in viral["claimant"]
    assert as_editor.post(f"/api/v1/claims/{viral['id']}/accept/").status_code == 200

    def evidence_gathered() -> bool:
        return Claim.objects.get(id=viral["id"]).gathering == Claim.Gathering.DONE

    wait_until(evidence_gathered, what="evidence", worker=celery_worker)
    claim = as_reviewer.get(f"/api/v1/claims/{viral['id']}/").json()
    run = claim["gathering_runs"][0]
    assert (run["state"], run["providers_done"], run["providers_total"]) == ("done", 3, 3)
    evidence = {item["provider"]: item for item in claim["evidence"]}
    assert evidence["archive"]["source"] == report.json()["id"]
    assert "212 million" in evidence["archive"]["passage"]
    cited = evidence["links"]  # the page the article links to, fetched by the worker
    assert cited["source_url"] == local_site.base_url + "/council/accounts"
    # "… the viral figure of 400 million is false": the stance model reads a refutation
    # (cue words saw "confirmed" and "false" and said mixed).
    assert (cited["publisher"], cited["stance"]) == ("Riverton Auditor", "refutes")
    assert not cited["interested_party"]  # the bridge is in Riverton; the auditor is no party
    assert sorted(item["rank"] for item in claim["evidence"]) == [1, 2]

    draft = as_reviewer.post(
        "/api/v1/reviews/",
        {
            "claim": viral["id"],
            "rating": "False",
            "headline": "The bridge cost 212 million dollars, not 400 million",
            "justification": "The city's final accounts give 212 million dollars (evidence #1).",
            "cited_evidence": [evidence["archive"]["id"], cited["id"]],
        },
        format="json",
    )
    assert draft.status_code == 201
    review_id = draft.json()["id"]
    assert as_reviewer.post(f"/api/v1/reviews/{review_id}/submit/").status_code == 200
    assert as_reviewer.post(f"/api/v1/reviews/{review_id}/approve/").status_code == 403
    assert as_approver.post(f"/api/v1/reviews/{review_id}/approve/").status_code == 200
    assert as_approver.post(f"/api/v1/reviews/{review_id}/publish/").status_code == 201

    listed = anonymous.get("/api/v1/checks/").json()["results"]
    assert [check["id"] for check in listed] == [review_id]
    detail = anonymous.get(f"/api/v1/checks/{review_id}/").json()
    claim_review = detail["claim_review"]
    assert claim_review["@type"] == "ClaimReview"
    assert claim_review["claimReviewed"] == viral["text"]
    assert claim_review["reviewRating"]["alternateName"] == "False"
    assert claim_review["itemReviewed"]["appearance"]["url"] == url
