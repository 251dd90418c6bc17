"""Editors and reviewers start gathering runs, see them, and curate evidence."""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SHARED_PERMISSIONS = [
    "add_gatheringrun",
    "view_gatheringrun",
    "view_providerjob",
    "add_evidence",
    "change_evidence",
]


def grant(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    app_config = apps.get_app_config("claims")
    app_config.models_module = True  # type: ignore[assignment]  # makes it count as having models
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="claims", codename__in=SHARED_PERMISSIONS
    )
    for name in ("Editor", "Reviewer"):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("reviewers", "0003_feed_permissions"),
        ("claims", "0007_gathering_runs_evidence_fields"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
