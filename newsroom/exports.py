"""Exports of published checks, claims and the audit events, as CSV or JSON Lines.

Streamed: rows are read from the database in chunks (`.iterator(chunk_size=…)`) and written
out as they come, so an export of a million rows never holds them in memory. The admin's
actions and the API answer with the same `export_response`.
"""

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, QuerySet
from django.http import StreamingHttpResponse

from claims.models import Claim, ClaimEvent
from reviewers.models import PublishedCheck, ReviewEvent

CHUNK_ROWS = 2000
FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/jsonl; charset=utf-8"}
# A spreadsheet runs a cell that starts with one of these as a formula; texts come from
# articles and readers, so such cells are written with a leading apostrophe (OWASP's advice).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Export:
    """One kind of export: who may take it, its columns (lookups), its date for filters."""

    name: str
    model: type[Model]
    permission: str
    columns: list[str]
    date_field: str

    def rows(self) -> QuerySet[Any]:
        return self.model._default_manager.all()


EXPORTS = {
    "checks": Export(
        "checks",
        PublishedCheck,
        "reviewers.view_publishedcheck",
        [
            "id", "review_id", "version", "change", "is_current", "published_at", "modified_at",
            "claim_text", "claimant", "appearance_url", "language", "rating_label",
            "rating_value", "headline", "justification", "tags", "note",
        ],
        "modified_at",
    ),
    "claims": Export(
        "claims",
        Claim,
        "claims.view_claim",
        [
            "id", "article_id", "article__url", "article__language", "text", "claimant",
            "article_stance", "checkworthiness", "status", "accepted_at", "gathering",
            "matching", "duplicate_of_id", "created_at",
        ],
        "created_at",
    ),
    "claim-events": Export(
        "claim-events",
        ClaimEvent,
        "claims.view_claimevent",
        [
            "id", "claim_id", "created_at", "actor__username", "action", "from_status",
            "to_status", "detail",
        ],
        "created_at",
    ),
    "review-events": Export(
        "review-events",
        ReviewEvent,
        "reviewers.view_reviewevent",
        [
            "id", "review_id", "review__claim_id", "created_at", "actor__username",
            "from_state", "to_state", "reason_code", "assignee__username", "reason",
        ],
        "created_at",
    ),
}  # fmt: skip
EXPORT_FOR_MODEL = {export.model: export for export in EXPORTS.values()}


def export_response(export: Export, rows: QuerySet[Any], fmt: str) -> StreamingHttpResponse:
    """Stream the rows, in id order, as a download in the format (`csv` or `jsonl`)."""
    values = rows.order_by("id").values(*export.columns).iterator(chunk_size=CHUNK_ROWS)
    lines = csv_lines(export.columns, values) if fmt == "csv" else json_lines(values)
    response = StreamingHttpResponse(_joined(lines), content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{export.name}.{fmt}"'
    return response


def _joined(lines: Iterator[str]) -> Iterator[str]:
    """Send the lines a chunk's worth at a time: a write per row cost more than the row."""
    while chunk := "".join(islice(lines, CHUNK_ROWS)):
        yield chunk


class _Line:
    """csv.writer writes into this and gets the line back, so nothing accumulates."""

    def write(self, line: str) -> str:
        return line


def csv_lines(columns: list[str], rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow([_cell(row[column]) for column in columns])


def _cell(value: object) -> object:
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def json_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False) + "\n"
