"""Editors manage feeds and see snapshots."""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

EDITOR_PERMISSIONS = ["add_feed", "change_feed", "view_feed", "view_feedentry", "view_snapshot"]


def grant(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    app_config = apps.get_app_config("claims")
    app_config.models_module = True  # type: ignore[assignment]  # makes it count as having models
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editor, _ = Group.objects.get_or_create(name="Editor")
    claims_permissions = Permission.objects.filter(content_type__app_label="claims")
    editor.permissions.add(*claims_permissions.filter(codename__in=EDITOR_PERMISSIONS))
    reviewer, _ = Group.objects.get_or_create(name="Reviewer")
    reviewer.permissions.add(claims_permissions.get(codename="view_snapshot"))


class Migration(migrations.Migration):
    dependencies = [
        ("reviewers", "0002_rating_scale_and_roles"),
        ("claims", "0003_ingestion_snapshots_feeds"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
