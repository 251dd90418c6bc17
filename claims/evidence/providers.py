"""An admin's settings of the evidence providers: saved through one service that keeps
the key write-only (a blank key keeps the saved one)."""

from django.contrib.auth.models import User
from django.db import transaction

from claims.models import ProviderSetting
from factcheck.auth import require_perm


@transaction.atomic
def provider_setting_save(
    *,
    setting: ProviderSetting,
    new_key: str = "",
    clear_key: bool = False,
    user: User | None,
) -> ProviderSetting:
    """Save a provider's settings; the key changes only when a new one is given or it is
    cleared, so a form that never shows the key cannot erase it."""
    require_perm(user, "claims.change_providersetting")
    if clear_key:
        setting.api_key = ""
    elif new_key.strip():
        setting.api_key = new_key.strip()
    elif setting.pk is not None:
        stored = ProviderSetting.objects.select_for_update().get(pk=setting.pk)
        setting.api_key = stored.api_key
    setting.changed_by = user
    setting.full_clean()
    setting.save()
    return setting
