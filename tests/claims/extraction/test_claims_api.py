"""Editors list an article's candidates and decide on them through the API."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from claims.extraction.services import claim_accept
from claims.models import Article, Claim

TEXT = (
    "The council says the bridge cost 400 million dollars and opened in 2019. "
    "Critics claim that the toll doubled last year. "
    "Officials denied that any money went missing."
)
SENTENCES = [
    ("The council says the bridge cost 400 million dollars and opened in 2019.", 0.9),
    ("Critics claim that the toll doubled last year.", 0.4),
    ("Officials denied that any money went missing.", 0.7),
]

Client = Callable[[User | None], APIClient]


@pytest.fixture
def article(make_article: Callable[..., Article]) -> Article:
    article = make_article(TEXT, title="Bridge")
    for sentence, score in SENTENCES:
        start = TEXT.index(sentence)
        Claim.objects.create(
            article=article,
            text=sentence,
            span_start=start,
            span_end=start + len(sentence),
            checkworthiness=score,
            claimant="Critics" if sentence.startswith("Critics") else "",
            article_stance="reports" if sentence.startswith("Critics") else "asserts",
            stance_cue="Critics" if sentence.startswith("Critics") else "",
        )
    return article


def claims_of(article: Article) -> list[Claim]:
    return list(article.claims.order_by("span_start"))


def test_candidates_come_in_rank_order_claims_someone_makes_before_context(
    article: Article, editor: User, client_for: Client
) -> None:
    response = client_for(editor).get(f"/api/v1/articles/{article.id}/candidates/")
    assert response.status_code == 200
    results = response.json()["results"]
    # 0.7 is said in the article's own voice, so it counts half (0.35) against the critics' 0.4.
    assert [claim["checkworthiness"] for claim in results] == [0.9, 0.4, 0.7]
    # Rows from before models were named keep a score and no model: banded by the score.
    assert [claim["band"] for claim in results] == ["likely", "possible", "likely"]
    critics = results[1]
    assert critics["text"] == "Critics claim that the toll doubled last year."
    assert TEXT[critics["span_start"] : critics["span_end"]] == critics["text"]
    assert (critics["claimant"], critics["article_stance"], critics["stance_cue"]) == (
        "Critics",
        "reports",
        "Critics",
    )
    assert critics["status"] == "candidate"
    assert critics["decided_by"] is None and critics["split_from"] is None


def test_listing_candidates_takes_the_same_queries_however_many(
    article: Article,
    editor: User,
    client_for: Client,
    django_assert_num_queries: Any,
) -> None:
    client = client_for(editor)
    url = f"/api/v1/articles/{article.id}/candidates/"
    client.get(url)  # the editor's permissions are cached on the user object from here on
    first, second, third = claims_of(article)
    claim_accept(claim=first, user=editor)
    client.post(f"/api/v1/claims/{second.id}/dismiss/")
    client.post(f"/api/v1/claims/{third.id}/edit/", {"text": "Reworded."})
    # the article, the count for the page, the claims with their people
    with django_assert_num_queries(3):
        assert len(client.get(url).json()["results"]) == 3


def test_an_unknown_article_or_claim_is_404(editor: User, client_for: Client) -> None:
    client = client_for(editor)
    assert client.get("/api/v1/articles/999999/candidates/").status_code == 404
    assert (
        client.post("/api/v1/articles/999999/claims/", {"span_start": 0, "span_end": 2}).status_code
        == 404
    )
    for step in ("dismiss", "edit", "split"):
        assert client.post(f"/api/v1/claims/999999/{step}/", {}, format="json").status_code == 404


def requests_for(article: Article) -> list[tuple[str, str, dict[str, Any]]]:
    first, second, _ = claims_of(article)
    return [
        ("get", f"/api/v1/articles/{article.id}/candidates/", {}),
        ("post", f"/api/v1/claims/{first.id}/dismiss/", {}),
        ("post", f"/api/v1/claims/{first.id}/edit/", {"text": "Reworded."}),
        ("post", f"/api/v1/claims/{first.id}/split/", {"parts": [{"text": "A."}, {"text": "B."}]}),
        ("post", "/api/v1/claims/merge/", {"claims": [first.id, second.id]}),
        ("post", f"/api/v1/articles/{article.id}/claims/", {"span_start": 0, "span_end": 3}),
    ]


@pytest.mark.parametrize(
    ("who", "allowed"), [("editor", True), ("outsider", False), ("anonymous", False)]
)
def test_only_editors_may_decide(
    article: Article, client_for: Client, request: pytest.FixtureRequest, who: str, allowed: bool
) -> None:
    user = None if who == "anonymous" else request.getfixturevalue(who)
    client = client_for(user)
    statuses = []
    for method, url, body in requests_for(article):
        response = getattr(client, method)(url, body, format="json")
        statuses.append(response.status_code)
        if allowed:
            Claim.objects.filter(article=article).update(status="candidate", merged_into=None)
    if allowed:
        assert statuses == [200, 200, 200, 201, 201, 201]
    else:
        assert set(statuses) <= {401, 403}, statuses
        assert set(Claim.objects.values_list("status", flat=True)) == {"candidate"}
        assert Claim.objects.count() == 3


def test_reviewers_read_candidates_but_do_not_decide(
    article: Article, reviewer: User, client_for: Client
) -> None:
    client = client_for(reviewer)
    assert client.get(f"/api/v1/articles/{article.id}/candidates/").status_code == 200
    first = claims_of(article)[0]
    assert client.post(f"/api/v1/claims/{first.id}/dismiss/").status_code == 403


def test_dismissing_in_the_api(article: Article, editor: User, client_for: Client) -> None:
    first, second, _ = claims_of(article)
    client = client_for(editor)
    response = client.post(f"/api/v1/claims/{first.id}/dismiss/")
    assert response.status_code == 200
    assert response.json()["status"] == "dismissed"
    assert response.json()["decided_by"] == "editor"
    claim_accept(claim=second, user=editor)
    refused = client.post(f"/api/v1/claims/{second.id}/dismiss/")
    assert refused.status_code == 409
    assert "accepted" in refused.json()["detail"]


def test_editing_in_the_api(article: Article, editor: User, client_for: Client) -> None:
    first = claims_of(article)[0]
    client = client_for(editor)
    url = f"/api/v1/claims/{first.id}/edit/"
    response = client.post(
        url, {"text": "The bridge cost 400 million dollars.", "claimant": "The council"}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["text"], body["claimant"], body["edited_by"]) == (
        "The bridge cost 400 million dollars.",
        "The council",
        "editor",
    )
    assert (body["span_start"], body["span_end"]) == (first.span_start, first.span_end)
    assert client.post(url, {"text": " "}).json() == {"text": ["The claim's text is empty."]}
    assert client.post(url, {"text": "Fine.", "article_stance": "likes"}).status_code == 400


def test_splitting_in_the_api(article: Article, editor: User, client_for: Client) -> None:
    first = claims_of(article)[0]
    client = client_for(editor)
    url = f"/api/v1/claims/{first.id}/split/"
    cost = TEXT.index("the bridge cost")
    parts = [
        {"text": "The bridge cost 400 million dollars.", "span_start": cost, "span_end": cost + 35},
        {"text": "The bridge opened in 2019."},
    ]
    response = client.post(url, {"parts": parts}, format="json")
    assert response.status_code == 201
    made = response.json()
    assert [part["split_from"] for part in made] == [first.id, first.id]
    assert made[0]["span_start"] == cost and made[1]["span_start"] is None
    again = client.post(url, {"parts": parts}, format="json")
    assert [part["id"] for part in again.json()] == [part["id"] for part in made]
    different = client.post(url, {"parts": [{"text": "A."}, {"text": "B."}]}, format="json")
    assert different.status_code == 409


def test_split_refuses_bad_parts_in_the_api(
    article: Article, editor: User, client_for: Client
) -> None:
    first = claims_of(article)[0]
    client = client_for(editor)
    url = f"/api/v1/claims/{first.id}/split/"
    one_part = client.post(url, {"parts": [{"text": "Only one."}]}, format="json")
    assert one_part.status_code == 400 and "parts" in one_part.json()
    not_a_list = client.post(url, {"parts": "A. B."}, format="json")
    assert not_a_list.status_code == 400
    outside = [{"text": "A.", "span_start": 0, "span_end": len(TEXT)}, {"text": "B."}]
    assert client.post(url, {"parts": outside}, format="json").status_code == 400
    assert Claim.objects.count() == 3


def test_merging_in_the_api(
    article: Article, make_article: Callable[..., Article], editor: User, client_for: Client
) -> None:
    first, second, third = claims_of(article)
    client = client_for(editor)
    response = client.post(
        "/api/v1/claims/merge/", {"claims": [third.id, second.id]}, format="json"
    )
    assert response.status_code == 201
    merged = response.json()
    assert merged["text"] == f"{second.text} {third.text}"
    assert (merged["span_start"], merged["span_end"]) == (second.span_start, third.span_end)
    assert client.get(f"/api/v1/claims/{second.id}/").json()["merged_into"] == merged["id"]
    elsewhere = make_article("Another article with another claim in it.")
    other = Claim.objects.create(article=elsewhere, text=elsewhere.text, span_start=0, span_end=5)
    for ids in ([first.id], [first.id, other.id], [first.id, 999999]):
        refused = client.post("/api/v1/claims/merge/", {"claims": ids}, format="json")
        assert refused.status_code == 400 and "claims" in refused.json()


def test_creating_a_claim_from_a_span_in_the_api(
    article: Article, editor: User, client_for: Client
) -> None:
    client = client_for(editor)
    url = f"/api/v1/articles/{article.id}/claims/"
    start = TEXT.index("the toll doubled")
    response = client.post(url, {"span_start": start, "span_end": start + 16})
    assert response.status_code == 201
    made = response.json()
    assert made["text"] == "the toll doubled" and made["created_by"] == "editor"
    assert response["Location"].endswith(f"/api/v1/claims/{made['id']}/")
    again = client.post(url, {"span_start": start, "span_end": start + 16})
    assert again.status_code == 200
    assert again.json()["existing"] is True and again.json()["id"] == made["id"]
    for span in ({"span_start": 5, "span_end": 2}, {"span_start": 0}, {"span_start": "x"}):
        assert client.post(url, span).status_code == 400
    assert Claim.objects.count() == 4
