"""Extraction proposes checkable sentences with claimant and stance, and never twice."""

from typing import Any

from django.contrib.auth.models import User

from claims.extraction.services import article_proposal_take, claim_accept, claims_propose
from claims.ingestion.pages import read_pasted
from claims.models import Claim
from tests.conftest import seed_article


def test_candidates_carry_their_span_score_claimant_and_stance(make_article: Any) -> None:
    article = make_article(read_pasted(seed_article()).text)
    assert claims_propose(article_id=article.id) > 3
    for claim in Claim.objects.filter(article=article):
        assert article.text[claim.span_start : claim.span_end] == claim.text
        assert 0 <= claim.checkworthiness <= 1
        assert claim.status == Claim.Status.CANDIDATE


def test_social_media_claims_are_not_attributed_to_the_ministry(make_article: Any) -> None:
    article = make_article(read_pasted(seed_article()).text)
    claims_propose(article_id=article.id)
    rebutted = Claim.objects.get(article=article, text__startswith="Russia's peacekeeping")
    assert rebutted.claimant == "social networks and online resources"
    assert rebutted.article_stance == Claim.ArticleStance.REFUTES
    assert rebutted.stance_cue == "can be safely refuted"
    assert rebutted.scored_by != ""


def test_running_again_adds_nothing_and_keeps_editor_decisions(
    make_article: Any, editor: User
) -> None:
    article = make_article(read_pasted(seed_article()).text)
    first = claims_propose(article_id=article.id)
    chosen = Claim.objects.filter(article=article).first()
    assert chosen is not None
    claim_accept(claim=chosen, user=editor)
    assert claims_propose(article_id=article.id) == 0
    assert Claim.objects.filter(article=article).count() == first
    chosen.refresh_from_db()
    assert chosen.status == Claim.Status.ACCEPTED


def test_one_message_at_a_time_proposes_an_article(make_article: Any) -> None:
    article = make_article("The bridge cost 400 million dollars, a post claims.")
    assert article_proposal_take(article_id=article.id, task_id="m-1", worker="w@host")
    # A copy of that message, or one the sweep sent while it waited, leaves it to m-1 ...
    assert not article_proposal_take(article_id=article.id, task_id="m-2")
    assert not article_proposal_take(article_id=article.id, task_id="m-1")
    # ... but m-1 itself, retried after a database error or sent back after its worker
    # died, takes it back.
    assert article_proposal_take(article_id=article.id, task_id="m-1", redelivered=True)
    claims_propose(article_id=article.id)
    assert not article_proposal_take(article_id=article.id, task_id="m-1", redelivered=True)
