"""How service errors reach API clients: each as a clear message with the right status."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

# How errors are described in the schema: {"detail": …}, or {field: [messages]} for 400.
ERROR = OpenApiResponse(OpenApiTypes.OBJECT, description="A message saying what went wrong.")
READ_ERRORS = {403: ERROR, 404: ERROR}
WRITE_ERRORS = {400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR}


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
