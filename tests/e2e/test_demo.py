"""The README's first command: the demo publishes a check on the embedded defaults,
and running it again works too."""

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

pytestmark = pytest.mark.e2e


def run_demo(tmp_path: Path) -> str:
    env = {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": "demo-test-" + "k" * 40,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "BROKER_DIR": str(tmp_path / "broker"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "demo", "--no-serve"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def demo_claim_review(tmp_path: Path) -> dict[str, Any]:
    """The ClaimReview the demo published, read from its database."""
    with closing(sqlite3.connect(tmp_path / "demo.sqlite3")) as database:
        [(document,)] = database.execute(
            "SELECT claim_review FROM reviewers_publishedcheck WHERE is_current"
        ).fetchall()
    found: dict[str, Any] = json.loads(document)
    return found


def test_demo_publishes_a_check_and_can_run_again(tmp_path: Path) -> None:
    first = run_demo(tmp_path)
    assert "Published: “The Harbour Street bridge cost 212 million dollars" in first
    assert "/api/v1/checks/1/" in first
    assert "/checks/1/  (feed: " in first
    for username in ("admin", "editor", "reviewer", "chief"):
        assert f"  {username}" in first and "password" in first and "API token" in first
    assert "/checks/  (readers send claims at " in first
    reviewed = demo_claim_review(tmp_path)["itemReviewed"]  # complete: where and when
    assert reviewed["datePublished"] == "2026-10-12"
    assert reviewed["appearance"] == {
        "@type": "CreativeWork",
        "url": "https://courier.riverton.example/2026/10/12/viral-post-bridge-cost",
    }
    second = run_demo(tmp_path)
    assert "/api/v1/checks/1/" in second
