"""The API's JSON parser: DRF's, answering 400 for JSON nested too deep to decode.

Python's JSON decoder recurses, and the RecursionError that deep nesting raises is no
ValueError, so DRF let it through: a 500 on every JSON endpoint, the token endpoint included.
A module of its own, because the settings name it and DRF's views read the settings on import.
"""

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the JSON is nested too deeply.") from None
