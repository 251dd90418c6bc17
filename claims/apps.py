from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Articles and claims"

    def ready(self) -> None:
        from claims.evidence.sources.archive import ensure_index_after_migrate

        # Schema upkeep, not business logic: see ensure_sqlite_index for why.
        post_migrate.connect(ensure_index_after_migrate, sender=self)
