"""Throttles (and the admin's log-in lockout) count by the client's address. X-Forwarded-For
is anyone's to write, so it is believed only as far as the configured proxies wrote it."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import RequestFactory
from rest_framework.test import APIClient

from factcheck.throttling import client_address

TOKEN_URL = "/api/v1/auth/token/"


def request_from(remote: str, forwarded: str | None = None) -> Any:
    headers: dict[str, Any] = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_without_trusted_proxies_the_socket_address_is_the_client(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request_from("198.51.100.7", "203.0.113.1")) == "198.51.100.7"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "client"),
    [
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the first entry is the client's own
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.1"),  # shorter than the chain: not through the proxies
        (1, "not-an-address", "10.0.0.1"),
        (1, "", "10.0.0.1"),
    ],
)
def test_behind_proxies_the_entry_the_outermost_proxy_wrote_is_the_client(
    settings: Any, proxies: int, forwarded: str, client: str
) -> None:
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_address(request_from("10.0.0.1", forwarded)) == client


def test_forged_forwarded_addresses_do_not_escape_the_password_throttle(
    editor: User, settings: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    client = APIClient()
    answers = [
        client.post(
            TOKEN_URL,
            {"username": "editor", "password": f"guess-{n}"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        ).status_code
        for n in range(12)
    ]
    assert answers == [400] * 10 + [429] * 2


def test_behind_one_proxy_each_client_is_counted_apart(editor: User, settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    client = APIClient()

    def guess(forwarded: str) -> int:
        data = {"username": "editor", "password": "guess"}
        return client.post(TOKEN_URL, data, HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert [guess("203.0.113.5") for _ in range(11)] == [400] * 10 + [429]
    assert guess("1.2.3.4, 203.0.113.5") == 429  # a forged first entry changes nothing
    assert guess("203.0.113.6") == 400


def test_the_public_api_throttle_counts_by_the_same_address(settings: Any, db: None) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    settings.PUBLIC_API_RATE = "2/minute"
    client = APIClient()
    answers = [
        client.get("/api/v1/checks/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(3)
    ]
    assert answers == [200, 200, 429]
