"""A Content-Security-Policy on every page: the admin, the public pages, the API's docs.

Scripts come only from our own origin, never inline, so text that slipped past escaping still
could not run; nothing is framed, posted or loaded from elsewhere. Styles may be inline (the
desk's and the public page's own), since a style cannot run code. A response that sets its
own policy keeps it (the archived copies of sources, which may load nothing at all).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", POLICY)
        return response
