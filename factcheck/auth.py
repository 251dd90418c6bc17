from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied


def acting_user(user: object) -> User:
    """Return the logged-in user behind a request, or refuse anonymous callers."""
    if not isinstance(user, User):
        raise PermissionDenied("Log in first.")
    return user
