"""Wrong passwords lock out: for one user from one address after LOGIN_FAILURE_LIMIT, for one
user from anywhere after LOGIN_USER_FAILURE_LIMIT, never for the other people behind the same
address. Admins see the locks in the admin and lift them."""

from typing import Any

from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.authtoken.models import Token

LOGIN = "/admin/login/?next=/admin/"


def log_in(username: str, password: str, address: str = "198.51.100.1", **headers: Any) -> int:
    data = {"username": username, "password": password}
    return Client(REMOTE_ADDR=address, **headers).post(LOGIN, data).status_code


def test_wrong_passwords_from_one_address_lock_that_user_out_there(
    admin_user: User, editor: User, settings: Any
) -> None:
    assert settings.AXES_FAILURE_LIMIT == 10
    answers = [log_in("admin", f"guess-{n}") for n in range(10)]
    assert answers == [200] * 9 + [429]  # the form again, then the lock
    assert log_in("admin", "password") == 429  # the right one, too late
    assert log_in("editor", "pw-editor") == 302  # a colleague behind the same address
    assert log_in("admin", "password", address="198.51.100.2") == 302  # the user elsewhere


def test_wrong_passwords_from_many_addresses_lock_the_user_out(
    admin_user: User, settings: Any
) -> None:
    assert settings.LOGIN_USER_FAILURE_LIMIT == 30
    answers = [log_in("admin", "guess", address=f"203.0.113.{n}") for n in range(30)]
    assert answers == [200] * 29 + [429]
    assert log_in("admin", "password", address="192.0.2.50") == 429


def test_the_lock_counts_the_same_address_as_the_throttles(admin_user: User, settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(9):
        forged = f"10.9.9.{n}, 203.0.113.77"  # the client's own entry, then the proxy's
        assert log_in("admin", "guess", address="10.0.0.1", HTTP_X_FORWARDED_FOR=forged) == 200
    assert log_in("admin", "guess", HTTP_X_FORWARDED_FOR="203.0.113.77") == 429
    assert log_in("admin", "password", HTTP_X_FORWARDED_FOR="203.0.113.77") == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.77"}


def test_an_admin_sees_the_lock_and_lifts_it(
    admin_user: User, site_admin: User, editor: User
) -> None:
    for _ in range(10):
        log_in("editor", "guess")
    assert log_in("editor", "pw-editor") == 429
    attempt = AccessAttempt.objects.get(username="editor")
    assert attempt.failures_since_start >= 10  # the refused try counts too

    admin = Client()
    admin.force_login(site_admin)  # the Admin role, not only superusers
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "editor" in listing.content.decode()
    delete_url = f"/admin/axes/accessattempt/{attempt.id}/delete/"
    assert admin.post(delete_url, {"post": "yes"}).status_code == 302

    assert not AccessAttempt.objects.exists()
    assert log_in("editor", "pw-editor") == 302


def test_staff_without_permissions_cannot_see_or_lift_locks(editor: User) -> None:
    staff = User.objects.create_user("staff", is_staff=True)
    client = Client()
    client.force_login(staff)
    assert client.get("/admin/axes/accessattempt/").status_code == 403


def test_the_token_endpoint_counts_towards_the_same_lock(editor: User) -> None:
    """Spread over many addresses, guesses pass the per-address throttle; the per-user lock
    stops them, and the admin's log-in form is locked too."""
    for n in range(30):
        data = {"username": "editor", "password": "guess"}
        Client(REMOTE_ADDR=f"203.0.113.{n}").post("/api/v1/auth/token/", data)
    right = {"username": "editor", "password": "pw-editor"}
    refused = Client(REMOTE_ADDR="192.0.2.9").post("/api/v1/auth/token/", right)
    assert refused.status_code == 400  # as for a wrong password: a lock tells nothing more
    assert "token" not in refused.json()
    assert not Token.objects.exists()
    assert log_in("editor", "pw-editor", address="192.0.2.10") == 429
