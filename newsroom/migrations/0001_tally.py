from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    operations = [
        migrations.CreateModel(
            name="Tally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("figure", models.CharField(max_length=40)),
                (
                    "span",
                    models.CharField(choices=[("day", "Day"), ("month", "Month")], max_length=5),
                ),
                ("day", models.DateField(help_text="The day; for a month, its first day (UTC).")),
                ("key", models.CharField(blank=True, max_length=400)),
                ("n", models.BigIntegerField()),
            ],
            options={
                "indexes": [
                    models.Index(fields=["figure", "span", "day", "key", "n"], name="tally_sum_idx")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("figure", "span", "day", "key"), name="tally_one_row_per_key"
                    )
                ],
            },
        ),
    ]
