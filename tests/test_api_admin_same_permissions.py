"""The API and the admin refuse the same users for the same action: both rest on the same
permission. Each action is tried by a user holding just that permission, a staff user
holding none, an editor and a reviewer, once in the admin and once through the API."""

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client

from claims.models import Feed
from reviewers.models import Rating, Tag
from tests.token_clients import token_client, user_with

_numbers = itertools.count(1)


@dataclass
class Action:
    permission: str
    in_admin: Callable[[Client], Any]
    through_api: Callable[[User], Any]


def _new_rating() -> Rating:
    number = next(_numbers)
    return Rating.objects.create(label=f"Rating {number}", value=100 + number)


def _new_feed() -> Feed:
    return Feed.objects.create(url=f"https://courier.example/{next(_numbers)}.xml")


def _new_tag() -> Tag:
    number = next(_numbers)
    return Tag.objects.create(slug=f"tag-{number}", name=f"Tag {number}")


ACTIONS = {
    "submit an article": Action(
        "claims.add_article",
        lambda admin: admin.post(
            "/admin/claims/article/add/", {"text": f"Pasted story {next(_numbers)}."}
        ),
        lambda user: token_client(user).post(
            "/api/v1/articles/", {"text": f"Pasted story {next(_numbers)}."}
        ),
    ),
    "follow a feed": Action(
        "claims.add_feed",
        lambda admin: admin.post(
            "/admin/claims/feed/add/",
            {"url": f"https://courier.example/{next(_numbers)}", "poll_every": "00:30:00"},
        ),
        lambda user: token_client(user).post(
            "/api/v1/feeds/", {"url": f"https://courier.example/{next(_numbers)}"}
        ),
    ),
    "stop following a feed": Action(
        "claims.delete_feed",
        lambda admin: admin.post(f"/admin/claims/feed/{_new_feed().id}/delete/", {"post": "yes"}),
        lambda user: token_client(user).delete(f"/api/v1/feeds/{_new_feed().id}/"),
    ),
    "add a tag": Action(
        "reviewers.add_tag",
        lambda admin: admin.post(
            "/admin/reviewers/tag/add/", {"name": "Budget", "slug": f"budget-{next(_numbers)}"}
        ),
        lambda user: token_client(user).post("/api/v1/tags/", {"name": f"Budget {next(_numbers)}"}),
    ),
    "delete a tag": Action(
        "reviewers.delete_tag",
        lambda admin: admin.post(f"/admin/reviewers/tag/{_new_tag().id}/delete/", {"post": "yes"}),
        lambda user: token_client(user).delete(f"/api/v1/tags/{_new_tag().id}/"),
    ),
    "change a rating": Action(
        "reviewers.change_rating",
        lambda admin: admin.post(
            f"/admin/reviewers/rating/{_new_rating().id}/change/",
            {"label": f"Renamed {next(_numbers)}", "value": 200 + next(_numbers)},
        ),
        lambda user: token_client(user).patch(
            f"/api/v1/ratings/{_new_rating().id}/", {"description": "Changed."}
        ),
    ),
    "subscribe a webhook": Action(
        "reviewers.add_webhooksubscription",
        lambda admin: admin.post(
            "/admin/reviewers/webhooksubscription/add/",
            {"url": "https://partner.example/hook", "secret": "s", "events": ["check.published"]},
        ),
        lambda user: token_client(user).post(
            "/api/v1/webhooks/",
            {"url": "https://partner.example/hook", "events": ["check.published"]},
            format="json",
        ),
    ),
}


def admin_allows(user: User, action: Action) -> bool:
    client = Client()
    client.force_login(user)
    response: HttpResponse = action.in_admin(client)
    assert response.status_code in (302, 403), (response.status_code, response.content[:2000])
    return response.status_code == 302 and "/login/" not in response["Location"]


def api_allows(user: User, action: Action) -> bool:
    response: HttpResponse = action.through_api(user)
    assert response.status_code in (200, 201, 202, 204, 403), response.content
    return response.status_code != 403


@pytest.mark.parametrize("name", ACTIONS)
def test_api_and_admin_refuse_the_same_users(
    name: str, editor: User, reviewer: User, db: None
) -> None:
    action = ACTIONS[name]
    allowed = user_with("allowed", action.permission)
    refused = user_with("refused")
    decisions = {
        user.username: (admin_allows(user, action), api_allows(user, action))
        for user in (allowed, refused, editor, reviewer)
    }
    assert decisions["allowed"] == (True, True)
    assert decisions["refused"] == (False, False)
    for username, (in_admin, through_api) in decisions.items():
        assert in_admin == through_api, f"{username} may {name} in only one of them"
