"""Admin helpers both apps use."""

from typing import Any

from django.http import HttpRequest


class ReadOnlyAdmin:
    """For tables the services write and people only read (audit trails, worker bookkeeping):
    no add, change or delete in the admin. Mix in before `admin.ModelAdmin`."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
