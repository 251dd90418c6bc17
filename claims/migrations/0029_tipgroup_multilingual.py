"""Tip groups keep their text's language and multilingual vector, so that a tip in another
language joins them. Groups formed before are given both when a new tip is next compared
with them (claims/tips/services.py, `_recent_groups`): no encoder is loaded here."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0028_match_entry_multilingual"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="tipgroup",
            name="language",
            field=models.CharField(
                blank=True,
                help_text="The primary subtag of the text's language, detected from it; empty if unknown, which matching takes for English.",
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="tipgroup",
            name="multilingual_model_name",
            field=models.CharField(
                blank=True,
                help_text="The encoder that made the multilingual vector; empty if there is none.",
                max_length=200,
            ),
        ),
        migrations.AddField(
            model_name="tipgroup",
            name="multilingual_vector",
            field=models.BinaryField(
                blank=True, help_text="float32, L2-normalised; null without a model.", null=True
            ),
        ),
        migrations.AddConstraint(
            model_name="tipgroup",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("multilingual_model_name", ""), ("multilingual_vector__isnull", True)
                    ),
                    models.Q(
                        models.Q(("multilingual_model_name", ""), _negated=True),
                        ("multilingual_vector__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="tipgroup_multilingual_vector_has_model",
            ),
        ),
    ]
