"""Evidence sources are marked as not to be proposed, so the sweep stops queueing
`propose_claims` for them. Sources stored before this migration are recognised as the
extracted, never-proposed articles cited as evidence that no editor submitted."""

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
        ("claims", "0016_claim_events"),
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
    ]
