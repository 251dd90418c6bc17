"""Export actions on the admin lists of what can be exported (newsroom/exports.py).

The lists belong to claims and reviewers, which never import this app; this module, loaded
after theirs, adds the two actions to the model admins they registered."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, StreamingHttpResponse

from newsroom.exports import EXPORT_FOR_MODEL, export_response


def _export(
    model_admin: admin.ModelAdmin[Model], request: HttpRequest, rows: QuerySet[Model], fmt: str
) -> StreamingHttpResponse:
    export = EXPORT_FOR_MODEL[model_admin.model]
    if not request.user.has_perm(export.permission):
        raise PermissionDenied
    return export_response(export, rows, fmt)


@admin.action(description="Export selected as CSV", permissions=["view"])
def export_csv(
    model_admin: admin.ModelAdmin[Model], request: HttpRequest, rows: QuerySet[Model]
) -> StreamingHttpResponse:
    return _export(model_admin, request, rows, "csv")


@admin.action(description="Export selected as JSON Lines", permissions=["view"])
def export_jsonl(
    model_admin: admin.ModelAdmin[Model], request: HttpRequest, rows: QuerySet[Model]
) -> StreamingHttpResponse:
    return _export(model_admin, request, rows, "jsonl")


for exported in EXPORT_FOR_MODEL:
    model_admin = admin.site.get_model_admin(exported)
    model_admin.actions = [*(model_admin.actions or []), export_csv, export_jsonl]
