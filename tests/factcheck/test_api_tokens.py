"""Client programs get a token for a username and password, and the token acts as the user."""

import threading

import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from django.db import connection
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from factcheck.token_api import PasswordGuessThrottle
from tests.token_clients import token_client

TOKEN_URL = "/api/v1/auth/token/"


def test_editor_obtains_a_token_with_username_and_password(editor: User) -> None:
    response = APIClient().post(TOKEN_URL, {"username": "editor", "password": "pw-editor"})
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=editor).key}
    again = APIClient().post(TOKEN_URL, {"username": "editor", "password": "pw-editor"})
    assert again.json() == response.json()  # the same token, not a new one each time


def test_wrong_password_gets_no_token(editor: User) -> None:
    response = APIClient().post(TOKEN_URL, {"username": "editor", "password": "guess"})
    assert response.status_code == 400
    assert "Unable to log in" in str(response.json())
    assert not Token.objects.exists()


def test_password_guessing_is_throttled(editor: User) -> None:
    client = APIClient()
    answers = [
        client.post(TOKEN_URL, {"username": "editor", "password": f"guess-{n}"}).status_code
        for n in range(10)
    ]
    assert answers == [400] * 10
    right = client.post(TOKEN_URL, {"username": "editor", "password": "pw-editor"})
    assert right.status_code == 429
    assert not Token.objects.exists()


def test_password_guesses_count_together_in_every_web_process(
    editor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each web process has a cache client of its own; one address's guesses must add up
    across them, or the limit is 10 a minute per process. Under CI the two clients are two
    connections to Redis; on the zero-config set-up, one process's memory."""
    processes = [caches.create_connection("default") for _ in range(2)]
    assert processes[0] is not processes[1]

    def guess(password: str, process: int) -> int:
        monkeypatch.setattr(PasswordGuessThrottle, "cache", processes[process])
        response = APIClient().post(TOKEN_URL, {"username": "editor", "password": password})
        return response.status_code

    assert [guess(f"guess-{n}", process=n % 2) for n in range(10)] == [400] * 10
    assert guess("pw-editor", process=0) == 429
    assert guess("pw-editor", process=1) == 429
    assert not Token.objects.exists()


def test_the_token_acts_as_its_user(editor: User, outsider: User) -> None:
    client = APIClient()
    key = client.post(TOKEN_URL, {"username": "editor", "password": "pw-editor"}).json()["token"]
    assert APIClient().get("/api/v1/articles/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/articles/").status_code == 200
    assert token_client(outsider).get("/api/v1/articles/").status_code == 403
    bogus = APIClient()
    bogus.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert bogus.get("/api/v1/articles/").status_code == 401


def test_a_user_drops_their_token(editor: User) -> None:
    client = token_client(editor)
    assert client.delete(TOKEN_URL).status_code == 204
    assert not Token.objects.filter(user=editor).exists()
    assert client.get("/api/v1/articles/").status_code == 401


def test_admin_creates_a_token_for_a_user_in_the_admin(editor: User, admin_user: User) -> None:
    client = Client()
    client.force_login(admin_user)
    assert client.get("/admin/authtoken/tokenproxy/add/").status_code == 200
    response = client.post("/admin/authtoken/tokenproxy/add/", {"user": editor.id})
    assert response.status_code == 302, response.content
    assert Token.objects.filter(user=editor).exists()


def test_an_editor_cannot_make_tokens_in_the_admin(editor: User) -> None:
    client = Client()
    client.force_login(editor)
    assert client.get("/admin/authtoken/tokenproxy/add/").status_code == 403


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_guesses_are_counted_one_by_one(editor: User) -> None:
    """Twenty guesses from one address at the same instant (each a request of its own):
    ten are answered, the rest refused; no two requests may count as one."""
    start = threading.Barrier(20)
    answers: list[int] = []

    def guess(number: int) -> None:
        try:
            start.wait(timeout=10)
            data = {"username": "editor", "password": f"guess-{number}"}
            answers.append(APIClient().post(TOKEN_URL, data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(number,)) for number in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(answers) == [400] * 10 + [429] * 10
