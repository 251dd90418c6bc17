"""The four roles (README: Roles): Editors handle articles, claims and feeds, Reviewers
write verdicts, Chief editors assign, approve, send back, publish, correct, retract and
dismiss, Admins may do anything."""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

REVIEWER_GAINS = [
    ("reviewers", "add_reviewcomment"),
    ("reviewers", "view_reviewcomment"),
    ("reviewers", "view_tag"),
]
REVIEWER_LOSES = [("reviewers", "approve_review"), ("reviewers", "publish_review")]
CHIEF_EDITOR_EXTRA = [
    ("reviewers", "approve_review"),
    ("reviewers", "publish_review"),
    ("reviewers", "assign_review"),
    ("reviewers", "dismiss_review"),
    ("reviewers", "add_tag"),
    ("reviewers", "change_tag"),
    ("reviewers", "delete_tag"),
]
EDITOR_GAINS = [("reviewers", "view_reviewcomment"), ("claims", "delete_feed")]


def _permissions(apps: StateApps, names: list[tuple[str, str]]) -> list[object]:
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in names
    ]


def create_roles(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # Permissions are normally created after all migrations ran; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True  # type: ignore[assignment]  # makes it count as having models
        create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    reviewer, _ = Group.objects.get_or_create(name="Reviewer")
    reviewer.permissions.remove(*_permissions(apps, REVIEWER_LOSES))
    reviewer.permissions.add(*_permissions(apps, REVIEWER_GAINS))
    editor, _ = Group.objects.get_or_create(name="Editor")
    editor.permissions.add(*_permissions(apps, EDITOR_GAINS))
    chief, _ = Group.objects.get_or_create(name="Chief editor")
    chief.permissions.set([*reviewer.permissions.all(), *_permissions(apps, CHIEF_EDITOR_EXTRA)])
    admin, _ = Group.objects.get_or_create(name="Admin")
    # Every permission there is; models added later get theirs after each migrate
    # (reviewers.apps.grant_admin_every_permission).
    admin.permissions.set(Permission.objects.all())


def remove_roles(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=["Chief editor", "Admin"]).delete()
    reviewer = Group.objects.get(name="Reviewer")
    reviewer.permissions.add(*_permissions(apps, REVIEWER_LOSES))


class Migration(migrations.Migration):
    dependencies = [
        ("reviewers", "0006_review_desk"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
