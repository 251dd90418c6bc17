"""Seed the default rating scale and the Editor and Reviewer groups."""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

DEFAULT_SCALE = [
    ("True", 6, "The claim is accurate and nothing significant is missing.", True),
    ("Mostly true", 5, "The claim is accurate but needs clarification or context.", True),
    ("Mixed", 4, "The claim is partly accurate and partly not.", True),
    (
        "Misleading",
        3,
        "The claim contains accurate facts presented to give a false impression.",
        True,
    ),
    ("Mostly false", 2, "The claim contains a grain of truth but is largely inaccurate.", True),
    ("False", 1, "The claim is inaccurate.", True),
    ("Unverifiable", 0, "The available evidence can neither confirm nor refute the claim.", False),
]

ROLES = {
    "Editor": [
        ("claims", "add_article"),
        ("claims", "change_article"),
        ("claims", "view_article"),
        ("claims", "add_claim"),
        ("claims", "change_claim"),
        ("claims", "view_claim"),
        ("claims", "view_evidence"),
        ("reviewers", "view_review"),
        ("reviewers", "view_publishedcheck"),
    ],
    "Reviewer": [
        ("claims", "view_article"),
        ("claims", "view_claim"),
        ("claims", "view_evidence"),
        ("reviewers", "add_review"),
        ("reviewers", "change_review"),
        ("reviewers", "view_review"),
        ("reviewers", "approve_review"),
        ("reviewers", "publish_review"),
        ("reviewers", "view_reviewevent"),
        ("reviewers", "view_rating"),
        ("reviewers", "view_publishedcheck"),
    ],
}


def seed_scale(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Rating = apps.get_model("reviewers", "Rating")
    for label, value, description, scored in DEFAULT_SCALE:
        Rating.objects.get_or_create(
            label=label, defaults={"value": value, "description": description, "scored": scored}
        )


def create_roles(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # Permissions are normally created after all migrations ran; the groups need them now.
    for app_label in ("claims", "reviewers"):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True  # type: ignore[assignment]  # makes it count as having models
        create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        for app_label, codename in codenames:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("reviewers", "0001_initial"),
        ("claims", "0002_archive_search"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(seed_scale, migrations.RunPython.noop),
        migrations.RunPython(create_roles, migrations.RunPython.noop),
    ]
