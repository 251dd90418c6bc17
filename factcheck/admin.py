"""Admin helpers both apps use."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from factcheck.api import MAX_SEARCH_CHARS, MAX_WORDS


class ReadOnlyAdmin:
    """For tables the services write and people only read (audit trails, worker bookkeeping):
    no add, change or delete in the admin. Mix in before `admin.ModelAdmin`."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CappedSearch:
    """The admin's search box, capped as the API's searches are: the first MAX_WORDS words of
    the first MAX_SEARCH_CHARS characters (Django adds a condition per word and field, and
    thousands of them took seconds and ended in an error). Mix in before `admin.ModelAdmin`."""

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        capped = " ".join(search_term[:MAX_SEARCH_CHARS].split()[:MAX_WORDS])
        results: tuple[QuerySet[Any], bool] = super().get_search_results(  # type: ignore[misc]
            request, queryset, capped
        )
        return results
