"""Language tags in one form: every stored tag spelled as factcheck.languages spells it
(de-de → de-DE, en_us → en-US, iw → he; a value that names no language becomes empty), and
the primary subtag (de) kept beside it, computed by the database and indexed for filters."""

from typing import Any

import django.db.models.expressions
import django.db.models.functions.text
import django.db.models.lookups
from django.db import migrations, models

from factcheck.languages import normalise_language

MODELS = ["Article", "ExternalReview"]


def normalise_stored_tags(apps: Any, schema_editor: Any) -> None:
    """Rewrite each stored spelling once: one UPDATE per distinct spelling, not per row."""
    for name in MODELS:
        model = apps.get_model("claims", name)
        spellings = model.objects.order_by().values_list("language", flat=True).distinct()
        for spelling in list(spellings):
            canonical = normalise_language(spelling)
            if canonical != spelling:
                model.objects.filter(language=spelling).update(language=canonical)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0023_article_source_corrections"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="language_primary",
            field=models.GeneratedField(
                db_index=True,
                db_persist=True,
                expression=django.db.models.functions.text.Lower(
                    models.Case(
                        models.When(
                            django.db.models.lookups.GreaterThan(
                                django.db.models.functions.text.StrIndex(
                                    models.F("language"), models.Value("-")
                                ),
                                0,
                            ),
                            then=django.db.models.functions.text.Substr(
                                models.F("language"),
                                1,
                                django.db.models.expressions.CombinedExpression(
                                    django.db.models.functions.text.StrIndex(
                                        models.F("language"), models.Value("-")
                                    ),
                                    "-",
                                    models.Value(1),
                                ),
                            ),
                        ),
                        default=models.F("language"),
                    )
                ),
                help_text="The primary subtag of the language (de for de-AT): what filters read.",
                output_field=models.CharField(max_length=16),
                verbose_name="language",
            ),
        ),
        migrations.AddField(
            model_name="externalreview",
            name="language_primary",
            field=models.GeneratedField(
                db_index=True,
                db_persist=True,
                expression=django.db.models.functions.text.Lower(
                    models.Case(
                        models.When(
                            django.db.models.lookups.GreaterThan(
                                django.db.models.functions.text.StrIndex(
                                    models.F("language"), models.Value("-")
                                ),
                                0,
                            ),
                            then=django.db.models.functions.text.Substr(
                                models.F("language"),
                                1,
                                django.db.models.expressions.CombinedExpression(
                                    django.db.models.functions.text.StrIndex(
                                        models.F("language"), models.Value("-")
                                    ),
                                    "-",
                                    models.Value(1),
                                ),
                            ),
                        ),
                        default=models.F("language"),
                    )
                ),
                help_text="The primary subtag of the language (de for de-AT): what filters read.",
                output_field=models.CharField(max_length=16),
                verbose_name="language",
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="language",
            field=models.CharField(
                blank=True,
                help_text="A BCP 47 tag, as factcheck.languages spells it.",
                max_length=16,
            ),
        ),
        migrations.AlterField(
            model_name="externalreview",
            name="language",
            field=models.CharField(
                blank=True,
                help_text="A BCP 47 tag, as factcheck.languages spells it.",
                max_length=16,
            ),
        ),
        # Back: the tags stay in their canonical form, which reads as well as before.
        migrations.RunPython(normalise_stored_tags, migrations.RunPython.noop),
    ]
