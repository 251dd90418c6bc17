"""The tips tests: a fresh matching index each, and published checks that tips can match."""

from collections.abc import Callable, Iterator

import pytest

from claims.matching import follower
from claims.matching.services import claim_match
from reviewers.models import Review
from tests.reviewers.conftest import publish_check  # noqa: F401  (a fixture, used below)

BRIDGE = "The new Harbour Street bridge in Riverton cost taxpayers 400 million dollars."


@pytest.fixture(autouse=True)
def fresh_index(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(follower, "_process_followers", {})
    yield


@pytest.fixture
def published_bridge_check(publish_check: Callable[..., Review]) -> Review:  # noqa: F811
    """Our published check of the bridge claim, matched (as the worker would have)."""
    review = publish_check(BRIDGE, headline="No, the bridge did not cost $400 million")
    claim_match(claim_id=review.claim_id)
    return review
