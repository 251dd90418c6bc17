"""The project's own promises: migrations are complete, roles exist, licences are open."""

import tomllib
from importlib import metadata
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from reviewers.models import Rating

OSI_APPROVED = {
    "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "LGPL-3.0-only", "MIT", "MPL-1.1",
    "MPL-2.0", "PSF-2.0", "W3C",
}  # fmt: skip
NOT_DEPENDENCIES = {"pip", "setuptools", "wheel", "factcheck"}


def test_models_and_migrations_agree(db: None) -> None:
    output = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=output)
    assert "No changes detected" in output.getvalue()


def test_roles_are_created_with_their_permissions(db: None) -> None:
    editor = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))
    reviewer = set(
        Group.objects.get(name="Reviewer").permissions.values_list("codename", flat=True)
    )
    assert {"add_article", "change_claim"} <= editor
    assert "approve_review" not in editor
    assert {"change_review", "add_reviewcomment"} <= reviewer
    assert not {"approve_review", "publish_review", "assign_review"} & reviewer
    assert "add_article" not in reviewer
    chief = set(
        Group.objects.get(name="Chief editor").permissions.values_list("codename", flat=True)
    )
    assert (
        reviewer | {"approve_review", "publish_review", "assign_review", "dismiss_review"} <= chief
    )
    admin = Group.objects.get(name="Admin").permissions.count()
    assert admin == Permission.objects.count()


def test_default_rating_scale_is_seeded(db: None) -> None:
    assert list(Rating.objects.values_list("label", flat=True)) == [
        "True", "Mostly true", "Mixed", "Misleading", "Mostly false", "False", "Unverifiable",
    ]  # fmt: skip


def test_every_installed_dependency_has_a_recorded_osi_licence() -> None:
    pyproject = tomllib.loads((Path(settings.BASE_DIR) / "pyproject.toml").read_text())
    recorded = pyproject["tool"]["factcheck"]["licences"]
    installed = {
        dist.metadata["Name"].lower().replace("_", "-") for dist in metadata.distributions()
    }
    assert sorted(installed - NOT_DEPENDENCIES - set(recorded)) == []
    parts = {part for value in recorded.values() for part in value.split(" AND ")}
    assert parts <= OSI_APPROVED
