"""A database that cannot be reached is answered with 503 and a clear message, never a 500.

PostgreSQL restarting, failing over or refusing connections makes queries raise
OperationalError (InterfaceError on a connection it already closed). That is an outage, not
a bug: the client is told to try again (Retry-After), in JSON under /api/ and in HTML
elsewhere, and the log says so in a warning that names the error, without a traceback. Django
closes the broken connection at the end of the request and the next one connects again,
so the site recovers by itself, without a restart, once the database is back.

The middleware answers what a view (or its template) raised; handler500 answers the rest,
e.g. a session saved by SessionMiddleware after the view.
"""

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.views.defaults import server_error as django_server_error

logger = logging.getLogger(__name__)

MESSAGE = "The database is unavailable at the moment. Please try again in a minute."
RETRY_AFTER_SECONDS = 30
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Unavailable for a moment</title></head>
<body><h1>Unavailable for a moment</h1><p>{message}</p></body></html>
"""


def database_unavailable(request: HttpRequest, error: Exception) -> HttpResponse:
    logger.warning(
        "503 for %s %s: the database is unavailable (%s).",
        request.method,
        request.path,
        type(error).__name__,
    )
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": MESSAGE}, status=503)
    else:
        response = HttpResponse(PAGE.format(message=escape(MESSAGE)), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def is_outage(error: BaseException | None) -> bool:
    return isinstance(error, (OperationalError, InterfaceError))


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return database_unavailable(request, exception) if is_outage(exception) else None


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an outage met outside a view is a 503 too; anything else, Django's 500."""
    error = sys.exc_info()[1]  # handler500 is called while the error is handled
    if isinstance(error, Exception) and is_outage(error):
        return database_unavailable(request, error)
    return django_server_error(request)
