"""The API plumbing both apps share: how service errors reach clients (each a clear message
with the right status), how rows are looked up by id, and how lists are paged."""

from datetime import UTC, date, datetime, time
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.defaults import page_not_found
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from factcheck.languages import normalise_language

# How errors are described in the schema: {"detail": …}, or {field: [messages]} for 400.
ERROR = OpenApiResponse(OpenApiTypes.OBJECT, description="A message saying what went wrong.")
READ_ERRORS = {403: ERROR, 404: ERROR}
WRITE_ERRORS = {400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR}

MAX_WORDS = 10  # words of a search; each one is a condition on the query
MAX_SEARCH_CHARS = 200  # of any text a list is filtered by (a search, part of a name)
MAX_ID = 2**63 - 1  # the largest value of a BigAutoField
M = TypeVar("M", bound=Model)


class Pages(PageNumberPagination):
    """Numbered pages of 50 rows, `page_size` up to 100."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100


def by_id(rows: type[M] | QuerySet[M], row_id: int, *, missing: str = "Nothing has this id.") -> M:
    """Return the row with this id, or raise Http404 (ids past the database's range too)."""
    if row_id > MAX_ID:  # the URL accepts any digits; the database would overflow
        raise Http404(missing)
    return get_object_or_404(rows, id=row_id)


def validated(serializer: type[serializers.Serializer[None]], data: Any) -> dict[str, Any]:
    """Return what a client sent (a body or query parameters) as the serializer validates it,
    or raise a 400 saying what is wrong."""
    given = serializer(data=data)
    given.is_valid(raise_exception=True)
    return dict(given.validated_data)


def search_words(given: dict[str, Any]) -> list[str]:
    """Return the words of a list's `q` search, at most MAX_WORDS of them."""
    return str(given.get("q", "")).split()[:MAX_WORDS]


def search_field(help_text: str) -> serializers.CharField:
    """A text a list is filtered by: at most MAX_SEARCH_CHARS, or a 400 that says so (every
    word and every character is work for the database)."""
    return serializers.CharField(required=False, max_length=MAX_SEARCH_CHARS, help_text=help_text)


class LanguageField(serializers.CharField):
    """A language a list is filtered by, given in any spelling of a BCP 47 tag (de, de-AT,
    de_at), validated to its canonical form: a bare language finds every tag of it."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "help_text",
            "A language: de finds de, de-DE and de-AT alike; de-AT finds de-AT only.",
        )
        super().__init__(required=False, max_length=MAX_SEARCH_CHARS, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        tag = normalise_language(super().to_internal_value(data))
        if not tag:
            raise serializers.ValidationError("Not a language tag (for example de or de-AT).")
        return tag


def midnight(day: date) -> datetime:
    """Return the start of a day in UTC: where date filters cut."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def exception_handler(error: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(error, ValidationError):
        detail = error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    http_status = getattr(error, "http_status", None)
    if isinstance(http_status, int):
        return Response({"detail": str(error)}, status=http_status)
    return drf_exception_handler(error, context)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Answer unknown API paths in JSON, as the API answers everything else; pages in HTML."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)
