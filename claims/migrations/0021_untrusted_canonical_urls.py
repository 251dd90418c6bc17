"""Forget the canonical URLs stored from pages that named another site's URL: articles are
deduplicated by canonical URL, so such a page took over the other URL's identity (see
`trusted_canonical` in claims/ingestion/pages.py, which now refuses them at extraction)."""

from urllib.parse import urlsplit

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")


def forget_other_sites(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Article = apps.get_model("claims", "Article")
    declared = Article.objects.exclude(canonical_url="").values_list("id", "url", "canonical_url")
    foreign = [pk for pk, url, canonical in declared.iterator() if _host(url) != _host(canonical)]
    Article.objects.filter(id__in=foreign).update(canonical_url="")


class Migration(migrations.Migration):
    dependencies = [("claims", "0020_sources_unproposed_and_task_ids")]

    operations = [migrations.RunPython(forget_other_sites, migrations.RunPython.noop)]
