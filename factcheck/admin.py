"""Admin helpers both apps use."""

from typing import Any, TypeVar

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse

from factcheck.api import MAX_SEARCH_CHARS, MAX_WORDS

M = TypeVar("M", bound=Model)


class ReadOnlyAdmin:
    """For tables the services write and people only read (audit trails, worker bookkeeping):
    no add, change or delete in the admin. Mix in before `admin.ModelAdmin`."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline:
    """For inlines that list rows beside their parent and add nothing (snapshots, jobs, tips,
    audit rows): no extra empty rows, no delete box, no add link. Mix in before the inline."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class NothingToSave(admin.ModelAdmin[M]):
    """For change pages whose fields are all read only, where changes are made by actions
    and steps that call services: no Save buttons (a Close link instead)."""

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        buttons = ["show_save", "show_save_and_continue", "show_save_and_add_another"]
        no_save = dict.fromkeys(buttons, False)
        return super().change_view(
            request, object_id, form_url, {**no_save, **(extra_context or {})}
        )


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
