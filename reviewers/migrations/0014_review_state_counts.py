"""The desk's counts of reviews by state, kept in a table; back-filled from the reviews."""

from typing import Any

from django.db import migrations, models
from django.db.models import Count

# Review.State when this was written: every state has its row, counted or not.
STATES = [
    "new",
    "assigned",
    "drafting",
    "awaiting_approval",
    "approved",
    "published",
    "correction_pending",
    "retracted",
    "dismissed",
]


def count_reviews(apps: Any, schema_editor: Any) -> None:
    Review = apps.get_model("reviewers", "Review")
    ReviewStateCount = apps.get_model("reviewers", "ReviewStateCount")
    counts = dict.fromkeys(STATES, 0)
    rows = Review.objects.values_list("state").annotate(count=Count("id")).order_by()
    counts.update(dict(rows))
    ReviewStateCount.objects.bulk_create(
        ReviewStateCount(state=state, count=count) for state, count in counts.items()
    )


class Migration(migrations.Migration):
    dependencies = [("reviewers", "0013_review_state_assignee_idx")]

    operations = [
        migrations.CreateModel(
            name="ReviewStateCount",
            fields=[
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("new", "New"),
                            ("assigned", "Assigned"),
                            ("drafting", "Drafting"),
                            ("awaiting_approval", "Awaiting approval"),
                            ("approved", "Approved"),
                            ("published", "Published"),
                            ("correction_pending", "Correction awaiting approval"),
                            ("retracted", "Retracted"),
                            ("dismissed", "Dismissed"),
                        ],
                        max_length=24,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("count", models.BigIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("count__gte", 0)),
                        name="review_state_count_not_negative",
                    )
                ]
            },
        ),
        migrations.RunPython(count_reviews, migrations.RunPython.noop),
    ]
