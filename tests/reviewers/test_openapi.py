"""The API describes itself in OpenAPI, with interactive docs, and the public API keeps to
that description under generated requests (schemathesis): no server errors, no answers
outside the schema."""

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis import checks

from claims.models import Article, Evidence, Feed
from reviewers.catalog import webhook_subscription_create
from reviewers.models import Review

Publish = Callable[..., Review]


def test_schema_and_docs_are_served(client: Client, db: None) -> None:
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/v1/checks/", "/api/v1/checks/{check_id}/"} <= set(paths)
    parameters = {p["name"] for p in paths["/api/v1/checks/"]["get"]["parameters"]}
    assert {"rating", "claimant", "published_after", "tag", "q", "cursor"} <= parameters
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
    assert b"cdn" not in docs.content.lower()  # served from here, not a CDN


@pytest.fixture
def public_api_schema(publish_check: Publish, settings: Any) -> Iterator[Any]:
    settings.PUBLIC_API_RATE = "100000/minute"
    publish_check(rating="False", tags=("bridge",))
    publish_check(rating="Mixed", language="fr", claimant="Mayor Jane Doe")
    # As Django's test client does: the test's connection holds its transaction, so the
    # WSGI handler must not close it at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
    yield schema.include(path_regex="^/api/v1/checks")
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def wsgi_schema() -> Iterator[Any]:
    # As Django's test client does: the test's connection holds its transaction, so the
    # WSGI handler must not close it at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
]


def test_public_api_keeps_to_its_schema(public_api_schema: Any) -> None:
    operations = [result.ok() for result in public_api_schema.get_all_operations()]
    assert len(operations) == 3
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def keeps_to_the_schema(case: Any) -> None:
            case.call_and_validate(checks=CHECKS)

        keeps_to_the_schema()


@pytest.fixture
def newsroom(publish_check: Publish, admin_user: User, settings: Any) -> User:
    """Something of everything the newsroom's API lists; returns the admin."""
    settings.FETCH_ALLOWED_HOSTS = ["127.0.0.1:9"]
    webhook_subscription_create(
        user=admin_user, url="http://127.0.0.1:9/hook", events=["check.published"]
    )
    review = publish_check(tags=("bridge",))  # with a pending webhook delivery
    source = Article.objects.create(url="https://source.example/a", title="Source")
    Evidence.objects.create(
        claim=review.claim, source=source, provider="archive", passage="The accounts.",
        rank=1, relevance=0.5, snapshot_hash="0" * 64, retrieved_at=datetime.now(UTC),
    )  # fmt: skip
    Feed.objects.create(url="https://courier.example/rss", last_error="HTTP 500")
    return admin_user


@pytest.mark.parametrize("who", ["admin", "outsider"])
def test_newsroom_api_reads_keep_to_the_schema(
    who: str, newsroom: User, outsider: User, wsgi_schema: Any
) -> None:
    """The admin sees everything; a user with no permission is refused, as documented."""
    token, _ = Token.objects.get_or_create(user=newsroom if who == "admin" else outsider)
    headers = {"Authorization": f"Token {token.key}"}
    # The public API has its own test above.
    reads = wsgi_schema.include(method="GET").exclude(path_regex="^/api/v1/checks")
    operations = [result.ok() for result in reads.get_all_operations()]
    paths = {operation.path for operation in operations}
    assert {"/api/v1/articles/", "/api/v1/claims/{claim_id}/", "/api/v1/feeds/",
            "/api/v1/ratings/", "/api/v1/webhooks/deliveries/", "/api/v1/reviews/queue/",
            "/api/v1/reviews/{review_id}/comments/"} <= paths  # fmt: skip
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def keeps_to_the_schema(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        keeps_to_the_schema()
