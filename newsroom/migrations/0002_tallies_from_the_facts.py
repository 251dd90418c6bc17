"""Count the analytics' tallies from the facts already stored (as `manage.py
analytics_rebuild` does), with the models as they stand at this migration."""

from typing import Any

from django.db import migrations


def tallies_from_the_facts(apps: Any, schema_editor: Any) -> None:
    from newsroom.rollup import tallies_rebuild

    tallies_rebuild(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0001_tally"),
        ("claims", "0023_article_source_corrections"),
        ("reviewers", "0013_review_state_assignee_idx"),
    ]

    operations = [migrations.RunPython(tallies_from_the_facts, migrations.RunPython.noop)]
