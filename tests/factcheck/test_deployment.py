"""Served over HTTPS, the site turns on HSTS, the SSL redirect and secure cookies (each from the
environment, on by default when SITE_URL is https), passes `manage.py check --deploy` in the
production configuration docs/operations.md documents, and every page carries a strict
Content-Security-Policy."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from factcheck.csp import POLICY

KEY = "Vh3kq9Zp0xLw7Rt2Ys5Nb8Mc1Jd4Fg6Ha0Ke3Lu7Pi9Oz2Qw5Xe8Cr1Tv4By6Un"
SECURITY = (
    "SECURE_SSL_REDIRECT SECURE_HSTS_SECONDS SECURE_HSTS_INCLUDE_SUBDOMAINS "
    "SESSION_COOKIE_SECURE CSRF_COOKIE_SECURE SECURE_PROXY_SSL_HEADER"
).split()
# The production configuration, as docs/operations.md ("In production") documents it.
PRODUCTION = {
    "SECRET_KEY": KEY,
    "SITE_URL": "https://factcheck.example",
    "ALLOWED_HOSTS": "factcheck.example",
    "SECURE_HSTS_PRELOAD": "true",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto: https",
    "TRUSTED_PROXY_COUNT": "1",
}


def run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "BROKER_DIR": str(tmp_path / "broker"),
        **env,
    }
    return subprocess.run(
        [sys.executable, *args], env=clean, cwd=settings.BASE_DIR, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip


def security_settings(tmp_path: Path, **env: str) -> dict[str, object]:
    show = f"print(json.dumps({{name: getattr(s, name) for name in {SECURITY!r}}}))"
    code = "import django, json; django.setup(); from django.conf import settings as s; " + show
    result = run(["-c", code], tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def test_the_documented_production_configuration_passes_check_deploy(tmp_path: Path) -> None:
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, **PRODUCTION
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    documented = (settings.BASE_DIR / "docs" / "operations.md").read_text()
    for name, value in PRODUCTION.items():
        if name != "SECRET_KEY":
            assert f"{name}={value}" in documented or f'{name}="{value}"' in documented, name


def test_https_turns_the_protections_on_and_each_can_be_set(tmp_path: Path) -> None:
    plain = security_settings(tmp_path, SECRET_KEY=KEY)
    assert plain == {
        "SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False, "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False, "SECURE_PROXY_SSL_HEADER": None,
    }  # fmt: skip
    https = security_settings(tmp_path, SECRET_KEY=KEY, SITE_URL="https://factcheck.example")
    assert https == {
        "SECURE_SSL_REDIRECT": True, "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True, "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True, "SECURE_PROXY_SSL_HEADER": None,
    }  # fmt: skip
    chosen = security_settings(
        tmp_path, SECRET_KEY=KEY, SITE_URL="https://factcheck.example",
        SECURE_SSL_REDIRECT="false", SECURE_HSTS_SECONDS="600",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https",
    )  # fmt: skip
    assert chosen["SECURE_SSL_REDIRECT"] is False and chosen["SECURE_HSTS_SECONDS"] == 600
    assert chosen["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_a_malformed_proxy_header_stops_start_up_naming_it(tmp_path: Path) -> None:
    code = "import django; django.setup()"
    result = run(["-c", code], tmp_path, SECRET_KEY=KEY, SECURE_PROXY_SSL_HEADER="https")
    assert result.returncode != 0 and "SECURE_PROXY_SSL_HEADER" in result.stderr


def test_every_kind_of_page_carries_the_policy(client: Client, admin_user: User) -> None:
    pages = ["/admin/login/", "/api/v1/docs/", "/api/v1/checks/", "/checks/999/"]
    for url in pages:
        assert client.get(url)["Content-Security-Policy"] == POLICY, url
    client.force_login(admin_user)
    assert client.get("/admin/reviewers/review/")["Content-Security-Policy"] == POLICY
    assert "script-src 'self'" in POLICY and "unsafe-inline" not in POLICY.split("style-src")[0]


def test_the_api_docs_run_no_inline_script(client: Client, db: None) -> None:
    html = client.get("/api/v1/docs/").content.decode()
    assert "<script>" not in html and "<script src=" in html
