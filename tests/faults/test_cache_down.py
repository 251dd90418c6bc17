"""With the cache down, the throttled API stays up: a throttle that cannot count lets the
request through, and says so in the log."""

import logging
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient


def test_the_public_api_answers_when_its_throttle_cannot_count(
    db: None, cache_down: None, caplog: pytest.LogCaptureFixture
) -> None:
    anonymous = APIClient()
    with caplog.at_level(logging.WARNING, logger="factcheck.throttling"):
        listed = anonymous.get("/api/v1/checks/")
        missing = anonymous.get("/api/v1/checks/999/")
    assert listed.status_code == 200
    assert missing.status_code == 404  # answered by the view, not a 500 from the throttle
    assert "cannot count" in caplog.text


def test_a_token_is_still_given_when_the_guess_counter_cannot_count(
    editor: User, cache_down: None, settings: Any
) -> None:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "editor", "password": "pw-editor"}
    )
    assert response.status_code == 200
