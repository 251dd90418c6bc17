"""The permission backend reads a user's permissions in SQL written once, and finds exactly
what Django's ModelBackend finds: granted to the user, through a role, or not at all."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission, User

from factcheck.auth import PermissionBackend

pytestmark = pytest.mark.django_db


def both_backends(user: User) -> tuple[set[str], set[str]]:
    ours = PermissionBackend().get_all_permissions(User.objects.get(id=user.id))
    django = ModelBackend().get_all_permissions(User.objects.get(id=user.id))
    return ours, django


def test_permissions_of_the_user_and_of_their_roles_are_those_django_finds() -> None:
    user = User.objects.create_user("mixed")
    user.user_permissions.add(Permission.objects.get(codename="view_claim"))
    role = Group.objects.create(name="Checkers")
    role.permissions.add(*Permission.objects.filter(codename__in=["add_review", "view_review"]))
    user.groups.add(role, Group.objects.create(name="Empty role"))
    ours, django = both_backends(user)
    assert ours == django == {"claims.view_claim", "reviewers.add_review", "reviewers.view_review"}


def test_a_user_with_no_permission_an_inactive_user_and_a_superuser_as_django_has_them() -> None:
    nobody = User.objects.create_user("nobody")
    inactive = User.objects.create_user("inactive", is_active=False)
    inactive.user_permissions.add(Permission.objects.get(codename="view_claim"))
    admin = User.objects.create_superuser("admin")
    for user in (nobody, inactive, admin):
        ours, django = both_backends(user)
        assert ours == django, user.username
    assert both_backends(nobody)[0] == set() and both_backends(inactive)[0] == set()
    assert "claims.view_claim" in both_backends(admin)[0]
