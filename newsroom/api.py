"""The newsroom's API: exports (streamed CSV or JSON Lines) and the analytics figures."""

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.http import Http404, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from factcheck.api import ERROR, READ_ERRORS, midnight, validated
from factcheck.auth import acting_user, require_perm
from newsroom.analytics import ANALYTICS_PERMISSION, MAX_DAYS, Period, Table, newsroom_figures
from newsroom.exports import EXPORTS, FORMATS, export_response


class DaysInput(serializers.Serializer[None]):
    since = serializers.DateField(required=False, help_text="The first day, included.")
    until = serializers.DateField(required=False, help_text="The last day, included.")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise serializers.ValidationError("“since” must not be after “until”.")
        return data


class PeriodInput(DaysInput):
    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        data = super().validate(data)
        period = Period.of_days(data.get("since"), data.get("until"))
        if period.end - period.start > timedelta(days=MAX_DAYS):
            raise serializers.ValidationError(f"Choose a period of at most {MAX_DAYS} days.")
        return data


class AnyAccept(BaseContentNegotiation):
    """An export is a file in the format its URL names, whatever the client accepts."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return next(iter(parsers), None)

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


@extend_schema(
    summary="Export published checks, claims or audit events (streamed)",
    parameters=[
        OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(EXPORTS)),
        OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=list(FORMATS)),
        DaysInput,
    ],
    responses={
        (200, "text/csv"): OpenApiTypes.STR,
        (200, "application/jsonl"): OpenApiTypes.STR,
        400: ERROR,
        **READ_ERRORS,
    },
)
class ExportApi(APIView):
    """Every row of the kind (its date within `since`–`until` if given), in id order.
    Checks: every version; claims: every status; events: the append-only histories."""

    content_negotiation_class = AnyAccept

    def get(self, request: Request, kind: str, fmt: str) -> StreamingHttpResponse:
        export = EXPORTS.get(kind)
        if export is None or fmt not in FORMATS:
            raise Http404(f"No export “{kind}.{fmt}”: kinds {', '.join(EXPORTS)}; csv or jsonl.")
        require_perm(acting_user(request.user), export.permission)
        days = validated(DaysInput, request.query_params)
        rows = export.rows()
        if days.get("since"):
            rows = rows.filter(**{f"{export.date_field}__gte": midnight(days["since"])})
        if days.get("until"):
            end = midnight(days["until"] + timedelta(days=1))
            rows = rows.filter(**{f"{export.date_field}__lt": end})
        return export_response(export, rows, fmt)


class FigureOutput(serializers.Serializer[Table]):
    key = serializers.CharField()
    caption = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField(child=serializers.JSONField()))


@extend_schema(
    summary="The newsroom's figures over a period (chief editors)",
    parameters=[PeriodInput],
    responses={200: FigureOutput(many=True), 400: ERROR, **READ_ERRORS},
)
class AnalyticsApi(APIView):
    """The analytics page's tables: without dates, the last twelve weeks."""

    def get(self, request: Request) -> Response:
        require_perm(acting_user(request.user), ANALYTICS_PERMISSION)
        days = validated(PeriodInput, request.query_params)
        figures = newsroom_figures(Period.of_days(days.get("since"), days.get("until")))
        return Response([FigureOutput(table).data for table in figures])
