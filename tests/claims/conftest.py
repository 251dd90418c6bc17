"""The claims of the "checked before?" tests: each of its own article, and another
fact-checker's review of the bridge claim."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User

from claims.extraction.services import claim_accept
from claims.models import Article, Claim, ExternalReview
from tests.claims.matches import another_review


@pytest.fixture
def make_claim(make_article: Callable[..., Article], editor: User) -> Callable[..., Claim]:
    """A claim of its own article, accepted (and gathering) unless told otherwise."""

    def make(text: str, *, accepted: bool = True) -> Claim:
        article = make_article(text)
        claim = Claim.objects.create(article=article, text=text, checkworthiness=0.7)
        return claim_accept(claim=claim, user=editor) if accepted else claim

    return make


@pytest.fixture
def external_review(db: None) -> ExternalReview:
    return another_review("Checkers United", "https://checkers.example/2026/bridge-cost")
