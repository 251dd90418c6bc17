"""Editors import other fact-checkers' reviews and decide on matches; reviewers and chief
editors see them (Admins get every permission after each migrate).
Claims accepted before matching existed are queued for it (the sweep picks them up)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

EDITOR_PERMISSIONS = [
    "add_externalreview",
    "view_externalreview",
    "view_claimmatch",
]
REVIEWER_PERMISSIONS = ["view_externalreview", "view_claimmatch"]


def grant(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    app_config = apps.get_app_config("claims")
    app_config.models_module = True  # type: ignore[assignment]  # makes it count as having models
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    claims_permissions = Permission.objects.filter(content_type__app_label="claims")
    roles = (
        ("Editor", EDITOR_PERMISSIONS),
        ("Reviewer", REVIEWER_PERMISSIONS),
        ("Chief editor", REVIEWER_PERMISSIONS),
    )
    for name, codenames in roles:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*claims_permissions.filter(codename__in=codenames))


def queue_accepted_claims(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Claim = apps.get_model("claims", "Claim")
    Claim.objects.filter(status="accepted").update(matching="pending")


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0010_checked_before"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(grant, migrations.RunPython.noop),
        migrations.RunPython(queue_accepted_claims, migrations.RunPython.noop),
    ]
