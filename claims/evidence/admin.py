"""The evidence admin: evidence and gathering runs, read only (the workers write them)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from claims.evidence.providers import provider_setting_save
from claims.evidence.sources import ProviderError, provider_test
from claims.ingestion.fetching import FetchError
from claims.models import Evidence, GatheringRun, ProviderJob, ProviderSetting
from factcheck.admin import ReadOnlyInline
from factcheck.auth import acting_user


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin[Evidence]):
    list_display = ["claim", "rank", "source", "provider", "relevance", "stance", "pinned"]
    list_filter = ["provider", "stance", "pinned", "interested_party"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ProviderJobInline(ReadOnlyInline, admin.TabularInline[ProviderJob, GatheringRun]):
    model = ProviderJob
    readonly_fields = (
        "provider", "status", "attempts", "lease_until", "last_error", "cancel_reason",
        "evidence_found",
    )  # fmt: skip
    fields = readonly_fields


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


class ProviderSettingForm(forms.ModelForm[ProviderSetting]):
    """The key is write-only: never shown, replaced only by a new one or cleared."""

    url = forms.URLField(
        label="URL",
        assume_scheme="https",
        max_length=2000,
        required=False,
        help_text="The endpoint; empty: the environment's.",
    )
    new_key = forms.CharField(
        label="API key",
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Leave empty to keep the saved key; it is never shown.",
    )
    clear_key = forms.BooleanField(label="Remove the saved key", required=False)

    class Meta:
        model = ProviderSetting
        fields = ["provider", "enabled", "url", "timeout_seconds"]


@admin.register(ProviderSetting)
class ProviderSettingAdmin(admin.ModelAdmin[ProviderSetting]):
    """Providers an admin configures; empty fields fall back to the environment."""

    form = ProviderSettingForm
    list_display = ["provider", "enabled", "url", "has_key", "timeout_seconds", "changed_at"]
    actions = ["test_connection"]

    @admin.display(boolean=True, description="key set")
    def has_key(self, setting: ProviderSetting) -> bool:
        return bool(setting.api_key)

    def save_model(
        self, request: HttpRequest, obj: ProviderSetting, form: Any, change: bool
    ) -> None:
        provider_setting_save(
            setting=obj,
            new_key=form.cleaned_data["new_key"],
            clear_key=form.cleaned_data["clear_key"],
            user=acting_user(request.user),
        )

    @admin.action(description="Test the connection of the selected providers")
    def test_connection(self, request: HttpRequest, queryset: QuerySet[ProviderSetting]) -> None:
        for setting in queryset:
            try:
                answer = provider_test(setting.provider)
            except (FetchError, ProviderError) as error:
                messages.error(request, f"{setting}: {error}")
            else:
                messages.success(request, f"{setting}: {answer}")
