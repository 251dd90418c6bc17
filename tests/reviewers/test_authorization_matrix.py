"""The permission matrix, checked the way an outside reviewer probes the site: every operation
of the OpenAPI schema and every admin URL, tried by every role (anonymous, a staff user with
no permissions, an editor, a reviewer, a chief editor, an admin). Each operation and admin URL
must have a rule here: a new one without a rule fails, and so does one that lets in a role
without the rule's permission (or refuses one that has it)."""

import gzip
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib import admin
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.db import transaction
from django.test import Client
from django.urls import URLPattern
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from claims.models import (
    Article,
    ClaimMatch,
    Evidence,
    Feed,
    ProviderSetting,
    Snapshot,
    TipGroup,
)
from reviewers.models import Rating, Review, Tag, WebhookDelivery, WebhookSubscription
from tests.claims.matches import another_review
from tests.token_clients import token_client

Publish = Callable[..., Review]
PUBLIC = "public"  # anyone, no token
SIGNED_IN = "signed in"  # any user with a token, whatever their permissions
ROLES = ["anonymous", "staff", "editor", "reviewer", "chief_editor", "site_admin"]

# Every operation of the API: the permissions it needs (all of them), PUBLIC or SIGNED_IN.
API: dict[str, tuple[str, ...] | str] = {
    "GET /api/v1/articles/": ("claims.view_article",),
    "POST /api/v1/articles/": ("claims.add_article",),
    "GET /api/v1/articles/{article_id}/": ("claims.view_article",),
    "GET /api/v1/articles/{article_id}/candidates/": ("claims.view_claim",),
    "POST /api/v1/articles/{article_id}/claims/": ("claims.add_claim",),
    "POST /api/v1/articles/{article_id}/retry/": ("claims.change_article",),
    "POST /api/v1/articles/{article_id}/source/": ("claims.change_article",),
    "GET /api/v1/analytics/": ("reviewers.publish_review",),
    "GET /api/v1/exports/{kind}.{fmt}": ("claims.view_claim",),  # the world's kind: claims
    "POST /api/v1/gathering/jobs/{job_id}/retry/": ("claims.add_gatheringrun",),
    "POST /api/v1/tips/": PUBLIC,
    "POST /api/v1/auth/token/": PUBLIC,
    "DELETE /api/v1/auth/token/": SIGNED_IN,
    "GET /api/v1/checks/": PUBLIC,
    "GET /api/v1/checks/{check_id}/": PUBLIC,
    "GET /api/v1/checks/{check_id}/claim-review/": PUBLIC,
    "GET /api/v1/claims/": ("claims.view_claim",),
    "GET /api/v1/claims/{claim_id}/": ("claims.view_claim",),
    "POST /api/v1/claims/{claim_id}/accept/": ("claims.change_claim",),
    "POST /api/v1/claims/{claim_id}/dismiss/": ("claims.change_claim",),
    "POST /api/v1/claims/{claim_id}/edit/": ("claims.change_claim",),
    "POST /api/v1/claims/{claim_id}/evidence/": ("claims.add_evidence",),
    "POST /api/v1/claims/{claim_id}/gather/": ("claims.add_gatheringrun",),
    "GET /api/v1/claims/{claim_id}/matches/": ("claims.view_claimmatch",),
    "POST /api/v1/claims/{claim_id}/matches/{match_id}/confirm/": ("claims.change_claim",),
    "POST /api/v1/claims/{claim_id}/matches/{match_id}/reject/": ("claims.change_claim",),
    "POST /api/v1/claims/{claim_id}/matches/{match_id}/undo/": ("claims.change_claim",),
    "POST /api/v1/claims/{claim_id}/split/": ("claims.change_claim",),
    "POST /api/v1/claims/merge/": ("claims.change_claim",),
    "POST /api/v1/evidence/{evidence_id}/pin/": ("claims.change_evidence",),
    "POST /api/v1/evidence/{evidence_id}/stance/": ("claims.change_evidence",),
    "GET /api/v1/feeds/": ("claims.view_feed",),
    "POST /api/v1/feeds/": ("claims.add_feed",),
    "GET /api/v1/feeds/{feed_id}/": ("claims.view_feed",),
    "PATCH /api/v1/feeds/{feed_id}/": ("claims.change_feed",),
    "DELETE /api/v1/feeds/{feed_id}/": ("claims.delete_feed",),
    "POST /api/v1/feeds/{feed_id}/poll/": ("claims.change_feed",),
    "GET /api/v1/ratings/": ("reviewers.view_rating",),
    "POST /api/v1/ratings/": ("reviewers.add_rating",),
    "GET /api/v1/ratings/{rating_id}/": ("reviewers.view_rating",),
    "PATCH /api/v1/ratings/{rating_id}/": ("reviewers.change_rating",),
    "DELETE /api/v1/ratings/{rating_id}/": ("reviewers.delete_rating",),
    "POST /api/v1/reviews/": ("reviewers.change_review",),
    "GET /api/v1/reviews/{review_id}/": ("reviewers.view_review",),
    "POST /api/v1/reviews/{review_id}/approve/": ("reviewers.approve_review",),
    "GET /api/v1/reviews/{review_id}/comments/": ("reviewers.view_reviewcomment",),
    "POST /api/v1/reviews/{review_id}/comments/": ("reviewers.add_reviewcomment",),
    "POST /api/v1/reviews/{review_id}/correct/": ("reviewers.publish_review",),
    "POST /api/v1/reviews/{review_id}/correction/approve/": (
        "reviewers.approve_review",
        "reviewers.publish_review",
    ),
    "POST /api/v1/reviews/{review_id}/correction/reject/": ("reviewers.approve_review",),
    "POST /api/v1/reviews/{review_id}/publish/": ("reviewers.publish_review",),
    "POST /api/v1/reviews/{review_id}/retract/": ("reviewers.publish_review",),
    "POST /api/v1/reviews/{review_id}/send-back/": ("reviewers.approve_review",),
    "POST /api/v1/reviews/{review_id}/submit/": ("reviewers.change_review",),
    "GET /api/v1/reviews/queue/": ("reviewers.view_review",),
    "POST /api/v1/reviews/queue/{claim_id}/assign/": ("reviewers.change_review",),
    "POST /api/v1/reviews/queue/{claim_id}/auto-assign/": ("reviewers.assign_review",),
    "POST /api/v1/reviews/queue/{claim_id}/dismiss/": ("reviewers.dismiss_review",),
    "GET /api/v1/tags/": ("reviewers.view_tag",),
    "POST /api/v1/tags/": ("reviewers.add_tag",),
    "GET /api/v1/tags/{tag_id}/": ("reviewers.view_tag",),
    "PATCH /api/v1/tags/{tag_id}/": ("reviewers.change_tag",),
    "DELETE /api/v1/tags/{tag_id}/": ("reviewers.delete_tag",),
    "GET /api/v1/webhooks/": ("reviewers.view_webhooksubscription",),
    "POST /api/v1/webhooks/": ("reviewers.add_webhooksubscription",),
    "GET /api/v1/webhooks/{subscription_id}/": ("reviewers.view_webhooksubscription",),
    "PATCH /api/v1/webhooks/{subscription_id}/": ("reviewers.change_webhooksubscription",),
    "DELETE /api/v1/webhooks/{subscription_id}/": ("reviewers.delete_webhooksubscription",),
    "GET /api/v1/webhooks/deliveries/": ("reviewers.view_webhookdelivery",),
}


PARTS = [{"text": "The bridge cost a lot."}, {"text": "It was late."}]
# Bodies for the operations that read one before they reach the permission check: the
# fields they need, so the check decides (they run inside a rolled-back transaction).
BODIES: dict[str, dict[str, Any]] = {
    "POST /api/v1/articles/{article_id}/claims/": {"span_start": 0, "span_end": 10},
    "POST /api/v1/articles/{article_id}/source/": {"publisher": "The Courier"},
    "POST /api/v1/tips/": {"text": "Is it true the bridge cost 400 million dollars?"},
    "POST /api/v1/claims/merge/": {"claims": ["{claim_id}", "{other_claim_id}"]},
    "POST /api/v1/claims/{claim_id}/edit/": {"text": "The bridge cost 400 million dollars."},
    "POST /api/v1/claims/{claim_id}/evidence/": {"url": "http://10.0.0.1/"},
    "POST /api/v1/claims/{claim_id}/split/": {"parts": PARTS},
    "POST /api/v1/evidence/{evidence_id}/pin/": {"pinned": True},
    "POST /api/v1/evidence/{evidence_id}/stance/": {"stance": "supports"},
    "POST /api/v1/feeds/": {"url": "https://courier.example/other"},
    "POST /api/v1/ratings/": {"label": "Odd", "value": 42},
    "POST /api/v1/reviews/": {"claim": "{claim_id}"},
    "POST /api/v1/reviews/queue/{claim_id}/dismiss/": {"reason": "duplicate"},
    "POST /api/v1/reviews/{review_id}/comments/": {"body": "A question."},
    "POST /api/v1/reviews/{review_id}/correct/": {"note": "Typo."},
    "POST /api/v1/reviews/{review_id}/correction/reject/": {"note": "No."},
    "POST /api/v1/reviews/{review_id}/retract/": {"reason": "Wrong claim."},
    "POST /api/v1/reviews/{review_id}/send-back/": {"reason": "changes_requested", "note": "More."},
    "POST /api/v1/tags/": {"name": "Budget two"},
    "POST /api/v1/webhooks/": {"url": "https://93.184.216.34/h2", "events": ["check.published"]},
}


def _operations() -> list[str]:
    """Every operation the served schema describes, as "METHOD /path"."""
    schema = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths: dict[str, dict[str, Any]] = schema.json()["paths"]
    methods = {"get", "post", "put", "patch", "delete"}
    return [f"{m.upper()} {path}" for path, ops in paths.items() for m in ops if m in methods]


@pytest.fixture
def cast(
    editor: User, reviewer: User, chief_editor: User, site_admin: User, db: None
) -> dict[str, User | None]:
    staff = User.objects.create_user("staff", password="pw-staff", is_staff=True)
    return {
        "anonymous": None,
        "staff": staff,
        "editor": editor,
        "reviewer": reviewer,
        "chief_editor": chief_editor,
        "site_admin": site_admin,
    }


@pytest.fixture
def world(publish_check: Publish) -> dict[str, int]:
    """One of everything an operation or admin page can be about: path parameters' values."""
    review = publish_check()
    other = publish_check()
    claim = review.claim
    match = ClaimMatch.objects.create(claim=claim, matched_claim=other.claim, score=0.9, rank=1)
    subscription = WebhookSubscription.objects.create(
        url="https://93.184.216.34/hook", secret="s", events=["check.published"]
    )
    _one_row_of_the_rest(review, subscription)
    return {
        "article_id": claim.article_id,
        "claim_id": claim.id,
        "check_id": review.id,
        "review_id": review.id,
        "match_id": match.id,
        "evidence_id": claim.evidence.get().id,
        "feed_id": Feed.objects.create(url="https://courier.example/rss").id,
        "rating_id": Rating.objects.get(label="Unverifiable").id,
        "tag_id": Tag.objects.create(slug="budget", name="Budget").id,
        "subscription_id": subscription.id,
        "other_claim_id": other.claim_id,
        "snapshot_id": _snapshot(claim.evidence.get()).id,
        "article_content_type": ContentType.objects.get_for_model(Article).id,
        "job_id": claim.gathering_runs.get().jobs.order_by("id").first().id,  # type: ignore[union-attr]
        "group_id": _tip_group().id,
        "kind": "claims",  # type: ignore[dict-item]
        "fmt": "csv",  # type: ignore[dict-item]
    }


def _one_row_of_the_rest(review: Review, subscription: WebhookSubscription) -> None:
    """A row for the admin pages of one row that nothing above made."""
    Token.objects.create(user=User.objects.get(username="editor"))
    AccessAttempt.objects.create(
        username="guesser", ip_address="203.0.113.9", user_agent="", http_accept="",
        path_info="/admin/login/", failures_since_start=1,
    )  # fmt: skip
    AccessFailureLog.objects.create(
        username="guesser", ip_address="203.0.113.9", user_agent="", http_accept="",
        path_info="/admin/login/",
    )  # fmt: skip
    another_review("Other checkers", "https://checkers.example/reviews/1")
    ProviderSetting.objects.create(provider=ProviderSetting.Provider.choices[0][0])
    WebhookDelivery.objects.create(
        subscription=subscription,
        version=review.versions.get(),
        event="check.published",
        next_attempt_at=review.updated_at,
    )


def _tip_group() -> TipGroup:
    """A group of readers' tips, as the tips inbox lists them (a one-tip group)."""
    now = timezone.now()
    return TipGroup.objects.create(
        text="Is it true the bridge cost 400 million dollars?", vector=b"\0" * 16,
        model_name="test", count=1, first_asked_at=now, last_asked_at=now,
    )  # fmt: skip


def _snapshot(evidence: Evidence) -> Snapshot:
    body = b"<p>The accounts.</p>"
    return Snapshot.objects.create(
        article=evidence.source, url=evidence.source.url, content_type="text/html",
        sha256="0" * 64, body_gzip=gzip.compress(body), size=len(body),
        fetched_at=evidence.retrieved_at,
    )  # fmt: skip


def _filled(value: Any, world: dict[str, int]) -> Any:
    """A body's value with "{name}" standing for an id of the world."""
    if isinstance(value, list):
        return [_filled(item, world) for item in value]
    if isinstance(value, str) and value.startswith("{"):
        return world[value.strip("{}")]
    return value


def _client(user: User | None) -> APIClient:
    return APIClient() if user is None else token_client(user)


def refused(status: int, body: bytes) -> bool:
    """Refused for want of a permission (or of a login): not for a state or an owner rule,
    such as four eyes or "only the assignee", which a 403 also answers."""
    if status == 401:
        return True
    text = body.decode(errors="replace")
    return status == 403 and bool(re.search(r"permission|Log in|credentials", text))


def _body(response: Any) -> bytes:
    """The response's body, streamed (an export) or not."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return bytes(response.content)


def expected_allowed(user: User | None, rule: tuple[str, ...] | str) -> bool:
    if rule == PUBLIC:
        return True
    if user is None:
        return False
    return rule == SIGNED_IN or all(user.has_perm(permission) for permission in rule)


def test_every_api_operation_has_a_rule_and_every_rule_an_operation(db: None) -> None:
    served = _operations()
    assert sorted(set(served) - set(API)) == [], "operations without a rule in API"
    assert sorted(set(API) - set(served)) == [], "rules for operations that no longer exist"


@pytest.mark.parametrize("operation", sorted(API))
def test_each_role_gets_exactly_what_the_matrix_gives(
    operation: str, cast: dict[str, User | None], world: dict[str, int]
) -> None:
    method, path = operation.split(" ", 1)
    url = re.sub(r"\{(\w+)\}", lambda found: str(world[found.group(1)]), path)
    body = {field: _filled(value, world) for field, value in BODIES.get(operation, {}).items()}
    decisions = {}
    statuses = {}
    for role, user in cast.items():
        with transaction.atomic():  # each role meets the same world: undo what it changed
            response = getattr(_client(user), method.lower())(url, body, format="json")
            transaction.set_rollback(True)
        body_read = _body(response)
        assert response.status_code < 500, (role, body_read[:500])
        decisions[role] = not refused(response.status_code, body_read)
        statuses[role] = (response.status_code, body_read[:80])
    expected = {role: expected_allowed(user, API[operation]) for role, user in cast.items()}
    assert decisions == expected, statuses


# The admin. A model's own pages open to its permissions (the list, a row and its history to
# whoever may view or change it; add and delete to those permissions); these open to others.
STAFF = "staff"  # any staff user, whatever their permissions
ADMIN_SITE: dict[str, tuple[str, tuple[str, ...] | str]] = {
    "index": ("GET", STAFF),
    "login": ("GET", PUBLIC),
    "logout": ("POST", PUBLIC),
    "password_change": ("GET", STAFF),
    "password_change_done": ("GET", STAFF),
    "jsi18n": ("GET", STAFF),
    "autocomplete": ("GET", STAFF),
    "view_on_site": ("GET", STAFF),
    "app_list": ("GET", STAFF),
    "newsroom_analytics": ("GET", ("reviewers.publish_review",)),
}
ADMIN_CUSTOM: dict[str, tuple[str, tuple[str, ...] | str]] = {
    "claims_article_claims": ("GET", ("claims.view_article",)),
    "claims_article_decide": ("POST", ("claims.change_claim",)),
    "claims_match_decide": ("POST", ("claims.change_claim",)),
    "claims_gather": ("POST", ("claims.add_gatheringrun",)),
    "claims_evidence_curate": ("POST", ("claims.change_evidence",)),
    "claims_evidence_snapshot": ("GET", ("claims.view_evidence",)),
    "reviewers_review_desk": ("GET", ("reviewers.view_review",)),
    "reviewers_review_step": ("POST", ("reviewers.view_review",)),
    "auth_user_password_change": ("GET", ("auth.change_user",)),
    "claims_evidence_add": ("POST", ("claims.add_evidence",)),
    "claims_article_source": ("GET", ("claims.change_article",)),
    "claims_gathering_progress": ("GET", ("claims.view_claim",)),
    "claims_provider_retry": ("POST", ("claims.add_gatheringrun",)),
    "claims_tipgroup_claim": ("POST", ("claims.change_tipgroup",)),
}
# Pages no role opens, whatever its permissions: rows the services alone write (audit trails,
# worker bookkeeping, frozen versions), or that start elsewhere (a review on the desk, a claim
# from an article). The autocomplete, asked without its parameters, is refused to all.
CLOSED = {
    "claims.evidence add", "claims.gatheringrun add", "claims.claim add",
    "claims.claimmatch add", "claims.claimmatch delete",
    "claims.claimevent add", "claims.claimevent delete",
    "reviewers.review add", "reviewers.review delete",
    "reviewers.reviewevent add", "reviewers.reviewevent delete",
    "reviewers.publishedcheck add", "reviewers.publishedcheck delete",
    "reviewers.webhookdelivery add", "reviewers.webhookdelivery delete",
    "axes.accessattempt add", "axes.accesslog add", "axes.accessfailurelog add",
    "claims.tipgroup add", "claims.tipgroup delete", "claims.tip add", "claims.tip delete",
    "autocomplete",
}  # fmt: skip
# What the custom steps are sent: enough for their permission check to decide.
DATA: dict[str, dict[str, Any]] = {
    "claims_article_decide": {"claim": "{claim_id}"},
    "claims_evidence_add": {"url": "http://10.0.0.1/"},
    "reviewers_review_step": {"body": "A question."},
}
# The step each custom URL is asked for (an unknown step is a 404 for everybody).
STEP = {
    "claims_article_decide": "accept",
    "claims_match_decide": "confirm",
    "claims_evidence_curate": "pin",
    "reviewers_review_step": "comment",
}
SUFFIXES = {
    "changelist": "view",
    "change": "view",
    "history": "view",
    "add": "add",
    "delete": "delete",
}


@dataclass(frozen=True)
class AdminPage:
    key: str  # "app.model suffix" for a model's own pages, else the URL's name
    name: str
    url: str
    method: str
    rule: tuple[str, ...] | str


def _admin_pages(world: dict[str, int]) -> Iterator[AdminPage]:
    """Every URL of the admin, with the values of its parameters from the world."""
    site_pages = [p for p in admin.site.get_urls() if isinstance(p, URLPattern) and p.name]
    for pattern in site_pages:  # the models' pages are URLResolvers, read below
        assert pattern.name in ADMIN_SITE, f"the admin URL {pattern.name} has no rule"
        method, rule = ADMIN_SITE[pattern.name]
        url = _site_url(pattern.name, world)
        yield AdminPage(pattern.name, pattern.name, url, method, rule)
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        prefix = f"/admin/{opts.app_label}/{opts.model_name}/"
        row = model._default_manager.order_by("pk").first()
        for pattern in model_admin.get_urls():
            if pattern.name is None:
                continue  # the redirect of an old-style change URL
            suffix = pattern.name.removeprefix(f"{opts.app_label}_{opts.model_name}_")
            key = pattern.name
            if suffix in SUFFIXES:
                rule = (f"{opts.app_label}.{SUFFIXES[suffix]}_{opts.model_name}",)
                method, key = "GET", f"{opts.label_lower} {suffix}"
            else:
                assert pattern.name in ADMIN_CUSTOM, f"the admin URL {pattern.name} has no rule"
                method, rule = ADMIN_CUSTOM[pattern.name]
            route = str(pattern.pattern)
            row_id = row.pk if row else 999_999
            values = {**world, "object_id": row_id, "id": row_id, "step": STEP.get(key, "")}
            url = prefix + _route_filled(route, values)
            yield AdminPage(key, pattern.name, url, method, rule)


def _route_filled(route: str, values: dict[str, Any]) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda found: str(values[found.group(1)]), route)


def _site_url(name: str, world: dict[str, int]) -> str:
    return {
        "index": "/admin/",
        "login": "/admin/login/",
        "logout": "/admin/logout/",
        "password_change": "/admin/password_change/",
        "password_change_done": "/admin/password_change/done/",
        "jsi18n": "/admin/jsi18n/",
        "autocomplete": "/admin/autocomplete/",
        "view_on_site": f"/admin/r/{world['article_content_type']}/{world['article_id']}/",
        "app_list": "/admin/claims/",
        "newsroom_analytics": "/admin/analytics/",
    }[name]


def admin_allowed(user: User | None, page: AdminPage) -> bool:
    if page.key in CLOSED:
        return False
    if page.rule == PUBLIC:
        return True
    if user is None or not user.is_staff:
        return False
    if page.rule == STAFF:
        return True
    if page.name.endswith(("_changelist", "_change", "_history")):
        model_perm = page.rule[0]
        return user.has_perm(model_perm) or user.has_perm(model_perm.replace(".view_", ".change_"))
    return all(user.has_perm(permission) for permission in page.rule)


def admin_refused(response: Any) -> bool:
    """Refused: a 403, the log-in page, or a step that went back saying which permission
    it needs (the steps' pages report a service's refusal as a message)."""
    if response.status_code == 403:
        return True
    if response.status_code != 302:
        return False
    said = " ".join(str(message) for message in get_messages(response.wsgi_request))
    return "/admin/login/" in response["Location"] or "permission" in said


def test_every_admin_url_opens_to_its_rule_alone(
    cast: dict[str, User | None], world: dict[str, int]
) -> None:
    wrong = []
    clients = {role: Client() for role in cast}
    for role, user in cast.items():
        if user is not None:
            clients[role].force_login(user)
    # Logging out ends the clients' sessions: last.
    for page in sorted(_admin_pages(world), key=lambda page: page.name == "logout"):
        for role, user in cast.items():
            client = clients[role]
            with transaction.atomic():
                data = {k: _filled(v, world) for k, v in DATA.get(page.key, {}).items()}
                response = getattr(client, page.method.lower())(page.url, data)
                transaction.set_rollback(True)
            assert response.status_code < 500, (page, role)
            allowed = not admin_refused(response)
            if allowed != admin_allowed(user, page):
                wrong.append((page.name, page.url, role, response.status_code))
    assert wrong == [], "\n".join(map(str, wrong))
