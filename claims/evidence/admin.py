"""The evidence admin: evidence and gathering runs, read only (the workers write them)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from claims.models import Evidence, GatheringRun, ProviderJob


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin[Evidence]):
    list_display = ["claim", "rank", "source", "provider", "relevance", "stance", "pinned"]
    list_filter = ["provider", "stance", "pinned", "interested_party"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ProviderJobInline(admin.TabularInline[ProviderJob, GatheringRun]):
    model = ProviderJob
    readonly_fields = (
        "provider", "status", "attempts", "lease_until", "last_error", "cancel_reason",
        "evidence_found",
    )  # fmt: skip
    fields = readonly_fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(GatheringRun)
class GatheringRunAdmin(admin.ModelAdmin[GatheringRun]):
    """Each round of gathering, with its jobs: read only, the workers write it."""

    list_display = ["claim", "state", "providers_done", "providers_total", "started_at", "errors"]
    list_filter = ["state"]
    readonly_fields = [
        "claim", "state", "providers_done", "providers_total", "errors", "started_by",
        "started_at", "finished_at",
    ]  # fmt: skip
    inlines = [ProviderJobInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
