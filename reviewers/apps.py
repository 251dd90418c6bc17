from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ReviewersConfig(AppConfig):
    name = "reviewers"
    verbose_name = "Reviews and published checks"

    def ready(self) -> None:
        from reviewers.publishing.search import ensure_index_after_migrate

        # After every app's migration, not only ours: an app listed after this one (the
        # newsroom's tallies, factcheck's kept messages) gets its permissions after ours.
        post_migrate.connect(grant_admin_every_permission)
        # Schema upkeep, not business logic: see search.ensure_sqlite_index for why.
        post_migrate.connect(ensure_index_after_migrate, sender=self)


def grant_admin_every_permission(using: str = "default", **kwargs: Any) -> None:
    """Keep the Admin role's promise, "every permission", as models are added: Django
    creates the new models' permissions after migrating (auth's own post_migrate handler,
    which runs before this one), and this gives them to the role."""
    from django.contrib.auth.models import Group, Permission

    admin = Group.objects.using(using).filter(name="Admin").first()
    if admin is not None:
        admin.permissions.set(Permission.objects.using(using).all())
