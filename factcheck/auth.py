"""Who is acting, and whether they may."""

from functools import cache
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Field, Model
from django.http import HttpRequest


def acting_user(user: object) -> User:
    """Return the logged-in user behind a request, or refuse anonymous callers."""
    if not isinstance(user, User):
        raise PermissionDenied("Log in first.")
    return user


def require_perm(user: User | None, permission: str) -> None:
    """Refuse users without the permission; None means the system itself acts."""
    if user is not None and not user.has_perm(permission):
        raise PermissionDenied(f"You need the “{permission}” permission for this.")


class PermissionBackend(ModelBackend):
    """Django's ModelBackend's permission lookups (the user's own, and their roles'),
    written in SQL once per process; it authenticates nobody.

    Every API request of a logged-in user checks a permission, and a session's user is read
    anew at each request, so both lookups ran at each; building and compiling them in the
    ORM took longer than running them (bench/README.md, the review queue). The same rows,
    the same cache on the user object (where ModelBackend, listed after this one, finds
    them), the same two queries; superusers, inactive and anonymous users and object
    permissions are left to ModelBackend. Logging in stays ModelBackend's, so that the
    sessions that name it stay valid.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        return None

    def _get_permissions(
        self, user_obj: AbstractBaseUser | AnonymousUser, obj: Model | None, from_name: str
    ) -> set[str]:
        cache_name = f"_{from_name}_perm_cache"
        if (
            isinstance(user_obj, User)
            and user_obj.is_active
            and not user_obj.is_superuser
            and obj is None
            and not hasattr(user_obj, cache_name)
        ):
            with connection.cursor() as cursor:
                cursor.execute(_permissions_sql(connection.vendor, from_name), [user_obj.pk])
                found = {f"{app_label}.{codename}" for app_label, codename in cursor.fetchall()}
            setattr(user_obj, cache_name, found)
        permissions: set[str] = super()._get_permissions(user_obj, obj, from_name)  # type: ignore[misc]
        return permissions


@cache
def _permissions_sql(vendor: str, from_name: str) -> str:
    """The app label and codename of a user's permissions, given to them ("user") or to
    a group of theirs ("group"), as ModelBackend reads them."""
    quote = connection.ops.quote_name

    def table(model: type[Model]) -> str:
        return quote(model._meta.db_table)

    def column(model: type[Model], field: str) -> str:
        found = model._meta.get_field(field)
        assert isinstance(found, Field) and found.column
        return quote(found.column)

    granted = User.user_permissions.through if from_name == "user" else Group.permissions.through
    member = User.groups.through
    if from_name == "user":
        holder = f"g.{column(granted, 'user')} = %s"
        joins = ""
    else:
        holder = f"m.{column(member, 'user')} = %s"
        joins = (
            f" JOIN {table(member)} m ON m.{column(member, 'group')} = g.{column(granted, 'group')}"
        )
    return (
        f"SELECT t.{column(ContentType, 'app_label')}, p.{column(Permission, 'codename')}"  # noqa: S608 (names from the models)
        f" FROM {table(Permission)} p"
        f" JOIN {table(ContentType)} t ON t.{quote('id')} = p.{column(Permission, 'content_type')}"
        f" JOIN {table(granted)} g ON g.{column(granted, 'permission')} = p.{quote('id')}{joins}"
        f" WHERE {holder}"
    )
