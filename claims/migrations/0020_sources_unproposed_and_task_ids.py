"""Evidence sources are marked as not to be proposed, so the sweep stops queueing
`propose_claims` for them. Sources stored before this migration are recognised as the
extracted, never-proposed articles cited as evidence that no editor submitted.

Articles being fetched and provider jobs running record the message (Celery task id) that
holds them, so that message, delivered again after its worker died, takes them back."""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def mark_sources(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Article = apps.get_model("claims", "Article")
    Article.objects.filter(
        status="extracted",
        candidates_proposed_at=None,
        submitted_by=None,
        cited_as__isnull=False,
    ).update(proposes_claims=False)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0019_provider_settings"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="proposes_claims",
            field=models.BooleanField(
                default=True,
                help_text="False for an evidence source: no claims are proposed from it.",
            ),
        ),
        migrations.RunPython(mark_sources, migrations.RunPython.noop),
        migrations.AddField(
            model_name="article",
            name="ingest_task_id",
            field=models.CharField(
                blank=True,
                help_text="The message that fetches it (a Celery task id).",
                max_length=64,
            ),
        ),
        migrations.AddField(
            model_name="providerjob",
            name="task_id",
            field=models.CharField(
                blank=True,
                help_text="The message that runs the job (a Celery task id).",
                max_length=64,
            ),
        ),
    ]
