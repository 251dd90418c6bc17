"""Who is acting, and whether they may."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied


def acting_user(user: object) -> User:
    """Return the logged-in user behind a request, or refuse anonymous callers."""
    if not isinstance(user, User):
        raise PermissionDenied("Log in first.")
    return user


def require_perm(user: User | None, permission: str) -> None:
    """Refuse users without the permission; None means the system itself acts."""
    if user is not None and not user.has_perm(permission):
        raise PermissionDenied(f"You need the “{permission}” permission for this.")
