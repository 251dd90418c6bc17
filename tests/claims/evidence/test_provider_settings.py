"""Admins configure the evidence providers in the admin (URL, key, enabled, timeout), with
the environment's values as defaults; the key is write-only; "test connection" says what
each endpoint answered."""

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from claims.evidence.gathering import gathering_start, provider_job_run
from claims.evidence.sources import enabled_providers, provider_config
from claims.models import Claim, ProviderSetting
from tests.conftest import LocalSite

SECRET = "k-very-secret-4711"


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def add_url() -> str:
    return reverse("admin:claims_providersetting_add")


def change_url(setting: ProviderSetting) -> str:
    return reverse("admin:claims_providersetting_change", args=[setting.id])


def search_answer(site: LocalSite, path: str = "/search") -> None:
    body = json.dumps({"results": [{"url": site.base_url + "/page", "title": "Bridge"}]})
    site.add(path, body, Content_Type="application/json")


def test_the_environment_is_the_default_and_the_admin_overrides_it(
    settings: Any, site_admin: User, local_site: LocalSite
) -> None:
    settings.SEARXNG_URL = "https://search.example"
    assert provider_config("web_search").url == "https://search.example"
    assert "web_search" in enabled_providers()
    response = logged_in(site_admin).post(
        add_url(),
        {
            "provider": "web_search",
            "enabled": "on",
            "url": local_site.base_url,
            "timeout_seconds": "3",
        },
    )
    assert response.status_code == 302
    config = provider_config("web_search")
    assert (config.url, config.timeout, config.enabled) == (local_site.base_url, 3, True)
    ProviderSetting.objects.filter(provider="web_search").update(enabled=False)
    assert "web_search" not in enabled_providers()


def test_an_admin_configured_search_is_what_gathering_asks(
    accepted_claim: Claim, editor: User, local_site: LocalSite, settings: Any
) -> None:
    settings.EVIDENCE_PROVIDERS = ["web_search"]
    assert enabled_providers() == []  # no SEARXNG_URL in the environment
    ProviderSetting.objects.create(provider="web_search", url=local_site.base_url + "/searx")
    search_answer(local_site, "/searx/search")
    accepted_claim.gathering_runs.update(state="done", finished_at=timezone.now())
    run = gathering_start(claim=accepted_claim, user=editor)
    provider_job_run(job_id=run.jobs.get(provider="web_search").id)
    assert any(path.startswith("/searx/search?q=") for path in local_site.requests)


def test_the_key_is_write_only_kept_when_left_empty_and_can_be_removed(
    site_admin: User, local_site: LocalSite, settings: Any
) -> None:
    client = logged_in(site_admin)
    client.post(
        add_url(), {"provider": "claimreview", "url": local_site.base_url, "new_key": SECRET}
    )
    setting = ProviderSetting.objects.get(provider="claimreview")
    assert setting.api_key == SECRET
    assert SECRET not in client.get(change_url(setting)).content.decode()
    assert (
        SECRET
        not in client.get(reverse("admin:claims_providersetting_changelist")).content.decode()
    )
    client.post(
        change_url(setting), {"provider": "claimreview", "url": local_site.base_url, "new_key": ""}
    )
    setting.refresh_from_db()
    assert setting.api_key == SECRET and setting.changed_by == site_admin
    client.post(
        change_url(setting),
        {"provider": "claimreview", "url": local_site.base_url, "clear_key": "on"},
    )
    setting.refresh_from_db()
    assert setting.api_key == ""
    settings.CLAIMREVIEW_API_KEY = "from-the-environment"
    assert provider_config("claimreview").key == "from-the-environment"


def test_a_timeout_out_of_range_is_refused_with_a_form_error(site_admin: User) -> None:
    response = logged_in(site_admin).post(
        add_url(),
        {
            "provider": "mediawiki",
            "url": "https://wiki.example/w/api.php",
            "timeout_seconds": "600",
        },
    )
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 120." in response.content.decode()
    assert not ProviderSetting.objects.exists()


def test_test_connection_says_what_each_endpoint_answered(
    site_admin: User, local_site: LocalSite
) -> None:
    search_answer(local_site)
    local_site.add("/w/api.php", "overloaded", status=503)
    good = ProviderSetting.objects.create(provider="web_search", url=local_site.base_url)
    bad = ProviderSetting.objects.create(
        provider="mediawiki", url=local_site.base_url + "/w/api.php"
    )
    plain = ProviderSetting.objects.create(provider="archive")
    response = logged_in(site_admin).post(
        reverse("admin:claims_providersetting_changelist"),
        {"action": "test_connection", "_selected_action": [good.id, bad.id, plain.id]},
        follow=True,
    )
    shown = [str(message) for message in response.context["messages"]]
    assert "Web search (SearxNG): Connected: 1 result for “bridge cost”." in shown
    assert any(text.startswith("Encyclopedia (MediaWiki): ") and "503" in text for text in shown)
    assert "Our archive: Needs no connection." in shown


@pytest.mark.parametrize("who", ["reviewer", "editor"])
def test_only_admins_change_provider_settings(who: str, request: Any) -> None:
    user = request.getfixturevalue(who)
    response = logged_in(user).post(
        add_url(), {"provider": "web_search", "url": "https://x.example"}
    )
    assert response.status_code == 403
    assert not ProviderSetting.objects.exists()
