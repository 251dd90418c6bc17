"""The primary subtag (de) of a published version's language tag, computed by the database
and indexed for the public filters. The tag itself stays as it was published."""

import django.db.models.expressions
import django.db.models.functions.text
import django.db.models.lookups
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviewers", "0011_review_stage_times"),
    ]

    operations = [
        migrations.AddField(
            model_name="publishedcheck",
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
            model_name="publishedcheck",
            name="language",
            field=models.CharField(
                blank=True, help_text="The article's language tag, as published.", max_length=16
            ),
        ),
    ]
