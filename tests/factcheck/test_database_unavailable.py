"""With the database unreachable, every request is answered 503 with a clear message (JSON
under /api/, HTML elsewhere), never a 500 with a traceback; the liveness probe still answers.

The database is really unavailable: the connection is pointed at a PostgreSQL port nothing
listens on, or at an SQLite file in a folder that does not exist."""

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import OperationalError, connection
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from factcheck.outage import MESSAGE, server_error


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def database_down(django_db_blocker: Any) -> Iterator[None]:
    configured = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        down = {"NAME": "/nonexistent-folder/db.sqlite3"}
    else:
        down = {"HOST": "127.0.0.1", "PORT": str(closed_port())}
    with django_db_blocker.unblock():
        connection.close()
        connection.settings_dict.update(down)
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(configured)


def test_the_public_api_answers_503_in_json(database_down: None) -> None:
    response = Client().get("/api/v1/checks/")
    assert response.status_code == 503
    assert response.json() == {"detail": MESSAGE}
    assert response["Retry-After"] == "30"


def test_a_public_page_answers_503_in_html(database_down: None) -> None:
    response = Client().get("/checks/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert MESSAGE in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_an_editor_submitting_an_article_is_told_to_try_again(database_down: None) -> None:
    client = APIClient()
    client.force_authenticate(User(id=1, username="editor"))  # checking a permission asks
    response = client.post("/api/v1/articles/", {"url": "https://news.example/a"})
    assert response.status_code == 503
    assert response.json() == {"detail": MESSAGE}


def test_readiness_names_the_database_without_its_address(database_down: None) -> None:
    response = Client().get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert "database" in body["failed"]
    assert body["checks"]["database"]["error"] == "django.db.utils.OperationalError"
    assert "127.0.0.1" not in response.content.decode()
    assert "nonexistent" not in response.content.decode()
    assert Client().get("/health/live").status_code == 200


def test_an_outage_met_outside_a_view_is_a_503_and_anything_else_a_500() -> None:
    request = RequestFactory().get("/checks/")
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        assert server_error(request).status_code == 503
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error(request).status_code == 500
