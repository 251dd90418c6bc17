"""API clients that authenticate as a client program does: with a token in the header."""

from django.contrib.auth.models import Permission, User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def token_client(user: User) -> APIClient:
    """A client sending `Authorization: Token …` for the user."""
    token, _ = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def user_with(username: str, *permissions: str) -> User:
    """A staff user holding exactly these permissions ("app.codename"), in no group."""
    user = User.objects.create_user(username, password="pw-" + username, is_staff=True)
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user
