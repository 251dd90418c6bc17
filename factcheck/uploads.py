"""Uploads refused by their declared size, before their body is read.

Django streams a file upload to a temporary file whatever its size, and only then does a
view see it: a 200 MB upload would be read and written in full just to be refused. The
views that take files call `upload_refusal` before they touch the body; the handler below
is the same rule for every other path that parses a body (the CSRF check, an API
authentication), so that nothing reads more than the cap allows.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest

# Room for the form's other fields beside the file (Django caps those at 2.5 MB).
FORM_ALLOWANCE = 3_000_000


def upload_refusal(request: HttpRequest) -> str:
    """Return why the request's body is too large to read ("" if it is not)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return "The request's length is not a number."
    if declared > settings.UPLOAD_MAX_BYTES + FORM_ALLOWANCE:
        return f"The upload is larger than {settings.UPLOAD_MAX_BYTES / 1_000_000:g} MB."
    return ""


class UploadCapHandler(FileUploadHandler):
    """Refuse a multipart body over the cap before reading it (a 400 response)."""

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],  # Django's name
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> None:
        if content_length > settings.UPLOAD_MAX_BYTES + FORM_ALLOWANCE:
            raise RequestDataTooBig("The upload is larger than UPLOAD_MAX_BYTES.")

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
